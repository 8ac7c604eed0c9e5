"""/settings: one message with buttons for this chat's link previews, daily digest and its hour; the time
zone is typed (/settings tz Europe/Sofia)."""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.core.settings import ChatSettings
from bot.telegram.context import GROUP_ADMINS_ONLY, BotContext, may_change_chat
from bot.telegram.html import esc

PRESS = re.compile(r"(previews|digest|hour-|hour\+)")  # the settings buttons' data after "st:"


def _view(chat: ChatSettings, default_hour: int) -> tuple[str, InlineKeyboardMarkup]:
    hour = default_hour if chat.digest_hour is None else chat.digest_hour
    text = (
        "<b>Settings of this chat</b>\n"
        f"Time zone: {esc(chat.tz)} (change it: /settings tz Europe/Sofia)\n"
        f"Link previews: {'on' if chat.previews else 'off'}\n"
        f"New articles: {'a daily digest at ' + f'{hour:02d}:00' if chat.digest else 'one message each'}"
    )
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"Link previews: turn {'off' if chat.previews else 'on'}", callback_data="st:previews"
                )
            ],
            [
                InlineKeyboardButton(
                    "One message each" if chat.digest else "Daily digest", callback_data="st:digest"
                )
            ],
            [
                InlineKeyboardButton("Digest earlier", callback_data="st:hour-"),
                InlineKeyboardButton("Digest later", callback_data="st:hour+"),
            ],
        ]
    )
    return text, buttons


async def _current(context: BotContext, chat_id: int) -> ChatSettings:
    svc = context.services
    chat = await asyncio.to_thread(svc.app.settings.get, chat_id)
    digest = await asyncio.to_thread(svc.app.outbox.digest_on, chat_id)
    return chat._replace(digest=digest)


async def on_settings(update: Update, context: BotContext, message: Message) -> None:
    """Show this chat's settings with buttons to change them (/settings tz ZONE sets the time zone)."""
    svc = context.services
    args = context.args or []
    if args[:1] == ["tz"]:
        try:
            await asyncio.to_thread(svc.app.settings.update, message.chat_id, tz=" ".join(args[1:]).strip())
        except ValueError as exc:
            await message.reply_text(f"{exc}.")
            return
    text, buttons = _view(await _current(context, message.chat_id), svc.config.telegram.digest_hour)
    await message.reply_html(text, reply_markup=buttons)


async def on_press(update: Update, context: BotContext, value: str) -> None:
    """Apply a settings button and show the settings again in the same message."""
    query = update.callback_query
    if query is None:
        return
    if query.message is None or not query.message.is_accessible or not PRESS.fullmatch(value):
        # an inaccessible (too old) message changes nothing: its buttons show settings of long ago
        await query.answer("That button has expired: send /settings again.")
        return
    if not await may_change_chat(update, context):
        await query.answer(GROUP_ADMINS_ONLY, show_alert=True)
        return
    svc, chat_id = context.services, query.message.chat.id
    chat = await _current(context, chat_id)
    default = svc.config.telegram.digest_hour
    if value.startswith("hour") and not chat.digest:
        await query.answer("The daily digest is off: turn it on first.")
        return
    if value == "previews":
        await asyncio.to_thread(svc.app.settings.toggle_previews, chat_id)
    elif value == "digest":
        await asyncio.to_thread(svc.app.outbox.set_digest, chat_id, not chat.digest)
    else:  # one statement each: presses in quick succession add up
        await asyncio.to_thread(svc.app.settings.shift_hour, chat_id, 1 if value == "hour+" else -1, default)
    await query.answer()
    text, buttons = _view(await _current(context, chat_id), default)
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=buttons)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():  # two presses crossing: the view already shows it
            raise
