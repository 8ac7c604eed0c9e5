"""html: one article page at a URL (title, date and text extracted with trafilatura)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.article import Article
from corpus.errors import SourceError
from corpus.loaders.kind import Context, SourceKind
from corpus.loaders.web import article_in, fetch

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Fetch the page and extract its one article."""
    result = fetch(config, context)
    article = article_in(result, source=config.name)
    if article is None:
        raise SourceError(f"source {config.name!r}: no article text found at {result.url}")
    context.remember(result.validators)
    return [article]


KIND = SourceKind(name="html", reads=("url",), load=load, help="one article page")
