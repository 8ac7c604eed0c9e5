"""The article store: one SQLite database (WAL mode) under the data directory."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from corpus.article import Article
from corpus.errors import StoreError

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    published TEXT,
    hash TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    body_hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
"""
_MIGRATIONS = {  # from version N to N+1
    1: ["ALTER TABLE articles ADD COLUMN body_hash TEXT NOT NULL DEFAULT ''"],
}
_COLUMNS = "id, title, body, source, url, published, hash"


class UpsertResult(NamedTuple):
    """What an upsert did, as lists of article ids."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]
    removed: list[str]
    duplicates: list[str]  # new ids whose text is already stored under another id


def body_hash(body: str) -> str:
    """Return a digest of an article's words (case and spacing ignored): the same story twice."""
    return hashlib.sha256(" ".join(body.lower().split()).encode()).hexdigest()[:32]


def _row_to_article(row: sqlite3.Row | tuple) -> Article:
    id_, title, body, source, url, published, hash_ = row
    day = dt.date.fromisoformat(published) if published else None
    return Article(id=id_, title=title, body=body, source=source, url=url, published=day, hash=hash_)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """Articles keyed by id; safe to share between threads (one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"database {self.path} has schema {version}, newer than this newsbot "
                    f"({SCHEMA_VERSION}): upgrade newsbot"
                )
            with self._db:
                if version:
                    for step in range(version, SCHEMA_VERSION):
                        for statement in _MIGRATIONS.get(step, []):
                            self._db.execute(statement)
                self._db.executescript(_SCHEMA)
                self._db.execute("CREATE INDEX IF NOT EXISTS articles_body_hash ON articles(body_hash)")
                for aid, body in self._db.execute(
                    "SELECT id, body FROM articles WHERE body_hash=''"
                ).fetchall():
                    self._db.execute("UPDATE articles SET body_hash=? WHERE id=?", (body_hash(body), aid))
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"database {self.path} cannot be opened ({exc}); restore it from a backup, or "
                f"move it away and run `newsbot ingest` to rebuild it from the sources"
            ) from exc

    @property
    def connection(self) -> sqlite3.Connection:
        """Return the shared connection (for other packages' tables in the same database)."""
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction, under the store's lock."""
        with self._lock:
            try:
                with self._db:
                    yield self._db
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"database {self.path}: {exc}") from exc

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upsert(
        self,
        articles: Iterable[Article],
        *,
        prune_source: str | None = None,
        within: Callable[[sqlite3.Connection, UpsertResult], None] | None = None,
    ) -> UpsertResult:
        """Insert new articles and update changed ones in one transaction.

        A new article whose text is already stored (another URL, a second source) is skipped as a
        duplicate. With `prune_source`, articles of that source missing from `articles` are deleted (a
        local folder or page is a full snapshot of its source). `within(db, result)` runs inside the same
        transaction, so what it writes (deliveries of the new articles) commits with them or not at all.
        """
        result = UpsertResult([], [], [], [], [])
        now = _now()
        with self.transaction() as db:
            seen: set[str] = set()
            for art in articles:
                if art.id in seen:
                    continue
                seen.add(art.id)
                row = db.execute("SELECT hash FROM articles WHERE id=?", (art.id,)).fetchone()
                digest = body_hash(art.body)
                values = (
                    art.title,
                    art.body,
                    art.source,
                    art.url,
                    art.published.isoformat() if art.published else None,
                    art.hash,
                    digest,
                )
                if row is None:
                    twin = db.execute(
                        "SELECT id FROM articles WHERE body_hash=? LIMIT 1", (digest,)
                    ).fetchone()
                    if twin is not None:
                        result.duplicates.append(art.id)
                        seen.add(twin[0])
                        continue
                    db.execute(
                        f"INSERT INTO articles ({_COLUMNS}, body_hash, first_seen, updated) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (art.id, *values, now, now),
                    )
                    result.added.append(art.id)
                elif row[0] != art.hash:
                    db.execute(
                        "UPDATE articles SET title=?, body=?, source=?, url=?, published=?, "
                        "hash=?, body_hash=?, updated=? WHERE id=?",
                        (*values, now, art.id),
                    )
                    result.changed.append(art.id)
                else:
                    result.unchanged.append(art.id)
            if prune_source is not None:
                rows = db.execute("SELECT id FROM articles WHERE source=?", (prune_source,))
                result.removed.extend(r[0] for r in rows.fetchall() if r[0] not in seen)
                db.executemany("DELETE FROM articles WHERE id=?", [(i,) for i in result.removed])
            if within is not None:
                within(db, result)
        return result

    def delete(self, ids: Iterable[str]) -> int:
        """Delete articles by id; return how many existed."""
        with self.transaction() as db:
            cur = db.executemany("DELETE FROM articles WHERE id=?", [(i,) for i in ids])
            return cur.rowcount

    def articles(self) -> list[Article]:
        """Return every article, oldest first."""
        return list(self._select("ORDER BY published IS NULL, published, id"))

    def get(self, article_id: str) -> Article | None:
        """Return one article, or None."""
        found = list(self._select("WHERE id=?", (article_id,)))
        return found[0] if found else None

    def latest(self, n: int = 5) -> list[Article]:
        """Return the n newest articles (by date, then by when they were first seen)."""
        return list(self._select("ORDER BY published IS NULL, published DESC, first_seen DESC LIMIT ?", (n,)))

    def hashes(self) -> dict[str, str]:
        """Return {article id: content hash} for every article."""
        with self._lock:
            return dict(self._db.execute("SELECT id, hash FROM articles").fetchall())

    def count(self) -> int:
        """Return the number of articles."""
        with self._lock:
            return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def _select(self, clause: str, params: tuple = ()) -> Iterator[Article]:
        with self._lock:
            try:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM articles {clause}", params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"database {self.path}: {exc}") from exc
        return map(_row_to_article, rows)
