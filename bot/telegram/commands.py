"""The command table: one row per command generates its handler, the menu (set_my_commands) and /help.

Adding a command is one row here and its handler function. Each row says who may run it and what it
needs; one guard checks, in order: the sender is an admin (admin rows), no index job is running (rows
with `busy`), this replica leads (rows with `leader`: elsewhere the work is queued for the leader).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import BotCommand, Message, Update
from telegram.ext import Application, CommandHandler, filters

from bot.telegram import admin, chat, questions, settings, sources
from bot.telegram.context import GROUP_ADMINS_ONLY, NOT_ALLOWED, BotContext, is_admin, may_change_chat

Handler = Callable[[Update, BotContext, Message], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """A /command: its handler, how /help shows it, and what the guard checks before running it."""

    name: str
    handler: Handler
    usage: str  # the arguments, as /help shows them ("[topic]")
    help: str  # one line for /help and the command menu
    admin: bool = False
    users: bool = False  # with telegram.users_add_feeds, every user's too (for feeds of their own)
    busy: str | None = None  # the reply while an index job runs (None: runs regardless)
    leader: Callable[[BotContext], str] | None = (
        None  # the request the leader runs, when this replica does not lead
    )
    menu: bool = True  # listed in the client's command menu
    channel: bool = False  # also taken from posts in a channel where the bot is an administrator
    changes_chat: bool = False  # changes this chat's subscriptions or settings: in groups, its admins only


def help_text() -> str:
    """Return /help, written from the table."""

    def line(c: Command) -> str:
        return f"/{c.name}{' ' + c.usage if c.usage else ''} — {c.help}"

    everyone = [line(c) for c in COMMANDS if not c.admin and c.name not in ("start", "help")]
    admins = [line(c) for c in COMMANDS if c.admin]
    return (
        "Send me any question about the news (in groups: mention me, reply to me, or use /ask), or ask for "
        "“latest news”, “news about …”, “summarize …”.\nReply to one of my answers or news alerts to ask "
        "about that article.\n\n" + "\n".join(everyone) + "\n\nAdmins:\n" + "\n".join(admins)
    )


async def on_help(update: Update, context: BotContext, message: Message) -> None:
    """List the commands."""
    await message.reply_text(help_text())


COMMANDS: tuple[Command, ...] = (
    Command(name="start", handler=chat.on_start, usage="", help="what I do"),
    Command(name="help", handler=on_help, usage="", help="how to use me"),
    Command(name="ask", handler=questions.on_ask, usage="QUESTION", help="ask a question (in groups)"),
    Command(name="latest", handler=chat.on_latest, usage="[n]", help="the newest articles"),
    Command(
        name="subscribe",
        handler=chat.on_subscribe,
        changes_chat=True,
        usage="[@channel] [topic, other -word]",
        help="get new articles (all, or about a topic: commas for alternatives, -word to leave out)",
        channel=True,
    ),
    Command(
        name="unsubscribe",
        handler=chat.on_unsubscribe,
        changes_chat=True,
        usage="[@channel] [topic]",
        help="stop new-article messages",
        channel=True,
    ),
    Command(
        name="subscriptions",
        handler=chat.on_subscriptions,
        usage="[@channel]",
        help="what you get",
        channel=True,
    ),
    Command(
        name="settings",
        handler=settings.on_settings,
        changes_chat=True,
        usage="[tz ZONE]",
        help="this chat's time zone, link previews and digest hour",
    ),
    Command(
        name="digest",
        handler=chat.on_digest,
        changes_chat=True,
        usage="on|off",
        help="one daily message instead of one per article",
    ),
    Command(
        name="reindex",
        handler=admin.on_reindex,
        usage="[full]",
        help="update the index (full: rebuild it all)",
        admin=True,
        busy="A reindex is already running; I'll keep answering meanwhile.",
        leader=admin.reindex_request,
        menu=False,
    ),
    Command(
        name="ingest",
        handler=admin.on_ingest,
        usage="",
        help="fetch the sources now and notify subscribers",
        admin=True,
        busy="An index update is already running.",
        leader=lambda _: "ingest",
        menu=False,
    ),
    Command(
        name="sources",
        handler=sources.on_sources,
        usage="",
        help="the news sources and their health",
        admin=True,
        users=True,
        menu=False,
    ),
    Command(
        name="addsource",
        handler=sources.on_addsource,
        usage="URL",
        help="add a feed (or a site that names its feed)",
        admin=True,
        users=True,
        menu=False,
    ),
    Command(
        name="import",
        handler=sources.on_import,
        usage="",
        help="import feeds: send an .opml file",
        admin=True,
        menu=False,
    ),
    Command(
        name="export",
        handler=sources.on_export,
        usage="",
        help="the feed sources as an OPML file",
        admin=True,
        menu=False,
    ),
    Command(
        name="removesource",
        handler=sources.on_removesource,
        usage="NAME",
        help="remove a source added here",
        admin=True,
        users=True,
        menu=False,
    ),
    Command(
        name="stats",
        handler=admin.on_stats,
        usage="",
        help="articles, index, subscribers, questions",
        admin=True,
        menu=False,
    ),
)


async def guarded(command: Command, update: Update, context: BotContext) -> None:
    """Run a command's handler if the sender may and the replica can; else say why."""
    message = update.effective_message
    if message is None or message.is_automatic_forward:
        return  # a channel's post copied into its discussion group: the channel's own post was the command
    own_feeds = command.users and context.services.config.telegram.users_add_feeds
    if command.admin and not own_feeds and not is_admin(update, context):
        await message.reply_text(NOT_ALLOWED)
        return
    if command.changes_chat and not await may_change_chat(update, context):
        await message.reply_text(GROUP_ADMINS_ONLY)
        return
    svc = context.services
    if command.busy is not None and svc.index_lock.locked():
        await message.reply_text(command.busy)
        return
    if command.leader is not None and not await asyncio.to_thread(svc.app.lead):
        await admin.ask_leader(message, context, command.leader(context))
        return
    await command.handler(update, context, message)


def menu() -> list[BotCommand]:
    """Return the commands for set_my_commands."""
    return [BotCommand(c.name, c.help) for c in COMMANDS if c.menu]


def register(application: Application) -> None:
    """Add one CommandHandler per row (edited messages are not commands)."""
    messages = filters.UpdateType.MESSAGE
    for command in COMMANDS:

        async def callback(update: Update, context: BotContext, command: Command = command) -> None:
            await guarded(command, update, context)

        application.add_handler(CommandHandler(command.name, callback, filters=messages))
        if command.channel:  # a channel's own post: only its administrators can write one
            application.add_handler(
                CommandHandler(command.name, callback, filters=filters.UpdateType.CHANNEL_POST)
            )
