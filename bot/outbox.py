"""The delivery outbox: one row per (new article, subscribed chat), written in the transaction that
stores the article, marked sent only when Telegram confirms the message.

States: pending -> sending -> sent | failed (a 400 other than a migration) | dropped (the chat blocked
the bot); digest rows wait for the chat's daily digest. A row left in `sending` by a crash is sent
again on restart: between Telegram's answer and the commit (a millisecond) a kill can double a
message, anywhere else it neither loses nor doubles one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import NamedTuple

from corpus import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    message_id INTEGER,
    created TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (article_id, chat_id)
);
CREATE INDEX IF NOT EXISTS outbox_status ON outbox(status, id);
CREATE TABLE IF NOT EXISTS chat_settings (
    chat_id INTEGER PRIMARY KEY,
    digest INTEGER NOT NULL DEFAULT 0
);
"""


class Delivery(NamedTuple):
    """One message to send."""

    id: int
    article_id: str
    chat_id: int


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Outbox:
    """Reads and writes outbox rows (in the store's database)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.transaction() as db:
            db.executescript(_SCHEMA)

    @staticmethod
    def enqueue(db: sqlite3.Connection, article_id: str, chat_ids: list[int]) -> int:
        """Queue one delivery per chat, inside the caller's transaction; return how many were new."""
        digest = {r[0] for r in db.execute("SELECT chat_id FROM chat_settings WHERE digest=1")}
        added = 0
        for chat_id in chat_ids:
            status = "digest" if chat_id in digest else "pending"
            cur = db.execute("INSERT OR IGNORE INTO outbox (article_id, chat_id, status, created) VALUES (?,?,?,?)",
                             (article_id, chat_id, status, _now()))  # fmt: skip
            added += cur.rowcount
        return added

    def recover(self) -> int:
        """Put rows a crash left in `sending` back to pending; return how many."""
        with self.store.transaction() as db:
            return db.execute("UPDATE outbox SET status='pending' WHERE status='sending'").rowcount

    def pending(self, limit: int = 200) -> list[Delivery]:
        """Return the oldest pending deliveries."""
        with self.store.transaction() as db:
            rows = db.execute("SELECT id, article_id, chat_id FROM outbox WHERE status='pending' ORDER BY id LIMIT ?",
                              (limit,)).fetchall()  # fmt: skip
        return [Delivery(*r) for r in rows]

    def claim(self, delivery_id: int) -> bool:
        """Mark a pending row as being sent; False if another worker has it."""
        with self.store.transaction() as db:
            cur = db.execute("UPDATE outbox SET status='sending', attempts=attempts+1 WHERE id=? AND status='pending'",
                             (delivery_id,))  # fmt: skip
            return cur.rowcount == 1

    def mark(
        self, delivery_id: int, status: str, *, error: str | None = None, message_id: int | None = None
    ) -> None:
        """Record the outcome of a send."""
        with self.store.transaction() as db:
            db.execute("UPDATE outbox SET status=?, last_error=?, message_id=COALESCE(?, message_id), "
                       "sent_at=CASE WHEN ?='sent' THEN ? ELSE sent_at END WHERE id=?",
                       (status, error, message_id, status, _now(), delivery_id))  # fmt: skip

    def move_chat(self, old: int, new: int) -> None:
        """Point a migrated chat's undelivered rows at its new id."""
        with self.store.transaction() as db:
            db.execute("UPDATE OR IGNORE outbox SET chat_id=? WHERE chat_id=? AND status IN ('pending','sending','digest')",
                       (new, old))  # fmt: skip

    def set_digest(self, chat_id: int, on: bool) -> None:
        """Switch a chat between one message per article and a daily digest."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO chat_settings (chat_id, digest) VALUES (?, ?) "
                       "ON CONFLICT(chat_id) DO UPDATE SET digest=excluded.digest", (chat_id, int(on)))  # fmt: skip
            if not on:
                db.execute(
                    "UPDATE outbox SET status='pending' WHERE chat_id=? AND status='digest'", (chat_id,)
                )

    def digest_on(self, chat_id: int) -> bool:
        """Return True if the chat gets a daily digest."""
        with self.store.transaction() as db:
            row = db.execute("SELECT digest FROM chat_settings WHERE chat_id=?", (chat_id,)).fetchone()
        return bool(row and row[0])

    def digests(self) -> dict[int, list[Delivery]]:
        """Return the waiting digest rows, by chat."""
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT id, article_id, chat_id FROM outbox WHERE status='digest' ORDER BY id"
            ).fetchall()
        out: dict[int, list[Delivery]] = {}
        for row in rows:
            out.setdefault(row[2], []).append(Delivery(*row))
        return out

    def counts(self) -> dict[str, int]:
        """Return the number of rows in each state."""
        with self.store.transaction() as db:
            return dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())

    def deliveries_to(self, chat_id: int) -> list[tuple[str, str]]:
        """Return (article id, status) of a chat's rows."""
        with self.store.transaction() as db:
            return db.execute(
                "SELECT article_id, status FROM outbox WHERE chat_id=? ORDER BY id", (chat_id,)
            ).fetchall()
