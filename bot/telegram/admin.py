"""Admin commands: /reindex [full], /ingest and /stats (guarded by the command table: admins only, one
index job at a time, run by the leader replica)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

from telegram import Message, Update
from telegram.error import BadRequest

from bot.telegram.broadcast import deliver_pending
from bot.telegram.context import BotContext
from bot.telegram.html import esc
from index import IndexBusyError

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 1.0


async def edit_status(message, text: str) -> None:
    try:
        await message.edit_text(text)
    except BadRequest as exc:  # "message is not modified" and the like are harmless here
        log.debug("status edit skipped: %s", exc)


async def run_index_update(context: BotContext, status_message, *, rebuild: bool = False) -> str:
    """Update the index in a worker thread, editing the status message with progress."""
    svc = context.services
    loop = asyncio.get_running_loop()
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if status_message is not None and total and (now - last >= PROGRESS_EVERY_S or done == total):
            last = now
            text = f"Reindexing… {done}/{total} passages embedded ({100 * done // total}%)"
            asyncio.run_coroutine_threadsafe(edit_status(status_message, text), loop)

    report = await asyncio.to_thread(svc.app.update_index, rebuild=rebuild, progress=progress)
    if report.version is None:
        return "The index is already up to date (/reindex full rebuilds it from scratch)."
    return (
        f"Reindex done in {report.seconds:.1f}s: {report.added} added, {report.changed} changed, "
        f"{report.removed} removed; {report.passages} passages."
    )


async def on_reindex(update: Update, context: BotContext, message: Message) -> None:
    """Update the index in the background, or rebuild it all with /reindex full."""
    svc = context.services
    rebuild = reindex_request(context) == "reindex-full"
    status = await message.reply_text("Reindexing…")

    async def work() -> None:
        async with svc.index_lock:
            try:
                text = await run_index_update(context, status, rebuild=rebuild)
            except IndexBusyError:
                text = "Another process is building the index; try again when it ends."
            except Exception as exc:
                log.exception("reindex failed")
                text = f"Reindex failed: {type(exc).__name__}: {exc}. The previous index keeps serving."
            await edit_status(status, text)

    context.application.create_task(work(), update=update)


def reindex_request(context: BotContext) -> str:
    """Return the name of the work /reindex asks for ("reindex", or "reindex-full" with "full")."""
    return "reindex-full" if context.args and context.args[0] == "full" else "reindex"


async def ingest_and_deliver(context: BotContext, status_message=None) -> str:
    """One pass: fetch sources (queueing deliveries), update the index, then send what is queued."""
    svc = context.services
    async with svc.index_lock:
        reports = await asyncio.to_thread(svc.app.ingest)
        lines = [r.describe() for r in reports]
        if status_message is not None:
            await edit_status(status_message, "\n".join(lines) + "\nUpdating the index…")
        summary = await run_index_update(context, status_message)
    async with svc.delivering:  # one round at a time: the retry job's round would double the workers
        report = await deliver_pending(context.bot, svc.app)
    return "\n".join(
        [
            *lines,
            summary,
            f"Notifications: {report.sent} sent, {report.failed} failed, "
            f"{report.dropped} dropped, {report.retry_later} to retry.",
        ]
    )


async def on_ingest(update: Update, context: BotContext, message: Message) -> None:
    """Fetch the sources now, update the index and notify subscribers."""
    status = await message.reply_text("Fetching sources…")
    await edit_status(status, await ingest_and_deliver(context, status))


async def ask_leader(message: Message, context: BotContext, name: str) -> None:
    """Leave the work to the leader replica, which edits the status message as it goes."""
    svc = context.services
    status = await message.reply_text(
        f"Another replica leads ingestion and indexing; it will run this within "
        f"{svc.config.storage.leader_poll_s:g} s and report here."
    )
    await asyncio.to_thread(svc.state.request, name, status.chat_id, status.message_id)


async def on_stats(update: Update, context: BotContext, message: Message) -> None:
    """Show articles, passages, subscribers, the index and questions answered/declined."""
    svc = context.services
    counters = await asyncio.to_thread(svc.state.counters)
    articles = await asyncio.to_thread(svc.app.store.count)
    subscribers = await asyncio.to_thread(svc.state.subscriber_count)
    try:
        manifest = svc.app.engine.data.manifest
        created = dt.datetime.fromisoformat(manifest.created)
        age = dt.datetime.now(dt.UTC) - created
        index = f"{manifest.passages} passages, built {int(age.total_seconds() // 60)} min ago ({esc(manifest.model)})"
    except Exception as exc:
        index = f"unavailable ({esc(exc)})"
    text = (
        f"<b>newsbot stats</b>\nArticles: {articles}\nIndex: {index}\nSubscribers: {subscribers}\n"
        f"Questions answered: {counters.get('answered', 0)}\nQuestions declined: {counters.get('declined', 0)}\n"
        f"This replica: {'leader' if svc.app.leading else 'follower'} ({esc(svc.app.store.db.dialect)})"
    )
    await message.reply_html(text)
