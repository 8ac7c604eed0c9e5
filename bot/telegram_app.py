"""The Telegram application: one build_application() registering every handler, and run()."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import html
import logging
import os
import re
import signal
from dataclasses import dataclass, field

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import admin, handlers, logs
from bot.config import AppConfig
from bot.errors import TokenError
from bot.limits import QuestionLimiter
from bot.services import Newsbot
from bot.state import BotState
from bot.webhook import serve as serve_webhook

log = logging.getLogger(__name__)
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
DELIVERY_RETRY_S = 30.0
_TOKEN_SHAPE = re.compile(r"^\d+:[\w-]{20,}$")
COMMANDS = [
    ("start", "what I do"), ("help", "how to use me"), ("ask", "ask a question (in groups)"),
    ("latest", "the newest articles"), ("subscribe", "get new articles (optionally about a topic)"),
    ("unsubscribe", "stop new-article messages"), ("subscriptions", "what you get"),
    ("digest", "one daily message instead of one per article: /digest on|off"),
]  # fmt: skip


@dataclass
class Services:
    """What handlers use, created in post_init and closed in post_shutdown."""

    config: AppConfig
    app: Newsbot
    limiter: QuestionLimiter
    index_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    delivering: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def state(self) -> BotState:
        """Return the bot's tables (owned by the app)."""
        return self.app.state


def file_url(api_url: str) -> str:
    """Return the Bot API's file URL for its base URL: ".../bot" -> ".../file/bot" (only the last part
    of the path changes: a host named bot.example.com stays as it is)."""
    base = api_url.rstrip("/")
    if base.endswith("/bot"):
        return f"{base[: -len('/bot')]}/file/bot"
    return f"{base}/file"


