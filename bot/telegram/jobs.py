"""Background jobs (JobQueue): leadership and queued requests, index refresh, scheduled ingestion,
delivery retries and daily digests."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from bot.telegram.admin import edit_status, ingest_and_deliver, run_index_update
from bot.telegram.broadcast import deliver_pending, send_digests
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


class RemoteStatus:
    """A status message sent by another replica, edited by id."""

    def __init__(self, context: BotContext, chat_id: int, message_id: int) -> None:
        self.bot, self.chat_id, self.message_id = context.bot, chat_id, message_id

    async def edit_text(self, text: str) -> None:
        await self.bot.edit_message_text(text, chat_id=self.chat_id, message_id=self.message_id)


async def lead_job(context: BotContext) -> None:
    """Take leadership when it is free; as the leader, run the work other replicas were asked for."""
    svc = context.services
    was_leading = svc.app.leading
    if not await asyncio.to_thread(svc.app.lead):
        return
    if not was_leading:  # taking over: finish what the previous leader left
        context.application.create_task(deliver_job(context))
    await asyncio.to_thread(svc.limiter.prune)
    for request in await asyncio.to_thread(svc.state.take_requests):
        status = (
            RemoteStatus(context, request.chat_id, request.message_id)
            if request.chat_id is not None and request.message_id is not None
            else None
        )
        try:
            if request.name == "ingest":
                text = await ingest_and_deliver(context, status)
            else:
                async with svc.index_lock:
                    text = await run_index_update(context, status, rebuild=request.name == "reindex-full")
        except Exception as exc:
            log.exception("%s failed", request.name)
            text = f"{request.name} failed: {type(exc).__name__}: {exc}. The previous index keeps serving."
        if status is not None:
            await edit_status(status, text)


async def index_job(context: BotContext) -> None:
    """Serve the newest index version the leader has built (shared index directory)."""
    svc = context.services
    try:
        if await asyncio.to_thread(svc.app.refresh_index):
            log.info("now serving the index version the leader built")
    except Exception as exc:  # a version pruned while loading, a disk hiccup: the old one keeps serving
        log.warning("could not load the new index version (%s); still serving the previous one", exc)


async def ingest_job(context: BotContext) -> None:
    """Poll the sources on the configured interval (JobQueue)."""
    svc = context.services
    if svc.index_lock.locked() or not await asyncio.to_thread(svc.app.lead):
        return
    log.info("scheduled ingest: %s", (await ingest_and_deliver(context)).replace("\n", "; "))


async def deliver_job(context: BotContext) -> None:
    """Retry deliveries left pending (after 429s, network errors or a restart)."""
    svc = context.services
    if svc.delivering.locked():
        return
    async with svc.delivering:
        report = await deliver_pending(context.bot, svc.app)
    if any(report):
        log.info("deliveries: %s", report)


async def digest_job(context: BotContext) -> None:
    """Send the daily digests of the chats whose local digest hour it is (hourly; the leader does)."""
    app = context.services.app
    if not await asyncio.to_thread(app.lead):
        return
    sent = await send_digests(context.bot, app, dt.datetime.now(dt.UTC))
    log.info("sent %d digest(s)", sent)
