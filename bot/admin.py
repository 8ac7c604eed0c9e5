"""Admin commands (/reindex, /ingest, /stats) and new-article notifications."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

from telegram import Bot, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.handlers import NOT_ALLOWED, Context, is_admin, services
from bot.html import esc, notification_html
from bot.topics import lead, matching
from corpus import Article
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
        if total and (now - last >= PROGRESS_EVERY_S or done == total):
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


async def on_ingest(update: Update, context: Context) -> None:
    """Fetch the configured sources now, update the index and notify subscribers (admins only)."""
    if not is_admin(update, context):
        await update.effective_message.reply_text(NOT_ALLOWED)  # type: ignore[union-attr]
        return
    svc = services(context)
    if svc.index_lock.locked():
        await update.effective_message.reply_text("An index update is already running.")  # type: ignore[union-attr]
        return
    status = await update.effective_message.reply_text("Fetching sources…")  # type: ignore[union-attr]
    async with svc.index_lock:
        before = set(await asyncio.to_thread(svc.app.store.hashes))
        reports = await asyncio.to_thread(svc.app.ingest)
        lines = [f"{r.source}: " + (f"FAILED ({r.error})" if r.error else f"{r.added} new, {r.changed} changed, {r.removed} removed")
                 for r in reports]  # fmt: skip
        await _status(status, "\n".join(lines) + "\nUpdating the index…")
        summary = await _run_index_update(context, status)
        articles = await asyncio.to_thread(svc.app.store.articles)
        new = [a for a in articles if a.id not in before]
    sent = await notify(context.bot, svc, new)
    await _status(
        status, "\n".join([*lines, summary, f"{len(new)} new article(s); {sent} notification(s) sent."])
    )


async def notify(bot: Bot, svc, articles: list[Article]) -> int:
    """Send each new article to the subscriptions it matches; return how many messages went out."""
    if not articles:
        return 0
    subs = await asyncio.to_thread(svc.state.subscriptions)
    sent = 0
    for article in articles:
        wanted = await asyncio.to_thread(matching, article, subs, svc.app.encoder,
                                         threshold=svc.config.telegram.topic_threshold)  # fmt: skip
        text = notification_html(article, lead(article))
        for chat_id in sorted({s.chat_id for s in wanted}):
            token = await asyncio.to_thread(svc.state.new_reply, chat_id, article.id, [])
            try:
                message = await bot.send_message(
                    chat_id, text, parse_mode="HTML", disable_web_page_preview=True
                )
            except ChatMigrated as exc:
                await asyncio.to_thread(svc.state.move_chat, chat_id, exc.new_chat_id)
                message = await bot.send_message(
                    exc.new_chat_id, text, parse_mode="HTML", disable_web_page_preview=True
                )
            except Forbidden:
                log.info("chat %s blocked the bot: unsubscribed", chat_id)
                await asyncio.to_thread(svc.state.unsubscribe, chat_id)
                continue
            except TelegramError as exc:
                log.warning("notification to %s failed: %s", chat_id, exc)
                continue
            await asyncio.to_thread(svc.state.sent, token, message.message_id)
            sent += 1
    return sent


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
            f"Questions answered: {counters.get('answered', 0)}\nQuestions declined: {counters.get('declined', 0)}")  # fmt: skip
    await update.effective_message.reply_html(text)  # type: ignore[union-attr]
