"""News items in: loaders for each kind of source, the Article record, and the SQLite store."""

from corpus.article import Article, make_article
from corpus.errors import CorpusError, SourceError, StoreError
from corpus.loaders import SourceConfig, load_source
from corpus.store import Store, UpsertResult

__all__ = [
    "Article",
    "CorpusError",
    "SourceConfig",
    "SourceError",
    "Store",
    "StoreError",
    "UpsertResult",
    "load_source",
    "make_article",
]
