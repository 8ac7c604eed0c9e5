"""Trust between sources (issue 31, items 2, 3, 4): config.yaml's sources are trusted, added ones are not;
a copy never heads or answers for the original, an untrusted look-alike never swallows a trusted alert,
and a feed never writes an article at another source's site."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.core.services import Newsbot
from corpus import SourceConfig
from tests.botkit import running, services
from tests.fakebot import FakeBotApi
from tests.newsserver import NewsSite, Route, rss, serve

ADMIN, CHAT = 777, 4343
VISIT = (
    "At the invitation of the Director of CARICC, on October 12th, 2018, the Director General of SELEC had an "
    "official visit to CARICC in Almaty, where both sides agreed to exchange liaison officers."
)
TERMINAL = "Customs opened a new container terminal in Varna on Monday to speed up checks of ships from Asia."


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


def _item(title: str, link: str, text: str, day: str) -> dict[str, str]:
    return {"title": title, "link": link, "description": text, "pubDate": f"{day} 10:00:00 GMT"}


def _config(write_config: Callable[..., Path], fake: FakeBotApi, site: NewsSite) -> Path:
    return write_config(
        sources=[{"name": "selec", "type": "feed", "url": site.url("/trusted")}],  # host 127.0.0.1
        ingest={"allow_private_addresses": True, "interval_minutes": 0, "retries": 0, "timeout_s": 2},
        telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
    )


def _add_copycat(config: Path, site: NewsSite) -> None:
    app = Newsbot(load_config(config))  # an added source, as /addsource stores it: untrusted
    app.added_sources.add(
        SourceConfig(name="copycat", type="feed", url=site.url("/copy").replace("127.0.0.1", "localhost"))
    )
    app.close()


async def test_a_copy_never_heads_the_story_nor_answers_for_it_and_leaves_when_it_changes(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    original = _item("SELEC visits CARICC", site.url("/news/caricc"), VISIT, "Fri, 12 Oct 2018")
    site.routes["/trusted"] = Route(rss([original]))
    copy = _item(
        "SELEC visits CARICC", "https://copy.test/caricc", VISIT.split(", where")[0] + ".", "Sat, 13 Oct 2018"
    )
    site.routes["/copy"] = Route(rss([copy]))
    config = _config(write_config, fake, site)
    _add_copycat(config, site)
    async with running(load_config(config), fake):
        await fake.message("/latest", chat_id=CHAT)
        [first] = await fake.wait_sent(lambda s: s.chat_id == CHAT and s.text.startswith("The latest"))
        asked = await fake.message("when did SELEC visit CARICC", chat_id=CHAT)
        [answer] = await fake.wait_sent(lambda s: s.chat_id == CHAT and s.reply_to == asked)
        site.routes["/copy"] = Route(
            rss(
                [
                    _item(
                        "Your account is suspended, verify now",
                        "https://copy.test/caricc",
                        "Click here to verify your account within 24 hours or lose access to it: our security team noticed "
                        "unusual sign-ins and needs you to confirm your password and card details at once.",
                        "Sat, 13 Oct 2018",
                    )
                ]
            )
        )
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        await fake.message("/latest", chat_id=CHAT)
        [_, second] = await fake.wait_sent(
            lambda s: s.chat_id == CHAT and s.text.startswith("The latest"), count=2
        )
    assert site.url("/news/caricc") in first.text and "copy.test" not in first.text
    assert "(+1 more outlet)" in first.text
    assert site.url("/news/caricc") in answer.text and "Also reported by" in answer.text
    assert "copy.test" not in answer.text.split("Also reported by")[0]
    assert "SELEC visits CARICC" in second.text and "(+1 more outlet)" not in second.text.split("\n")[1]
    assert second.text.index("SELEC visits CARICC") > 0 and "suspended" in second.text  # two stories now


async def test_an_untrusted_look_alike_never_swallows_the_trusted_alert(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    site.routes["/trusted"] = Route(rss([]))
    site.routes["/copy"] = Route(rss([]))
    look_alike = _item(
        "New container terminal at Varna port",
        "https://copy.test/t",
        TERMINAL.replace("in Varna", "at Varna port"),
        "Mon, 04 Mar 2024",
    )
    trusted = _item(
        "New container terminal in Varna", site.url("/news/terminal"), TERMINAL, "Mon, 04 Mar 2024"
    )
    config = _config(write_config, fake, site)
    _add_copycat(config, site)
    async with running(load_config(config), fake) as application:
        await fake.message("/subscribe", chat_id=CHAT)
        await fake.wait_sent(lambda s: s.chat_id == CHAT)
        site.routes["/copy"] = Route(rss([look_alike]))
        await fake.message("/ingest", chat_id=ADMIN)  # the look-alike reaches the chat first
        await fake.wait_sent(lambda s: s.chat_id == CHAT and "at Varna port" in s.text, timeout=30)
        site.routes["/trusted"] = Route(rss([trusted]))
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text, count=2)
        app = services(application).app
        original = next(a for a in app.store.articles() if a.source == "selec")
        siblings = app.stories.siblings(original.id)
        delivered = app.outbox.deliveries_to(CHAT)
    assert [s.source for s in siblings] == ["copycat"]  # one story
    assert (original.id, "sent") in delivered or (original.id, "pending") in delivered  # and both alerts


async def test_a_feed_cannot_write_an_article_at_another_sources_site(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    site.routes["/trusted"] = Route(rss([]))
    fake_text = "The minister resigned on Monday after a scandal over customs bribes, officials said."
    future = site.url("/news/terminal")  # the trusted site's URL, claimed before it is published
    site.routes["/copy"] = Route(rss([_item("Minister resigns", future, fake_text, "Mon, 04 Mar 2024")]))
    config = _config(write_config, fake, site)
    _add_copycat(config, site)
    async with running(load_config(config), fake):
        await fake.message("/ingest", chat_id=ADMIN)
        [first] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        site.routes["/trusted"] = Route(
            rss([_item("New container terminal in Varna", future, TERMINAL, "Mon, 04 Mar 2024")])
        )
        await fake.message("/ingest", chat_id=ADMIN)
        [_, second] = await fake.wait_sent(
            lambda s: s.chat_id == ADMIN and "Notifications:" in s.text, count=2
        )
        asked = await fake.message("Where did customs open a new container terminal?", chat_id=CHAT)
        [answer] = await fake.wait_sent(lambda s: s.chat_id == CHAT and s.reply_to == asked)
    assert "copycat:" in first.text and "1 left to the site's own source" in first.text
    assert "selec: 1 added" in second.text and "duplicates skipped" in second.text
    assert "resigned" not in answer.text and future in answer.text
