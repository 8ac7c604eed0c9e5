"""/sources, /addsource URL, /removesource NAME: the news sources (config.yaml's and those added here)."""

from __future__ import annotations

import asyncio

from telegram import Message, Update

from bot.sources import add_url
from bot.telegram.context import BotContext, send_html
from bot.telegram.html import esc
from corpus import CorpusError


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
    if not url.startswith(("http://", "https://")):
        await message.reply_text("Give the address of a feed or of a site: /addsource https://example.org")
        return
    try:
        source = await asyncio.to_thread(add_url, svc.app, url)
    except CorpusError as exc:
        await message.reply_text(f"Not added: {exc}")
        return
    await send_html(
        message,
        f"Added <b>{esc(source.name)}</b> ({esc(source.type)}, {esc(source.url)}). "
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
