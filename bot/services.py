"""The application: store, encoder and engine wired from the config, shared by the CLI and the bot."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import AppConfig
from corpus import CorpusError, Store, load_source
from index import BuildReport, Encoder, Engine, IndexMissingError, build_index, make_encoder

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What one source contributed to an ingest."""

    source: str
    added: int
    changed: int
    removed: int
    unchanged: int
    error: str | None = None


class Newsbot:
    """Holds the store, the (lazily loaded) encoder and the engine; all methods are blocking."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self.store = Store(config.db_path)
        self._encoder: Encoder | None = None
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        """Return the encoder, loading the model on first use."""
        with self._lock:
            if self._encoder is None:
                self._encoder = make_encoder(self.config.index.encoder)
            return self._encoder

    @property
    def engine(self) -> Engine:
        """Return the engine over the index root."""
        if self._engine is None:
            self._engine = Engine(
                self.config.index_path,
                self.encoder,
                self.config.search,
                ef_search=self.config.index.ef_search,
            )
        return self._engine

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def ingest(self) -> list[SourceReport]:
        """Load every configured source into the store; a failing source does not stop the others."""
        reports = []
        for source in self.config.sources:
            try:
                articles = load_source(source, base_dir=self.config.base_dir)
                result = self.store.upsert(articles, prune_source=source.name)
            except CorpusError as exc:
                log.warning("source %s failed: %s", source.name, exc)
                reports.append(SourceReport(source.name, 0, 0, 0, 0, str(exc)))
                continue
            reports.append(
                SourceReport(
                    source.name,
                    len(result.added),
                    len(result.changed),
                    len(result.removed),
                    len(result.unchanged),
                )
            )
        return reports

    def update_index(
        self, *, rebuild: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> BuildReport:
        """Bring the index up to date with the store, then serve the new version."""
        report = build_index(
            self.store.articles(),
            self.config.index_path,
            self.encoder,
            self.config.index,
            rebuild=rebuild,
            progress=progress,
        )
        if self._engine is not None:
            self._engine.reload()
        return report

    def ensure_index(self, progress: Callable[[int, int], None] | None = None) -> BuildReport | None:
        """Ingest (if the store is empty) and build the index if none exists yet."""
        try:
            self.engine.reload()
            return None
        except IndexMissingError:
            log.info("no index yet: building it")
        if self.store.count() == 0:
            self.ingest()
        return self.update_index(progress=progress)
