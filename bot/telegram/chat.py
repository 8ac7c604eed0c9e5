"""The everyday commands: /start, /latest, /subscribe, /unsubscribe, /subscriptions, /digest, and what
the bot says to stickers and photos."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.core.state import MAX_TOPIC_CHARS, MAX_TOPICS_PER_CHAT
from bot.core.topics import parse_topic
from bot.telegram import channels
from bot.telegram.context import (
    GROUP_ADMINS_ONLY,
    NOT_ALLOWED,
    BotContext,
    is_admin,
    may_change_chat,
    send_html,
)
from bot.telegram.html import esc, headlines_html


async def on_start(update: Update, context: BotContext, message: Message) -> None:
    """Say what the bot does, with example questions as buttons."""
    svc = context.services
    examples = await asyncio.to_thread(svc.app.examples)
    rows = [[InlineKeyboardButton(q, callback_data=f"ex:{i}")] for i, q in enumerate(examples)]
    count = await asyncio.to_thread(svc.app.store.count)
    text = (
        f"Hi! I answer questions about the news I have read ({count} articles), with the sentence "
        "that supports each answer and a link to its source.\n\nJust send me a question, or try one of these. "
        "/help lists everything I can do."
    )
    await message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def on_latest(update: Update, context: BotContext, message: Message) -> None:
    """List the newest articles: /latest [n]."""
    svc = context.services
    try:
        n = int(context.args[0]) if context.args else svc.config.telegram.latest_count
    except ValueError:
        n = svc.config.telegram.latest_count
    articles, outlets = await asyncio.to_thread(
        svc.app.latest_stories, max(1, min(n, 20)), chat_id=message.chat_id
    )
    if not articles:
        await message.reply_text("I have no articles yet.")
        return
    await send_html(message, headlines_html(articles, "The latest stories:", outlets))


async def on_other(update: Update, context: BotContext, message: Message) -> None:
    """Explain that only text questions are read (stickers, photos, voice...)."""
    await message.reply_text("I can only read text. Please type your question about the news.")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # NUL and other control characters (PostgreSQL refuses NUL)


def _topic(args: list[str]) -> str:
    return " ".join(_CONTROL.sub(" ", " ".join(args)).split()).lower()[:MAX_TOPIC_CHARS]


async def on_subscribe(update: Update, context: BotContext, message: Message) -> None:
    """Subscribe this chat (or a channel: @name) to all new articles or a topic: /subscribe [words, -word]."""
    found = await channels.target(update, context, message)
    if found is None:
        return
    svc, chat_id, topic = context.services, found.chat_id, _topic(found.args)
    if topic and parse_topic(topic).empty:
        await message.reply_text(
            "That topic has no words: try /subscribe ports, shipping -strike (any of ports or shipping, "
            "never strike), /subscribe -football (everything but football) or /subscribe (everything)."
        )
        return
    outcome = await asyncio.to_thread(svc.state.subscribe, chat_id, topic)
    if outcome == "full":
        await message.reply_text(
            f"You follow {MAX_TOPICS_PER_CHAT} topics, the most I keep for one chat. "
            "/unsubscribe TOPIC to make room (/subscriptions lists them)."
        )
        return
    if outcome == "added" and topic:
        await asyncio.to_thread(svc.app.remember_topic, topic)  # embedded once, here, not per new article
    what = f"new articles about <b>{esc(parse_topic(topic).describe())}</b>" if topic else "every new article"
    who = f"{esc(found.label)} gets" if found.label else "you'll get"
    already = f"{esc(found.label)} already gets" if found.label else "You already get"
    text = f"Subscribed: {who} {what}." if outcome == "added" else f"{already} {what}."
    await message.reply_html(text)


async def on_unsubscribe(update: Update, context: BotContext, message: Message) -> None:
    """Stop new-article messages: /unsubscribe [@channel] [topic] (no topic: all of them)."""
    found = await channels.target(update, context, message)
    if found is None:
        return
    svc, chat_id, topic = context.services, found.chat_id, _topic(found.args)
    removed = await asyncio.to_thread(svc.state.unsubscribe, chat_id, topic or None)
    text = (
        f"Unsubscribed ({removed} subscription{'s' if removed != 1 else ''} removed)."
        if removed
        else "You had no such subscription."
    )
    await message.reply_text(text)


async def on_subscriptions(update: Update, context: BotContext, message: Message) -> None:
    """List this chat's (or a channel's: /subscriptions @channel) subscriptions."""
    found = await channels.target(update, context, message)
    if found is None:
        return
    text, buttons = await asyncio.to_thread(_subscriptions_view, context, found.chat_id, found.label)
    await send_html(message, text, buttons=buttons)  # split at Telegram's length limit if it must


def _topic_key(topic: str) -> str:
    return hashlib.sha1(topic.encode()).hexdigest()[:12]


def _subscriptions_view(
    context: BotContext, chat_id: int, label: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return the list of a chat's subscriptions, with an unsubscribe button per row."""
    subs = context.services.state.subscriptions(chat_id)
    if not subs:
        return "No subscriptions. /subscribe to get new articles.", None
    lines = [f"{esc(label)} gets:" if label else "You get:"]
    rows = []
    for s in subs:
        shown = parse_topic(s.topic).describe()
        lines.append(f"• {esc(shown)}")
        name = shown if len(shown) <= 40 else shown[:39] + "…"
        rows.append([InlineKeyboardButton(f"✖ {name}", callback_data=f"un:{chat_id}:{_topic_key(s.topic)}")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def on_unsubscribe_press(update: Update, context: BotContext, value: str) -> None:
    """Remove the subscription of a /subscriptions row, then show the list again in the same message."""
    query = update.callback_query
    if query is None or query.message is None or not query.message.is_accessible:
        if query is not None:
            await query.answer("That button has expired: send /subscriptions again.")
        return
    chat, _, key = value.partition(":")
    if not chat.lstrip("-").isdigit():
        await query.answer("That button has expired.")
        return
    chat_id, here = int(chat), query.message.chat.id
    if chat_id != here and not is_admin(update, context):  # a channel's list, shown in an admin's chat
        await query.answer(NOT_ALLOWED, show_alert=True)
        return
    if not await may_change_chat(update, context):
        await query.answer(GROUP_ADMINS_ONLY, show_alert=True)
        return
    svc = context.services
    subs = await asyncio.to_thread(svc.state.subscriptions, chat_id)
    topic = next((s.topic for s in subs if _topic_key(s.topic) == key), None)
    if topic is None:
        await query.answer("Already gone.")
    else:
        await asyncio.to_thread(svc.state.unsubscribe, chat_id, topic or None)
        await query.answer(f"Unsubscribed from {parse_topic(topic).describe()}.")
    label = "" if chat_id == here else f"The channel {chat_id}"
    text, buttons = await asyncio.to_thread(_subscriptions_view, context, chat_id, label)
    with contextlib.suppress(BadRequest):  # "not modified": another press got there first
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=buttons)


async def on_digest(update: Update, context: BotContext, message: Message) -> None:
    """Switch between one message per new article and a daily digest: /digest on|off."""
    svc = context.services
    chat_id = message.chat_id
    choice = (context.args or [""])[0].lower()
    if choice not in ("on", "off"):
        on = await asyncio.to_thread(svc.app.outbox.digest_on, chat_id)
        await message.reply_text(f"Daily digest is {'on' if on else 'off'}. Use /digest on or /digest off.")
        return
    await asyncio.to_thread(svc.app.outbox.set_digest, chat_id, choice == "on")
    text = (
        "You'll get one message a day listing new articles."
        if choice == "on"
        else "You'll get a message for each new article."
    )
    await message.reply_text(text)


async def on_unknown_command(update: Update, context: BotContext, message: Message) -> None:
    """Say that a command is unknown, and where the known ones are."""
    word = (message.text or "").split()[0].split("@")[0][:40] if message.text else "that"
    await message.reply_text(f"I don't know {word} — /help lists what I do.")
