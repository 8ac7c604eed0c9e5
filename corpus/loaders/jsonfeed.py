"""jsonfeed: a JSON Feed (https://jsonfeed.org, version 1 or 1.1); each item is an article."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.article import Article, make_article
from corpus.canonical import canonical_url
from corpus.dates import first_full_date, parse_date
from corpus.errors import SourceError
from corpus.htmltext import html_to_text
from corpus.loaders.kind import Context, SourceKind
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


def parse_json_feed(body: bytes, *, source: str, max_articles: int) -> list[Article]:
    """Return the items of a JSON Feed (content_text, else content_html, else summary) as articles."""
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
    articles = []
    for item in (i for i in items[:max_articles] if isinstance(i, dict)):
        title = str(item.get("title") or "").strip()
        body = str(item.get("content_text") or "") or html_to_text(str(item.get("content_html") or ""))
        body = body.strip() or str(item.get("summary") or "").strip()
        if not title or not body:
            continue
        link = canonical_url(str(item["url"])) if item.get("url") else ""
        published = parse_date(item.get("date_published")) or first_full_date(body)
        key = link or str(item.get("id") or title)
        articles.append(
            make_article(
                title=title,
                body=body,
                source=source,
                url=link,
                published=published,
                key=key,
                image=str(item.get("image") or item.get("banner_image") or ""),
            )
        )
    return articles


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Fetch and parse the feed."""
    options: JsonFeedOptions = config.options
    result = fetch(config, context)
    articles = parse_json_feed(result.body, source=config.name, max_articles=options.max_articles)
    context.remember(result.validators)
    return articles


KIND = SourceKind(
    name="jsonfeed", reads=("url",), load=load, options=JsonFeedOptions, help="a JSON Feed (jsonfeed.org)"
)
