"""The application: store, encoder and engine wired from the config, shared by the CLI and the bot."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from typing import Any

from bot.config import BACKEND_NEEDS_POSTGRES, AppConfig, check_data_dir
from bot.core.deliveries import Batch, queue_deliveries
from bot.core.metrics import Metrics, State
from bot.core.outbox import Outbox
from bot.core.settings import Settings
from bot.core.state import BotState
from bot.core.stories import Sibling, Stories, newest_stories, trusted_citation
from bot.core.topics import lead_text, phrases
from bot.errors import ConfigError
from corpus import (
    AddedSources,
    Article,
    Fetcher,
    SourceConfig,
    SourceReport,
    SourceStates,
    Store,
    Tx,
    UpsertResult,
    ingest_sources,
    open_database,
)
from index import (
    Answer,
    BuildReport,
    Encoder,
    Engine,
    IndexMissingError,
    IndexUnavailableError,
    PgIndex,
    build_index,
    make_encoder,
    update_pg_index,
)

log = logging.getLogger(__name__)


class Newsbot:
    """Holds the store, the (lazily loaded) encoder and the engine; all methods are blocking."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        check_data_dir(config)
        self.store = Store(open_database(config.database_url, pool_size=config.storage.pool_size))
        if config.index.backend == "postgresql" and self.store.db.dialect != "postgresql":
            self.store.db.close()
            raise ConfigError(BACKEND_NEEDS_POSTGRES)
        self.state = BotState(self.store)
        self.added_sources = AddedSources(self.store)
        self.stories = Stories(self.store)
        self.settings = Settings(self.store)
        self.metrics = Metrics(
            State(
                outbox=lambda: self.outbox.counts(), articles=self.store.count, passages=self.served_passages
            )
        )
        self.outbox = Outbox(self.store)
        self.sources = SourceStates(self.store, base_backoff_s=config.ingest.failure_backoff_s)
        self._encoder: Encoder | None = None
        self._engine: Engine | None = None
        self._pg: PgIndex | None = None
        self._fetcher: Fetcher | None = None
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # set on shutdown: broadcasts stop claiming deliveries
        self.replica_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._leader = self.store.db.leader_lock("leader")
        self.leading = False  # this process runs ingestion and broadcasts (one replica at a time)
        self._batch = Batch()  # the source being ingested, as _prepare left it for its transaction

    @property
    def encoder(self) -> Encoder:
        """Return the encoder, loading the model on first use."""
        with self._lock:
            if self._encoder is None:
                self._encoder = make_encoder(self.config.index.encoder)
            return self._encoder

    @property
    def pg_index(self) -> PgIndex | None:
        """Return the index tables of the state database (index.backend: postgresql), else None."""
        if self.config.index.backend != "postgresql":
            return None
        if self._pg is None:
            encoder = self.encoder
            self._pg = PgIndex(
                self.store.db, model=encoder.name, dim=encoder.dim, ef_search=self.config.index.pg_ef_search
            )
        return self._pg

    @property
    def engine(self) -> Engine:
        """Return the engine over the index root (or over the database's index tables)."""
        if self._engine is None:
            self._engine = Engine(
                self.config.index_path,
                self.encoder,
                self.config.search,
                index=self.config.index,
                pg=self.pg_index,
            )
        return self._engine

    @property
    def fetcher(self) -> Fetcher:
        """Return the HTTP client for remote sources."""
        with self._lock:
            if self._fetcher is None:
                self._fetcher = Fetcher(self.config.ingest)
            return self._fetcher

    def lead(self) -> bool:
        """Take leadership if it is free, or check it is still held; return True while this process leads.

        Taking over puts back to pending the deliveries a dead leader left half-claimed."""
        held = self._leader.held() or self._leader.acquire()
        if held and not self.leading:
            recovered = self.outbox.recover(owner=self.replica_id)
            log.info(
                "replica %s leads ingestion and broadcasts (%d interrupted deliveries to resend)",
                self.replica_id,
                recovered,
            )
        elif self.leading and not held:
            log.warning("replica %s lost leadership", self.replica_id)
        self.leading = held
        return held

    def close(self) -> None:
        """Give up leadership, close the database and the HTTP client."""
        if self._fetcher is not None:
            self._fetcher.close()
        self._leader.release()
        self.leading = False
        self.store.db.close()

    def remember_topic(self, topic: str) -> None:
        """Embed a subscribed topic's alternatives once and store them (outside any write transaction)."""
        texts = phrases([topic])
        if texts:
            self.state.save_topic_vectors(
                self.encoder.name, dict(zip(texts, self.encoder.encode(texts), strict=True))
            )

    def _prepare(self, articles: list[Article]) -> None:
        """Before a source's write transaction: embed the title and lead of each article not stored yet
        (for its story and for topics) and any topic without a stored vector, and find each new
        article's story, so that the transaction does no model work."""
        stored = self.store.hashes_of([a.id for a in articles])
        fresh = [a for a in articles if a.id not in stored]
        changed = [a for a in articles if a.id in stored and stored[a.id] != a.hash]
        vectors = self.encoder.encode([lead_text(a) for a in fresh + changed]) if fresh or changed else []
        topics = phrases(self.state.topics())
        known = self.state.topic_vectors(self.encoder.name, topics) if topics else {}
        missing = [t for t in topics if t not in known]
        if missing:
            made = dict(zip(missing, self.encoder.encode(missing), strict=True))
            self.state.save_topic_vectors(self.encoder.name, made)
            known.update(made)
        sources = self.all_sources()  # read once a batch: ranks and owners alike
        owner = next((s.owner for s in sources if articles and s.name == articles[0].source), None)
        # a source's first pass is its backlog: stored and indexed, not alerted (ingest.alert_backlog)
        first = bool(articles) and not self.sources.ever_read(articles[0].source)
        self._batch = Batch(
            topic_vectors=known,
            lead_vectors={a.id: v for a, v in zip(fresh + changed, vectors, strict=True)},
            stories=self.stories.assign(fresh, vectors[: len(fresh)]) if fresh else {},
            ranks={s.name: s.rank for s in sources},
            owner=owner,
            backlog=first and not self.config.ingest.alert_backlog,
        )

    def _queue_deliveries(self, db: Tx, result: UpsertResult, articles: list[Article]) -> None:
        """Queue the new articles' alerts in the ingest transaction (bot/core/deliveries.py)."""
        queue_deliveries(db, self._batch, result, articles, threshold=self.config.telegram.topic_threshold)

    def served_passages(self) -> int:
        """Return how many passages the index in memory holds (0 before it is loaded)."""
        data = self._engine.loaded if self._engine is not None else None
        return data.manifest.passages if data is not None else 0

    def examples(self) -> list[str]:
        """Return /start's example questions: the configured ones the current index answers, else (a feed-only
        deployment, say) questions drawn from the news itself; computed once per index version."""
        return list(self.engine.data.derived("examples", lambda _data: self._examples()))

    def _examples(self) -> tuple[str, ...]:
        kept = [
            q
            for q in self.config.telegram.examples
            if self.ask(q, chat_id=None).kind in ("answer", "found", "yes")
        ]
        if len(kept) >= 2:
            return tuple(kept)
        drawn = ["latest news"]
        for article in self.latest_for(3, None):
            names = [w.strip(".,:;!?\"'()") for w in article.title.split()[1:] if w[:1].isupper()]
            words = [w for w in names if len(w) > 2] or sorted(article.title.split(), key=len)[-1:]
            if words:
                drawn.append(f"news about {words[0]}")
                break
        return tuple([*kept, *drawn][:3])

    def trusted_citation(self, answer: Answer) -> tuple[Answer, list[Sibling]]:
        """Return the answer citing the most trusted article of its story whose text holds its sentence (a
        copy never speaks for the original), and the story's other articles."""
        assert answer.article_id is not None
        ranks = self.ranks()
        return trusted_citation(
            answer,
            self.stories.siblings(answer.article_id),
            self.store.get,
            lambda source: ranks.get(source, (False, 0)),
        )

    def latest_stories(self, n: int, *, chat_id: int | None = None) -> tuple[list[Article], dict[str, int]]:
        """Return the n newest stories the chat may read, each headed by its most trusted, then earliest,
        member, and how many other outlets each has (what /latest lists)."""
        ranks = self.ranks()
        return newest_stories(
            self.store,
            self.stories,
            n,
            lambda source: ranks.get(source, (False, 0)),
            hidden=self.hidden_for(chat_id),
        )

    def hidden_for(self, chat_id: int | None) -> frozenset[str]:
        """Return the sources a chat must not read: every user's own feed (telegram.users_add_feeds) but
        its own (a user's private chat has the user's id; a group or inline query sees none of them)."""
        return frozenset(s.name for s in self.all_sources() if s.owner is not None and s.owner != chat_id)

    def latest_for(self, n: int, chat_id: int | None) -> list[Article]:
        """Return the n newest articles the chat may read (the headlines under a declined question)."""
        hidden = self.hidden_for(chat_id)
        return [a for a in self.store.latest(n + (50 if hidden else 0)) if a.source not in hidden][:n]

    def ask(self, question: str, *, chat_id: int | None, **kwargs: Any) -> Answer:
        """Answer a question as the chat may read it (Engine.ask without other users' own feeds)."""
        return self.engine.ask(question, hidden=self.hidden_for(chat_id), **kwargs)

    def ranks(self) -> dict[str, tuple[bool, int]]:
        """Return each source's (trusted, priority): config.yaml's trusted unless set otherwise, added ones not."""
        return {s.name: s.rank for s in self.all_sources()}

    def all_sources(self) -> list[SourceConfig]:
        """Return config.yaml's sources, then those added from the chat or OPML (AddedSources.beside)."""
        return self.added_sources.beside(self.config.sources)

    def ingest(self, progress: Callable[[str, int, int | None], None] | None = None) -> list[SourceReport]:
        """Load every source into the store, queueing deliveries of new articles with them (`progress`: see
        corpus.ingest_sources)."""
        with self.metrics.ingest_seconds.time():
            reports = self._ingest(progress)
        for report in reports:
            if report.error and not report.backing_off_until:
                self.metrics.source_failures.labels(report.source).inc()
        return reports

    def _ingest(self, progress: Callable[[str, int, int | None], None] | None = None) -> list[SourceReport]:
        return ingest_sources(
            self.all_sources(),
            self.store,
            self.fetcher,
            base_dir=self.config.base_dir,
            prepare=self._prepare,
            within=self._queue_deliveries,
            progress=progress,
        )

    def update_index(
        self, *, rebuild: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> BuildReport:
        """Bring the index up to date with the store, then serve the new version."""
        pg = self.pg_index
        if pg is not None:
            report = update_pg_index(
                pg, self.store.articles(), self.encoder, self.config.index, rebuild=rebuild, progress=progress
            )
        else:
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

    def refresh_index(self) -> bool:
        """Serve the CURRENT index version if another process (the leader) has built a newer one."""
        try:
            return self.engine.reload()
        except IndexMissingError:
            return False

    def ensure_index(self, progress: Callable[[int, int], None] | None = None) -> BuildReport | None:
        """Ingest if the store is empty, then bring the index to the store: built when missing, rebuilt when
        unusable (another model, dimension or format, or damaged), caught up when it lags (a crash between
        storing and indexing). A replica that does not lead leaves that to the leader."""
        if not self.lead():
            try:
                self.engine.reload()
            except IndexUnavailableError as exc:
                log.info("the leader replica builds the index: %s", exc)
            return None
        if self.store.count() == 0:
            self.ingest()
        status = self.engine.status(self.store.hashes())
        if status.ok and not status.lags:
            return None
        if status.missing:
            log.info("building the index (the first start)")
        else:
            log.info("updating the index: %s", status.describe())
        return self.update_index(progress=progress)
