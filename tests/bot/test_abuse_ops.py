"""Abuse and operations: floods, hostile text, secrets in errors, health checks, graceful SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import AppConfig, load_config
from bot.core.services import Newsbot
from tests.botkit import running, services
from tests.conftest import ROOT
from tests.fakebot import FakeBotApi

ADMIN = 777


async def test_a_flood_from_one_user_does_not_starve_the_others(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    flooder = 6666
    async with running(bot_config(questions_per_minute=5), fake):
        # The same question each time: which 5 of the 1000 get through depends on scheduling
        # (concurrent updates), so every one of them must have the same answer.
        for _ in range(1000):
            await fake.message("When did SELEC visit CARICC?", chat_id=flooder)
        for user in range(1, 6):
            await fake.message(
                "When was the joint heroin investigation between Bulgaria and Turkey finalized?", chat_id=user
            )
        others = await fake.wait_sent(lambda s: 1 <= s.chat_id <= 5, count=5, timeout=60)
        assert all("August 10th 2018" in s.text for s in others)
        await fake.wait_sent(
            lambda s: s.chat_id == flooder and "October 12th, 2018" in s.text, count=5, timeout=60
        )
        await asyncio.sleep(2.0)  # nothing more comes
    replies = fake.to(flooder)
    assert len([r for r in replies if "October 12th, 2018" in r.text]) == 5  # the per-minute limit
    assert len([r for r in replies if "faster than I can read" in r.text]) == 1  # one warning, not 995


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("   ", "empty"),
        ("why " * 25_000, "too long"),
        ("\x00\x01\x02\ufffd\ufffd", "empty"),
        ("<script>alert(1)</script> & <b>bold", "couldn't find"),
        ("*bold* _it_ [link](http://x) `code`", "couldn't find"),
    ],
)
async def test_hostile_questions_get_a_clean_reply(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig], text: str, expected: str
) -> None:
    async with running(bot_config(), fake):
        await fake.message(text)
        [reply] = await fake.wait_sent(lambda s: s.chat_id == 1001)
        assert expected in reply.text
        assert "<script>" not in reply.text


async def test_errors_reach_admins_without_the_token(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    from bot.telegram.app import protect_logs

    protect_logs(fake.token)
    async with running(bot_config(), fake) as application:

        def broken(question: str, **kw: object) -> None:
            raise RuntimeError(f"backend at https://api.test/bot{fake.token}/x exploded")

        services(application).app.engine.ask = broken  # type: ignore[method-assign]
        await fake.message("When did SELEC visit CARICC?")
        [alert] = await fake.wait_sent(lambda s: s.chat_id == ADMIN)
        await fake.message("/stats", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "newsbot stats" in s.text)
    assert "RuntimeError" in alert.text and "[REDACTED]" in alert.text
    assert all(fake.token not in s.text for s in fake.sent)
    assert fake.token not in caplog.text and "exploded" in caplog.text


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(config), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_health_exit_codes_and_corrupt_state(write_config: Callable[..., Path], tmp_path: Path) -> None:
    config = write_config(
        sources=[
            {"name": "selec", "type": "textpage", "path": str(ROOT / "corpus/bundled/selec-news-2018.txt")},
            {"name": "gone", "type": "jsonl", "path": str(tmp_path / "missing.jsonl")},
        ]
    )
    assert _cli(config, "ingest").returncode == 0
    health = _cli(config, "health")
    assert health.returncode == 3 and "degraded" in health.stdout  # one source failing
    (tmp_path / "missing.jsonl").write_text('{"title": "A", "text": "Alpha story text."}\n')
    assert _cli(config, "ingest").returncode == 0
    assert _cli(config, "health").returncode == 0
    app_config = load_config(config)
    index = next(app_config.index_path.glob("v-*"))
    (index / "main" / "passages.jsonl").write_text("garbage\n")
    broken = _cli(config, "health")
    assert broken.returncode == 1 and "rebuild" in broken.stdout
    db = app_config.db_path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"not a database at all" * 200)
    for command in ("stats", "health", "ingest", "ask", "x"):
        out = _cli(config, command) if command != "x" else _cli(config, "ask", "anything")
        assert out.returncode != 0
        assert "Traceback" not in out.stderr
    hint = _cli(config, "stats").stderr
    assert "newsbot ingest" in hint and "loses the subscriptions" in hint and "copy the file first" in hint


async def test_sigterm_mid_broadcast_finishes_or_leaves_pending(
    fake: FakeBotApi, tmp_path: Path, write_config: Callable[..., Path]
) -> None:
    config = write_config(
        telegram={"api_url": fake.base_url, "poll_timeout": 1}, ingest={"interval_minutes": 0}
    )
    app = Newsbot(load_config(config))
    app.ingest()
    app.update_index()
    chats = list(range(30_000, 30_150))
    article = app.store.latest(1)[0]
    with app.store.transaction() as db:
        from bot.core.outbox import Outbox

        Outbox.enqueue(db, article.id, chats)
    app.close()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--config", str(config), "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    await fake.wait_sent(lambda s: s.chat_id in chats, count=20, timeout=60)
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 30) == 0
    app = Newsbot(load_config(config))
    counts = app.outbox.counts()
    app.close()
    assert "sending" not in counts and counts.get("sent", 0) + counts.get("pending", 0) == 150
    assert counts.get("pending", 0) > 0  # it stopped mid-broadcast
    delivered = [s.chat_id for s in fake.sent if s.chat_id in chats]
    assert len(delivered) == len(set(delivered)) == counts["sent"]


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_rejected_token_is_one_line_without_the_token(
    fake: FakeBotApi, write_config: Callable[..., Path], log_format: str
) -> None:
    config = write_config(telegram={"api_url": fake.base_url, "poll_timeout": 1}, log_format=log_format)
    app = Newsbot(load_config(config))
    app.ingest()
    app.update_index()
    app.close()
    revoked = "999999:revoked-token-ABCDEFGHIJKLMNOPQRSTU"
    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot.cli", "--config", str(config), "run"],
        cwd=ROOT,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": revoked},
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "the Bot API rejected the token" in proc.stderr
    assert "Traceback" not in output and "revoked-token" not in output and "999999" not in output


async def test_forged_callbacks_are_refused_and_an_error_flood_reaches_admins_once(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    from tests.fakebot import Sent

    async with running(bot_config(admins=[ADMIN]), fake) as application:
        button = Sent(chat_id=4321, message_id=1, text="x", parse_mode=None, reply_markup=None, reply_to=None)
        for data in ["ex:²"] * 50 + ["ex:-1", "ex:99", "ex:1x", "ex:٣"]:
            await fake.press(button, data)
        deadline = asyncio.get_running_loop().time() + 30
        while len(fake.callback_answers) < 54 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        assert len(fake.callback_answers) == 54
        assert all(a.get("text") == "That button has expired." for a in fake.callback_answers)

        def broken(question: str, **kw: object) -> None:
            raise RuntimeError("the engine broke")

        services(application).app.engine.ask = broken  # type: ignore[method-assign]
        for chat in range(20):
            await fake.message("when did SELEC visit CARICC", chat_id=50_000 + chat)
        await asyncio.sleep(3.0)
    reports = fake.to(ADMIN)
    assert len(reports) == 1 and "RuntimeError: the engine broke" in reports[0].text


async def test_anonymous_admins_of_two_groups_do_not_share_a_limit(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    anonymous = 1087968824  # GroupAnonymousBot: every anonymous admin arrives as this user
    groups = (-100111, -100222)
    async with running(bot_config(questions_per_minute=3), fake):
        for group in groups:
            for _ in range(6 if group == groups[0] else 1):
                await fake.message(
                    "/ask when did SELEC visit CARICC",
                    chat_id=group,
                    user_id=anonymous,
                    chat_type="supergroup",
                    extra={"sender_chat": {"id": group, "type": "supergroup", "title": "G"}},
                )
        answered = await fake.wait_sent(lambda s: s.chat_id == groups[1] and "2018" in s.text, timeout=30)
        assert answered  # group B is not silenced by group A's flood
        await asyncio.sleep(1.5)
    first = fake.to(groups[0])
    assert len([s for s in first if "2018" in s.text]) == 3 and any(
        "faster than I can read" in s.text for s in first
    )


async def test_subscriptions_are_capped_per_chat_and_listed_within_telegrams_limit(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    from bot.core.state import MAX_TOPICS_PER_CHAT

    chat = 8080
    async with running(bot_config(), fake):
        for i in range(MAX_TOPICS_PER_CHAT + 5):
            await fake.message(f"/subscribe {'long topic words ' * 5}{i}", chat_id=chat)
            await fake.wait_sent(lambda s: s.chat_id == chat, count=i + 1, timeout=30)
        await fake.message("/subscriptions", chat_id=chat)
        listing = (
            await fake.wait_sent(lambda s: s.chat_id == chat, count=MAX_TOPICS_PER_CHAT + 6, timeout=30)
        )[-1]
    replies = [s.text for s in fake.to(chat)]
    assert sum(t.startswith("Subscribed") for t in replies) == MAX_TOPICS_PER_CHAT
    assert sum("the most I keep for one chat" in t for t in replies) == 5
    assert listing.text.startswith("You get:") and listing.text.count("•") == MAX_TOPICS_PER_CHAT
    assert len(listing.text) <= 4096
