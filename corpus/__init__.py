"""News items in: loaders for each kind of source, the Article record, and the store (SQLite or PostgreSQL)."""

from corpus.article import Article, make_article
from corpus.database import Database, Migration, Tx, open_database
from corpus.discover import discover, read_opml, write_opml
from corpus.errors import CorpusError, SourceError, StoreError
from corpus.fetch import Fetcher, IngestConfig
from corpus.health import SourceHealth, SourceStates
from corpus.ingest import SourceReport, ingest_sources
from corpus.loaders import SourceConfig, load_source
from corpus.registry import AddedSources
from corpus.store import Store, UpsertResult

__all__ = [
    "AddedSources",
    "Article",
    "CorpusError",
    "Database",
    "Fetcher",
    "IngestConfig",
    "Migration",
    "SourceConfig",
    "SourceError",
    "SourceHealth",
    "SourceReport",
    "SourceStates",
    "Store",
    "StoreError",
    "Tx",
    "UpsertResult",
    "discover",
    "ingest_sources",
    "load_source",
    "make_article",
    "open_database",
    "read_opml",
    "write_opml",
]
