"""What the remote kinds of source share: a conditional fetch, the body decoded, an article page extracted."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from corpus.article import Article, make_article
from corpus.canonical import canonical_url
from corpus.dates import first_full_date
from corpus.errors import InvalidURL, SourceError
from corpus.fetch import Fetcher, FetchResult
from corpus.htmltext import extract_article
from corpus.loaders.kind import Context

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig

log = logging.getLogger(__name__)


class NotModified(Exception):
    """The source answered 304: nothing to do."""


def fetch(config: SourceConfig, context: Context) -> FetchResult:
    """GET the source's URL with its last validators; raise NotModified after a 304."""
    if context.fetcher is None:
        raise SourceError(f"source {config.name!r}: a URL source needs a fetcher")
    result = context.fetcher.get(config.url, context.validators)
    if result.not_modified:
        raise NotModified(config.url)
    return result


def decode(result: FetchResult) -> str:
    """Return a response's body as text, in its declared charset (UTF-8 otherwise)."""
    charset = "utf-8"
    if "charset=" in result.content_type:
        charset = result.content_type.split("charset=")[-1].split(";")[0].strip() or "utf-8"
    try:
        return result.body.decode(charset, errors="replace")
    except LookupError:
        return result.body.decode("utf-8", errors="replace")


def article_in(result: FetchResult, *, source: str) -> Article | None:
    """Return the article extracted from an HTML page (title, date, text), or None if it has none."""
    found = extract_article(decode(result), result.url)
    if found is None:
        return None
    link = canonical_url(result.url)
    if found.url:
        try:  # the page's own canonical link, when it can be read; its address otherwise
            link = canonical_url(found.url)
        except InvalidURL:
            log.info("%s names an invalid canonical URL %r: keeping its own", result.url, found.url[:200])
    published = found.date if isinstance(found.date, dt.date) else first_full_date(found.text)
    return make_article(
        title=found.title,
        body=found.text,
        source=source,
        url=link,
        published=published,
        key=link,
        image=found.image,
    )


def page_article(fetcher: Fetcher, url: str, *, source: str) -> Article | None:
    """Fetch one article page and extract it (None, logged, when it holds no article text)."""
    article = article_in(fetcher.get(url), source=source)
    if article is None:
        log.info("no article text at %s", url)
    return article
