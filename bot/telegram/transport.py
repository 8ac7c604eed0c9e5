"""python-telegram-bot's requests to the Bot API over aiohttp.

PTB's default transport is httpx; under 50 concurrent questions its connection-pool bookkeeping
(httpcore re-scans its connections whenever a request starts or ends) and per-request object work held
the GIL for about 40 % of the bot's time (py-spy, benchmarks/bot_latency.py --profile). aiohttp's
client parses HTTP in C and keeps its pool in O(1) per request. Same contract as PTB's HTTPXRequest:
form-encoded parameters (multipart when a file is uploaded), timeouts as TimedOut (connect and read;
aiohttp has no write timeout), other transport failures as NetworkError; the status code and body go
back to PTB, which maps Bot API errors.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue  # what PTB passes for "not set" (as HTTPXRequest)
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

POOL_TIMEOUT_S = 10.0  # a reply waits this long for a free connection before it fails


class AiohttpRequest(BaseRequest):
    """Sends Bot API requests through one aiohttp session of at most `connections` connections."""

    __slots__ = ("_connect", "_connections", "_read", "_session")

    def __init__(
        self,
        *,
        connections: int,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
    ) -> None:
        self._connections = connections
        self._read, self._connect = read_timeout, connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = POOL_TIMEOUT_S if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(  # aiohttp has no write timeout: a request body is small
            total=None,
            connect=None if pool is None or connect is None else pool + connect,  # waiting for a slot too
            sock_connect=connect,
            sock_read=read,
        )
        data: Any = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:
                data = request_data.json_parameters
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
