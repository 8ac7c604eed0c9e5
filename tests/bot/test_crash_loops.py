"""Crash safety: real subprocesses killed with SIGKILL at random points, 20 runs each."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.config import load_config
from bot.core.services import Newsbot
from corpus.article import content_hash
from index import Engine, IndexMissingError, SearchConfig
from index.encoders.hashing import HashingEncoder
from index.storage import current_path, load_version
from tests.conftest import ROOT
from tests.fakebot import FakeBotApi

RUNS = int(os.environ.get("NEWSBOT_CRASH_RUNS", "20"))
WORDS = (
    "harbour storm customs ministry election bridge grain export police summit railway court budget".split()
)


def _write_articles(path: Path, start: int, count: int) -> None:
    rng = random.Random(start)
    with open(path, "a") as out:
        for i in range(start, start + count):
            body = " ".join(
                f"Story {i} reports that the {rng.choice(WORDS)} of town{i} met on 3 May 2024."
                for _ in range(12)
            )
            out.write(
                json.dumps(
                    {"title": f"Story {i}", "date": "2024-05-03", "url": f"https://n.test/{i}", "text": body}
                )
                + "\n"
            )


def _config(tmp: Path, source: Path, **extra: object) -> Path:
    path = tmp / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp / "data"),
                "log_level": "WARNING",
                "sources": [{"name": "wire", "type": "jsonl", "path": str(source)}],
                "index": {"encoder": {"model": "hashing"}, "compact_fraction": 0.05},
                **extra,
            }
        )
    )
    return path


def _newsbot(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--config", str(config), *args],
        cwd=ROOT,
        env=env or os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _health(config: Path) -> dict:
    from bot.core.health import check

    app = Newsbot(load_config(config))
    try:
        return check(app)
    finally:
        app.close()


class RandomKiller:
    """SIGKILLs processes after a random share of how long an unkilled run of the same work takes."""

    def __init__(self, seed: int, *, expected_s: float = 2.0) -> None:
        self.rng = random.Random(seed)
        self.expected_s = expected_s
        self.killed = 0

    def run(self, proc: subprocess.Popen[bytes]) -> None:
        started = time.monotonic()
        deadline = started + self.rng.uniform(0.2, 1.0) * self.expected_s
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            self.killed += 1
        else:
            self.expected_s = time.monotonic() - started
        proc.wait(30)


def test_killed_index_builds_leave_a_loadable_index(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    _write_articles(source, 0, 150)
    config = _config(tmp_path, source)
    assert (
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "--config", str(config), "index"],
            cwd=ROOT,
            capture_output=True,
            timeout=120,
        ).returncode
        == 0
    )
    root = load_config(config).index_path
    killer = RandomKiller(1)
    for run in range(RUNS):
        _write_articles(source, 150 + run * 80, 80)  # every run has new articles (and compactions happen)
        killer.run(_newsbot(config, "ingest"))
        data = load_version(
            current_path(root), ef_search=800, bm25_numba_from=200_000
        )  # whichever version is CURRENT loads whole
        engine = Engine(root, HashingEncoder(), SearchConfig(min_confidence=0.0))
        answer = engine.ask("What did Story 7 report about town7?")
        assert answer.answered and answer.sources[0].title == "Story 7"
        assert all(data.passages_of(aid) for aid in data.articles)
    print(f"index: {RUNS} runs, {killer.killed} killed mid-work")
    assert killer.killed >= RUNS // 2


def test_killed_ingests_leave_the_store_consistent(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    _write_articles(source, 0, 100)
    config = _config(tmp_path, source)
    db_path = load_config(config).db_path
    killer = RandomKiller(2)
    lagged = 0
    for run in range(RUNS):
        _write_articles(source, 100 + run * 60, 60)
        killer.run(_newsbot(config, "ingest"))
        db = sqlite3.connect(db_path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT id, title, body, url, published, hash FROM articles").fetchall()
        db.close()
        import datetime as dt

        for _, title, body, url, published, digest in rows:  # no half-written rows
            day = dt.date.fromisoformat(published) if published else None
            assert title and body and digest == content_hash(title, body, day, url)
        stored = {r[0] for r in rows}
        health = _health(config)
        try:
            data = load_version(
                current_path(load_config(config).index_path), ef_search=800, bm25_numba_from=200_000
            )
        except IndexMissingError:  # killed before the first build finished: nothing swapped in yet
            assert health["status"] == "broken" and not health["index"]["ok"]  # and health says so
            continue
        assert set(data.articles) <= stored  # the store only grows here: an indexed article is stored
        assert all(data.passages_of(aid) for aid in data.articles)  # and has its passages
        lag = sum(data.articles[r[0]].hash != r[5] if r[0] in data.articles else 1 for r in rows)
        lagged += bool(lag)
        assert health["index"]["not_indexed"] == lag  # health tells the truth after each kill
        assert health["status"] == ("degraded" if lag else "healthy")
    print(f"ingest: {RUNS} runs, {killer.killed} killed mid-work, {lagged} left the index behind the store")
    assert killer.killed >= RUNS // 2


@pytest.mark.timeout(900)  # 20 kill-and-restart runs of the bot, ~12 s each on 2 cores
async def test_killed_broadcasts_reach_everyone(fake: FakeBotApi, tmp_path: Path) -> None:
    """Every subscriber gets every article; a kill between Telegram's reply and our commit (the
    row still `sending`) is the only way to a second copy, and the test counts those."""
    source = tmp_path / "wire.jsonl"
    _write_articles(source, 0, 5)
    config = _config(
        tmp_path,
        source,
        telegram={"api_url": fake.base_url, "poll_timeout": 1},
        ingest={"interval_minutes": 0},
    )
    app = Newsbot(load_config(config))
    app.ingest()
    app.update_index()
    subscribers = list(range(20_000, 20_030))
    for chat in subscribers:
        app.state.subscribe(chat)
    app.close()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token}
    rng = random.Random(3)
    ambiguous = doubles = killed = 0
    for run in range(RUNS):
        _write_articles(source, 5 + run, 1)
        app = Newsbot(load_config(config))
        assert app.ingest()[0].added == 1
        app.close()
        proc = _newsbot(config, "run", env=env)
        while not any(m == "sendMessage" for m, _ in fake.calls[-200:]) and proc.poll() is None:
            await asyncio.sleep(0.02)
        await asyncio.sleep(rng.uniform(0.0, 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(30)
        app = Newsbot(load_config(config))
        ambiguous += app.outbox.counts().get("sending", 0)
        app.close()
        proc = _newsbot(config, "run", env=env)
        title = f"Story {5 + run}"
        try:
            await fake.wait_sent(
                lambda s, t=title: t in s.text and s.chat_id in subscribers, count=30, timeout=60
            )
            await asyncio.sleep(0.3)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        copies = [len([s for s in fake.to(c) if title in s.text]) for c in subscribers]
        assert min(copies) == 1
        doubles += sum(copies) - len(copies)
    print(
        f"broadcast: {RUNS} runs, {killed} killed mid-broadcast, {ambiguous} rows caught in flight, "
        f"{doubles} second copies"
    )
    assert doubles <= ambiguous
    app = Newsbot(load_config(config))
    assert app.outbox.counts() == {"sent": 30 * RUNS}
    app.close()
