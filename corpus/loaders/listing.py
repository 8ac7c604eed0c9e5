"""listing: a news index page whose same-site article links are followed and each page extracted."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.article import Article
from corpus.fetch import FetchError
from corpus.htmltext import page_links
from corpus.loaders.kind import Context, SourceKind
from corpus.loaders.web import decode, fetch, page_article

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingOptions:
    """Which links of the listing are articles, and how many are followed."""

    max_articles: int = 50
    link_pattern: str = ""  # a regular expression the article links match ("": every same-site link)

    def __post_init__(self) -> None:
        if self.max_articles < 1:
            raise ValueError("max_articles: must be at least 1")
        try:
            re.compile(self.link_pattern)
        except re.error as exc:
            raise ValueError(f"link_pattern: not a valid regular expression: {exc}") from exc


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Fetch the listing, then each linked page; a page that fails is skipped, not the listing."""
    options: ListingOptions = config.options
    result = fetch(config, context)
    assert context.fetcher is not None  # fetch() checked
    articles = []
    links = page_links(decode(result), result.url, pattern=options.link_pattern, limit=options.max_articles)
    for done, link in enumerate(links):
        if context.out_of_time(config, len(links) - done):
            break
        try:
            page = page_article(context.fetcher, link, source=config.name)
        except FetchError as exc:
            log.warning("source %s: skipping %s: %s", config.name, link, exc)
            continue
        if page:
            articles.append(page)
    context.remember(result.validators)
    return articles


KIND = SourceKind(
    name="listing",
    reads=("url",),
    load=load,
    options=ListingOptions,
    help="a news index page whose links are followed",
)
