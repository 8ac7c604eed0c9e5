"""Questions: private messages, group mentions and replies, /ask, and the answer buttons."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re
import time
from typing import NamedTuple

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction

from bot.core.limits import Verdict
from bot.core.settings import ChatSettings, zone
from bot.core.state import FOLLOW_UP_S
from bot.core.stories import Sibling
from bot.telegram import chat, settings
from bot.telegram.context import BotContext, Services, send_html
from bot.telegram.html import answer_html, declined_html, more_sources_html
from corpus import Article
from index import Answer, IndexUnavailableError, QuestionError, is_follow_up

log = logging.getLogger(__name__)
TYPING_AFTER_S = 0.3


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


EXAMPLE_INDEX = re.compile(r"[0-9]{1,3}")  # ASCII digits only: "²".isdigit() is True


async def answer_question(update: Update, context: BotContext, question: str) -> None:
    """Answer one question in the chat it came from (about a replied-to article first)."""
    svc = context.services
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    # anonymous group admins all arrive as one user (GroupAnonymousBot): limit them by the chat they speak for
    sender = message.sender_chat.id if message.sender_chat is not None else user.id
    replied = message.reply_to_message.message_id if message.reply_to_message is not None else None
    before = await asyncio.to_thread(_before, svc, sender, message.chat_id, replied, question)
    if not before.verdict.allowed:
        if before.verdict.warn:  # one reply per window, however long the flood
            await message.reply_text(
                f"You're asking faster than I can read 🙂 Please wait {before.verdict.retry_in} s."
            )
        return
    started = time.perf_counter()
    today = dt.datetime.now(zone(before.chat.tz)).date()  # "last week" in the chat's time zone
    work = asyncio.ensure_future(
        asyncio.to_thread(
            svc.app.ask, question, chat_id=message.chat_id, article_id=before.article_id, today=today
        )
    )
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
    elapsed = time.perf_counter() - started
    svc.app.metrics.question_seconds.observe(elapsed)
    svc.app.metrics.replies.labels(answer.kind).inc()
    log.info("answered in %.0f ms (answered=%s)", elapsed * 1000, answer.answered)
    after = await asyncio.to_thread(_after, svc, message.chat_id, answer)
    answer = after.answer
    if not answer.answered:
        await send_html(message, declined_html(after.latest, answer.lead))
        return
    buttons = (
        InlineKeyboardMarkup([[InlineKeyboardButton("More sources", callback_data=f"more:{after.reply}")]])
        if after.more
        else None
    )
    sent = await send_html(
        message, answer_html(answer, after.also), buttons=buttons, previews=before.chat.previews
    )
    await asyncio.to_thread(svc.state.sent, after.reply, sent.message_id)


class _Before(NamedTuple):
    verdict: Verdict
    article_id: str | None
    chat: ChatSettings


class _After(NamedTuple):
    reply: str  # the token the answer is recorded under (and its More-sources button carries)
    more: bool  # whether the answer has further sources
    also: list[Sibling]
    latest: list[Article]
    answer: Answer  # as shown: citing the story's most trusted article that holds its sentence


def _before(svc: Services, sender: int, chat_id: int, replied: int | None, question: str) -> _Before:
    """Count the question against the sender's limit; find the article it is about (the replied-to answer's,
    or the chat's last for a follow-up) and the chat's settings: one trip to a worker thread, not three."""
    verdict = svc.limiter.check(sender)
    if not verdict.allowed:
        return _Before(verdict, None, ChatSettings())
    article_id = None
    if replied is not None:
        article_id = svc.state.article_of(chat_id, replied)
    elif is_follow_up(question):  # "and when was that?": the chat's last answer is the context
        article_id = svc.state.last_article(chat_id, within_s=FOLLOW_UP_S)
    return _Before(verdict, article_id, svc.app.settings.get(chat_id))


def _after(svc: Services, chat_id: int, answer: Answer) -> _After:
    """Count the answer and record it (for follow-ups and buttons); read what the reply shows beside it."""
    if not answer.answered:
        svc.state.count("declined")
        return _After("", False, [], svc.app.latest_for(svc.config.telegram.latest_count, chat_id), answer)
    svc.state.count("answered")
    also: list[Sibling] = []
    if answer.kind in ("answer", "found", "yes", "unclear") and answer.article_id:
        answer, also = svc.app.trusted_citation(answer)
    more = list(answer.sources[1:]) if answer.kind not in ("headlines", "summary") else []
    reply = svc.state.new_reply(chat_id, answer.article_id, more)
    return _After(reply, bool(more), also[:3], [], answer)


async def on_text(update: Update, context: BotContext, message: Message) -> None:
    """Treat a private text message as a question."""
    if message.text:
        await answer_question(update, context, message.text)


async def on_group_text(update: Update, context: BotContext, message: Message) -> None:
    """Answer a group message only when it mentions or replies to the bot."""
    if not message.text:
        return
    question = _addressed_in_group(message, context.bot.username, context.bot.id)
    if question:
        await answer_question(update, context, question)
    elif question is not None:  # a bare mention: say how to ask
        await message.reply_text(
            f"Ask me about the news: @{context.bot.username} when did SELEC visit CARICC? "
            "(or reply to one of my messages, or /ask QUESTION)"
        )


async def on_ask(update: Update, context: BotContext, message: Message) -> None:
    """Answer /ask QUESTION (the way to ask in groups)."""
    question = " ".join(context.args or [])
    if not question:
        await message.reply_text("Ask me like this: /ask when did SELEC visit CARICC")
        return
    await answer_question(update, context, question)


async def on_callback(update: Update, context: BotContext) -> None:
    """Handle the example-question and More-sources buttons; forged data is refused."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    svc = context.services
    kind, _, value = (query.data or "").partition(":")
    example = int(value) if kind == "ex" and EXAMPLE_INDEX.fullmatch(value) else -1
    examples = await asyncio.to_thread(svc.app.examples) if example >= 0 else []
    if 0 <= example < len(examples):
        await query.answer()
        await answer_question(update, context, examples[example])
        return
    if kind == "st":
        await settings.on_press(update, context, value)
        return
    if kind == "un":
        await chat.on_unsubscribe_press(update, context, value)
        return
    if kind == "more":
        more = await asyncio.to_thread(svc.state.more_sources, value, query.message.chat.id)
        if more:
            await query.answer()
            await send_html(query.message, more_sources_html(more))  # type: ignore[arg-type]
            return
    await query.answer("That button has expired.", show_alert=False)


