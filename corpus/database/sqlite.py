"""SQLite: one file, one connection behind a lock (WAL mode); the embedded default."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from corpus.database.base import Cursor, Database, LeaderLock, Tx
from corpus.errors import StoreError

LEGACY_USER_VERSION = 2  # before schema_migrations, the article table's version lived in PRAGMA user_version


class SqliteTx(Tx):
    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.connection.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return self.connection.executemany(sql, [tuple(r) for r in rows]).rowcount


class FileLeaderLock(LeaderLock):
    """An exclusive flock on a file beside the database (processes on one machine)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None
        self._mutex = threading.Lock()

    def acquire(self) -> bool:
        with self._mutex:
            if self._handle is not None:
                return True
            handle = open(self.path, "a")  # noqa: SIM115 - held open while leading
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._handle = handle
            return True

    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        with self._mutex:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.url = str(self.path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise self._damaged("cannot be opened", exc) from exc

    def _damaged(self, what: str, exc: Exception) -> StoreError:
        if "readonly" in str(exc) or "read-only" in str(exc):
            return StoreError(
                f"database {self.path} {what} ({exc}): make the file, its -wal and -shm files and its folder "
                "writable for this user"
            )
        return StoreError(
            f"database {self.path} {what} ({exc}); if it is damaged, restore it from a backup. Moving it away "
            "and running `newsbot ingest` rebuilds the articles from the sources, but loses the subscriptions, "
            "chat settings and delivery history: copy the file first (`newsbot migrate --to` copies what can "
            "still be read)"
        )

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            try:
                self._db.execute("BEGIN")
                try:
                    yield SqliteTx(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise self._damaged("failed", exc) from exc

    def user_version(self) -> int:
        """Return PRAGMA user_version (the schema marker of databases made before migrations)."""
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0]

    def leader_lock(self, name: str) -> LeaderLock:
        return FileLeaderLock(self.path.with_name(f"{self.path.name}.{name}.lock"))

    def check(self) -> str:
        with self._lock:
            try:
                return self._db.execute("PRAGMA quick_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                return str(exc)

    def close(self) -> None:
        with self._lock:
            self._db.close()
