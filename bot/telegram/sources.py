"""/sources: the configured news sources, each with its kind, where it reads from and its health."""

from __future__ import annotations

import asyncio

from telegram import Message, Update

from bot.telegram.context import BotContext, send_html
from bot.telegram.html import esc


async def on_sources(update: Update, context: BotContext, message: Message) -> None:
    """List the sources with their last success and failures."""
    svc = context.services
    health = {h.name: h for h in await asyncio.to_thread(svc.app.sources.all)}
    lines = ["<b>Sources</b>"]
    for source in svc.config.sources:
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
        lines.append(f"• <b>{esc(source.name)}</b> ({esc(source.type)}, {where}): {status}")
    if len(lines) == 1:
        lines.append("none configured (config.yaml: sources)")
    await send_html(message, "\n".join(lines))
