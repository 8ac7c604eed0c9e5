"""Admin commands (/reindex, /ingest, /stats) and new-article notifications."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

from telegram import Update
from telegram.error import BadRequest

from bot.broadcast import deliver_pending, send_digests
from bot.handlers import NOT_ALLOWED, Context, is_admin, services
from bot.html import esc
from index import IndexBusyError

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 1.0


async def _status(message, text: str) -> None:
    try:
        await message.edit_text(text)
    except BadRequest as exc:  # "message is not modified" and the like are harmless here
        log.debug("status edit skipped: %s", exc)


async def _run_index_update(context: Context, status_message, *, rebuild: bool = False) -> str:
    """Update the index in a worker thread, editing the status message with progress."""
    svc = services(context)
    loop = asyncio.get_running_loop()
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if status_message is not None and total and (now - last >= PROGRESS_EVERY_S or done == total):
            last = now
            text = f"Reindexing… {done}/{total} passages embedded ({100 * done // total}%)"
            asyncio.run_coroutine_threadsafe(_status(status_message, text), loop)

    report = await asyncio.to_thread(svc.app.update_index, rebuild=rebuild, progress=progress)
    if report.version is None:
        return "The index is already up to date."
    return (f"Reindex done in {report.seconds:.1f}s: {report.added} added, {report.changed} changed, "
            f"{report.removed} removed; {report.passages} passages.")  # fmt: skip


async def on_reindex(update: Update, context: Context) -> None:
    """Rebuild the index in the background (admins only; one run at a time)."""
    if not is_admin(update, context):
        await update.effective_message.reply_text(NOT_ALLOWED)  # type: ignore[union-attr]
        return
    svc = services(context)
    if svc.index_lock.locked():
        await update.effective_message.reply_text(
            "A reindex is already running; I'll keep answering meanwhile."
        )  # type: ignore[union-attr]
        return
    rebuild = bool(context.args and context.args[0] == "full")
    if not await asyncio.to_thread(svc.app.lead):
        await _ask_leader(update, context, "reindex-full" if rebuild else "reindex")
        return
    status = await update.effective_message.reply_text("Reindexing…")  # type: ignore[union-attr]

    async def work() -> None:
        async with svc.index_lock:
            try:
                text = await _run_index_update(context, status, rebuild=rebuild)
            except IndexBusyError:
                text = "Another process is building the index; try again when it ends."
            except Exception as exc:
                log.exception("reindex failed")
                text = f"Reindex failed: {type(exc).__name__}: {exc}. The previous index keeps serving."
            await _status(status, text)

    context.application.create_task(work(), update=update)


async def ingest_and_deliver(context: Context, status_message=None) -> str:
    """One pass: fetch sources (queueing deliveries), update the index, then send what is queued."""
    svc = services(context)
    async with svc.index_lock:
        reports = await asyncio.to_thread(svc.app.ingest)
        lines = [
            f"{r.source}: "
            + ("backing off" if r.backing_off_until else f"FAILED ({r.error})" if r.error
               else "not modified" if r.not_modified
               else f"{r.added} new, {r.changed} changed, {r.removed} removed, {r.duplicates} duplicates")
            for r in reports
        ]  # fmt: skip
        if status_message is not None:
            await _status(status_message, "\n".join(lines) + "\nUpdating the index…")
        summary = await _run_index_update(context, status_message)
    report = await deliver_pending(context.bot, svc.app)
    return "\n".join([*lines, summary, f"Notifications: {report.sent} sent, {report.failed} failed, "
                                       f"{report.dropped} dropped, {report.retry_later} to retry."])  # fmt: skip


async def on_ingest(update: Update, context: Context) -> None:
    """Fetch the configured sources now, update the index and notify subscribers (admins only)."""
    if not is_admin(update, context):
        await update.effective_message.reply_text(NOT_ALLOWED)  # type: ignore[union-attr]
        return
    svc = services(context)
    if svc.index_lock.locked():
        await update.effective_message.reply_text("An index update is already running.")  # type: ignore[union-attr]
        return
    if not await asyncio.to_thread(svc.app.lead):
        await _ask_leader(update, context, "ingest")
        return
    status = await update.effective_message.reply_text("Fetching sources…")  # type: ignore[union-attr]
    await _status(status, await ingest_and_deliver(context, status))


async def _ask_leader(update: Update, context: Context, name: str) -> None:
    """Leave the work to the leader replica, which edits the status message as it goes."""
    svc = services(context)
    status = await update.effective_message.reply_text(  # type: ignore[union-attr]
        f"Another replica leads ingestion and indexing; it will run this within "
        f"{svc.config.storage.leader_poll_s:g} s and report here."
    )
    await asyncio.to_thread(svc.state.request, name, status.chat_id, status.message_id)


class _RemoteStatus:
    """A status message sent by another replica, edited by id."""

    def __init__(self, context: Context, chat_id: int, message_id: int) -> None:
        self.bot, self.chat_id, self.message_id = context.bot, chat_id, message_id

    async def edit_text(self, text: str) -> None:
        await self.bot.edit_message_text(text, chat_id=self.chat_id, message_id=self.message_id)


async def lead_job(context: Context) -> None:
    """Take leadership when it is free; as the leader, run the work other replicas were asked for."""
    svc = services(context)
    was_leading = svc.app.leading
    if not await asyncio.to_thread(svc.app.lead):
        return
    if not was_leading:  # taking over: finish what the previous leader left
        context.application.create_task(deliver_job(context))
    await asyncio.to_thread(svc.limiter.prune)
    for request in await asyncio.to_thread(svc.state.take_requests):
        status = (
            _RemoteStatus(context, request.chat_id, request.message_id)
            if request.chat_id is not None and request.message_id is not None
            else None
        )
        try:
            if request.name == "ingest":
                text = await ingest_and_deliver(context, status)
            else:
                async with svc.index_lock:
                    text = await _run_index_update(context, status, rebuild=request.name == "reindex-full")
        except Exception as exc:
            log.exception("%s failed", request.name)
            text = f"{request.name} failed: {type(exc).__name__}: {exc}. The previous index keeps serving."
        if status is not None:
            await _status(status, text)


async def index_job(context: Context) -> None:
    """Serve the newest index version the leader has built (shared index directory)."""
    svc = services(context)
    try:
        if await asyncio.to_thread(svc.app.refresh_index):
            log.info("now serving the index version the leader built")
    except Exception as exc:  # a version pruned while loading, a disk hiccup: the old one keeps serving
        log.warning("could not load the new index version (%s); still serving the previous one", exc)


async def ingest_job(context: Context) -> None:
    """Poll the sources on the configured interval (JobQueue)."""
    svc = services(context)
    if svc.index_lock.locked() or not await asyncio.to_thread(svc.app.lead):
        return
    log.info("scheduled ingest: %s", (await ingest_and_deliver(context)).replace("\n", "; "))


async def deliver_job(context: Context) -> None:
    """Retry deliveries left pending (after 429s, network errors or a restart)."""
    svc = services(context)
    if svc.delivering.locked():
        return
    async with svc.delivering:
        report = await deliver_pending(context.bot, svc.app)
    if any(report):
        log.info("deliveries: %s", report)


async def digest_job(context: Context) -> None:
    """Send the daily digests (the leader does)."""
    app = services(context).app
    if not await asyncio.to_thread(app.lead):
        return
    sent = await send_digests(context.bot, app)
    log.info("sent %d digest(s)", sent)


async def on_stats(update: Update, context: Context) -> None:
    """Show articles, passages, subscribers, index age and questions answered/declined (admins only)."""
    if not is_admin(update, context):
        await update.effective_message.reply_text(NOT_ALLOWED)  # type: ignore[union-attr]
        return
    svc = services(context)
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
    text = (f"<b>newsbot stats</b>\nArticles: {articles}\nIndex: {index}\nSubscribers: {subscribers}\n"
            f"Questions answered: {counters.get('answered', 0)}\nQuestions declined: {counters.get('declined', 0)}\n"
            f"This replica: {'leader' if svc.app.leading else 'follower'} ({esc(svc.app.store.db.dialect)})")  # fmt: skip
    await update.effective_message.reply_html(text)  # type: ignore[union-attr]
