"""Sources are named after their feeds (issue 32, item 3): a feed added from the chat or the CLI takes
its own title, made unique visibly; alerts name the outlet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.telegram.html import notification_html
from corpus import make_article
from tests.newsserver import NewsSite, Route, rss, serve


def test_an_added_feed_takes_its_title_and_a_second_of_that_title_is_numbered(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(NewsSite()) as site:
        site.routes["/a"] = Route(rss([], title="Balkan Customs Wire"))
        site.routes["/b"] = Route(rss([], title="Balkan Customs Wire"))
        site.routes["/page"] = Route(b'<link rel="alternate" type="application/rss+xml" href="/c">')
        site.routes["/c"] = Route(rss([], title="Danube Desk"))
        config = write_config(ingest={"allow_private_addresses": True, "retries": 0, "timeout_s": 2})
        for path in ("/a", "/b", "/page"):
            assert main(["--config", str(config), "sources", "add", site.url(path)]) == 0
        out = capsys.readouterr().out
    assert "added balkan-customs-wire: feed" in out and "added balkan-customs-wire-2: feed" in out
    assert "added danube-desk: feed " + site.url("/c") in out  # a page's feed, fetched for its title


def test_an_alert_names_its_outlet() -> None:
    article = make_article(
        title="Port reopens", body="The port reopened.", source="danube-desk", url="https://d.test/p"
    )
    assert "danube-desk" in notification_html(article, "The port reopened.").split("\n\n")[0]
