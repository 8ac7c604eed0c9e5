"""PostgreSQL through psycopg 3 and a connection pool: state shared by several bot replicas.

psycopg is imported lazily (the `postgresql` extra); SQL arrives with `?` placeholders, turned into
psycopg's `%s` once per statement text.
"""

from __future__ import annotations

import functools
import re
import select
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from corpus.database.base import Cursor, Database, LeaderLock, Tx, lock_key, redact_url
from corpus.errors import StoreError

_PLACEHOLDER = re.compile(r"\?")
IDLE_CHECK_S = 5.0  # a read connection idle for longer is checked (one round trip) before it is lent


@functools.lru_cache(maxsize=512)
def _to_psycopg(sql: str) -> str:
    return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise StoreError(
            "storage.url is a PostgreSQL URL but psycopg is not installed: pip install 'newsbot[postgresql]'"
        ) from exc
    return psycopg, psycopg_pool


class PostgresTx(Tx):
    dialect = "postgresql"

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.connection.execute(_to_psycopg(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        with self.connection.cursor() as cur:
            cur.executemany(_to_psycopg(sql), [tuple(r) for r in rows])
            return max(0, cur.rowcount)


class AdvisoryLeaderLock(LeaderLock):
    """A session-level advisory lock on a connection of its own: PostgreSQL frees it when the holder's
    connection ends, so a replica that dies (even by SIGKILL) hands leadership on at once."""

    def __init__(self, url: str, key: int) -> None:
        self._url = url
        self._key = key
        self._conn: Any = None
        self._mutex = threading.Lock()

    def acquire(self) -> bool:
        psycopg, _ = _psycopg()
        with self._mutex:
            if self._conn is not None and self._alive():
                return True
            self._drop()
            try:
                conn = psycopg.connect(self._url, autocommit=True, connect_timeout=10)
                got = conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()[0]
            except psycopg.Error:
                return False
            if got:
                self._conn = conn
            else:
                conn.close()
            return bool(got)

    def _alive(self) -> bool:
        try:
            self._conn.execute("SELECT 1")
            return True
        except Exception:
            return False

    def _drop(self) -> None:
        if self._conn is not None:
            with suppress(Exception):
                self._conn.close()
            self._conn = None

    def held(self) -> bool:
        with self._mutex:
            if self._conn is None:
                return False
            if not self._alive():
                self._drop()
                return False
            return True

    def release(self) -> None:
        with self._mutex:
            self._drop()


class PostgresDatabase(Database):
    dialect = "postgresql"
    skip_locked = "FOR UPDATE SKIP LOCKED"
    for_update = "FOR UPDATE"

    def __init__(self, url: str, *, pool_size: int = 10, connect_timeout_s: float = 15.0) -> None:
        super().__init__()
        psycopg, psycopg_pool = _psycopg()
        self._url = url
        self.url = redact_url(url)
        self._errors = psycopg.Error
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            open=False,
            check=psycopg_pool.ConnectionPool.check_connection,
            name="newsbot",
            kwargs={"connect_timeout": int(connect_timeout_s)},
        )
        self._reads: Any = None  # autocommit connections for reading(), opened on first use
        self._reads_lock = threading.Lock()
        self._pool_size = max(1, pool_size)
        self._connect_timeout_s = connect_timeout_s
        try:
            self._pool.open(wait=True, timeout=connect_timeout_s)
            with self._pool.connection() as conn:
                self._schema = conn.execute("SELECT current_schema()").fetchone()[0]
        except (psycopg_pool.PoolTimeout, psycopg.Error) as exc:
            self._pool.close()
            raise StoreError(f"cannot connect to PostgreSQL at {self.url}: {exc}") from exc

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        try:
            with self._pool.connection() as conn:  # commits on success, rolls back on an exception
                yield PostgresTx(conn)
        except self._errors as exc:
            raise StoreError(f"database {self.url}: {exc}") from exc

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """Lend an autocommit connection: a read costs one round trip, not BEGIN + statement + COMMIT +
        the pool's liveness check (made here only for a connection idle for IDLE_CHECK_S, or one whose
        socket the server wrote to or closed meanwhile: _check_when_idle)."""
        try:
            with self._read_pool().connection() as conn:
                yield PostgresTx(conn)
                conn.newsbot_used = time.monotonic()  # type: ignore[attr-defined]
        except self._errors as exc:
            raise StoreError(f"database {self.url}: {exc}") from exc

    def _read_pool(self) -> Any:
        with self._reads_lock:
            if self._reads is None:
                _, psycopg_pool = _psycopg()
                self._reads = psycopg_pool.ConnectionPool(
                    self._url,
                    min_size=1,
                    max_size=self._pool_size,
                    open=False,
                    check=_check_when_idle,
                    name="newsbot-reads",
                    kwargs={"connect_timeout": int(self._connect_timeout_s), "autocommit": True},
                )
                self._reads.open(wait=True, timeout=self._connect_timeout_s)
            return self._reads

    def _migration_guard(self, tx: Tx) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(?)", (lock_key(self._schema, "migrate"),))

    def leader_lock(self, name: str) -> LeaderLock:
        return AdvisoryLeaderLock(self._url, lock_key(self._schema, name))

    def check(self) -> str:
        try:
            with self.transaction() as tx:
                tx.execute("SELECT 1").fetchone()
            return "ok"
        except StoreError as exc:
            return str(exc)

    def close(self) -> None:
        with self._reads_lock:
            if self._reads is not None:
                self._reads.close()
                self._reads = None
        self._pool.close()


def _check_when_idle(conn: Any) -> None:
    """Check a read connection (one round trip) that has been idle a while, or on whose socket something
    arrived while it was idle — a server that ends a connection (restart, failover, termination) says so
    or closes the socket — so that a dead connection is replaced rather than lent."""
    idle = time.monotonic() - getattr(conn, "newsbot_used", 0.0) > IDLE_CHECK_S
    if idle or select.select([conn.pgconn.socket], [], [], 0)[0]:
        _, psycopg_pool = _psycopg()
        psycopg_pool.ConnectionPool.check_connection(conn)
