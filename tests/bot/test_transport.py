"""The bot's Bot API transport (aiohttp) against a local HTTP server: what it sends, and its failures."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.transport import AiohttpRequest
from tests.fakebot import serve_local


@pytest.fixture
async def server() -> AsyncIterator[str]:
    async def echo(request: web.Request) -> web.Response:
        form = await request.post()
        fields = {
            k: (v.filename, v.file.read().decode()) if isinstance(v, web.FileField) else v
            for k, v in form.items()
        }
        return web.json_response({"ok": True, "result": fields}, status=200)

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    async def limited(request: web.Request) -> web.Response:
        body = {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests",
            "parameters": {"retry_after": 3},
        }
        return web.json_response(body, status=429)

    app = web.Application()
    app.router.add_post("/echo", echo)
    app.router.add_post("/slow", slow)
    app.router.add_post("/limited", limited)
    runner, port = await serve_local(app)
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def _data(*parameters: RequestParameter) -> RequestData:
    return RequestData(list(parameters))


async def test_parameters_are_form_fields_and_files_are_multipart_parts(server: str) -> None:
    async with AiohttpRequest(connections=2) as request:
        status, body = await request.do_request(
            f"{server}/echo", "POST", _data(RequestParameter.from_input("chat_id", 5))
        )
        assert status == 200 and request.parse_json_payload(body)["result"] == {"chat_id": "5"}
        photo = RequestParameter.from_input("photo", InputFile(b"PNGDATA", filename="a.png"))
        status, body = await request.do_request(
            f"{server}/echo", "POST", _data(photo, RequestParameter.from_input("caption", "hi"))
        )
        assert request.parse_json_payload(body)["result"] == {"photo": ["a.png", "PNGDATA"], "caption": "hi"}


async def test_bot_api_errors_come_back_with_their_status_for_ptb_to_map(server: str) -> None:
    async with AiohttpRequest(connections=1) as request:
        status, body = await request.do_request(f"{server}/limited", "POST")
        assert status == 429 and request.parse_json_payload(body)["parameters"] == {"retry_after": 3}


async def test_a_slow_answer_is_timed_out_and_a_closed_port_a_network_error(server: str) -> None:
    async with AiohttpRequest(connections=1, read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{server}/slow", "POST")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{closed}/x", "POST")
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{server}/echo", "POST")
