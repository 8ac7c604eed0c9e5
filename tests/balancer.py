"""A round-robin HTTP load balancer on 127.0.0.1: webhook replicas "behind one URL"."""

from __future__ import annotations

import itertools

import aiohttp
from aiohttp import web

from tests.fakebot import serve_local

_HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class Balancer:
    """Forwards each request to the next backend; a backend that refuses the connection is skipped."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends  # base URLs, e.g. http://127.0.0.1:8001
        self.forwarded: dict[str, int] = {b: 0 for b in backends}  # requests each backend took on
        self._next = itertools.cycle(range(len(backends)))
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    async def start(self) -> None:
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner, self.port = await serve_local(app)

    async def stop(self) -> None:
        if self._runner is not None:  # first stop taking requests, then close the client they use
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        for _ in range(len(self.backends)):
            backend = self.backends[next(self._next)]
            self.forwarded[backend] += 1  # counted when sent: a replica may answer before it responds
            try:
                async with self._client.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as resp:
                    return web.Response(status=resp.status, body=await resp.read())
            except aiohttp.ClientConnectionError:  # refused, or the replica died mid-request: the next one
                self.forwarded[backend] -= 1
                continue
        return web.Response(status=502, text="no replica answered")
