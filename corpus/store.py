"""The article store: the articles table of the configured database (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

from corpus import schema
from corpus.article import Article
from corpus.canonical import host_of
from corpus.database import Database, Tx, now_iso, open_database, select_in
from corpus.database.sqlite import SqliteDatabase

_COLUMNS = "id, title, body, source, url, published, hash, image"


class UpsertResult(NamedTuple):
    """What an upsert did, as lists of article ids."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]
    removed: list[str]
    duplicates: list[str]  # ids whose text is stored already: under another id, or by another source
    foreign: list[str]  # ids at another source's site (URL host): only that source writes them


def body_hash(body: str) -> str:
    """Return a digest of an article's words (case and spacing ignored): the same story twice."""
    return hashlib.sha256(" ".join(body.lower().split()).encode()).hexdigest()[:32]


def _row_to_article(row: tuple) -> Article:
    id_, title, body, source, url, published, hash_, image = row
    day = dt.date.fromisoformat(published) if published else None
    return Article(
        id=id_, title=title, body=body, source=source, url=url, published=day, hash=hash_, image=image
    )


class Store:
    """Articles keyed by id, in a `Database` shared with the other tables; safe across threads."""

    def __init__(self, db: Database | Path | str) -> None:
        self._owned = not isinstance(db, Database)
        self.db = open_database(db) if not isinstance(db, Database) else db
        try:
            if isinstance(self.db, SqliteDatabase) and self.db.user_version() == 1:
                with self.db.transaction() as tx:  # made before body hashes existed
                    tx.execute("ALTER TABLE articles ADD COLUMN body_hash TEXT NOT NULL DEFAULT ''")
            self.db.migrate(schema.COMPONENT, schema.MIGRATIONS)
            with self.db.transaction() as tx:
                for aid, body in tx.execute("SELECT id, body FROM articles WHERE body_hash=''").fetchall():
                    tx.execute("UPDATE articles SET body_hash=? WHERE id=?", (body_hash(body), aid))
        except BaseException:
            if self._owned:
                self.db.close()
            raise

    def transaction(self) -> AbstractContextManager[Tx]:
        """Run a block in one transaction (for other packages' tables in the same database)."""
        return self.db.transaction()

    def close(self) -> None:
        """Close the database if this store opened it."""
        if self._owned:
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upsert(
        self,
        articles: Iterable[Article],
        *,
        prune_source: str | None = None,
        within: Callable[[Tx, UpsertResult], None] | None = None,
        ranks: Mapping[str, tuple[bool, int]] | None = None,
        sites: Mapping[str, str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> UpsertResult:
        """Insert new articles and update changed ones in one transaction.

        A source's rank (`ranks`: source name → (trusted, priority), default (True, 0)) settles who owns
        a story. A new article whose text is already stored (another URL, a second source) is skipped as
        a duplicate, unless the source that stored it ranks below this one (a trusted outlet's article is
        never swallowed by an untrusted copy). A new article at another source's site (`sites`: source
        name → host; the article URL's host) is that source's to write: left out as `foreign`. A stored
        article belongs to the source that stored it: another source rewrites it only with a higher rank,
        or when it speaks for the article's own site and the stored one came from elsewhere, or, both
        speaking for the site, with a text at least half again as long (a site's listing after its feed
        of summaries); otherwise it is a duplicate.
        Stored text never gets worse: an update whose body is under half the stored one (a feed summary
        after the full page) is ignored. With `prune_source`, articles of that source missing from `articles` are deleted (a
        local folder or page is a full snapshot of its source). `within(db, result)` runs inside the same
        transaction, so what it writes (deliveries of the new articles) commits with them or not at all.
        """
        result = UpsertResult([], [], [], [], [], [])
        now = now_iso()
        hosts = sites or {}
        claimed = {host for host in hosts.values() if host}  # sites a configured source speaks for

        def rank(source: str) -> tuple[bool, int]:
            return (ranks or {}).get(source, (True, 0))

        def speaks_for(source: str, url: str) -> bool:
            return bool(hosts.get(source)) and hosts.get(source) == host_of(url or "")

        def outranks(art: Article, row: tuple) -> bool:
            if rank(art.source) != rank(row[1]):
                return rank(art.source) > rank(row[1])
            if not speaks_for(art.source, row[3]):
                return False
            return not speaks_for(row[1], row[3]) or len(art.body) * 2 >= row[2] * 3

        articles = list(articles)
        with self.transaction() as db:
            seen: set[str] = set()
            for done, art in enumerate(articles, 1):
                if progress is not None and (done % 500 == 0 or done == len(articles)):
                    progress(done, len(articles))
                if art.id in seen:
                    continue
                seen.add(art.id)
                row = db.execute(
                    "SELECT hash, source, length(body), url FROM articles WHERE id=?", (art.id,)
                ).fetchone()
                digest = body_hash(art.body)
                values = (
                    art.title,
                    art.body,
                    art.source,
                    art.url,
                    art.published.isoformat() if art.published else None,
                    art.hash,
                    art.image,
                    digest,
                )
                if row is None:
                    site = host_of(art.url or "")
                    if site in claimed and hosts.get(art.source) != site:
                        result.foreign.append(
                            art.id
                        )  # a feed may point to another site's article, not write it
                        continue
                    twin = db.execute(
                        "SELECT id, source FROM articles WHERE body_hash=? LIMIT 1", (digest,)
                    ).fetchone()
                    if twin is not None and rank(twin[1]) >= rank(art.source):
                        result.duplicates.append(art.id)
                        seen.add(twin[0])
                        continue
                    db.execute(
                        f"INSERT INTO articles ({_COLUMNS}, body_hash, first_seen, updated) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (art.id, *values, now, now),
                    )
                    result.added.append(art.id)
                elif row[1] != art.source and not outranks(art, row):
                    result.duplicates.append(art.id)  # another source's article: never rewritten by this one
                elif row[0] != art.hash and len(art.body) * 2 < row[2]:
                    result.unchanged.append(art.id)  # a summary does not replace the fuller text
                elif row[0] != art.hash:
                    db.execute(
                        "UPDATE articles SET title=?, body=?, source=?, url=?, published=?, "
                        "hash=?, image=?, body_hash=?, updated=? WHERE id=?",
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
            return db.executemany("DELETE FROM articles WHERE id=?", [(i,) for i in ids])

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
        with self.transaction() as tx:
            return dict(tx.execute("SELECT id, hash FROM articles").fetchall())

    def known(self, ids: list[str]) -> set[str]:
        """Return which of these article ids are stored."""
        return set(self.hashes_of(ids))

    def hashes_of(self, ids: list[str]) -> dict[str, str]:
        """Return {article id: content hash} for those of these ids that are stored."""
        with self.transaction() as tx:
            return dict(select_in(tx, "SELECT id, hash FROM articles WHERE id IN ({marks})", ids))

    def count(self) -> int:
        """Return the number of articles."""
        with self.transaction() as tx:
            return tx.execute("SELECT count(*) FROM articles").fetchone()[0]

    def _select(self, clause: str, params: tuple = ()) -> Iterator[Article]:
        with self.transaction() as tx:
            rows = tx.execute(f"SELECT {_COLUMNS} FROM articles {clause}", params).fetchall()
        return map(_row_to_article, rows)
