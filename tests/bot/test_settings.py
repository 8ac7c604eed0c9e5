"""/settings: link previews, time zone and digest hour per chat, over the fake Bot API."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import AppConfig
from bot.core.settings import Settings
from corpus import Store
from tests.botkit import running
from tests.fakebot import FakeBotApi


async def test_settings_buttons_change_previews_and_the_digest(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    chat, other = 6001, 6002
    async with running(bot_config(digest_hour=8), fake):
        await fake.message("/settings", chat_id=chat)
        [view] = await fake.wait_sent(lambda s: s.chat_id == chat and "Settings of this chat" in s.text)
        assert "Link previews: off" in view.text and "one message each" in view.text
        labels = dict(view.buttons())
        for data in (labels["Link previews: turn on"], labels["Daily digest"], "st:hour+", "st:hour+"):
            edits = len(view.edits)
            await fake.press(view, data)  # one at a time, as a person presses
            for _ in range(200):
                if len(view.edits) > edits:
                    break
                await asyncio.sleep(0.02)
        await fake.press(view, "st:forged")
        assert "Link previews: on" in view.text and "a daily digest at 10:00" in view.text
        await fake.message("/settings tz Mars/Olympus", chat_id=chat)
        await fake.message("/settings tz Asia/Tokyo", chat_id=chat)
        await fake.wait_sent(lambda s: s.chat_id == chat and "Time zone: Asia/Tokyo" in s.text)
        for c in (chat, other):
            await fake.message("When did SELEC visit CARICC?", chat_id=c)
        await fake.wait_sent(lambda s: s.chat_id in (chat, other) and "October 12th, 2018" in s.text, count=2)
    answers = {s.chat_id: s for s in fake.sent if "October 12th, 2018" in s.text}
    assert answers[chat].preview and not answers[other].preview
    assert any("unknown time zone 'Mars/Olympus'" in s.text for s in fake.to(chat))
    assert any(str(a.get("text")).startswith("That button has expired") for a in fake.callback_answers)


def test_a_digest_is_due_at_the_chats_local_hour(tmp_path: Path) -> None:
    from bot.core.state import BotState

    store = Store(tmp_path / "db.sqlite3")
    BotState(store)
    settings = Settings(store)
    settings.update(1, tz="Asia/Tokyo", digest_hour=10)
    settings.update(2, tz="Europe/Sofia")  # the default hour, 8, in Sofia
    with pytest.raises(ValueError, match="unknown time zone"):
        settings.update(3, tz="Nowhere/Land")
    at = dt.datetime(2026, 1, 15, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo, 03:00 in Sofia
    assert settings.due([1, 2, 3], at, default_hour=8) == [1]
    assert settings.due([1, 2, 3], at.replace(hour=6), default_hour=8) == [2]  # 08:00 in Sofia (UTC+2)
    assert settings.due([1, 2, 3], at.replace(hour=8), default_hour=8) == [3]  # chat 3 kept UTC
    store.close()


async def test_settings_never_crash_on_odd_zones_idle_presses_or_old_messages(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig], caplog: pytest.LogCaptureFixture
) -> None:
    chat = 6101
    async with running(bot_config(), fake) as application:
        for zone in ("Europe", "A" * 300, "../../etc/passwd", "Europe/Sofia\x00"):
            await fake.message(f"/settings tz {zone}", chat_id=chat)
        replies = await fake.wait_sent(lambda s: s.chat_id == chat, count=4, timeout=30)
        assert all("unknown time zone" in r.text for r in replies), [r.text for r in replies]
        assert "A" * 41 not in replies[1].text  # a long name is shortened in the reply
        await fake.message("/settings", chat_id=chat)
        [view] = await fake.wait_sent(lambda s: s.chat_id == chat and "Settings of this chat" in s.text)
        answered = len(fake.callback_answers)
        for _ in range(30):  # the digest is off: the hour buttons say so and change nothing
            await fake.press(view, "st:hour+")
        for _ in range(200):
            if len(fake.callback_answers) >= answered + 30:
                break
            await asyncio.sleep(0.05)
        assert [a.get("text") for a in fake.callback_answers[answered:]] == [
            "The daily digest is off: turn it on first."
        ] * 30
        await fake.press(view, "st:previews", inaccessible=True)  # too old to see: nothing toggles
        for _ in range(200):
            if len(fake.callback_answers) >= answered + 31:
                break
            await asyncio.sleep(0.05)
        settings = application.bot_data["services"].app.settings
        assert not settings.get(chat).previews and settings.get(chat).digest_hour is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not fake.to(777)  # the admins were told of nothing: nothing went wrong


def test_error_reports_to_admins_name_no_server_paths() -> None:
    from bot.telegram.app import report_text

    error = IsADirectoryError(
        21, "Is a directory", "/srv/newsbot/.venv/lib/python3.11/site-packages/tzdata/zoneinfo/Europe"
    )
    text = report_text(error, token="123:secret")
    assert "IsADirectoryError" in text and "/srv" not in text and ".venv" not in text and "[path]" in text
    assert "secret" not in report_text(ValueError("token 123:secret leaked"), token="123:secret")
