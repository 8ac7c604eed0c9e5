"""Per-source state (the source_state table): HTTP validators, and health with failure backoff."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from corpus.database import Tx
from corpus.fetch import Validators
from corpus.store import Store


class SourceHealth(NamedTuple):
    """How a source has been doing."""

    name: str
    last_success: str | None
    last_attempt: str | None
    failures: int  # consecutive
    last_error: str | None
    next_attempt: str | None  # set while backing off


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


class SourceStates:
    """Reads and writes source_state rows."""

    def __init__(
        self, store: Store, *, base_backoff_s: float = 60.0, max_backoff_s: float = 6 * 3600
    ) -> None:
        self.store = store
        self.base_backoff_s = base_backoff_s
        self.max_backoff_s = max_backoff_s

    def _ensure(self, db: Tx, name: str) -> None:
        db.execute("INSERT INTO source_state (name) VALUES (?) ON CONFLICT DO NOTHING", (name,))

    def validators(self, name: str) -> Validators:
        """Return the ETag/Last-Modified of the source's last fetch."""
        with self.store.transaction() as db:
            row = db.execute("SELECT etag, last_modified FROM source_state WHERE name=?", (name,)).fetchone()
        return Validators(*row) if row else Validators()

    def remember(self, name: str, validators: Validators) -> None:
        """Keep the validators of a successful fetch."""
        with self.store.transaction() as db:
            self._ensure(db, name)
            db.execute("UPDATE source_state SET etag=?, last_modified=? WHERE name=?", (*validators, name))

    def backing_off(self, name: str, now: dt.datetime) -> str | None:
        """Return when the source may be tried again, if that is still in the future."""
        with self.store.transaction() as db:
            row = db.execute("SELECT next_attempt FROM source_state WHERE name=?", (name,)).fetchone()
        if row and row[0] and dt.datetime.fromisoformat(row[0]) > now:
            return row[0]
        return None

    def succeeded(self, name: str, now: dt.datetime) -> None:
        """Record a successful pass (clears failures and backoff)."""
        with self.store.transaction() as db:
            self._ensure(db, name)
            db.execute(
                "UPDATE source_state SET last_success=?, last_attempt=?, failures=0, last_error=NULL, "
                "next_attempt=NULL WHERE name=?",
                (_iso(now), _iso(now), name),
            )

    def failed(self, name: str, error: str, now: dt.datetime) -> None:
        """Record a failure; from the second in a row the source is backed off exponentially."""
        with self.store.transaction() as db:
            self._ensure(db, name)
            failures = db.execute("SELECT failures FROM source_state WHERE name=?", (name,)).fetchone()[0] + 1
            wait = min(self.max_backoff_s, self.base_backoff_s * 2 ** (failures - 2)) if failures >= 2 else 0
            retry = _iso(now + dt.timedelta(seconds=wait)) if wait else None
            db.execute(
                "UPDATE source_state SET last_attempt=?, failures=?, last_error=?, next_attempt=? WHERE name=?",
                (_iso(now), failures, error[:500], retry, name),
            )

    def ever_read(self, name: str) -> bool:
        """Return True once a pass of the source has succeeded (its first pass is its backlog)."""
        with self.store.transaction() as db:
            row = db.execute("SELECT last_success FROM source_state WHERE name=?", (name,)).fetchone()
        return bool(row and row[0])

    def all(self) -> list[SourceHealth]:
        """Return every source's health."""
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT name, last_success, last_attempt, failures, last_error, next_attempt "
                "FROM source_state ORDER BY name"
            ).fetchall()
        return [SourceHealth(*r) for r in rows]
