"""Remote sources: RSS/Atom feeds, article pages, news listing pages, and plain-text pages over HTTP."""

from __future__ import annotations

import datetime as dt
import logging
import xml.sax
from collections.abc import Callable

from corpus.article import Article, make_article
from corpus.canonical import canonical_url
from corpus.dates import first_full_date
from corpus.errors import SourceError
from corpus.fetch import Fetcher, FetchError, FetchResult, Validators
from corpus.htmltext import extract_article, html_to_text, page_links
from corpus.loaders.textpage import articles_from_page

log = logging.getLogger(__name__)


class NotModified(Exception):
    """The source answered 304: nothing to do."""


def _decode(result: FetchResult) -> str:
    charset = "utf-8"
    if "charset=" in result.content_type:
        charset = result.content_type.split("charset=")[-1].split(";")[0].strip() or "utf-8"
    try:
        return result.body.decode(charset, errors="replace")
    except LookupError:
        return result.body.decode("utf-8", errors="replace")


def _page_article(fetcher: Fetcher, url: str, *, source: str) -> Article | None:
    result = fetcher.get(url)
    found = extract_article(_decode(result), result.url)
    if found is None:
        log.info("no article text at %s", url)
        return None
    link = canonical_url(found.url or result.url)
    published = found.date if isinstance(found.date, dt.date) else first_full_date(found.text)
    return make_article(
        title=found.title, body=found.text, source=source, url=link, published=published, key=link
    )


def parse_feed(body: bytes, *, source: str, max_articles: int) -> list[Article]:
    """Return the entries of an RSS or Atom document as articles (summary or content as body)."""
    import feedparser

    parsed = feedparser.parse(body)
    problem = parsed.get("bozo_exception")
    if parsed.bozo and (not parsed.entries or isinstance(problem, xml.sax.SAXException)):
        raise SourceError(f"source {source!r}: malformed feed: {problem}")
    if not parsed.get("version") and not parsed.entries:
        raise SourceError(f"source {source!r}: not an RSS or Atom feed")
    articles = []
    for entry in parsed.entries[:max_articles]:
        title = html_to_text(entry.get("title", "")).strip()
        content = entry.get("content") or []
        markup = content[0].get("value", "") if content else entry.get("summary", "")
        body = html_to_text(markup)
        link = canonical_url(entry.get("link", "")) if entry.get("link") else ""
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.date(*stamp[:3]) if stamp else first_full_date(body)
        if not title or not body:
            continue
        articles.append(make_article(title=title, body=body, source=source, url=link, published=published,
                                     key=link or entry.get("id") or title))  # fmt: skip
    return articles


def load_remote(
    kind: str,
    url: str,
    *,
    source: str,
    fetcher: Fetcher,
    validators: Validators,
    remember: Callable[[Validators], None],
    max_articles: int = 50,
    link_pattern: str = "",
    full_text: bool = False,
) -> list[Article]:
    """Fetch and parse one remote source; raise NotModified after a 304."""
    result = fetcher.get(url, validators)
    if result.not_modified:
        raise NotModified(url)
    if kind == "feed":
        articles = parse_feed(result.body, source=source, max_articles=max_articles)
        if full_text:
            articles = [_full_text(fetcher, a) for a in articles]
    elif kind == "html":
        found = _page_article_from(result, source=source)
        articles = [found] if found else []
    elif kind == "listing":
        articles = []
        for link in page_links(_decode(result), result.url, pattern=link_pattern, limit=max_articles):
            try:
                page = _page_article(fetcher, link, source=source)
            except FetchError as exc:
                log.warning("source %s: skipping %s: %s", source, link, exc)
                continue
            if page:
                articles.append(page)
    elif kind == "textpage":
        articles = articles_from_page(_decode(result), source=source, url=url)
    else:
        raise SourceError(f"source {source!r}: type {kind!r} cannot be fetched from a URL")
    remember(result.validators)
    return articles


def _page_article_from(result: FetchResult, *, source: str) -> Article | None:
    found = extract_article(_decode(result), result.url)
    if found is None:
        raise SourceError(f"source {source!r}: no article text found at {result.url}")
    link = canonical_url(found.url or result.url)
    published = found.date if isinstance(found.date, dt.date) else first_full_date(found.text)
    return make_article(
        title=found.title, body=found.text, source=source, url=link, published=published, key=link
    )


def _full_text(fetcher: Fetcher, article: Article) -> Article:
    if not article.url:
        return article
    try:
        page = _page_article(fetcher, article.url, source=article.source)
    except FetchError as exc:
        log.info("keeping the feed summary of %s: %s", article.url, exc)
        return article
    if page is None or len(page.body) <= len(article.body):
        return article
    return make_article(title=article.title, body=page.body, source=article.source, url=article.url,
                        published=article.published or page.published, key=article.url)  # fmt: skip