def _hint(title: str, text: str) -> InlineQueryResultArticle:
    """Return an inline result that only says something (typing, or no answer): sent, it says the same."""
    return InlineQueryResultArticle(
        id=hashlib.sha1(title.encode()).hexdigest()[:32],
        title=title,
        description=text,
        input_message_content=InputTextMessageContent(text),
    )


async def on_inline(update: Update, context: BotContext) -> None:
    """Answer `@bot question` in any chat with the answer as an inline result (its own budget and cache:
    the queries sent while a question is typed never use up the user's questions)."""
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    if not text:
        await query.answer(
            [_hint("Ask about the news", "Type a question, e.g. when did SELEC visit CARICC?")],
            cache_time=300,
        )
        return
    svc = context.services
    answer = svc.inline.cached(text)
    if answer is None:
        if not svc.inline.allow(query.from_user.id):
            await query.answer([], cache_time=0, is_personal=True)
            return
        try:
            answer = await asyncio.to_thread(svc.app.ask, text, chat_id=None)  # shared: no user's own feeds
        except (QuestionError, IndexUnavailableError):
            await query.answer([], cache_time=0)
            return
        svc.inline.remember(text, answer)
    assert isinstance(answer, Answer)
    if not answer.answered or answer.kind in ("smalltalk", "language"):
        why = None if answer.answered else answer.lead  # "The news I have never mentions Japan."
        await query.answer(
            [_hint("Not in the news I have", why or "I found no answer to that in the news I have.")],
            cache_time=30,
        )
        return
    title = answer.answer or (answer.lead if answer.kind == "headlines" else "A passage about it")
    result = InlineQueryResultArticle(
        id=hashlib.sha1(text.encode()).hexdigest()[:32],
        title=(title or "Answer")[:100],
        description=(answer.sentence or (answer.sources[0].title if answer.sources else ""))[:200],
        input_message_content=InputTextMessageContent(
            answer_html(answer), parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
    )
    await query.answer([result], cache_time=60)