def read_token() -> str:
    """Return the bot token from the environment, or raise TokenError."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise TokenError(f"set {TOKEN_ENV} to the bot token from @BotFather to run the Telegram bot")
    if not _TOKEN_SHAPE.match(token):
        raise TokenError(f"{TOKEN_ENV} does not look like a bot token (expected 123456:ABC...)")
    return token


def protect_logs(token: str) -> None:
    """Redact the token from every log line (httpx logs request URLs, which contain it)."""
    logs.redact(token)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)  # one line per webhook POST otherwise


async def on_error(update: object, context: handlers.Context) -> None:
    """Log an error with its update and tell the admins (without the token)."""
    log.error("error while handling %s", update, exc_info=context.error)
    svc: Services | None = context.application.bot_data.get("services")
    if svc is None:
        return
    text = f"{type(context.error).__name__}: {context.error}".replace(context.bot.token, "[REDACTED]")
    summary = html.escape(text)[:1000]
    where = html.escape(str(getattr(update, "update_id", "")))
    for admin_id in svc.config.telegram.admins:
        try:
            await context.bot.send_message(
                admin_id, f"⚠️ newsbot error (update {where}):\n<code>{summary}</code>", parse_mode="HTML"
            )
        except Exception:
            log.warning("could not report the error to admin %s", admin_id)


def build_application(config: AppConfig, token: str, *, handle_signals: bool = False) -> Application:
    """Return the bot with every handler registered; services are made in post_init."""

    async def post_init(application: Application) -> None:
        app = Newsbot(config)
        await asyncio.to_thread(app.ensure_index)
        application.bot_data["services"] = Services(
            config=config, app=app,
            limiter=QuestionLimiter(app.store, config.telegram.questions_per_minute),
        )  # fmt: skip
        loop = asyncio.get_running_loop()

        def shutdown() -> None:  # SIGTERM/SIGINT: stop claiming deliveries at once, then stop
            log.info("stopping: the message in hand is finished, the rest stays pending")
            app.stopping.set()
            application.stop_running()

        for sig in (signal.SIGTERM, signal.SIGINT) if handle_signals else ():
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, shutdown)
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        jobs = application.job_queue
        if jobs is not None:
            jobs.run_repeating(admin.deliver_job, interval=DELIVERY_RETRY_S, first=0.5, name="deliver")
            poll = config.storage
            jobs.run_repeating(
                admin.lead_job, interval=poll.leader_poll_s, first=poll.leader_poll_s, name="lead"
            )
            jobs.run_repeating(
                admin.index_job, interval=poll.index_poll_s, first=poll.index_poll_s, name="index"
            )
            if config.ingest.interval_minutes > 0:
                every = config.ingest.interval_minutes * 60
                jobs.run_repeating(admin.ingest_job, interval=every, first=every, name="ingest")
            jobs.run_daily(
                admin.digest_job, time=dt.time(hour=config.telegram.digest_hour, tzinfo=dt.UTC), name="digest"
            )

    async def post_stop(application: Application) -> None:
        svc: Services | None = application.bot_data.get("services")
        if svc is not None:
            svc.app.stopping.set()

    async def post_shutdown(application: Application) -> None:
        svc: Services | None = application.bot_data.get("services")
        if svc is not None:
            svc.app.close()

    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(config.telegram.api_url)
        .base_file_url(file_url(config.telegram.api_url))
        .rate_limiter(AIORateLimiter(overall_max_rate=config.telegram.max_messages_per_second, max_retries=3))
        .concurrent_updates(True)
        .get_updates_read_timeout(config.telegram.poll_timeout + 10)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    messages = filters.UpdateType.MESSAGE  # edited messages are not questions
    application.add_handler(CommandHandler("start", handlers.on_start))
    application.add_handler(CommandHandler("help", handlers.on_help))
    application.add_handler(CommandHandler("ask", handlers.on_ask, filters=messages))
    application.add_handler(CommandHandler("latest", handlers.on_latest))
    application.add_handler(CommandHandler("subscribe", handlers.on_subscribe))
    application.add_handler(CommandHandler("unsubscribe", handlers.on_unsubscribe))
    application.add_handler(CommandHandler("subscriptions", handlers.on_subscriptions))
    application.add_handler(CommandHandler("digest", handlers.on_digest))
    application.add_handler(CommandHandler("reindex", admin.on_reindex, filters=messages))
    application.add_handler(CommandHandler("ingest", admin.on_ingest, filters=messages))
    application.add_handler(CommandHandler("stats", admin.on_stats, filters=messages))
    application.add_handler(CallbackQueryHandler(handlers.on_callback))
    text = filters.TEXT & ~filters.COMMAND & messages
    application.add_handler(MessageHandler(text & private, handlers.on_text))
    application.add_handler(MessageHandler(text & groups, handlers.on_group_text))
    media = (
        filters.Sticker.ALL
        | filters.PHOTO
        | filters.VOICE
        | filters.AUDIO
        | filters.VIDEO
        | filters.Document.ALL
    )
    application.add_handler(MessageHandler(media & private, handlers.on_other))
    application.add_error_handler(on_error)
    return application


def webhook_secret(token: str) -> str:
    """Return $TELEGRAM_WEBHOOK_SECRET, else a secret derived from the token (the same on every replica)."""
    configured = os.environ.get(WEBHOOK_SECRET_ENV, "").strip()
    if configured:
        return configured
    return hmac.new(token.encode(), b"newsbot webhook secret", hashlib.sha256).hexdigest()


def run(config: AppConfig, *, webhook: bool | None = None, port: int | None = None) -> None:
    """Run the bot until interrupted: long polling, or a webhook when configured."""
    token = read_token()
    protect_logs(token)
    tg = config.telegram
    if webhook if webhook is not None else tg.mode == "webhook":
        if not tg.webhook_url:
            raise TokenError("telegram.webhook_url must be set for webhook mode")
        application = build_application(config, token)  # bot/webhook.py handles the signals
        asyncio.run(serve_webhook(application, listen=tg.webhook_listen, port=port or tg.webhook_port,
                                  url_path="telegram", webhook_url=tg.webhook_url, secret=webhook_secret(token)))  # fmt: skip
    else:
        log.info("starting long polling against %s", tg.api_url)
        build_application(config, token, handle_signals=True).run_polling(
            allowed_updates=Update.ALL_TYPES, timeout=tg.poll_timeout, bootstrap_retries=5
        )
