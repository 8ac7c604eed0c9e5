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

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 100  # Telegram's ceiling for concurrent webhook deliveries
MAX_BODY = 1 << 20  # an update is a few KB (a message of 4,096 characters and its entities): 1 MiB
DRAIN_S = 10.0  # on SIGTERM, how long answers in progress may take to finish


def parse_update(body: bytes) -> dict | None:
    """Return the JSON object of an update, or None for a body that is not one (not JSON, a list, a string,
    null, nested past any update's depth, no integer update_id)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    return data


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST /telegram: check the secret before reading any of the body, read at most MAX_BODY bytes,
    handle the update, then answer 200 (400 for a body that is not an update, 413 past the cap)."""

    def initialize(self, ptb: Application, secret: str) -> None:
        self.ptb = ptb
        self.secret = secret
        self.body = bytearray()

    async def prepare(self) -> None:
        if self.request.method != "POST":
            return  # tornado answers 405
        if not hmac.compare_digest(self.request.headers.get(SECRET_HEADER, ""), self.secret):
            await self._refuse(HTTPStatus.FORBIDDEN)
            return
        declared = self.request.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            await self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[union-attr]  # chunked too

    async def _refuse(self, status: HTTPStatus) -> None:
        """Answer now and hang up: the body is never read."""
        self.set_status(status)
        await self.finish()
        self.request.connection.close()  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        if not self._finished:
            self.body.extend(chunk)

    async def post(self) -> None:
        data = parse_update(bytes(self.body))
        update = None
        if data is not None:
            try:
                update = Update.de_json(data, self.ptb.bot)
            except Exception:  # a shape PTB cannot read: the sender's fault, not ours
                log.info("refused a webhook body that is not an update")
        if update is None:
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        try:
            await self.ptb.process_update(update)
        except Exception:  # handled and reported by the error handler; a redelivery would fail the same way
            log.exception("update %s failed", update.update_id)
        self.set_status(HTTPStatus.OK)


async def serve(
    application: Application,
    *,
    listen: str,
    port: int,
    url_path: str,
    webhook_url: str,
    secret: str,
) -> None:
    """Run the bot behind its own webhook server until SIGTERM/SIGINT (/metrics is not served here: it has
    its own listener, telegram.metrics_listen, so the public webhook port never shows it)."""
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
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes), max_body_size=MAX_BODY)
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
