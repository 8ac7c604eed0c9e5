"""The small edges of issue 32 (item 8): a web address without its scheme, a listing page added from
the chat, inline queries with nothing to answer, a bare mention in a group."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import load_config
from tests.botkit import running, services
from tests.fakebot import BOT_USERNAME, FakeBotApi
from tests.newsserver import NewsSite, Route, serve

ADMIN = 777


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


async def test_addsource_assumes_https_and_adds_a_listing_page_with_its_links_guessed(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    links = "".join(f'<a href="/news/story-{i}">Story {i}</a>' for i in range(4))
    site.routes["/desk"] = Route(
        f"<html><head><title>Danube Desk</title></head><body>{links}<a href='/about'>About</a></body></html>".encode()
    )
    config = load_config(
        write_config(
            ingest={"allow_private_addresses": True, "retries": 0, "timeout_s": 2, "interval_minutes": 0},
            telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
        )
    )
    bare = site.url("/rss").removeprefix("http://")
    async with running(config, fake) as application:
        await fake.message(f"/addsource {bare}", chat_id=ADMIN)
        [first] = await fake.wait_sent(lambda s: s.chat_id == ADMIN, timeout=30)
        await fake.message(f"/addsource {site.url('/desk')}", chat_id=ADMIN)
        [_, second] = await fake.wait_sent(lambda s: s.chat_id == ADMIN, count=2, timeout=30)
        added = {s.name: s for s in services(application).app.all_sources()}
    assert first.text.startswith("Not added:") and f"https://{bare}" in first.text  # the scheme was assumed
    assert (
        "Added <b>danube-desk</b> (a listing page: its links matching /news/ are its articles" in second.text
    )
    assert added["danube-desk"].type == "listing" and added["danube-desk"].options.link_pattern == "/news/"


async def test_inline_queries_with_nothing_to_answer_get_a_hint(
    fake: FakeBotApi, bot_config: Callable[..., object]
) -> None:
    async with running(bot_config(), fake):  # type: ignore[arg-type]
        [hint] = await fake.inline("", user_id=7171)
    assert hint["title"] == "Ask about the news" and "Type a question" in hint["description"]


async def test_a_bare_mention_in_a_group_gets_a_short_help(
    fake: FakeBotApi, bot_config: Callable[..., object]
) -> None:
    async with running(bot_config(), fake):  # type: ignore[arg-type]
        await fake.message(f"@{BOT_USERNAME}", chat_id=-4001, user_id=11, chat_type="supergroup")
        [reply] = await fake.wait_sent(lambda s: s.chat_id == -4001)
    assert reply.text.startswith("Ask me about the news:")
