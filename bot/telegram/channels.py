"""Which chat a subscription command is for: this chat, or a channel where the bot posts alerts. A channel is
named (`/subscribe @channel topic`) or the command is forwarded from it, by an admin; the bot must be an
administrator there. A command posted in the channel itself is for the channel."""

from __future__ import annotations

from typing import NamedTuple

from telegram import Message, MessageOriginChannel, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden

from bot.telegram.context import NOT_ALLOWED, BotContext, is_admin


class Target(NamedTuple):
    """The chat a command acts on, how to name it in the reply, and the command's other words."""

    chat_id: int
    label: str  # "" for this chat
    args: list[str]


async def target(update: Update, context: BotContext, message: Message) -> Target | None:
    """Return the chat a subscription command is for; None after replying why it cannot be done."""
    args = list(context.args or [])
    named = args[0] if args and args[0].startswith("@") else None
    origin = message.forward_origin
    if named is None and not isinstance(origin, MessageOriginChannel):
        return Target(message.chat_id, "", args)
    if message.chat.type == ChatType.CHANNEL:
        own = message.chat.username
        if named is not None and (own is None or named[1:].lower() != own.lower()):
            # a post here speaks for this channel only: the bot cannot tell who wrote it
            await message.reply_text(
                f"A command posted here acts on this channel; post it in {named} to change that one."
            )
            return None
        return Target(message.chat_id, "", args[1:] if named else args)
    if not is_admin(update, context):
        await message.reply_text(NOT_ALLOWED)
        return None
    where: int | str = named if named is not None else origin.chat.id  # type: ignore[union-attr]
    try:
        chat = await context.bot.get_chat(where)
        member = await context.bot.get_chat_member(chat.id, context.bot.id)
    except (BadRequest, Forbidden):
        await message.reply_text(f"I can't find {where}: add me to the channel as an administrator first.")
        return None
    if member.status != ChatMemberStatus.ADMINISTRATOR or not getattr(member, "can_post_messages", False):
        await message.reply_text(f"Make me an administrator of {where} who may post, then try again.")
        return None
    label = f"@{chat.username}" if chat.username else (chat.title or str(chat.id))
    return Target(chat.id, label, args[1:] if named else args)
