"""Finding a site's feed, and OPML in and out (over HTTP from a local news site)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corpus import IngestConfig, SourceError, discover, read_opml, write_opml
from corpus.fetch import Fetcher
from tests.newsserver import NewsSite, Route, rss, serve


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


def test_a_feed_or_the_feed_a_page_names_is_found(site: NewsSite) -> None:
    site.routes["/rss"] = Route(
        rss([{"title": "A", "link": site.url("/a"), "description": "Text."}]), "application/rss+xml"
    )
    site.routes["/"] = Route(
        b'<html><head><link rel="stylesheet" href="/s.css">'
        b'<link rel="alternate" type="application/rss+xml" title="News" href="/rss"></head><body>Hi</body></html>'
    )
    site.routes["/json-site"] = Route(
        b'<link rel="alternate" type="application/feed+json" href="/feed.json">'
    )
    site.routes["/plain"] = Route(b"<html><body>No feed here</body></html>")
    fetcher = Fetcher(IngestConfig(allow_private_addresses=True, retries=0, timeout_s=2))
    assert discover(fetcher, site.url("/rss")) == ("feed", site.url("/rss"))
    assert discover(fetcher, site.url("/")) == ("feed", site.url("/rss"))
    assert discover(fetcher, site.url("/json-site")) == ("jsonfeed", site.url("/feed.json"))
    with pytest.raises(SourceError, match="no RSS, Atom or JSON Feed"):
        discover(fetcher, site.url("/plain"))
    fetcher.close()


def test_opml_round_trip_keeps_nested_outlines_and_escapes_names() -> None:
    text = write_opml(
        [("Desk & Co", "feed", "https://d.test/rss?a=1&b=2"), ("Wire", "jsonfeed", "https://w.test/f.json")]
    )
    assert read_opml(text) == [("Desk & Co", "https://d.test/rss?a=1&b=2"), ("Wire", "https://w.test/f.json")]
    nested = (
        '<opml version="1.0"><body><outline text="News"><outline text="A" xmlUrl="https://a.test/rss"/>'
        '</outline><outline text="no feed"/></body></opml>'
    )
    assert read_opml(nested) == [("A", "https://a.test/rss")]
    with pytest.raises(SourceError, match="not an OPML file"):
        read_opml("<rss/>")
