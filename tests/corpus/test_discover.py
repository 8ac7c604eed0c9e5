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
    site.routes["/feed.json"] = Route(
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "The  Wire", "items": []}',
        "application/feed+json",
    )
    fetcher = Fetcher(IngestConfig(allow_private_addresses=True, retries=0, timeout_s=2))
    assert discover(fetcher, site.url("/rss")) == ("feed", site.url("/rss"), "Desk news", "")
    assert discover(fetcher, site.url("/")) == ("feed", site.url("/rss"), "Desk news", "")  # the feed's title
    assert discover(fetcher, site.url("/json-site")) == ("jsonfeed", site.url("/feed.json"), "The Wire", "")
    with pytest.raises(SourceError, match="no RSS, Atom or JSON Feed"):
        discover(fetcher, site.url("/plain"))
    fetcher.close()


def test_opml_round_trip_keeps_nested_outlines_and_escapes_names() -> None:
    text = write_opml(
        [("Desk & Co", "feed", "https://d.test/rss?a=1&b=2"), ("Wire", "jsonfeed", "https://w.test/f.json")]
    )
    assert read_opml(text) == [
        ("Desk & Co", "https://d.test/rss?a=1&b=2", "feed"),
        ("Wire", "https://w.test/f.json", "jsonfeed"),  # the type survives the round trip
    ]
    nested = (
        '<opml version="1.0"><body><outline text="News"><outline text="A" xmlUrl="https://a.test/rss"/>'
        '</outline><outline text="no feed"/></body></opml>'
    )
    assert read_opml(nested) == [("A", "https://a.test/rss", "feed")]
    with pytest.raises(SourceError, match="not an OPML file"):
        read_opml("<rss/>")


@pytest.mark.parametrize(
    "href", ["file:///etc/passwd", "javascript:alert(1)", "http://[::1/feed", "http://x:99999/f"]
)
def test_a_page_naming_a_feed_that_is_not_http_is_refused(site: NewsSite, href: str) -> None:
    site.routes["/"] = Route(f'<link rel="alternate" type="application/rss+xml" href="{href}">'.encode())
    fetcher = Fetcher(IngestConfig(allow_private_addresses=True, retries=0, timeout_s=2))
    with pytest.raises(SourceError, match="cannot be added"):
        discover(fetcher, site.url("/"))
    fetcher.close()


@pytest.mark.parametrize(
    "url", ["http://[::1/feed", "http://x:99999/f", "ftp://x.test/f", "file:///etc/passwd"]
)
def test_discover_says_what_is_wrong_with_a_bad_address(url: str) -> None:
    fetcher = Fetcher(IngestConfig(retries=0, timeout_s=2))
    with pytest.raises(SourceError, match=r"invalid URL|not an http"):
        discover(fetcher, url)
    fetcher.close()
