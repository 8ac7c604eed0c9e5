"""Where newsbot keeps its state: SQLite (default) or PostgreSQL, behind one `Database` interface."""

from __future__ import annotations

from pathlib import Path

from corpus.database.base import (
    Database,
    LeaderLock,
    Migration,
    Tx,
    lock_key,
    now_iso,
    redact_url,
    select_in,
)

__all__ = [
    "Database",
    "LeaderLock",
    "Migration",
    "Tx",
    "is_postgres_url",
    "lock_key",
    "now_iso",
    "open_database",
    "redact_url",
    "select_in",
]


def is_postgres_url(url: str) -> bool:
    """Return True for postgresql:// and postgres:// URLs."""
    return url.startswith(("postgresql://", "postgres://"))


def open_database(url: str | Path, *, pool_size: int = 10, connect_timeout_s: float = 15.0) -> Database:
    """Open a database from a PostgreSQL URL, a sqlite:/// URL or a file path."""
    text = str(url)
    if is_postgres_url(text):
        from corpus.database.postgresql import PostgresDatabase

        return PostgresDatabase(text, pool_size=pool_size, connect_timeout_s=connect_timeout_s)
    from corpus.database.sqlite import SqliteDatabase

    # sqlite:///relative/path.db or sqlite:////absolute/path.db, as SQLAlchemy spells them
    return SqliteDatabase(Path(text.removeprefix("sqlite:///")))
