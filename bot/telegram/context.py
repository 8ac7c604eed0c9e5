"""What every handler is given: the services made in post_init, a typed context to reach them, and how
replies are sent (HTML split to Telegram's length)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.config import AppConfig
from bot.core.limits import ErrorDigest, InlineBudget, QuestionLimiter
from bot.core.services import Newsbot
from bot.core.state import BotState
from bot.telegram.html import split_html

log = logging.getLogger(__name__)
NOT_ALLOWED = "Sorry, that command is for the bot's admins only."


@dataclass
class Services:
    """What handlers use, created in post_init and closed in post_shutdown."""

    config: AppConfig
    app: Newsbot
    limiter: QuestionLimiter
    inline: InlineBudget
    errors: ErrorDigest = field(default_factory=ErrorDigest)  # admin error reports, grouped per minute
    members: dict[tuple[int, int], tuple[float, bool]] = field(default_factory=dict)  # group admins, briefly
    index_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    delivering: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def state(self) -> BotState:
        """Return the bot's tables (owned by the app)."""
        return self.app.state


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The callback context, with the services at hand."""

    @property
    def services(self) -> Services:
        """Return the services created in post_init."""
        return self.application.bot_data["services"]


CONTEXT_TYPES = ContextTypes(context=BotContext)


def services_of(application: Application) -> Services | None:
    """Return an application's services, or None before post_init (or after a failed one)."""
    return application.bot_data.get("services")


def is_admin(update: Update, context: BotContext) -> bool:
    """Return True when the sender is listed in telegram.admins."""
    user = update.effective_user
    return user is not None and user.id in context.services.config.telegram.admins


GROUP_ADMINS_ONLY = (
    "In a group, only its admins can change its subscriptions and settings (anyone can ask me questions)."
)
_MEMBER_TTL_S = 60.0


async def may_change_chat(update: Update, context: BotContext) -> bool:
    """Return True when the sender may change this chat's settings and subscriptions: anyone in a private
    chat; in a group, its administrators (asked with getChatMember, kept a minute), an anonymous admin
    posting as the group, and the bot's own admins."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous administrator writes as the group itself
    if user is None:
        return False
    if is_admin(update, context):
        return True
    cache = context.services.members
    key = (chat.id, user.id)
    now = time.monotonic()
    hit = cache.get(key)
    if hit is None or now - hit[0] > _MEMBER_TTL_S:
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
            allowed = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
        except TelegramError as exc:
            log.warning("cannot ask whether user %s administers chat %s: %s", user.id, chat.id, exc)
            return False
        if len(cache) > 10_000:
            cache.clear()
        hit = cache[key] = (now, allowed)
    return hit[1]


async def send_html(
    message: Message, markup: str, *, buttons: InlineKeyboardMarkup | None = None, previews: bool = False
) -> Message:
    """Reply with HTML split into Telegram-sized messages; buttons go on the last one; link previews only
    where the chat turned them on (/settings)."""
    chunks = split_html(markup)
    sent = message
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        sent = await message.reply_html(
            chunk,
            reply_markup=buttons if last else None,
            do_quote=i == 0,
            disable_web_page_preview=not previews,
        )
    return sent
