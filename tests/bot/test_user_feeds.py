"""Feeds of a user's own (issue 32, item 5: telegram.users_add_feeds): any user may /addsource a feed,
up to telegram.user_feeds_max, with the admins' checks; its news reaches that user's alerts, answers,
/latest and /sources only — never another user's, a group's, an inline query's or the OPML export."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.sources import export_opml
from bot.telegram.context import NOT_ALLOWED
from tests.botkit import running, services
from tests.fakebot import FakeBotApi
from tests.newsserver import NewsSite, Route, rss, serve

ADMIN, OWNER, OTHER, GROUP = 777, 5151, 6262, -3003


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


def _item(site: NewsSite, i: int, title: str, text: str) -> dict[str, str]:
    return {"title": title, "link": site.url(f"/z{i}"), "description": text}


def _config(fake: FakeBotApi, write_config: Callable[..., Path], **telegram: object) -> Path:
    return write_config(
        ingest={"allow_private_addresses": True, "interval_minutes": 0, "retries": 0, "timeout_s": 2},
        telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1, **telegram},
    )


async def test_without_the_setting_only_admins_add_feeds(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    site.routes["/rss"] = Route(rss([_item(site, 0, "Zorvath harbour reopens", "The harbour reopened.")]))
    async with running(load_config(_config(fake, write_config)), fake):
        await fake.message(f"/addsource {site.url('/rss')}", chat_id=OWNER)
        [reply] = await fake.wait_sent(lambda s: s.chat_id == OWNER)
    assert reply.text == NOT_ALLOWED


async def test_a_users_own_feed_reaches_that_user_only(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    first = _item(site, 0, "Zorvath harbour reopens", "The Zorvath harbour reopened on Monday after repairs.")
    site.routes["/rss"] = Route(rss([first], title="Zorvath Gazette"))
    config = load_config(_config(fake, write_config, users_add_feeds=True, user_feeds_max=1))
    async with running(config, fake) as application:
        app = services(application).app
        await fake.message("/subscribe", chat_id=OTHER)  # every new article
        await fake.wait_sent(lambda s: s.chat_id == OTHER)
        await fake.message(f"/addsource {site.url('/rss')}", chat_id=GROUP, user_id=OWNER, chat_type="group")
        [in_group] = await fake.wait_sent(lambda s: s.chat_id == GROUP)
        await fake.message(f"/addsource {site.url('/rss')}", chat_id=OWNER)
        [added] = await fake.wait_sent(lambda s: s.chat_id == OWNER and s.text.startswith("Added"))
        name = re.search(r"<b>(.+?)</b>", added.text).group(1)  # type: ignore[union-attr]
        await fake.message(f"/addsource {site.url('/other')}", chat_id=OWNER)
        [capped] = await fake.wait_sent(lambda s: s.chat_id == OWNER and "most allowed" in s.text)

        await fake.message("/ingest", chat_id=ADMIN)  # the feed's first pass: its backlog, not alerted
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        later = _item(site, 1, "Zorvath ferry strike ends", "The Zorvath ferry strike ended on Friday.")
        site.routes["/rss"] = Route(rss([first, later], title="Zorvath Gazette"))
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text, count=2)
        await fake.wait_sent(
            lambda s: s.chat_id == OWNER and "Zorvath ferry strike ends" in s.text, timeout=30
        )

        question = "When did the Zorvath harbour reopen?"
        for chat, kind in ((OWNER, "private"), (OTHER, "private"), (GROUP, "group")):
            text = question if kind == "private" else f"/ask {question}"
            await fake.message(text, chat_id=chat, user_id=OWNER if chat == GROUP else chat, chat_type=kind)
        await fake.wait_sent(lambda s: s.chat_id == OWNER and "reopened on Monday" in s.text)
        await fake.wait_sent(
            lambda s: s.chat_id == OTHER and s.text != "" and "/subscribe" not in s.text, count=2
        )
        await fake.wait_sent(lambda s: s.chat_id == GROUP, count=2)
        await fake.message("/latest", chat_id=OWNER)
        await fake.message("/latest", chat_id=OTHER)
        await fake.wait_sent(lambda s: s.chat_id == OWNER and s.text.startswith("The latest"))
        await fake.wait_sent(lambda s: s.chat_id == OTHER and s.text.startswith("The latest"))

        await fake.message(f"/removesource {name}", chat_id=OTHER)
        await fake.message("/sources", chat_id=OWNER)
        await fake.wait_sent(lambda s: s.chat_id == OTHER and "No feed of yours" in s.text)
        [listed] = await fake.wait_sent(lambda s: s.chat_id == OWNER and s.text.startswith("<b>Your feeds"))
        exported = export_opml(app)
        await fake.message(f"/removesource {name}", chat_id=OWNER)
        await fake.wait_sent(lambda s: s.chat_id == OWNER and s.text.startswith("Removed"))

    assert "private chat" in in_group.text
    assert "reaches you only" in added.text and "(1)" in capped.text
    others = [s.text for s in fake.to(OTHER) + fake.to(GROUP)]
    assert others and not any("Zorvath" in t for t in others)  # alerts, answers, /latest: none of it
    assert any("Zorvath" in s.text for s in fake.to(OWNER) if s.text.startswith("The latest"))
    assert name in listed.text and "yours" in listed.text
    assert site.url("/rss") not in exported
