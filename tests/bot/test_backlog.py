"""New sources start quiet (issue 32, item 1): what a feed holds when it is first read is stored and
indexed, not alerted; what it publishes after is; ingest.alert_backlog keeps the old behaviour."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import load_config
from tests.botkit import running, services
from tests.fakebot import FakeBotApi
from tests.newsserver import NewsSite, Route, rss, serve

ADMIN, CHAT = 777, 4545


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


def _items(site: NewsSite, n: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Harbour story {i}",
            "link": site.url(f"/s{i}"),
            "description": f"Story {i}: ships number {i} docked at Varna port on Monday morning.",
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("backlog", [False, True])
async def test_a_new_feeds_backlog_is_not_alerted_its_next_items_are(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path], backlog: bool
) -> None:
    site.routes["/rss"] = Route(rss(_items(site, 8)))
    config = load_config(
        write_config(
            ingest={
                "allow_private_addresses": True,
                "interval_minutes": 0,
                "retries": 0,
                "timeout_s": 2,
                "alert_backlog": backlog,
            },
            telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
        )
    )
    async with running(config, fake) as application:
        await fake.message("/subscribe", chat_id=CHAT)
        await fake.wait_sent(lambda s: s.chat_id == CHAT)
        await fake.message(f"/addsource {site.url('/rss')}", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and s.text.startswith("Added"))
        await fake.message("/ingest", chat_id=ADMIN)
        [first] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        site.routes["/rss"] = Route(rss(_items(site, 9)))
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text, count=2)
        await fake.wait_sent(lambda s: s.chat_id == CHAT and "Harbour story 8" in s.text, timeout=30)
        stored = services(application).app.store.count()
    alerts = [s.text for s in fake.to(CHAT) if s.text.startswith("🆕")]
    assert "8 added" in first.text and stored == 16 + 9
    assert len(alerts) == (9 if backlog else 1) and any("Harbour story 8" in a for a in alerts)
