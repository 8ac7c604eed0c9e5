"""A feed gains an item: subscribers hear of it once, and it becomes answerable (bot + news site)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from bot.config import load_config
from bot.core.services import Newsbot
from tests.botkit import running, services
from tests.conftest import ROOT
from tests.fakebot import FakeBotApi
from tests.newsserver import NewsSite, Route, rss, serve

ADMIN = 777
USER_CHAT = 4242
STORY = "On 5 March 2024 the port of Varna reopened after a storm closed it for three days, officials said."
NEW = "On 9 March 2024 customs officers in Burgas seized 12 tonnes of counterfeit cigarettes from a ship."


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


async def test_a_new_feed_item_reaches_each_subscriber_once_and_is_answerable(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    first = {"title": "Port reopens", "link": site.url("/port"), "description": STORY}
    site.routes["/rss"] = Route(rss([first]), etag='"1"')
    config = load_config(
        write_config(
            sources=[{"name": "desk", "type": "feed", "url": site.url("/rss")}],
            ingest={"allow_private_addresses": True, "interval_minutes": 0},
            telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
        )
    )
    async with running(config, fake) as application:
        for chat, command in (
            (1, "/subscribe"),
            (2, "/subscribe cigarettes"),
            (3, "/subscribe football"),
            (4, "/subscribe"),
            (4, "/subscribe smuggling"),
        ):
            await fake.message(command, chat_id=chat)
        await fake.wait_sent(lambda s: s.chat_id in (1, 2, 3, 4), count=5)
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        site.routes["/rss"] = Route(
            rss([first, {"title": "Cigarettes seized", "link": site.url("/cig"), "description": NEW}]),
            etag='"2"',
        )
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text, count=2)
        await fake.message("/ingest", chat_id=ADMIN)  # unchanged feed: 304, nothing new
        reports = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text, count=3)
        assert "desk: not modified" in reports[-1].text
        alerts = {
            chat: [s.text for s in fake.to(chat) if "🆕" in s.text and "Cigarettes" in s.text]
            for chat in (1, 2, 3, 4)
        }
        assert {chat: len(texts) for chat, texts in alerts.items()} == {1: 1, 2: 1, 3: 0, 4: 1}
        app = services(application).app
        # the port story was ingested at start-up, before anyone subscribed: only the new item is sent
        assert app.outbox.counts() == {"sent": 3}
        await fake.message("How many tonnes of cigarettes were seized in Burgas?", chat_id=5)
        [answer] = await fake.wait_sent(lambda s: s.chat_id == 5)
        assert answer.text.startswith("<b>12 tonnes</b>") and "Cigarettes seized" in answer.text


def _write_bot_config(tmp: Path, fake: FakeBotApi, news: Path) -> Path:
    path = tmp / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp / "data"),
                "sources": [{"name": "desk", "type": "markdown", "path": str(news)}],
                "index": {"encoder": {"model": "hashing"}},
                "ingest": {"interval_minutes": 0},
                "telegram": {"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
                "log_level": "INFO",
            }
        )
    )
    return path


async def test_killed_mid_broadcast_then_restarted_delivers_exactly_once(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.md").write_text(f"---\ntitle: Port reopens\ndate: 2024-03-05\n---\n{STORY}\n")
    config_path = _write_bot_config(tmp_path, fake, news)
    subscribers = list(range(10_000, 10_060))
    app = Newsbot(load_config(config_path))
    app.ingest()
    app.update_index()
    for chat in subscribers:
        app.state.subscribe(chat)
    (news / "b.md").write_text(f"---\ntitle: Cigarettes seized\ndate: 2024-03-09\n---\n{NEW}\n")
    assert app.ingest()[0].added == 1  # queues 60 deliveries in the ingest transaction
    assert app.outbox.counts() == {"pending": 60}
    app.close()
    # the 25th message is answered 429 retry_after=5: the bot backs off, and is killed meanwhile
    victim = subscribers[24]
    fake.inject(
        "sendMessage", 429, "Too Many Requests: retry after 5", parameters={"retry_after": 5}, chat_id=victim
    )
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token}
    cmd = [sys.executable, "-m", "bot.cli", "--config", str(config_path), "run"]
    first = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if any(m == "sendMessage" and str(p.get("chat_id")) == str(victim) for m, p in fake.calls):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the broadcast never reached the 429")
        await asyncio.sleep(1.0)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    delivered_before = {s.chat_id for s in fake.sent}
    assert 0 < len(delivered_before & set(subscribers)) < 60
    second = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await fake.wait_sent(lambda s: s.chat_id in set(subscribers), count=60, timeout=60)
        await asyncio.sleep(1.0)
    finally:
        second.terminate()
        second.wait(30)
    per_chat = {
        chat: len([s for s in fake.to(chat) if "Cigarettes seized" in s.text]) for chat in subscribers
    }
    assert set(per_chat.values()) == {1}
    done = Newsbot(load_config(config_path))
    assert done.outbox.counts() == {"sent": 60}
    done.close()


def test_topics_are_embedded_once_and_never_inside_the_write_transaction(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    import threading

    news = tmp_path / "news"
    news.mkdir()
    (news / "a.md").write_text(f"---\ntitle: Port reopens\ndate: 2024-03-05\n---\n{STORY}\n")
    app = Newsbot(
        load_config(write_config(sources=[{"name": "desk", "type": "markdown", "path": str(news)}]))
    )
    app.ingest()
    for chat in range(3):
        for i in range(10):
            assert app.state.subscribe(chat, f"subject {chat * 10 + i}") == "added"
    app.state.subscribe(99, "cigarettes")
    writing, encoded = threading.Event(), []
    upsert, encode = app.store.upsert, app.encoder.encode

    def watched_upsert(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        writing.set()
        try:
            return upsert(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            writing.clear()

    def watched_encode(texts, **kwargs):  # type: ignore[no-untyped-def]
        encoded.append((writing.is_set(), list(texts)))
        return encode(texts, **kwargs)

    app.store.upsert = watched_upsert  # type: ignore[method-assign]
    app.encoder.encode = watched_encode  # type: ignore[method-assign]
    for day, name in ((9, "b"), (10, "c")):
        (news / f"{name}.md").write_text(
            f"---\ntitle: Seizure {name}\ndate: 2024-03-{day:02d}\n---\n{NEW}\n{name}\n"
        )
        assert app.ingest()[0].added == 1
    assert encoded and not any(inside for inside, _ in encoded)  # no model work while the database is locked
    topics_embedded = [
        t for _, texts in encoded for t in texts if t.startswith("subject") or t == "cigarettes"
    ]
    assert sorted(topics_embedded) == sorted({*topics_embedded}) and len(topics_embedded) == 31  # once each
    leads = [t for _, texts in encoded for t in texts if t.startswith("Seizure")]
    assert len(leads) == 2  # only the new articles' leads, not the stored one's
    pending = {d.chat_id for d in app.outbox.claim("test", limit=100)}
    assert pending == {99}  # "cigarettes" matched both new articles; no "subject N" did
    app.close()


async def test_admins_add_and_remove_sources_from_the_chat(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    site.routes["/rss"] = Route(
        rss([{"title": "Port reopens", "link": site.url("/port"), "description": STORY}])
    )
    site.routes["/"] = Route(
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    )
    site.routes["/plain"] = Route(b"<html><body>nothing</body></html>")
    config = load_config(
        write_config(
            ingest={"allow_private_addresses": True, "interval_minutes": 0, "retries": 0, "timeout_s": 2},
            telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
        )
    )
    async with running(config, fake):
        await fake.message(f"/addsource {site.url('/')}", chat_id=5)  # not an admin
        await fake.message(f"/addsource {site.url('/plain')}", chat_id=ADMIN)
        await fake.message(f"/addsource {site.url('/')}", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and s.text.startswith("Added"))
        await fake.message("/ingest", chat_id=ADMIN)
        [done] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        await fake.message("/sources", chat_id=ADMIN)
        [listed] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and s.text.startswith("<b>Sources</b>"))
        await fake.message("/removesource desk-news", chat_id=ADMIN)
        await fake.message("/removesource selec", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "config.yaml" in s.text)
    admin = [s.text for s in fake.to(ADMIN)]
    assert "admins only" in fake.to(5)[0].text
    assert any(t.startswith("Not added:") and "no RSS, Atom or JSON Feed" in t for t in admin)
    assert "desk-news: 1 added" in done.text  # named after the feed's own title
    assert "<b>desk-news</b> (feed," in listed.text and ", added)" in listed.text
    assert any(t.startswith("Removed desk-news") for t in admin)


async def test_one_story_from_two_outlets_is_one_alert_and_answers_name_the_other(
    fake: FakeBotApi, write_config: Callable[..., Path], tmp_path: Path
) -> None:
    desk, wire = tmp_path / "desk", tmp_path / "wire"
    desk.mkdir()
    wire.mkdir()
    config = load_config(
        write_config(
            sources=[
                {"name": "desk", "type": "markdown", "path": str(desk)},
                {"name": "wire", "type": "markdown", "path": str(wire)},
            ],
            ingest={"interval_minutes": 0},
            telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
        )
    )
    seizure = (
        "On 9 March 2024 customs officers in Burgas seized 12 tonnes of counterfeit cigarettes from a ship "
        "arriving from Egypt, the customs agency said on Saturday."
    )
    async with running(config, fake):
        await fake.message("/subscribe", chat_id=USER_CHAT)
        await fake.wait_sent(lambda s: s.chat_id == USER_CHAT)
        (desk / "a.md").write_text(
            f"---\ntitle: Customs seize cigarettes in Burgas\ndate: 2024-03-09\nurl: https://desk.test/a\n---\n{seizure}\n"
        )
        (wire / "b.md").write_text(
            "---\ntitle: Burgas customs seize cigarettes\ndate: 2024-03-10\nurl: https://wire.test/b\n---\n"
            f"{seizure.replace('the customs agency said', 'officials said')}\n"
        )
        (wire / "c.md").write_text(
            f"---\ntitle: Port reopens\ndate: 2024-03-10\nurl: https://wire.test/c\n---\n{STORY}\n"
        )
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        await fake.message("/latest", chat_id=USER_CHAT)
        [latest] = await fake.wait_sent(
            lambda s: s.chat_id == USER_CHAT and s.text.startswith("The latest stories")
        )
        asked = await fake.message("How many tonnes of cigarettes were seized in Burgas?", chat_id=USER_CHAT)
        [reply] = await fake.wait_sent(lambda s: s.chat_id == USER_CHAT and s.reply_to == asked)
    alerts = [s.text for s in fake.to(USER_CHAT) if s.text.startswith("🆕")]
    assert len(alerts) == 2 and sum("cigarettes" in a for a in alerts) == 1  # one alert for the story
    assert latest.text.count("•") == 2 and "(+1 more outlet)" in latest.text
    assert "12 tonnes" in reply.text and "Also reported by:" in reply.text


async def test_start_offers_questions_the_loaded_news_answers(
    fake: FakeBotApi, write_config: Callable[..., Path], tmp_path: Path
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.md").write_text(
        f"---\ntitle: Storm closes the port of Varna\ndate: 2024-03-05\n---\n{STORY}\n"
    )
    config = load_config(
        write_config(
            sources=[{"name": "desk", "type": "markdown", "path": str(news)}],
            telegram={"api_url": fake.base_url, "poll_timeout": 1},
        )
    )
    async with running(config, fake):
        await fake.message("/start", chat_id=USER_CHAT)
        [hello] = await fake.wait_sent(lambda s: s.chat_id == USER_CHAT)
        buttons = hello.buttons()
        await fake.press(hello, buttons[-1][1])
        answer = (await fake.wait_sent(lambda s: s.chat_id == USER_CHAT, count=2))[-1]
    labels = [label for label, _ in buttons]
    assert not any("SELEC" in label for label in labels)  # a feed-only deployment offers no SELEC questions
    assert labels == ["latest news", "news about Varna"]
    assert "Storm closes the port of Varna" in answer.text


async def test_alerts_carry_the_lead_image_and_fall_back_to_text(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    site.routes["/rss"] = Route(rss([]))
    config = load_config(
        write_config(
            sources=[{"name": "desk", "type": "feed", "url": site.url("/rss")}],
            ingest={"allow_private_addresses": True, "interval_minutes": 0},
            telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
        )
    )
    async with running(config, fake):
        await fake.message("/subscribe", chat_id=USER_CHAT)
        await fake.wait_sent(lambda s: s.chat_id == USER_CHAT)
        site.routes["/rss"] = Route(
            rss(
                [
                    {
                        "title": "Port reopens",
                        "link": site.url("/p"),
                        "description": STORY,
                        "image": "https://img.test/port.jpg",
                    },
                    {
                        "title": "Cigarettes seized",
                        "link": site.url("/c"),
                        "description": NEW,
                        "image": "https://unreachable.test/c.jpg",
                    },
                    {
                        "title": "Harvest",
                        "link": site.url("/h"),
                        "description": "Farmers harvested a record crop of grapes.",
                    },
                ]
            )
        )
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications: 3 sent" in s.text)
    alerts = {s.text.split("</b>")[0]: s for s in fake.to(USER_CHAT) if s.text.startswith("🆕")}
    port, cigarettes, harvest = (
        alerts[f"🆕 <b>{t}"] for t in ("Port reopens", "Cigarettes seized", "Harvest")
    )
    assert port.photo == "https://img.test/port.jpg" and "Reply to this message" in port.text
    assert cigarettes.photo is None and harvest.photo is None  # Telegram could not fetch it: text instead
