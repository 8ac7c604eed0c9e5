"""jsonfeed: a JSON Feed (https://jsonfeed.org, version 1 or 1.1); each item is an article."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.article import Article, make_article
from corpus.canonical import canonical_url
from corpus.dates import first_full_date, parse_date
from corpus.errors import SourceError
from corpus.htmltext import html_to_text
from corpus.loaders.kind import Context, SourceKind, each_item, log_skip
from corpus.loaders.web import fetch

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig


@dataclass(frozen=True, slots=True, kw_only=True)
class JsonFeedOptions:
    """How many items are read."""

    max_articles: int = 50

    def __post_init__(self) -> None:
        if self.max_articles < 1:
            raise ValueError("max_articles: must be at least 1")


def parse_json_feed(
    body: bytes, *, source: str, max_articles: int, skip: Callable[[object, Exception], None] = log_skip
) -> list[Article]:
    """Return the items of a JSON Feed (content_text, else content_html, else summary) as articles; an
    item that cannot be read goes to `skip`."""
    try:
        feed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"source {source!r}: not JSON: {exc}") from exc
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise SourceError(f"source {source!r}: not a JSON Feed (no jsonfeed.org version)")
    items = feed.get("items")
    if not isinstance(items, list):
        raise SourceError(f"source {source!r}: a JSON Feed needs an items list")

    def read(item: object) -> Article | None:
        if not isinstance(item, dict):
            raise SourceError(f"an item must be an object, not {type(item).__name__}")
        title = str(item.get("title") or "").strip()
        body = str(item.get("content_text") or "") or html_to_text(str(item.get("content_html") or ""))
        body = body.strip() or str(item.get("summary") or "").strip()
        if not title or not body:
            return None
        link = canonical_url(str(item["url"])) if item.get("url") else ""
        published = parse_date(item.get("date_published")) or first_full_date(body)
        return make_article(
            title=title,
            body=body,
            source=source,
            url=link,
            published=published,
            key=link or str(item.get("id") or title),
            image=str(item.get("image") or item.get("banner_image") or ""),
        )

    return each_item(items[:max_articles], read, skip)


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Fetch and parse the feed."""
    options: JsonFeedOptions = config.options
    result = fetch(config, context)
    articles = parse_json_feed(
        result.body,
        source=config.name,
        max_articles=options.max_articles,
        skip=lambda item, exc: context.skip(config, item, exc),
    )
    context.remember(result.validators)
    return articles


KIND = SourceKind(
    name="jsonfeed", reads=("url",), load=load, options=JsonFeedOptions, help="a JSON Feed (jsonfeed.org)"
)
