"""Replicas on PostgreSQL through the fake Bot API: broadcast throughput and questions/s, 1 vs 3 replicas.

    .venv/bin/python benchmarks/replicas.py [--subscribers 10000] [--rates 30,1000] [--users 10] [--questions 100]

Each configuration gets a fresh PostgreSQL schema, the fake Bot API (tests/fakebot.py) delivering
updates to a round-robin balancer (tests/balancer.py) in front of N `newsbot run --webhook` processes
(tests/replicas.py). Uses $NEWSBOT_TEST_POSTGRES_URL, else starts a throwaway server with
scripts/postgres.sh.

- broadcast: N subscribers (inserted directly), then an admin /ingest of one new article; throughput
  is alerts from the first to the last one received by the fake, at each `max_messages_per_second`
  (30 is Telegram's limit per bot; 1000 is the paid-broadcast ceiling and shows what the system
  itself sustains). Hashing encoder: the model plays no part in a broadcast.
- questions: `users` users each asking their share of `questions` one after another (real model,
  the bundled SELEC corpus); latency from the fake queueing the update to the reply reaching it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import QUESTIONS, ask_in_turn  # noqa: E402
from bot.core.state import BotState  # noqa: E402
from corpus import Store  # noqa: E402
from tests.pg import URL_ENV, fresh_schema  # noqa: E402
from tests.replicas import ADMIN, add_article, cluster  # noqa: E402

SELEC = {
    "name": "selec",
    "type": "textpage",
    "path": str(ROOT / "corpus/bundled/selec-news-2018.txt"),
    "url": "https://www.selec.org/news",
}


async def broadcast(replicas: int, subscribers: int, rate: float) -> str:
    with fresh_schema() as url, tempfile.TemporaryDirectory() as tmp:
        async with cluster(
            Path(tmp),
            url,
            replicas=replicas,
            telegram={"max_messages_per_second": rate},
            articles=[("Harbour reopens", "The harbour reopened on 4 May 2024.")],
        ) as group:
            with Store(url) as store:
                BotState(store)
                with store.transaction() as tx:
                    tx.executemany(
                        "INSERT INTO subscriptions VALUES (?, '', 'x')",
                        [(10_000 + i,) for i in range(subscribers)],
                    )
            await group.leader()
            add_article(
                group.source, 1, "Grain deal signed", "The grain export deal was signed on 6 May 2024."
            )
            asked = time.monotonic()
            await group.fake.message("/ingest", chat_id=ADMIN)
            alerts: list[float] = []
            scanned = 0
            deadline = asked + subscribers / min(rate, 200) * 3 + 120
            while len(alerts) < subscribers and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                new = group.fake.sent[scanned:]
                scanned += len(new)
                alerts += [s.at for s in new if s.chat_id >= 10_000 and "Grain deal" in s.text]
            chats = {s.chat_id for s in group.fake.sent if s.chat_id >= 10_000}
            if len(alerts) < subscribers:
                return (
                    f"broadcast {replicas} replica(s) @ {rate:g}/s: only {len(alerts)}/{subscribers} arrived"
                )
            span = max(alerts) - min(alerts)
            return (
                f"broadcast, {replicas} replica(s), limiter {rate:g} msg/s: {len(alerts)} alerts to {len(chats)} chats "
                f"in {span:.1f}s = {(len(alerts) - 1) / span:.1f} msg/s (first alert {min(alerts) - asked:.1f}s after "
                f"/ingest, last {max(alerts) - asked:.1f}s)"
            )


async def questions(replicas: int, users: int, total: int, model: str) -> str:
    with fresh_schema() as url, tempfile.TemporaryDirectory() as tmp:
        async with cluster(
            Path(tmp), url, replicas=replicas, sources=[SELEC], model=model, log_level="WARNING"
        ) as group:
            for w in range(3 * replicas):  # warm-up: the balancer sends each replica some; models load
                await ask_in_turn(group.fake, 1 + w, QUESTIONS[:1], [])
            latencies: list[float] = []
            share = [
                [QUESTIONS[(u + i) % len(QUESTIONS)] for i in range(total // users)] for u in range(users)
            ]
            started = time.monotonic()
            await asyncio.gather(
                *(ask_in_turn(group.fake, 100 + u, share[u], latencies) for u in range(users))
            )
            wall = time.monotonic() - started
            spread = sorted(group.balancer.forwarded.values())
    ms = np.array(latencies) * 1000
    return (
        f"questions, {replicas} replica(s): {len(ms)} from {users} users in {wall:.1f}s = {len(ms) / wall:.1f} "
        f"answered/s; p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms; updates per "
        f"replica {spread}"
    )


async def main(args: argparse.Namespace) -> None:
    for rate in [float(r) for r in args.rates.split(",") if r]:
        for n in (1, 3):
            print(await broadcast(n, args.subscribers, rate), flush=True)
    for _ in range(args.rounds if args.users else 0):  # alternated: the machine's noise hits both
        for n in (1, 3):
            print(await questions(n, args.users, args.questions, args.model), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rates", default="30,1000", help="max_messages_per_second values to measure")
    parser.add_argument("--users", type=int, default=10, help="0: skip the questions part")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="question rounds, 1 and 3 replicas each")
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    args = parser.parse_args()
    if os.environ.get(URL_ENV):
        asyncio.run(main(args))
    else:  # a throwaway server for this run
        sys.exit(subprocess.call([str(ROOT / "scripts/postgres.sh"), "run", sys.executable, *sys.argv]))
