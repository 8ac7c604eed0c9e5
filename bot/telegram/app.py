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
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.error import BadRequest, InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import logs
from bot.config import TOKEN_ENV, AppConfig
from bot.core.limits import InlineBudget, QuestionLimiter
from bot.core.services import Newsbot
from bot.errors import TokenError
from bot.telegram import chat, commands, jobs, questions, sources
from bot.telegram.context import CONTEXT_TYPES, BotContext, Services, services_of
from bot.telegram.transport import AiohttpRequest
from bot.telegram.webhook import serve as serve_webhook

log = logging.getLogger(__name__)
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
DELIVERY_RETRY_S = 30.0
_TOKEN_SHAPE = re.compile(r"^\d+:[\w-]{20,}$")
_PATH = re.compile(
    r"(?<![\w:/])(?:[A-Za-z]:)?(?:[\\/][\w.+\-@~]+){2,}[\\/]?"
)  # a file path: no server layout in DMs


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
    logs.drop_raised(InvalidToken)  # PTB logs it with a traceback; run() says it in one line (filter first)
    logs.redact(token)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)  # one line per webhook POST otherwise


def with_message(handler: commands.Handler) -> Callable[[Update, BotContext], Awaitable[None]]:
    """Return a PTB callback that hands the handler the update's message (updates without one are skipped)."""

    async def callback(update: Update, context: BotContext) -> None:
        message: Message | None = update.effective_message
        if message is not None:
            await handler(update, context, message)

    return callback


def report_text(error: BaseException | None, *, token: str) -> str:
    """Return what admins are told of an error: its type and message, without the token or file paths."""
    return _PATH.sub("[path]", f"{type(error).__name__}: {error}".replace(token, "[REDACTED]"))


async def on_error(update: object, context: BotContext) -> None:
    """Log an error with its update and tell the admins (without the token)."""
    error = context.error
    if isinstance(error, BadRequest) and "not modified" in error.message.lower():
        log.info("an edit changed nothing (%s)", error.message)  # a double press: nothing went wrong
        return
    log.error("error while handling %s", update, exc_info=error)
    svc = services_of(context.application)
    if svc is None:
        return
    held = svc.errors.admit(type(context.error).__name__)
    if held is None:  # a flood of one error: one report a minute, not one per update
        return
    summary = html.escape(report_text(error, token=context.bot.token))[:1000]
    where = html.escape(str(getattr(update, "update_id", "")))
    more = f"\n(and {held} more like it in the last minute)" if held else ""
    for admin_id in svc.config.telegram.admins:
        try:
            await context.bot.send_message(
                admin_id,
                f"⚠️ newsbot error (update {where}):\n<code>{summary}</code>{more}",
                parse_mode="HTML",
            )
        except Exception:
            log.warning("could not report the error to admin %s", admin_id)


