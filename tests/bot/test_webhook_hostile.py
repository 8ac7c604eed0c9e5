"""The webhook port faces the internet (issue 31, item 12): the secret is checked before any of the body
is read, a body is capped, /metrics is not served there, and a body that is not an update gets 400."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from bot.config import AppConfig
from tests.fakebot import FakeBotApi

SECRET = "s3cret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


METRICS_PORT = _free_port()


@pytest.fixture
async def webhook(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[int]:
    from bot.telegram.app import run_webhook

    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    port = _free_port()
    config = bot_config(webhook_url="https://bot.example/telegram", metrics=True, metrics_port=METRICS_PORT)
    server = asyncio.create_task(run_webhook(config, fake.token, port=port))
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(400):  # until the server listens
            with contextlib.suppress(httpx.ConnectError):
                await client.get(f"http://127.0.0.1:{port}/telegram")
                break
            await asyncio.sleep(0.05)
    try:
        yield port
    finally:
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(server, 30)


async def _head_only(port: int, headers: dict[str, str]) -> bytes:
    """Send a POST's headers (a huge Content-Length, no body yet) and return what the server answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 94371840\r\n{lines}\r\n".encode())
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(200), 5)  # the old server waited for 90 MB first
    finally:
        writer.close()


async def test_the_secret_and_the_size_are_checked_before_the_body_is_read(webhook: int) -> None:
    refused = await _head_only(webhook, {"X-Telegram-Bot-Api-Secret-Token": "wrong"})
    assert refused.startswith(b"HTTP/1.1 403")
    too_big = await _head_only(webhook, {"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert too_big.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    "body", [b"[]", b'"update"', b"null", b"3", b"{}", b'{"update_id": "1"}', b"[" * 50_000 + b"]" * 50_000]
)
async def test_a_body_that_is_not_an_update_gets_400(webhook: int, body: bytes) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"http://127.0.0.1:{webhook}/telegram",
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
        )
    assert answer.status_code == 400


async def test_metrics_have_their_own_listener_not_the_webhook_port(webhook: int) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(f"http://127.0.0.1:{webhook}/metrics")).status_code == 404
        own = await client.get(f"http://127.0.0.1:{METRICS_PORT}/metrics")
    assert own.status_code == 200 and "newsbot_" in own.text
