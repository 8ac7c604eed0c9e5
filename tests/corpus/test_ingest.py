"""Ingestion over HTTP from a local news site: feeds, pages, listings, failures, dedupe, backoff."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import IngestConfig, SourceConfig, SourceReport, SourceStates, Store, ingest_sources
from corpus.canonical import canonical_url
from corpus.fetch import Fetcher, FetchError
from tests.conftest import BUNDLED
from tests.newsserver import NewsSite, Route, article_page, atom, rss, serve

STORY = (
    "The port of Varna reopened on Tuesday after a storm closed it for three days, officials said. "
    "Ships queued outside the harbour while crews cleared debris from the main channel."
)
FAST = {
    "allow_private_addresses": True,
    "timeout_s": 1.0,
    "retries": 1,
    "backoff_s": 0.05,
    "max_bytes": 200_000,
}


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


class Desk:
    """Sources, a store and a fetcher: ingest passes through corpus's own face."""

    def __init__(self, root: Path, sources: list[dict], ingest: dict) -> None:
        self.root = root
        self.configs = [SourceConfig.from_flat(s) for s in sources]
        self.store = Store(root / "news.sqlite3")
        self.sources = SourceStates(self.store)
        self.fetcher = Fetcher(IngestConfig(**ingest))

    def ingest(self) -> list[SourceReport]:
        return ingest_sources(self.configs, self.store, self.fetcher, base_dir=self.root)

    def close(self) -> None:
        self.fetcher.close()
        self.store.close()


def _app(root: Path, sources: list[dict], **ingest: object) -> Desk:
    return Desk(root, sources, {**FAST, **ingest})


def test_feeds_pages_listings_and_text_pages(site: NewsSite, tmp_path: Path) -> None:
    site.routes["/rss"] = Route(
        rss(
            [
                {
                    "title": "Port reopens",
                    "link": site.url("/news/port?utm_source=rss"),
                    "description": f"<p>{STORY}</p>",
                }
            ]
        ),
        "application/rss+xml",
    )
    site.routes["/atom"] = Route(
        atom(
            [
                {
                    "title": "Bridge &amp; tunnel closed",
                    "link": site.url("/news/bridge"),
                    "content": "<p>On 2 April 2024 the bridge closed for repairs to its deck.</p>",
                }
            ]
        ),
        "application/atom+xml",
    )
    site.routes["/news/"] = Route(
        b"<html><body><a href='/news/a1'>One</a> <a href='/news/a2'>Two</a>"
        b" <a href='/about'>About</a> <a href='https://elsewhere.test/x'>x</a></body></html>"
    )
    paras = [
        "Farmers in the valley harvested a record crop of grapes this autumn, the cooperative said on Monday.",
        "Prices at the regional market fell by a tenth as a result, traders added, while exports rose.",
    ]
    site.routes["/news/a1"] = Route(article_page("Record grape harvest", "2024-10-07", paras))
    site.routes["/news/a2"] = Route(article_page("Market prices fall", "2024-10-08", paras[::-1]))
    site.routes["/page.txt"] = Route(
        BUNDLED.read_bytes(),
        "text/plain; charset=utf-8",
    )
    app = _app(
        tmp_path,
        [
            {"name": "rss", "type": "feed", "url": site.url("/rss")},
            {"name": "atom", "type": "feed", "url": site.url("/atom")},
            {"name": "listing", "type": "listing", "url": site.url("/news/"), "link_pattern": r"/news/a\d"},
            {"name": "page", "type": "textpage", "url": site.url("/page.txt")},
        ],
    )
    reports = {r.source: r for r in app.ingest()}
    assert [reports[n].added for n in ("rss", "atom", "listing", "page")] == [1, 1, 2, 16]
    by_title = {a.title: a for a in app.store.articles()}
    port = by_title["Port reopens"]
    assert port.url == canonical_url(site.url("/news/port")) and port.published == dt.date(2024, 3, 5)
    assert by_title["Bridge & tunnel closed"].published == dt.date(2024, 4, 2)
    grapes = by_title["Record grape harvest"]
    assert grapes.published == dt.date(2024, 10, 7)
    assert (
        "record crop of grapes" in grapes.body
        and "Copyright" not in grapes.body
        and "Home" not in grapes.body
    )
    assert "/about" not in {p for p, _ in site.requests}
    assert "Official visit to Central Asian Regional Information and Coordination Centre (CARICC)" in by_title
    app.close()


