"""News items in: loaders for each kind of source, the Article record, and the SQLite store."""

from corpus.article import Article, make_article
from corpus.errors import CorpusError, SourceError, StoreError
from corpus.fetch import Fetcher, IngestConfig
from corpus.health import SourceHealth, SourceStates
from corpus.ingest import SourceReport, ingest_sources
from corpus.loaders import SourceConfig, load_source
from corpus.store import Store, UpsertResult

__all__ = [
    "Article",
    "CorpusError",
    "Fetcher",
    "IngestConfig",
    "SourceConfig",
    "SourceError",
    "SourceHealth",
    "SourceReport",
    "SourceStates",
    "Store",
    "StoreError",
    "UpsertResult",
    "ingest_sources",
    "load_source",
    "make_article",
]
