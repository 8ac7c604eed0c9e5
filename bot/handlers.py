"""Telegram handlers: questions, follow-ups, headlines, subscriptions and admin commands."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.html import answer_html, declined_html, esc, headlines_html, more_sources_html, split_html
from bot.state import MAX_TOPIC_CHARS
from index import IndexUnavailableError, QuestionError, is_follow_up

if TYPE_CHECKING:
    from bot.telegram_app import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
TYPING_AFTER_S = 0.3
FOLLOW_UP_S = 600  # a follow-up without a reply refers to the chat's last answer for this long
NOT_ALLOWED = "Sorry, that command is for the bot's admins only."


def services(context: Context) -> Services:
    """Return the services created in post_init."""
    return context.application.bot_data["services"]


async def send_html(message: Message, markup: str, *, buttons: InlineKeyboardMarkup | None = None) -> Message:
    """Reply with HTML split into Telegram-sized messages; buttons go on the last one."""
    chunks = split_html(markup)
    sent = message
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        sent = await message.reply_html(chunk, reply_markup=buttons if last else None, do_quote=i == 0,
                                        disable_web_page_preview=True)  # fmt: skip
    return sent


def _addressed_in_group(message: Message, username: str, bot_id: int) -> str | None:
    """Return the question if a group message is meant for the bot (mention or reply), else None."""
    text = message.text or ""
    mention = f"@{username}".lower()
    if mention in text.lower():
        start = text.lower().index(mention)
        return (text[:start] + text[start + len(mention) :]).strip()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return text.strip()
    return None


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Answer one question in the chat it came from (about a replied-to article first)."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    verdict = await asyncio.to_thread(svc.limiter.check, user.id)
    if not verdict.allowed:
        if verdict.warn:  # one reply per window, however long the flood
            await message.reply_text(
                f"You're asking faster than I can read 🙂 Please wait {verdict.retry_in} s."
            )
        return
    article_id = None
    if message.reply_to_message is not None:
        article_id = await asyncio.to_thread(
            svc.state.article_of, message.chat_id, message.reply_to_message.message_id
        )
    elif is_follow_up(question):  # "and when was that?": the chat's last answer is the context
        article_id = await asyncio.to_thread(svc.state.last_article, message.chat_id, within_s=FOLLOW_UP_S)
    started = time.perf_counter()
    work = asyncio.ensure_future(asyncio.to_thread(svc.app.engine.ask, question, article_id=article_id))
    done, _ = await asyncio.wait({work}, timeout=TYPING_AFTER_S)
    if not done:  # only a slow answer is worth a "typing…" (one request less for most questions)
        await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    try:
        answer = await work
    except QuestionError as exc:
        await message.reply_text(f"{exc}.")
        return
    except IndexUnavailableError:
        log.exception("index unavailable")
        await message.reply_text("My news index is not ready right now; please try again in a minute.")
        return
    log.info("answered in %.0f ms (answered=%s)", (time.perf_counter() - started) * 1000, answer.answered)
    if not answer.answered:
        await asyncio.to_thread(svc.state.count, "declined")
        latest = await asyncio.to_thread(svc.app.store.latest, svc.config.telegram.latest_count)
        await send_html(message, declined_html(latest))
        return
    await asyncio.to_thread(svc.state.count, "answered")
    more = list(answer.sources[1:]) if answer.kind not in ("headlines", "summary") else []
    token = await asyncio.to_thread(svc.state.new_reply, message.chat_id, answer.article_id, more)
    buttons = (
        InlineKeyboardMarkup([[InlineKeyboardButton("More sources", callback_data=f"more:{token}")]])
        if more
        else None
    )
    sent = await send_html(message, answer_html(answer), buttons=buttons)
    await asyncio.to_thread(svc.state.sent, token, sent.message_id)


async def on_text(update: Update, context: Context) -> None:
    """Treat a private text message as a question."""
    message = update.effective_message
    if message and message.text:
        await answer_question(update, context, message.text)


async def on_group_text(update: Update, context: Context) -> None:
    """Answer a group message only when it mentions or replies to the bot."""
    message = update.effective_message
    if message is None or not message.text:
        return
    question = _addressed_in_group(message, context.bot.username, context.bot.id)
    if question:
        await answer_question(update, context, question)


async def on_ask(update: Update, context: Context) -> None:
    """Answer /ask QUESTION (the way to ask in groups)."""
    question = " ".join(context.args or [])
    if not question:
        await update.effective_message.reply_text("Ask me like this: /ask when did SELEC visit CARICC")  # type: ignore[union-attr]
        return
    await answer_question(update, context, question)


async def on_start(update: Update, context: Context) -> None:
    """Say what the bot does, with example questions as buttons."""
    svc = services(context)
    examples = svc.config.telegram.examples
    rows = [[InlineKeyboardButton(q, callback_data=f"ex:{i}")] for i, q in enumerate(examples)]
    count = await asyncio.to_thread(svc.app.store.count)
    text = (f"Hi! I answer questions about the news I have read ({count} articles), with the sentence "
            "that supports each answer and a link to its source.\n\nJust send me a question, or try one of these. "
            "/help lists everything I can do.")  # fmt: skip
    await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)  # type: ignore[union-attr]


async def on_help(update: Update, context: Context) -> None:
    """List the commands."""
    text = ("Send me any question about the news (in groups: mention me, reply to me, or use /ask).\n"
            "Reply to one of my answers or news alerts to ask about that article.\n\n"
            "/latest [n] — the newest articles\n/subscribe [topic] — get new articles (all, or about a topic)\n"
            "/unsubscribe [topic] — stop them\n/subscriptions — what you get\n"
            "/digest on|off — one daily message instead of one per article\n\n"
            "Admins: /reindex, /ingest, /stats")  # fmt: skip
    await update.effective_message.reply_text(text)  # type: ignore[union-attr]


async def on_latest(update: Update, context: Context) -> None:
    """List the newest articles: /latest [n]."""
    svc = services(context)
    try:
        n = int(context.args[0]) if context.args else svc.config.telegram.latest_count
    except ValueError:
        n = svc.config.telegram.latest_count
    articles = await asyncio.to_thread(svc.app.store.latest, max(1, min(n, 20)))
    if not articles:
        await update.effective_message.reply_text("I have no articles yet.")  # type: ignore[union-attr]
        return
    await send_html(update.effective_message, headlines_html(articles, "The latest articles:"))  # type: ignore[arg-type]


async def on_callback(update: Update, context: Context) -> None:
    """Handle the example-question and More-sources buttons; forged data is refused."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    svc = services(context)
    kind, _, value = (query.data or "").partition(":")
    if kind == "ex" and value.isdigit() and int(value) < len(svc.config.telegram.examples):
        await query.answer()
        await answer_question(update, context, svc.config.telegram.examples[int(value)])
        return
    if kind == "more":
        more = await asyncio.to_thread(svc.state.more_sources, value, query.message.chat.id)
        if more:
            await query.answer()
            await send_html(query.message, more_sources_html(more))  # type: ignore[arg-type]
            return
    await query.answer("That button has expired.", show_alert=False)


