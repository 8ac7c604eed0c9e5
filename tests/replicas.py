"""Several `newsbot run --webhook` processes sharing one PostgreSQL database and one index directory,
behind a round-robin balancer, against the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.balancer import Balancer
from tests.conftest import ROOT
from tests.fakebot import FakeBotApi

ADMIN = 777


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_article(source: Path, n: int, title: str, text: str) -> None:
    """Append one article to the JSON Lines source the replicas ingest."""
    with open(source, "a") as out:
        out.write(
            json.dumps({"title": title, "date": "2024-05-03", "url": f"https://n.test/{n}", "text": text})
            + "\n"
        )


@dataclass
class Replica:
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    config: Path | None = (
        None  # its own (index.backend postgresql: a data_dir of its own), else the cluster's
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def leads(self) -> bool:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return self.alive and "leads ingestion" in text and "lost leadership" not in text

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)


@dataclass
class Cluster:
    fake: FakeBotApi
    balancer: Balancer
    replicas: list[Replica]
    config: Path
    source: Path
    database_url: str
    env: dict[str, str] = field(default_factory=dict)

    def start(self, replica: Replica) -> None:
        cmd = [
            sys.executable,
            "-m",
            "bot.cli",
            "--config",
            str(replica.config or self.config),
            "run",
            "--webhook",
            "--port",
            str(replica.port),
        ]
        with open(replica.log, "ab") as log:
            replica.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    async def wait_up(self, timeout: float = 60) -> None:
        """Wait until every live replica's webhook server accepts connections."""
        deadline = time.monotonic() + timeout
        for replica in self.replicas:
            while replica.alive:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", replica.port)
                    writer.close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError(
                            f"replica on {replica.port} did not start: {replica.log.read_text()[-2000:]}"
                        ) from None
                    await asyncio.sleep(0.1)
            assert replica.alive, replica.log.read_text()[-3000:]

    async def leader(self, timeout: float = 30) -> Replica:
        """Return the one live replica that leads (waiting for a takeover if need be)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            leaders = [r for r in self.replicas if r.leads()]
            assert len(leaders) <= 1, "two live replicas lead at once"
            if leaders:
                return leaders[0]
            await asyncio.sleep(0.1)
        raise AssertionError("no replica took the lead")

    def serving(self, replica: Replica) -> int:
        """How many index versions a replica has switched to since it started."""
        text = replica.log.read_text(errors="replace")
        return len(re.findall(r"serving index v-|serving the PostgreSQL index", text))


@asynccontextmanager
async def cluster(
    tmp_path: Path,
    database_url: str,
    *,
    replicas: int = 3,
    articles: list[tuple[str, str]] = (),
    sources: list[dict[str, object]] | None = None,
    model: str = "hashing",
    telegram: dict[str, object] | None = None,
    log_level: str = "INFO",
    backend: str = "faiss",
) -> AsyncIterator[Cluster]:
    """Start the fake Bot API, a balancer and `replicas` webhook processes; stop them all after.

    The replicas ingest `articles` from a JSON Lines file (add_article appends), plus `sources`. With
    `backend` postgresql each replica has a data_dir of its own: they share nothing but the database."""
    fake = FakeBotApi()
    fake.deliver_webhooks = True
    await fake.start()
    ports = [free_port() for _ in range(replicas)]
    balancer = Balancer([f"http://127.0.0.1:{p}" for p in ports])
    await balancer.start()
    source = tmp_path / "wire.jsonl"
    source.touch()
    for n, (title, text) in enumerate(articles):
        add_article(source, n, title, text)
    config = tmp_path / "config.yaml"

    def settings(data_dir: Path) -> dict[str, object]:
        return {
            "data_dir": str(data_dir),
            "log_level": log_level,
            "sources": [{"name": "wire", "type": "jsonl", "path": str(source)}, *(sources or [])],
            "index": {"encoder": {"model": model}, "backend": backend},
            "ingest": {"interval_minutes": 0},
            "storage": {"url": database_url, "leader_poll_s": 0.3, "index_poll_s": 0.3},
            "telegram": {
                "api_url": fake.base_url,
                "admins": [ADMIN],
                "mode": "webhook",
                "questions_per_minute": 1000,
                "webhook_url": f"{balancer.url}/telegram",
                "webhook_listen": "127.0.0.1",
                **(telegram or {}),
            },
        }

    config.write_text(yaml.safe_dump(settings(tmp_path / "shared-data")))
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "HF_HUB_OFFLINE": "1"}
    env.pop("NEWSBOT_DATABASE_URL", None)
    group = Cluster(
        fake,
        balancer,
        [Replica(p, tmp_path / f"replica-{p}.log") for p in ports],
        config,
        source,
        database_url,
        env,
    )
    if backend == "postgresql":
        for replica in group.replicas:
            own = tmp_path / f"replica-{replica.port}"
            own.mkdir()
            replica.config = own / "config.yaml"
            replica.config.write_text(yaml.safe_dump(settings(own / "data")))
    try:
        for replica in group.replicas:
            group.start(replica)
        await group.wait_up()
        yield group
    finally:
        for replica in group.replicas:
            if replica.alive:
                assert replica.proc is not None
                replica.proc.send_signal(signal.SIGTERM)
        for replica in group.replicas:
            if replica.proc is not None:
                try:
                    replica.proc.wait(20)
                except subprocess.TimeoutExpired:
                    replica.proc.kill()
                    replica.proc.wait()
        await balancer.stop()
        await fake.stop()
