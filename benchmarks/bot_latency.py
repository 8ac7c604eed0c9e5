"""Answer latency through the Bot API: N users asking concurrently, real model, fake Bot API.

    .venv/bin/python benchmarks/bot_latency.py [--users 10] [--questions 100]

Starts the fake Bot API server (tests/fakebot.py) on 127.0.0.1 in this process, runs `newsbot run`
as a separate process long-polling it (so the fake's own work is not charged to the bot), and has
each user ask its share of the questions one after another (the next once the previous reply
arrived). Latency is from the update being queued at the fake to the bot's reply reaching it:
polling, typing action, retrieval, extraction and sendMessage included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import CODE, QUESTIONS, ask_in_turn  # noqa: E402
from tests.fakebot import FakeBotApi  # noqa: E402


async def main(users: int, total: int, model: str, profile: Path | None, rate: float, reader: bool) -> None:
    tmp = Path(tempfile.mkdtemp())
    fake = FakeBotApi()
    await fake.start()
    config_path = tmp / "config.yaml"
    config_path.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp / "data"),
                "sources": [
                    {
                        "name": "selec",
                        "type": "textpage",
                        "path": str(ROOT / "corpus/bundled/selec-news-2018.txt"),
                        "url": "https://www.selec.org/news",
                    }
                ],
                "telegram": {
                    "api_url": fake.base_url,
                    "poll_timeout": 1,
                    "questions_per_minute": 1000,
                    "max_messages_per_second": rate,
                },
                "index": {"encoder": {"model": model}},
                "search": {"reader": reader},
                "log_level": "WARNING",
            }
        )
    )
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "HF_HUB_OFFLINE": "1"}
    spy = [
        str(Path(sys.executable).parent / "py-spy"),
        "record",
        "--format",
        "raw",
        "--threads",
        "--idle",
        "-r",
        "200",
        "-o",
        str(profile),
        "--",
    ]
    bot = await asyncio.create_subprocess_exec(
        *(spy if profile else []),
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(config_path),
        "run",
        cwd=CODE,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await ask_in_turn(fake, 1, QUESTIONS[:3], [])  # warm-up (and waits for the model to load)
        latencies: list[float] = []
        share = [[QUESTIONS[(u + i) % len(QUESTIONS)] for i in range(total // users)] for u in range(users)]
        started = time.monotonic()
        await asyncio.gather(*(ask_in_turn(fake, 100 + u, share[u], latencies) for u in range(users)))
        wall = time.monotonic() - started
    finally:
        if profile:
            bot.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
        else:
            bot.terminate()
        await bot.wait()
        await fake.stop()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    ms = np.array(latencies) * 1000
    print(
        f"CPU: bot process {children.ru_utime + children.ru_stime:.1f}s (model load included), "
        f"fake API + users {me.ru_utime + me.ru_stime:.1f}s"
    )
    print(
        f"{len(ms)} questions from {users} concurrent users in {wall:.1f}s ({len(ms) / wall:.1f} answered/s)"
    )
    print(
        f"latency p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms, max {ms.max():.0f} ms"
    )
    calls = Counter(method for method, _ in fake.calls)
    print("Bot API calls: " + ", ".join(f"{method} {n}" for method, n in calls.most_common()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument(
        "--model", default="all-MiniLM-L6-v2", help="'hashing' measures everything but the model"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="sample the bot with py-spy (pip install py-spy) into this collapsed-stack file",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=1000,
        help="telegram.max_messages_per_second: 1000 (paid broadcasts) measures the bot, 30 (the default, "
        "Telegram's own limit) the bot behind its rate limiter",
    )
    parser.add_argument("--no-reader", action="store_true", help="search.reader: false")
    args = parser.parse_args()
    print(f"telegram.max_messages_per_second: {args.rate:g}")
    asyncio.run(main(args.users, args.questions, args.model, args.profile, args.rate, not args.no_reader))