def build_application(
    config: AppConfig, token: str, *, handle_signals: bool = False, serve_metrics: bool = False
) -> Application:
    """Return the bot with every handler registered; services are made in post_init."""

    async def post_init(application: Application) -> None:
        app = Newsbot(config)
        await asyncio.to_thread(app.ensure_index)
        application.bot_data["services"] = Services(
            config=config,
            app=app,
            limiter=QuestionLimiter(app.store, config.telegram.questions_per_minute),
            inline=InlineBudget(config.telegram.inline_per_minute),
        )
        loop = asyncio.get_running_loop()

        def shutdown() -> None:  # SIGTERM/SIGINT: stop claiming deliveries at once, then stop
            log.info("stopping: the message in hand is finished, the rest stays pending")
            app.stopping.set()
            application.stop_running()

        for sig in (signal.SIGTERM, signal.SIGINT) if handle_signals else ():
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, shutdown)
        if config.telegram.metrics and serve_metrics:  # its own listener, never the webhook's port
            from prometheus_client import start_http_server

            server, _ = start_http_server(
                config.telegram.metrics_port,
                addr=config.telegram.metrics_listen,
                registry=app.metrics.registry,
            )
            application.bot_data["metrics_server"] = server
            log.info(
                "metrics on http://%s:%d/metrics",
                config.telegram.metrics_listen,
                config.telegram.metrics_port,
            )
        await application.bot.set_my_commands(commands.menu())
        queue = application.job_queue
        if queue is not None:
            queue.run_repeating(jobs.deliver_job, interval=DELIVERY_RETRY_S, first=0.5, name="deliver")
            poll = config.storage
            queue.run_repeating(
                jobs.lead_job, interval=poll.leader_poll_s, first=poll.leader_poll_s, name="lead"
            )
            queue.run_repeating(
                jobs.index_job, interval=poll.index_poll_s, first=poll.index_poll_s, name="index"
            )
            if config.ingest.interval_minutes > 0:
                every = config.ingest.interval_minutes * 60
                queue.run_repeating(jobs.ingest_job, interval=every, first=every, name="ingest")
            now = dt.datetime.now(dt.UTC)
            next_hour = (now + dt.timedelta(hours=1)).replace(minute=0, second=5, microsecond=0)
            queue.run_repeating(jobs.digest_job, interval=3600, first=next_hour, name="digest")  # local hours

    async def post_stop(application: Application) -> None:
        svc = services_of(application)
        if svc is not None:
            svc.app.stopping.set()

    async def post_shutdown(application: Application) -> None:
        server = application.bot_data.pop("metrics_server", None)
        if server is not None:
            server.shutdown()
        svc = services_of(application)
        if svc is not None:
            svc.app.close()

    application = (
        ApplicationBuilder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .base_url(config.telegram.api_url)
        .base_file_url(file_url(config.telegram.api_url))
        .rate_limiter(AIORateLimiter(overall_max_rate=config.telegram.max_messages_per_second, max_retries=3))
        .concurrent_updates(True)
        .request(AiohttpRequest(connections=config.telegram.connections))
        .get_updates_request(AiohttpRequest(connections=1, read_timeout=config.telegram.poll_timeout + 10))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    messages = filters.UpdateType.MESSAGE  # edited messages are not questions
    commands.register(application)
    application.add_handler(CallbackQueryHandler(questions.on_callback))
    application.add_handler(InlineQueryHandler(questions.on_inline))
    text = filters.TEXT & ~filters.COMMAND & messages
    application.add_handler(MessageHandler(text & private, with_message(questions.on_text)))
    application.add_handler(MessageHandler(text & groups, with_message(questions.on_group_text)))
    media = (
        filters.Sticker.ALL
        | filters.PHOTO
        | filters.VOICE
        | filters.AUDIO
        | filters.VIDEO
        | filters.Document.ALL
    )
    opml = filters.Document.FileExtension("opml") | filters.Document.MimeType("text/x-opml")
    application.add_handler(MessageHandler(opml & private & messages, with_message(sources.on_opml)))
    application.add_handler(MessageHandler(media & private, with_message(chat.on_other)))
    # after the command table's handlers: a command none of them took
    application.add_handler(
        MessageHandler(filters.COMMAND & messages & private, with_message(chat.on_unknown_command))
    )
    application.add_error_handler(on_error)
    return application


def webhook_secret(token: str) -> str:
    """Return $TELEGRAM_WEBHOOK_SECRET, else a secret derived from the token (the same on every replica)."""
    configured = os.environ.get(WEBHOOK_SECRET_ENV, "").strip()
    if configured:
        return configured
    return hmac.new(token.encode(), b"newsbot webhook secret", hashlib.sha256).hexdigest()


def run(config: AppConfig, *, webhook: bool | None = None, port: int | None = None) -> None:
    """Run the bot until interrupted: long polling, or a webhook when configured. A token the Bot API
    rejects is one TokenError line, never the token itself."""
    try:
        _run(config, webhook=webhook, port=port)
    except InvalidToken:
        raise TokenError(
            f"the Bot API rejected the token in ${TOKEN_ENV} (revoked or mistyped: check it with @BotFather)"
        ) from None


async def run_webhook(config: AppConfig, token: str, *, port: int) -> None:
    """Serve the webhook on telegram.webhook_listen:port until SIGTERM/SIGINT (webhook.py handles them);
    /metrics, when on, has its own listener."""
    tg = config.telegram
    application = build_application(config, token, serve_metrics=True)
    await serve_webhook(
        application,
        listen=tg.webhook_listen,
        port=port,
        url_path="telegram",
        webhook_url=tg.webhook_url,
        secret=webhook_secret(token),
    )


def _run(config: AppConfig, *, webhook: bool | None, port: int | None) -> None:
    token = read_token()
    protect_logs(token)
    tg = config.telegram
    if webhook if webhook is not None else tg.mode == "webhook":
        if not tg.webhook_url:
            raise TokenError("telegram.webhook_url must be set for webhook mode")
        asyncio.run(run_webhook(config, token, port=port or tg.webhook_port))
    else:
        log.info("starting long polling against %s", tg.api_url)
        build_application(config, token, handle_signals=True, serve_metrics=True).run_polling(
            allowed_updates=Update.ALL_TYPES, timeout=tg.poll_timeout, bootstrap_retries=5
        )
