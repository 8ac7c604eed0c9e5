"""Broadcast rate through the fake Bot API, and the time from a feed gaining an item to answering it.

    .venv/bin/python benchmarks/broadcast.py [--subscribers 1000]

1. N all-news subscribers, one new article queued: time to deliver every message with PTB's
   AIORateLimiter on (Telegram's ~30 messages/s overall); the fake accepts everything.
2. A local RSS feed gains an item; one ingest pass (fetch, store + outbox, incremental index with the
   real model, broadcast) runs; then the question about it is answered. Reported: the pass's duration
   (a running bot adds up to ingest.interval_minutes of waiting before the pass starts).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.core.outbox import Outbox  # noqa: E402
from bot.telegram.admin import ingest_and_deliver  # noqa: E402
from bot.telegram.broadcast import deliver_pending  # noqa: E402
from tests.botkit import running, services  # noqa: E402
from tests.fakebot import FakeBotApi  # noqa: E402
from tests.newsserver import NewsSite, Route, rss, serve  # noqa: E402


def config_file(tmp: Path, fake: FakeBotApi, sources: list[dict], model: str) -> Path:
    path = tmp / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp / "data"),
                "sources": sources,
                "index": {"encoder": {"model": model}},
                "ingest": {"interval_minutes": 0, "allow_private_addresses": True},
                "telegram": {"api_url": fake.base_url, "poll_timeout": 1},
                "log_level": "WARNING",
            }
        )
    )
    return path


async def broadcast(subscribers: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    fake = FakeBotApi()
    await fake.start()
    page = {"name": "selec", "type": "textpage", "path": str(ROOT / "corpus/bundled/selec-news-2018.txt")}
    config = load_config(config_file(tmp, fake, [page], "hashing"))
    async with running(config, fake) as application:
        svc = services(application)
        app = svc.app
        chats = list(range(100_000, 100_000 + subscribers))
        with app.store.transaction() as db:
            db.executemany("INSERT INTO subscriptions VALUES (?, '', 'now')", [(c,) for c in chats])
            Outbox.enqueue(db, app.store.latest(1)[0].id, chats)
        started = time.monotonic()
        async with svc.delivering:
            report = await deliver_pending(application.bot, app)
        wall = time.monotonic() - started
    await fake.stop()
    print(
        f"broadcast: {report.sent} messages to {subscribers} subscribers in {wall:.1f}s = "
        f"{report.sent / wall:.1f} messages/s (AIORateLimiter: 30/s overall)"
    )


async def freshness() -> None:
    tmp = Path(tempfile.mkdtemp())
    fake = FakeBotApi()
    await fake.start()
    with serve(NewsSite()) as site:
        old = {
            "title": "Port reopens",
            "link": site.url("/port"),
            "description": "On 5 March 2024 the port of Varna reopened after a storm closed it for three days.",
        }
        site.routes["/rss"] = Route(rss([old]), etag='"1"')
        config = load_config(
            config_file(
                tmp, fake, [{"name": "desk", "type": "feed", "url": site.url("/rss")}], "all-MiniLM-L6-v2"
            )
        )
        async with running(config, fake) as application:
            app = services(application).app
            new = {
                "title": "Cigarettes seized",
                "link": site.url("/cig"),
                "description": "On 9 March 2024 customs officers in Burgas seized 12 tonnes of counterfeit cigarettes.",
            }
            site.routes["/rss"] = Route(rss([old, new]), etag='"2"')
            started = time.monotonic()
            context = SimpleNamespace(bot=application.bot, application=application)  # what the job reads
            await ingest_and_deliver(context)  # type: ignore[arg-type]
            answer = await asyncio.to_thread(
                app.engine.ask, "How many tonnes of cigarettes were seized in Burgas?"
            )
            wall = time.monotonic() - started
    await fake.stop()
    print(
        f"feed item -> answerable: {wall:.2f}s for one ingest pass (answer: {answer.answer!r}); "
        "add up to ingest.interval_minutes of waiting for the next scheduled pass"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(broadcast(args.subscribers))
    asyncio.run(freshness())
