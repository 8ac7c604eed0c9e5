"""One interface over the SQL databases newsbot can keep its state in.

A `Database` hands out transactions (`with db.transaction() as tx: tx.execute(sql, params)`), applies
versioned migrations per component, and gives out leader locks. SQL is written once, with `?`
placeholders and the syntax both SQLite and PostgreSQL accept (`INSERT … ON CONFLICT`, `RETURNING`);
the few dialect differences are attributes (`db.skip_locked`) or per-dialect migration scripts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit, urlunsplit

from corpus.errors import StoreError

MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied TEXT NOT NULL,
    PRIMARY KEY (component, version)
)"""


class Migration(NamedTuple):
    """One schema step of a component; `postgresql` defaults to the SQLite script."""

    version: int
    sqlite: str
    postgresql: str | None = None

    def script(self, dialect: str) -> list[str]:
        """Return the statements for a dialect."""
        text = self.postgresql if dialect == "postgresql" and self.postgresql is not None else self.sqlite
        return [s.strip() for s in text.split(";") if s.strip()]


class Cursor(Protocol):
    """What `Tx.execute` returns (sqlite3 and psycopg cursors both are)."""

    rowcount: int
    description: Any

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...


class Tx(ABC):
    """A transaction in progress: statements with `?` placeholders."""

    dialect: str

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement per row; return the rows affected."""


class LeaderLock(ABC):
    """Held by at most one process at a time; released when its holder dies."""

    @abstractmethod
    def acquire(self) -> bool:
        """Take the lock if it is free; return True if this process holds it (now or already)."""

    @abstractmethod
    def held(self) -> bool:
        """Return True if this process still holds the lock (checks the connection where there is one)."""

    @abstractmethod
    def release(self) -> None:
        """Give the lock up."""


class Database(ABC):
    """A connection (SQLite) or a pool of them (PostgreSQL), shared by the stores built on it."""

    dialect: str
    url: str  # for messages: the password, if any, is masked
    skip_locked: str = ""  # "FOR UPDATE SKIP LOCKED" where rows can be claimed concurrently
    for_update: str = ""  # "FOR UPDATE" where a row lock serialises writers (SQLite: one writer anyway)

    def __init__(self) -> None:
        self._migrated: set[tuple[str, int]] = set()  # (component, latest version) known to be applied

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Tx]:
        """Return a context manager running a block in one transaction (commit, or roll back on error)."""

    def reading(self) -> AbstractContextManager[Tx]:
        """Return a context manager for reads that need no transaction of their own (each statement sees
        the data as of its start): where the backend can, cheaper than transaction()."""
        return self.transaction()

    @abstractmethod
    def leader_lock(self, name: str) -> LeaderLock:
        """Return the lock named `name` (not yet taken)."""

    @abstractmethod
    def check(self) -> str:
        """Return "ok" if the database answers and is intact, else what is wrong."""

    @abstractmethod
    def close(self) -> None:
        """Close every connection."""

    def _migration_guard(self, tx: Tx) -> None:  # noqa: B027 - a no-op where one process owns the file
        """Serialise concurrent migrations (several replicas starting at once)."""

    def migrate(self, component: str, migrations: Sequence[Migration]) -> list[int]:
        """Apply the component's migrations this database lacks, in one transaction; return their versions."""
        latest = max(m.version for m in migrations)
        if (component, latest) in self._migrated:  # this Database already brought it up to date
            return []
        with self.transaction() as tx:
            self._migration_guard(tx)
            tx.execute(MIGRATIONS_TABLE)
            rows = tx.execute("SELECT version FROM schema_migrations WHERE component=?", (component,))
            done = {r[0] for r in rows.fetchall()}
            if done and max(done) > latest:
                raise StoreError(
                    f"database {self.url} has {component} schema {max(done)}, newer than this "
                    f"newsbot ({latest}): upgrade newsbot"
                )
            applied = []
            for migration in sorted(migrations):
                if migration.version in done:
                    continue
                for statement in migration.script(self.dialect):
                    tx.execute(statement)
                tx.execute(
                    "INSERT INTO schema_migrations (component, version, applied) VALUES (?,?,?)",
                    (component, migration.version, now_iso()),
                )
                applied.append(migration.version)
        self._migrated.add((component, latest))
        return applied

    def versions(self) -> dict[str, int]:
        """Return the schema version of each component."""
        with self.transaction() as tx:
            tx.execute(MIGRATIONS_TABLE)
            rows = tx.execute("SELECT component, max(version) FROM schema_migrations GROUP BY component")
            return dict(rows.fetchall())

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def select_in(
    tx: Tx, sql: str, values: Sequence[object], params: tuple = (), *, chunk: int = 500
) -> list[tuple]:
    """Return the rows of `sql` (whose `{marks}` stands for the placeholders of an IN list, after `params`)
    for every value, a chunk of values at a time: both backends cap how many parameters one statement takes."""
    rows: list[tuple] = []
    for start in range(0, len(values), chunk):
        part = tuple(values[start : start + chunk])
        rows += tx.execute(sql.format(marks=",".join("?" * len(part))), (*params, *part)).fetchall()
    return rows


def now_iso() -> str:
    """Return the current UTC time as ISO text (how every table stores moments)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def lock_key(*parts: str) -> int:
    """Return a signed 64-bit key for PostgreSQL advisory locks."""
    digest = hashlib.sha256(":".join(("newsbot", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def redact_url(url: str) -> str:
    """Return a database URL with its password masked."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))