def test_json_feed_items_are_articles(site: NewsSite, tmp_path: Path) -> None:
    items = [
        {
            "id": "1",
            "url": site.url("/news/port?utm_source=json"),
            "title": "Port reopens",
            "content_html": f"<p>{STORY}</p>",
            "date_published": "2024-03-05T10:00:00+01:00",
        },
        {
            "id": "2",
            "title": "Bridge closed",
            "content_text": "On 2 April 2024 the bridge closed for repairs.",
        },
        {"id": "3", "title": "No text"},
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Desk", "items": items}
    site.routes["/feed.json"] = Route(json.dumps(feed).encode(), "application/feed+json")
    site.routes["/not.json"] = Route(b'{"items": []}', "application/json")
    app = _app(
        tmp_path,
        [
            {"name": "desk", "type": "jsonfeed", "url": site.url("/feed.json"), "max_articles": 5},
            {"name": "odd", "type": "jsonfeed", "url": site.url("/not.json")},
        ],
    )
    reports = {r.source: r for r in app.ingest()}
    assert reports["desk"].added == 2 and reports["odd"].error and "not a JSON Feed" in reports["odd"].error
    by_title = {a.title: a for a in app.store.articles()}
    port = by_title["Port reopens"]
    assert port.url == canonical_url(site.url("/news/port")) and port.published == dt.date(2024, 3, 5)
    assert port.body.startswith("The port of Varna") and by_title["Bridge closed"].published == dt.date(
        2024, 4, 2
    )
    app.close()


def test_conditional_get_means_no_work(site: NewsSite, tmp_path: Path) -> None:
    site.routes["/rss"] = Route(
        rss([{"title": "Port reopens", "link": site.url("/p"), "description": STORY}]),
        "application/rss+xml",
        etag='"v1"',
    )
    app = _app(tmp_path, [{"name": "rss", "type": "feed", "url": site.url("/rss")}])
    assert app.ingest()[0].added == 1
    second = app.ingest()[0]
    assert second.not_modified and second.added == 0
    assert site.not_modified == 1 and site.requests[-1][1].get("If-None-Match") == '"v1"'
    app.close()


def test_a_failing_source_is_recorded_and_the_others_proceed(site: NewsSite, tmp_path: Path) -> None:
    site.routes["/good"] = Route(
        rss([{"title": "Port reopens", "link": site.url("/p"), "description": STORY}])
    )
    site.routes["/broken"] = Route(b"<rss><channel><item><title>unclosed", "application/rss+xml")
    site.routes["/error"] = Route(b"oops", status=500)
    site.routes["/slow"] = Route(rss([]), delay_s=3.0)
    site.routes["/huge"] = Route(b"<rss>" + b" " * 300_000 + b"</rss>", "application/rss+xml")
    app = _app(
        tmp_path,
        [
            {"name": name, "type": "feed", "url": site.url(f"/{name}")}
            for name in ("broken", "error", "slow", "huge", "good")
        ],
    )
    reports = {r.source: r for r in app.ingest()}
    assert reports["good"].added == 1 and reports["good"].error is None
    assert "malformed feed" in (reports["broken"].error or "")
    assert "HTTP 500" in (reports["error"].error or "")
    assert "timed out" in (reports["slow"].error or "")
    assert "byte limit" in (reports["huge"].error or "")
    health = {h.name: h for h in app.sources.all()}
    assert health["good"].failures == 0 and health["good"].last_success
    assert all(health[n].failures == 1 and health[n].last_error for n in ("broken", "error", "slow", "huge"))
    assert sum(1 for p, _ in site.requests if p == "/error") == 2  # a 500 is retried once
    assert sum(1 for p, _ in site.requests if p == "/broken") == 1
    app.close()


def test_repeated_failures_back_off(site: NewsSite, tmp_path: Path) -> None:
    site.routes["/error"] = Route(b"", status=503)
    app = _app(tmp_path, [{"name": "flaky", "type": "feed", "url": site.url("/error")}])
    app.ingest()
    app.ingest()
    third = app.ingest()[0]
    assert third.backing_off_until is not None
    assert sum(1 for p, _ in site.requests if p == "/error") == 4  # two passes, one retry each, then none
    states = SourceStates(app.store)
    states.succeeded("flaky", dt.datetime.now(dt.UTC))
    assert states.backing_off("flaky", dt.datetime.now(dt.UTC)) is None
    app.close()


def test_the_same_story_twice_is_stored_once(site: NewsSite, tmp_path: Path) -> None:
    items = [
        {
            "title": "Port reopens",
            "link": site.url("/news/port?utm_source=rss&utm_medium=feed"),
            "description": STORY,
        },
        {"title": "Port reopens", "link": site.url("/news/port#comments"), "description": STORY},
        {
            "title": "Port of Varna reopens",
            "link": site.url("/world/varna-port"),
            "description": STORY.upper(),
        },
    ]
    site.routes["/rss"] = Route(rss(items))
    site.routes["/rss2"] = Route(rss(items[:1], title="Mirror"))
    app = _app(
        tmp_path,
        [
            {"name": "a", "type": "feed", "url": site.url("/rss")},
            {"name": "b", "type": "feed", "url": site.url("/rss2")},
        ],
    )
    reports = app.ingest()
    assert app.store.count() == 1
    assert (reports[0].added, reports[0].duplicates) == (1, 1)
    assert reports[1].added == 0
    app.close()


def test_local_and_private_addresses_are_refused_unless_allowed(site: NewsSite) -> None:
    site.routes["/rss"] = Route(rss([]))
    site.routes["/to-file"] = Route(b"", status=302, headers={"Location": "file:///etc/passwd"})
    site.routes["/to-local"] = Route(b"", status=302, headers={"Location": "http://localhost:1/x"})
    strict = Fetcher(IngestConfig(retries=0))
    with pytest.raises(FetchError, match="local or private address"):
        strict.get(site.url("/rss"))
    for bad in ("file:///etc/passwd", "ftp://example.com/feed"):
        with pytest.raises(FetchError, match="only http and https"):
            strict.get(bad)
    loose = Fetcher(IngestConfig(retries=0, allow_private_addresses=True))
    assert loose.get(site.url("/rss")).status == 200
    with pytest.raises(FetchError, match="only http and https"):
        loose.get(site.url("/to-file"))
    strict_redirect = Fetcher(IngestConfig(retries=0))
    with pytest.raises(FetchError, match="local or private"):
        strict_redirect.get("http://127.0.0.1:1/")
    strict.close()
    loose.close()
    strict_redirect.close()


def test_canonical_urls() -> None:
    assert (
        canonical_url("HTTPS://News.Test:443/a/b/?utm_source=x&id=3&fbclid=y#top")
        == "https://news.test/a/b?id=3"
    )
    assert canonical_url("http://news.test:8080/") == "http://news.test:8080/"


def test_a_slowloris_source_costs_one_deadline_and_the_others_are_stored(
    site: NewsSite, tmp_path: Path
) -> None:
    import time

    site.routes["/slow"] = Route(
        rss([{"title": "Slow", "link": site.url("/s"), "description": STORY}]), trickle_s=0.05
    )
    site.routes["/rss"] = Route(
        rss([{"title": "Port reopens", "link": site.url("/p"), "description": STORY}])
    )
    app = _app(
        tmp_path,
        [
            {"name": "slow", "type": "feed", "url": site.url("/slow")},
            {"name": "good", "type": "feed", "url": site.url("/rss")},
        ],
        timeout_s=1.0,
        retries=2,
    )
    started = time.monotonic()
    reports = {r.source: r for r in app.ingest()}
    elapsed = time.monotonic() - started
    assert elapsed < 8, elapsed  # the body alone would take ~20 s a try, three tries
    assert reports["slow"].error and "still sending after 2s" in reports["slow"].error
    assert [p for p, _ in site.requests].count("/slow") == 1  # a trickle is not retried
    assert reports["good"].added == 1
    app.close()


def test_the_checked_address_is_the_one_connected_to(site: NewsSite, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    site.routes["/secret"] = Route(b"internal admin page")
    real = socket.getaddrinfo
    answers = iter(["1.1.1.1"])  # the first DNS answer is public; every later one rebinds to 127.0.0.1

    def rebinding(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)  # type: ignore[arg-type]
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    fetcher = Fetcher(IngestConfig(timeout_s=1.0, retries=0))
    with pytest.raises(FetchError):
        fetcher.get(f"http://rebind.test:{site.port}/secret")
    fetcher.close()
    assert "/secret" not in [p for p, _ in site.requests]


def test_another_source_never_rewrites_a_stored_article(site: NewsSite, tmp_path: Path) -> None:
    trusted = tmp_path / "trusted.jsonl"
    trusted.write_text(
        json.dumps(
            {
                "title": "Port reopens",
                "date": "2024-03-05",
                "url": "https://news.example.org/a/1",
                "text": STORY,
            }
        )
        + "\n"
    )
    injected = "The port was closed forever and every ship in it sank, the minister said. " * 2
    item = {
        "title": "Port closed forever",
        "link": "https://NEWS.example.org/a/1/?utm_source=feed",
        "description": injected,
    }
    site.routes["/rss"] = Route(rss([item]), "application/rss+xml")
    sources = [
        {"name": "trusted", "type": "jsonl", "path": str(trusted)},
        {"name": "feed", "type": "feed", "url": site.url("/rss")},
    ]
    app = _app(tmp_path, sources)
    first = {r.source: r for r in app.ingest()}
    assert first["trusted"].added == 1 and (
        first["feed"].added,
        first["feed"].changed,
        first["feed"].duplicates,
    ) == (0, 0, 1)
    [stored] = app.store.articles()
    assert stored.title == "Port reopens" and stored.body == STORY and stored.source == "trusted"
    again = app.ingest()
    assert all(
        r.changed == 0 and r.added == 0 for r in again
    )  # no flip-flop between the two, pass after pass
    app.close()
    ranked = _app(tmp_path, [sources[0], {**sources[1], "priority": 1}])  # a configured priority may
    ranked.ingest()
    assert ranked.store.articles()[0].title == "Port closed forever"
    ranked.close()


def _serve_listing_and_summary_feed(site: NewsSite) -> None:
    """Serve one article twice: in full on the site's listing (/news/), as a summary in its feed (/rss)."""
    paras = [
        STORY,
        "Harbour officials expect the backlog of ships to clear by the end of the week, they added.",
    ]
    site.routes["/news/"] = Route(b"<html><body><a href='/news/a1'>One</a></body></html>")
    site.routes["/news/a1"] = Route(article_page("Port reopens", "2024-03-05", paras))
    summary = {"title": "Port reopens", "link": site.url("/news/a1"), "description": "The port reopened."}
    site.routes["/rss"] = Route(rss([summary]), "application/rss+xml")


def test_a_summary_never_replaces_the_full_text(site: NewsSite, tmp_path: Path) -> None:
    _serve_listing_and_summary_feed(site)
    app = _app(
        tmp_path,
        [
            {"name": "site", "type": "listing", "url": site.url("/news/"), "priority": 1},
            {"name": "site-rss", "type": "feed", "url": site.url("/rss"), "priority": 2},
        ],
    )
    reports = {r.source: r for r in app.ingest()}
    assert reports["site"].added == 1 and reports["site-rss"].changed == 0
    [stored] = app.store.articles()
    assert "backlog of ships" in stored.body and len(stored.body) > 200
    assert all(r.changed == 0 for r in app.ingest())
    app.close()


def test_a_slow_listing_stops_at_its_budget_and_the_next_source_still_runs(
    site: NewsSite, tmp_path: Path
) -> None:
    import time

    links = "".join(f"<a href='/news/s{i}'>{i}</a> " for i in range(6))
    site.routes["/news/"] = Route(f"<html><body>{links}</body></html>".encode())
    for i in range(6):
        paras = [f"{STORY} Page {i}.", "Harbour officials expect the backlog to clear by Friday, they added."]
        site.routes[f"/news/s{i}"] = Route(article_page(f"Slow page {i}", "2024-03-05", paras), delay_s=0.5)
    site.routes["/rss"] = Route(
        rss([{"title": "Port reopens", "link": site.url("/p"), "description": STORY}])
    )
    app = _app(
        tmp_path,
        [
            {"name": "slow", "type": "listing", "url": site.url("/news/"), "link_pattern": r"/news/s\d"},
            {"name": "next", "type": "feed", "url": site.url("/rss")},
        ],
        source_budget_s=1.2,
    )
    started = time.monotonic()
    reports = {r.source: r for r in app.ingest()}
    assert time.monotonic() - started < 2.5  # 6 pages of 0.5 s would take 3 s
    assert 1 <= reports["slow"].added < 6 and reports["next"].added == 1
    app.close()


def test_a_sites_feed_then_its_listing_keeps_the_full_text_and_settles(
    site: NewsSite, tmp_path: Path
) -> None:
    _serve_listing_and_summary_feed(site)
    app = _app(
        tmp_path,
        [
            {"name": "site-rss", "type": "feed", "url": site.url("/rss")},  # the summaries come first
            {"name": "site", "type": "listing", "url": site.url("/news/")},
        ],
    )
    first = {r.source: r for r in app.ingest()}
    assert first["site-rss"].added == 1 and first["site"].changed == 1  # the site's own fuller text wins
    [stored] = app.store.articles()
    assert "backlog of ships" in stored.body
    second = app.ingest()
    assert all(r.changed == 0 and r.added == 0 for r in second)
    assert "backlog of ships" in app.store.articles()[0].body
    app.close()
