"""/sources, /addsource URL, /removesource NAME: the news sources (config.yaml's and those added here);
an .opml document sent by an admin is imported, /export sends the sources as one."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Message, Update

from bot.errors import UsageError
from bot.sources import add_url, export_opml, import_opml_text
from bot.telegram.context import NOT_ALLOWED, BotContext, is_admin, send_html
from bot.telegram.html import esc
from corpus import CorpusError

MAX_OPML_BYTES = 5_000_000  # 10,000 outlines are about 2 MB


async def on_sources(update: Update, context: BotContext, message: Message) -> None:
    """List the sources with their last success and failures (a user: their own feeds)."""
    svc = context.services
    health = {h.name: h for h in await asyncio.to_thread(svc.app.sources.all)}
    admin = is_admin(update, context)
    lines = ["<b>Sources</b>" if admin else "<b>Your feeds</b>"]
    configured = {s.name for s in svc.config.sources}
    listed = await asyncio.to_thread(svc.app.all_sources)
    if not admin:
        user = update.effective_user.id if update.effective_user else None
        listed = [s for s in listed if s.owner is not None and s.owner == user]
        if not listed:
            await message.reply_text(
                "You follow no feed of your own. /addsource URL adds one (its news reaches you only)."
            )
            return
    for source in listed:
        where = esc(source.url or source.path)
        state = health.get(source.name)
        if state is None:
            status = "not fetched yet"
        elif state.failures:
            status = f"⚠️ {state.failures} failure(s) in a row: {esc(state.last_error or '')}"
            if state.next_attempt:
                status += f" (next try {esc(state.next_attempt)})"
        else:
            status = f"ok, last success {esc(state.last_success or 'never')}"
        origin = (
            ""
            if source.name in configured
            else ", yours"
            if source.owner is not None and not admin
            else ", added"
        )
        if admin and source.owner is not None:
            origin = f", a feed of user {source.owner}"
        lines.append(f"• <b>{esc(source.name)}</b> ({esc(source.type)}, {where}{origin}): {status}")
    if len(lines) == 1:
        lines.append("none configured (config.yaml: sources)")
    await send_html(message, "\n".join(lines))


async def on_addsource(update: Update, context: BotContext, message: Message) -> None:
    """Add a feed: /addsource URL (a feed, or a page that names its feed)."""
    svc = context.services
    url = (context.args or [""])[0]
    if url and "://" not in url and "." in url.split("/")[0]:
        url = f"https://{url}"  # "example.org/rss": a web address typed without its scheme
    if not url.startswith(("http://", "https://")):
        await message.reply_text("Give the address of a feed or of a site: /addsource https://example.org")
        return
    owner = None
    if not is_admin(update, context):  # telegram.users_add_feeds: a feed of the user's own
        if message.chat.type != "private" or update.effective_user is None:
            await message.reply_text("Add a feed of your own in a private chat with me.")
            return
        owner = update.effective_user.id
        cap = svc.config.telegram.user_feeds_max
        mine = [s for s in await asyncio.to_thread(svc.app.all_sources) if s.owner == owner]
        if len(mine) >= cap:
            await message.reply_text(
                f"You follow {len(mine)} feeds of your own, the most allowed ({cap}): "
                "/removesource NAME one of them first (/sources lists them)."
            )
            return
    try:
        source = await asyncio.to_thread(add_url, svc.app, url, owner=owner)
    except CorpusError as exc:
        await message.reply_text(f"Not added: {exc}")
        return
    what = esc(source.type)
    if source.type == "listing":
        what = f"a listing page: its links matching {esc(source.options.link_pattern)} are its articles"
    when = (
        "Its news reaches you only, from the next ingest on (what it holds today is not sent)."
        if owner is not None
        else "It is read with the next ingest (/ingest to read it now)."
    )
    await send_html(message, f"Added <b>{esc(source.name)}</b> ({what}, {esc(source.url)}). {when}")


async def on_removesource(update: Update, context: BotContext, message: Message) -> None:
    """Remove a source added here: /removesource NAME (its articles stay)."""
    svc = context.services
    name = (context.args or [""])[0]
    if name and not is_admin(update, context):  # a user removes feeds of their own only
        user = update.effective_user.id if update.effective_user else None
        mine = {
            s.name
            for s in await asyncio.to_thread(svc.app.all_sources)
            if s.owner is not None and s.owner == user
        }
        if name not in mine:
            await message.reply_text("No feed of yours by that name. /sources lists them.")
            return
    removed = await asyncio.to_thread(svc.app.added_sources.remove, name) if name else False
    if removed:
        await message.reply_text(f"Removed {name}; its articles stay.")
    elif name in {s.name for s in svc.config.sources}:
        await message.reply_text(f"{name} is in config.yaml: edit it there.")
    else:
        await message.reply_text("No such added source. /sources lists them.")


async def on_import(update: Update, context: BotContext, message: Message) -> None:
    """Say how to import feeds: send the .opml file itself."""
    await message.reply_text(
        "Send me the .opml file itself (as a file, here): I add every feed in it that is not a source yet."
    )


async def on_export(update: Update, context: BotContext, message: Message) -> None:
    """Send the feed sources as an OPML file (what feed readers import)."""
    text = await asyncio.to_thread(export_opml, context.services.app)
    await message.reply_document(
        InputFile(text.encode(), filename="newsbot-sources.opml"), caption="The feed sources, as OPML."
    )


async def on_opml(update: Update, context: BotContext, message: Message) -> None:
    """Import an .opml document an admin sends (the same checks as `newsbot sources import`)."""
    if not is_admin(update, context):
        await message.reply_text(NOT_ALLOWED)
        return
    document = message.document
    if document is None:
        return
    if (document.file_size or 0) > MAX_OPML_BYTES:
        await message.reply_text(
            f"That file is over {MAX_OPML_BYTES // 1_000_000} MB; an OPML list is smaller."
        )
        return
    data = await (await document.get_file()).download_as_bytearray()
    try:
        text = bytes(data).decode("utf-8")
        added, skipped = await asyncio.to_thread(
            import_opml_text, context.services.app, text, name=document.file_name or "the file"
        )
    except UnicodeDecodeError:
        await message.reply_text("Not imported: the file is not UTF-8 text.")
        return
    except (UsageError, CorpusError) as exc:
        await message.reply_text(f"Not imported: {exc}")
        return
    lines = [f"Imported {len(added)} feed(s), skipped {len(skipped)}."]
    if added:
        lines.append("Added: " + ", ".join(added[:20]) + (" …" if len(added) > 20 else ""))
    lines += [f"• skipped {reason}" for reason in skipped[:10]]
    if added:
        lines.append("They are read with the next ingest (/ingest to read them now).")
    await message.reply_text("\n".join(lines))
