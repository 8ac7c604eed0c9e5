"""feed: an RSS or Atom document; each entry is an article (its summary, or its page with full_text)."""

from __future__ import annotations

import datetime as dt
import logging
import xml.sax
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.article import Article, make_article
from corpus.canonical import canonical_url
from corpus.dates import first_full_date
from corpus.errors import SourceError
from corpus.fetch import Fetcher, FetchError
from corpus.htmltext import html_to_text
from corpus.loaders.kind import Context, SourceKind, each_item, log_skip
from corpus.loaders.web import fetch, page_article

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedOptions:
    """How many entries are read, and whether each entry's page is fetched for the whole article."""

    max_articles: int = 50
    full_text: bool = False

    def __post_init__(self) -> None:
        if self.max_articles < 1:
            raise ValueError("max_articles: must be at least 1")


def parse_feed(
    body: bytes, *, source: str, max_articles: int, skip: Callable[[object, Exception], None] = log_skip
) -> list[Article]:
    """Return the entries of an RSS or Atom document as articles (summary or content as body); an entry
    that cannot be read (an invalid link, a value of the wrong type) goes to `skip`."""
    import feedparser

    parsed = feedparser.parse(body)
    problem = parsed.get("bozo_exception")
    if parsed.bozo and (not parsed.entries or isinstance(problem, xml.sax.SAXException)):
        raise SourceError(f"source {source!r}: malformed feed: {problem}")
    if not parsed.get("version") and not parsed.entries:
        raise SourceError(f"source {source!r}: not an RSS or Atom feed")

    def read(entry: dict) -> Article | None:
        title = html_to_text(entry.get("title", "")).strip()
        content = entry.get("content") or []
        markup = content[0].get("value", "") if content else entry.get("summary", "")
        body = html_to_text(markup)
        link = canonical_url(entry.get("link", "")) if entry.get("link") else ""
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.date(*stamp[:3]) if stamp else first_full_date(body)
        if not title or not body:
            return None
        key = link or entry.get("id") or title
        return make_article(
            title=title,
            body=body,
            source=source,
            url=link,
            published=published,
            key=key,
            image=_image_of(entry),
        )

    return each_item(parsed.entries[:max_articles], read, skip)


def _image_of(entry: dict) -> str:
    """Return an entry's image: an image enclosure, media:content or media:thumbnail."""
    for enclosure in entry.get("enclosures") or []:
        if str(enclosure.get("type", "")).startswith("image/") and enclosure.get("href"):
            return str(enclosure["href"])
    for key in ("media_content", "media_thumbnail"):
        for media in entry.get(key) or []:
            if media.get("url") and (
                key == "media_thumbnail" or str(media.get("medium", "image")) == "image"
            ):
                return str(media["url"])
    return ""


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Fetch and parse the feed (and with full_text each entry's page)."""
    options: FeedOptions = config.options
    result = fetch(config, context)
    articles = parse_feed(
        result.body,
        source=config.name,
        max_articles=options.max_articles,
        skip=lambda item, exc: context.skip(config, item, exc),
    )
    if options.full_text and context.fetcher is not None:
        full = []
        for done, article in enumerate(articles):
            if context.out_of_time(config, len(articles) - done):
                full.extend(articles[done:])  # their summaries, for now: the next pass may fetch them
                break
            full.append(_full_text(context.fetcher, article))
        articles = full
    context.remember(result.validators)
    return articles


def _full_text(fetcher: Fetcher, article: Article) -> Article:
    if not article.url:
        return article
    try:
        page = page_article(fetcher, article.url, source=article.source)
    except FetchError as exc:
        log.info("keeping the feed summary of %s: %s", article.url, exc)
        return article
    if page is None or len(page.body) <= len(article.body):
        return article
    return make_article(
        title=article.title,
        body=page.body,
        source=article.source,
        url=article.url,
        published=article.published or page.published,
        key=article.url,
        image=article.image or page.image,
    )


KIND = SourceKind(
    name="feed",
    reads=("url",),
    load=load,
    options=FeedOptions,
    help="RSS or Atom; full_text: true fetches pages",
)
