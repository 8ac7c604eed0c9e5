"""Send queued deliveries to Telegram: within flood limits, surviving 429/403/400 and migrations."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING, NamedTuple

from telegram import Bot, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.core.outbox import Delivery
from bot.core.topics import lead
from bot.telegram.html import esc, link, notification_html

if TYPE_CHECKING:
    from bot.core.services import Newsbot
    from corpus import Article

log = logging.getLogger(__name__)
WORKERS = 8  # concurrent sends; the AIORateLimiter keeps them within Telegram's limits


class BroadcastReport(NamedTuple):
    """What one delivery round did."""

    sent: int
    failed: int
    dropped: int
    retry_later: int


CAPTION_CHARS = 1024  # Telegram's limit on a photo's caption


async def _send_alert(
    bot: Bot, chat_id: int, article: Article, text: str, *, previews: bool, photo: bool = True
) -> Message:
    """Send an alert: with the article's lead image as a photo when it has one (a shorter caption), else
    as text; a photo Telegram cannot fetch falls back to the text (`photo=False`: text only)."""
    if article.image and photo:
        caption = notification_html(article, lead(article, sentences=1)[:500])
        if len(caption) <= CAPTION_CHARS:
            try:
                return await bot.send_photo(chat_id, article.image, caption=caption, parse_mode="HTML")
            except BadRequest as exc:  # the URL, its content or the image refused: the text still goes
                log.info("alert photo %s refused (%s): sending text", article.image, exc.message)
    return await bot.send_message(chat_id, text, parse_mode="HTML", disable_web_page_preview=not previews)


async def _send_one(bot: Bot, app: Newsbot, delivery: Delivery, articles: dict[str, Article | None]) -> str:
    if delivery.article_id not in articles:  # one read per article and round, not per subscriber
        articles[delivery.article_id] = await asyncio.to_thread(app.store.get, delivery.article_id)
    article = articles[delivery.article_id]
    if article is None:
        await asyncio.to_thread(app.outbox.mark, delivery.id, "failed", error="article no longer stored")
        return "failed"
    text = notification_html(article, lead(article))
    chat_id = delivery.chat_id
    for _ in range(3):  # a migration moves the chat, then the message is sent again
        try:
            chat = await asyncio.to_thread(app.settings.get, chat_id)
            message = await _send_alert(
                bot, chat_id, article, text, previews=chat.previews, photo=delivery.timeouts == 0
            )
        except ChatMigrated as exc:
            log.info("chat %s migrated to %s", chat_id, exc.new_chat_id)
            await asyncio.to_thread(app.state.move_chat, chat_id, exc.new_chat_id)
            await asyncio.to_thread(app.outbox.move_chat, chat_id, exc.new_chat_id)
            chat_id = exc.new_chat_id
            continue
        except Forbidden as exc:
            log.info("chat %s refuses messages (%s): unsubscribed", chat_id, exc.message)
            await asyncio.to_thread(app.state.unsubscribe, chat_id)
            await asyncio.to_thread(app.outbox.mark, delivery.id, "dropped", error=exc.message)
            return "dropped"
        except BadRequest as exc:  # before NetworkError: PTB's BadRequest subclasses it
            await asyncio.to_thread(app.outbox.mark, delivery.id, "failed", error=exc.message)
            return "failed"
        except TimedOut as exc:  # before NetworkError, its base: the send may have gone through
            wait = app.config.telegram.timeout_resend_after_s
            return await asyncio.to_thread(app.outbox.timed_out, delivery, str(exc), wait_s=wait)
        except (RetryAfter, NetworkError) as exc:
            return await asyncio.to_thread(app.outbox.retry_later, delivery, str(exc))
        except TelegramError as exc:
            await asyncio.to_thread(app.outbox.mark, delivery.id, "failed", error=str(exc))
            return "failed"
        await asyncio.to_thread(app.outbox.mark_sent, delivery, chat_id, message.message_id)
        return "sent"
    await asyncio.to_thread(app.outbox.mark, delivery.id, "failed", error="chat kept migrating")
    return "failed"


async def deliver_pending(bot: Bot, app: Newsbot, *, workers: int = WORKERS) -> BroadcastReport:
    """Send every pending delivery once, if this replica leads; rows that must wait (429, network) stay
    pending for the next round. Workers claim rows one at a time, so a kill strands at most one each."""
    outcomes: list[str] = []
    if not await asyncio.to_thread(app.lead):
        return BroadcastReport(0, 0, 0, 0)
    articles: dict[str, Article | None] = {}
    watermark = 0  # rows put back to pending in this round have ids below it: they wait for the next

    async def worker() -> None:
        nonlocal watermark
        while not app.stopping.is_set() and app.leading:  # on shutdown: finish the message in hand
            claimed = await asyncio.to_thread(app.outbox.claim, app.replica_id, after=watermark)
            if not claimed:
                return
            watermark = max(watermark, claimed[-1].id)
            for delivery in claimed:
                outcomes.append(await _send_one(bot, app, delivery, articles))

    await asyncio.gather(*(worker() for _ in range(workers)))
    return BroadcastReport(
        outcomes.count("sent"), outcomes.count("failed"), outcomes.count("dropped"), outcomes.count("retry")
    )


async def send_digests(bot: Bot, app: Newsbot, now: dt.datetime | None = None) -> int:
    """Send each digest chat whose local digest hour is now one message listing its waiting articles
    (every digest chat when now is None); return messages sent."""
    sent = 0
    waiting = await asyncio.to_thread(app.outbox.digests)
    due = set(waiting)
    if now is not None:
        default = app.config.telegram.digest_hour
        due = set(await asyncio.to_thread(app.settings.due, sorted(waiting), now, default))
    for chat_id, rows in waiting.items():
        if chat_id not in due:
            continue
        lines = ["🗞 <b>Your daily news digest</b>"]
        for row in rows:
            article = await asyncio.to_thread(app.store.get, row.article_id)
            if article is not None:
                date = f" — {article.published.isoformat()}" if article.published else ""
                lines.append(f"• {link(article.title, article.url)}{esc(date)}")
        try:
            await bot.send_message(
                chat_id, "\n".join(lines), parse_mode="HTML", disable_web_page_preview=True
            )
        except Forbidden:
            await asyncio.to_thread(app.state.unsubscribe, chat_id)
            for row in rows:
                await asyncio.to_thread(app.outbox.mark, row.id, "dropped", error="blocked")
            continue
        except TelegramError as exc:
            log.warning("digest to %s failed: %s", chat_id, exc)
            continue
        for row in rows:
            await asyncio.to_thread(app.outbox.mark, row.id, "sent")
        sent += 1
    return sent
