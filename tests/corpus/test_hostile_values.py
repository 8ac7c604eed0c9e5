"""One bad value never stops an ingest pass: a bad item is skipped and counted, a source that raises
anything is marked failing and backed off, and every other source is still read (issue 31, item 1)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import SourceStates
from corpus.loaders import KINDS
from tests.corpus.test_ingest import STORY, _app
from tests.newsserver import NewsSite, Route, article_page, rss, serve

BAD_LINKS = ["http://x:99999/a", "http://[::1/a", "http://x:-1/a"]


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


def _good(site: NewsSite) -> dict:
    calm = "The harbour authority in Constanta said on Monday that grain exports rose for a third month."
    site.routes["/good"] = Route(
        rss([{"title": "Grain exports rise", "link": site.url("/p"), "description": calm}])
    )
    return {"name": "good", "type": "feed", "url": site.url("/good")}


@pytest.mark.parametrize("link", BAD_LINKS)
def test_a_feed_item_with_a_bad_link_is_skipped_and_counted(
    site: NewsSite, tmp_path: Path, link: str
) -> None:
    site.routes["/bad"] = Route(
        rss(
            [
                {"title": "Trap", "link": link, "description": STORY.replace("Varna", "Burgas")},
                {
                    "title": "Bridge closed",
                    "link": site.url("/b"),
                    "description": "The bridge closed for repairs today.",
                },
            ]
        )
    )
    app = _app(tmp_path, [{"name": "bad", "type": "feed", "url": site.url("/bad")}, _good(site)])
    reports = {r.source: r for r in app.ingest()}
    assert reports["bad"].error is None and reports["bad"].added == 1 and reports["bad"].skipped == 1
    assert "1 bad items skipped" in reports["bad"].describe()
    assert reports["good"].added == 1
    assert {a.title for a in app.store.articles()} == {"Bridge closed", "Grain exports rise"}
    app.close()


def test_a_json_feed_item_with_a_bad_link_is_skipped(site: NewsSite, tmp_path: Path) -> None:
    items = [
        {"id": "1", "url": "http://x:99999/a", "title": "Trap", "content_text": STORY},
        {
            "id": "2",
            "url": site.url("/b"),
            "title": "Bridge closed",
            "content_text": "The bridge closed today.",
        },
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Desk", "items": items}
    site.routes["/feed.json"] = Route(json.dumps(feed).encode(), "application/feed+json")
    app = _app(tmp_path, [{"name": "desk", "type": "jsonfeed", "url": site.url("/feed.json")}, _good(site)])
    reports = {r.source: r for r in app.ingest()}
    assert reports["desk"].added == 1 and reports["desk"].skipped == 1 and reports["good"].added == 1
    app.close()


def test_a_page_whose_canonical_url_is_bad_keeps_its_own(site: NewsSite, tmp_path: Path) -> None:
    page = article_page("Port reopens", "2024-03-05", [STORY]).replace(
        b"<head>", b"<head><link rel='canonical' href='http://x:99999/a'>"
    )
    site.routes["/page"] = Route(page)
    app = _app(tmp_path, [{"name": "page", "type": "html", "url": site.url("/page")}, _good(site)])
    reports = {r.source: r for r in app.ingest()}
    assert reports["page"].error is None and reports["page"].added == 1 and reports["good"].added == 1
    assert any(a.url.endswith("/page") for a in app.store.articles())
    app.close()


@pytest.mark.parametrize("url", ["http://x:99999/rss", "http://[::1/rss"])
def test_a_source_with_a_bad_url_is_marked_failing_and_the_rest_is_read(
    site: NewsSite, tmp_path: Path, url: str
) -> None:
    app = _app(tmp_path, [{"name": "bad", "type": "feed", "url": url}, _good(site)])
    reports = {r.source: r for r in app.ingest()}
    assert "invalid URL" in (reports["bad"].error or "") and reports["good"].added == 1
    health = {h.name: h for h in SourceStates(app.store).all()}
    assert health["bad"].failures == 1 and "invalid URL" in (health["bad"].last_error or "")
    app.close()


def test_any_exception_while_reading_one_source_fails_only_that_source(
    site: NewsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.routes["/odd"] = Route(rss([{"title": "Odd", "link": site.url("/o"), "description": STORY}]))
    feed = KINDS["feed"]
    real = feed.load

    def load(config, context):
        if config.name == "odd":
            raise KeyError("something nobody expected")
        return real(config, context)

    monkeypatch.setitem(KINDS, "feed", dataclasses.replace(feed, load=load))
    app = _app(tmp_path, [{"name": "odd", "type": "feed", "url": site.url("/odd")}, _good(site)])
    first = {r.source: r for r in app.ingest()}
    assert "KeyError" in (first["odd"].error or "") and first["good"].added == 1
    app.ingest()
    third = {r.source: r for r in app.ingest()}
    assert third["odd"].backing_off_until is not None  # marked failing, backed off like any failure
    app.close()