async def on_other(update: Update, context: Context) -> None:
    """Explain that only text questions are read (stickers, photos, voice...)."""
    await update.effective_message.reply_text(
        "I can only read text. Please type your question about the news."
    )  # type: ignore[union-attr]


def _topic(context: Context) -> str:
    return " ".join(context.args or []).strip().lower()[:MAX_TOPIC_CHARS]


async def on_subscribe(update: Update, context: Context) -> None:
    """Subscribe this chat to all new articles, or to a topic: /subscribe [topic]."""
    svc, chat_id, topic = services(context), update.effective_chat.id, _topic(context)  # type: ignore[union-attr]
    added = await asyncio.to_thread(svc.state.subscribe, chat_id, topic)
    what = f"new articles about <b>{esc(topic)}</b>" if topic else "every new article"
    text = f"Subscribed: you'll get {what}." if added else f"You already get {what}."
    await update.effective_message.reply_html(text)  # type: ignore[union-attr]


async def on_unsubscribe(update: Update, context: Context) -> None:
    """Stop new-article messages: /unsubscribe [topic] (no topic: all of them)."""
    svc, chat_id, topic = services(context), update.effective_chat.id, _topic(context)  # type: ignore[union-attr]
    removed = await asyncio.to_thread(svc.state.unsubscribe, chat_id, topic or None)
    text = (
        f"Unsubscribed ({removed} subscription{'s' if removed != 1 else ''} removed)."
        if removed
        else "You had no such subscription."
    )
    await update.effective_message.reply_text(text)  # type: ignore[union-attr]


async def on_subscriptions(update: Update, context: Context) -> None:
    """List this chat's subscriptions."""
    svc = services(context)
    subs = await asyncio.to_thread(svc.state.subscriptions, update.effective_chat.id)  # type: ignore[union-attr]
    if not subs:
        await update.effective_message.reply_text("No subscriptions. /subscribe to get new articles.")  # type: ignore[union-attr]
        return
    lines = ["You get:"] + [f"• {esc(s.topic) if s.topic else 'all new articles'}" for s in subs]
    await update.effective_message.reply_html("\n".join(lines))  # type: ignore[union-attr]


async def on_digest(update: Update, context: Context) -> None:
    """Switch between one message per new article and a daily digest: /digest on|off."""
    svc = services(context)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    choice = (context.args or [""])[0].lower()
    if choice not in ("on", "off"):
        on = await asyncio.to_thread(svc.app.outbox.digest_on, chat_id)
        await update.effective_message.reply_text(
            f"Daily digest is {'on' if on else 'off'}. Use /digest on or /digest off."
        )  # type: ignore[union-attr]
        return
    await asyncio.to_thread(svc.app.outbox.set_digest, chat_id, choice == "on")
    text = ("You'll get one message a day listing new articles." if choice == "on"
            else "You'll get a message for each new article.")  # fmt: skip
    await update.effective_message.reply_text(text)  # type: ignore[union-attr]


def is_admin(update: Update, context: Context) -> bool:
    """Return True when the sender is listed in telegram.admins."""
    user = update.effective_user
    return user is not None and user.id in services(context).config.telegram.admins
