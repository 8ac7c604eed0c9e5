"""Start the real PTB application in-process against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application

from bot.config import AppConfig
from bot.telegram.app import build_application
from bot.telegram.context import Services
from tests.fakebot import FakeBotApi


@asynccontextmanager
async def running(
    config: AppConfig, fake: FakeBotApi, *, serve_metrics: bool = False
) -> AsyncIterator[Application]:
    """Run the bot with long polling against the fake until the block ends."""
    application = build_application(config, fake.token, serve_metrics=serve_metrics)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=1, poll_interval=0)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def services(application: Application) -> Services:
    return application.bot_data["services"]
