"""Webhook mode that acknowledges an update only once it has been handled.

PTB's built-in webhook answers 200 as soon as an update is queued, so a replica killed while answering
loses that question. Here the HTTP response waits for the handlers: a replica that dies mid-answer
drops the connection, the balancer or Telegram delivers the update again, and a live replica answers
it (at least once: only a kill between the reply and the 200 can answer twice). The lifecycle follows
PTB's custom-webhook example: initialize, post_init, start; then stop, post_stop, shutdown,
post_shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from http import HTTPStatus

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.core.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 100  # Telegram's ceiling for concurrent webhook deliveries
DRAIN_S = 10.0  # on SIGTERM, how long answers in progress may take to finish


class UpdateHandler(tornado.web.RequestHandler):
    """POST /telegram: check the secret, handle the update, then answer 200."""

    def initialize(self, ptb: Application, secret: str) -> None:
        self.ptb = ptb
        self.secret = secret

    async def post(self) -> None:
        if not hmac.compare_digest(self.request.headers.get(SECRET_HEADER, ""), self.secret):
            self.set_status(HTTPStatus.FORBIDDEN)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.ptb.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        if update is None:
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        try:
            await self.ptb.process_update(update)
        except Exception:  # handled and reported by the error handler; a redelivery would fail the same way
            log.exception("update %s failed", update.update_id)
        self.set_status(HTTPStatus.OK)


class MetricsHandler(tornado.web.RequestHandler):
    """GET /metrics: the Prometheus text format (with telegram.metrics)."""

    def initialize(self, ptb: Application) -> None:
        self.ptb = ptb

    def get(self) -> None:
        services = self.ptb.bot_data.get("services")
        if services is None:
            self.set_status(HTTPStatus.SERVICE_UNAVAILABLE)
            return
        self.set_header("Content-Type", CONTENT_TYPE)
        self.write(services.app.metrics.render())


async def serve(
    application: Application,
    *,
    listen: str,
    port: int,
    url_path: str,
    webhook_url: str,
    secret: str,
    metrics: bool = False,
) -> None:
    """Run the bot behind its own webhook server until SIGTERM/SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:  # stop claiming deliveries at once, finish the answers in progress
        services = application.bot_data.get("services")
        if services is not None:
            services.app.stopping.set()
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.bot.set_webhook(
            webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=MAX_CONNECTIONS,
        )
        await application.start()
        routes = [(rf"/{url_path}/?", UpdateHandler, {"ptb": application, "secret": secret})]
        if metrics:
            routes.append((r"/metrics", MetricsHandler, {"ptb": application}))
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes))
        server.listen(port, listen)
        log.info("webhook listening on %s:%d/%s", listen, port, url_path)
        await stop.wait()
        server.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.close_all_connections(), DRAIN_S)
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
