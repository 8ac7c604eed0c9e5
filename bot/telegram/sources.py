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
    """List the sources with their last success and failures."""
    svc = context.services
    health = {h.name: h for h in await asyncio.to_thread(svc.app.sources.all)}
    lines = ["<b>Sources</b>"]
    configured = {s.name for s in svc.config.sources}
    for source in await asyncio.to_thread(svc.app.all_sources):
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
        origin = "" if source.name in configured else ", added"
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
    try:
        source = await asyncio.to_thread(add_url, svc.app, url)
    except CorpusError as exc:
        await message.reply_text(f"Not added: {exc}")
        return
    what = esc(source.type)
    if source.type == "listing":
        what = f"a listing page: its links matching {esc(source.options.link_pattern)} are its articles"
    await send_html(
        message,
        f"Added <b>{esc(source.name)}</b> ({what}, {esc(source.url)}). "
        "It is read with the next ingest (/ingest to read it now).",
    )


async def on_removesource(update: Update, context: BotContext, message: Message) -> None:
    """Remove a source added here: /removesource NAME (its articles stay)."""
    svc = context.services
    name = (context.args or [""])[0]
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
