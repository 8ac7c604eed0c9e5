"""The delivery outbox: one row per (new article, subscribed chat), written in the transaction that
stores the article, marked sent only when Telegram confirms the message.

States: pending -> sending -> sent | failed (a 400 other than a migration, MAX_ATTEMPTS used up, or a
second timeout) | dropped (the chat blocked the bot); digest rows wait for the chat's daily digest.
A send that timed out may have reached the chat (Telegram often finishes it): the row is not claimed
again before `not_before`, and is then tried once more, as text; another timeout fails it. Only the leader replica sends; it claims rows
under its replica id (FOR UPDATE SKIP LOCKED on PostgreSQL), and a leader taking over puts the rows
a dead one left in `sending` back to pending: between Telegram's answer and the commit (a
millisecond) a kill can double a message, anywhere else it neither loses nor doubles one.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from bot.core import schema
from bot.core.state import BotState
from corpus import Store, Tx
from corpus.database import now_iso

MAX_ATTEMPTS = 6  # sends of one row (429s and network errors retried each round), then it fails


class Delivery(NamedTuple):
    """One message to send; `timeouts`: how many of its sends timed out (maybe sent)."""

    id: int
    article_id: str
    chat_id: int
    timeouts: int = 0


class Outbox:
    """Reads and writes outbox rows (in the store's database)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.db.migrate(schema.COMPONENT, schema.MIGRATIONS)

    @staticmethod
    def enqueue(db: Tx, article_id: str, chat_ids: list[int]) -> int:
        """Queue one delivery per chat, inside the caller's transaction; return how many were new."""
        digest = {r[0] for r in db.execute("SELECT chat_id FROM chat_settings WHERE digest=1").fetchall()}
        added = 0
        for chat_id in chat_ids:
            status = "digest" if chat_id in digest else "pending"
            cur = db.execute(
                "INSERT INTO outbox (article_id, chat_id, status, created) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                (article_id, chat_id, status, now_iso()),
            )
            added += cur.rowcount
        return added

    def recover(self, owner: str) -> int:
        """Put rows left in `sending` by anyone but `owner` back to pending; return how many.

        The leader calls this when it takes over: only it sends, so any other claim is a dead
        replica's (or this process's previous life's)."""
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE outbox SET status='pending' WHERE status='sending' AND claimed_by IS DISTINCT FROM ?",
                (owner,),
            ).rowcount

    def claim(self, owner: str, *, after: int = 0, limit: int = 1) -> list[Delivery]:
        """Claim the oldest pending rows with id > after for `owner`: rows another claimer holds are
        skipped (FOR UPDATE SKIP LOCKED on PostgreSQL), so no row is claimed twice."""
        with self.store.transaction() as db:
            rows = db.execute(
                "UPDATE outbox SET status='sending', attempts=attempts+1, claimed_by=? WHERE id IN "
                "(SELECT id FROM outbox WHERE status='pending' AND id>? AND (not_before IS NULL OR not_before<=?) "
                f"ORDER BY id LIMIT ? {self.store.db.skip_locked}) "
                "RETURNING id, article_id, chat_id, timeouts, attempts",
                (owner, after, now_iso(), limit),
            ).fetchall()
        return sorted(Delivery(*r[:4]) for r in rows)

    def retry_later(self, delivery: Delivery, error: str) -> str:
        """Put a row back to pending after a 429 or network error ("retry"), or fail it once MAX_ATTEMPTS
        sends were made ("failed")."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET status=CASE WHEN attempts>=? THEN 'failed' ELSE 'pending' END, last_error=? "
                "WHERE id=?",
                (MAX_ATTEMPTS, error, delivery.id),
            )
            row = db.execute("SELECT status FROM outbox WHERE id=?", (delivery.id,)).fetchone()
        return "retry" if row and row[0] == "pending" else "failed"

    def timed_out(self, delivery: Delivery, error: str, *, wait_s: float) -> str:
        """Record a send that timed out, which may have reached the chat: the first time the row waits
        `wait_s` before its one more try ("retry"); the second time it fails ("failed")."""
        if delivery.timeouts >= 1:
            self.mark(delivery.id, "failed", error=f"timed out twice (maybe sent): {error}")
            return "failed"
        # stored to the second: rounded up, so the row never comes back early
        until = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait_s + 1)).isoformat(timespec="seconds")
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET status='pending', timeouts=timeouts+1, not_before=?, last_error=? WHERE id=?",
                (until, f"timed out (maybe sent): {error}", delivery.id),
            )
        return "retry"

    def mark(
        self, delivery_id: int, status: str, *, error: str | None = None, message_id: int | None = None
    ) -> None:
        """Record the outcome of a send."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET status=?, last_error=?, message_id=COALESCE(?, message_id), "
                "sent_at=CASE WHEN ?='sent' THEN ? ELSE sent_at END WHERE id=?",
                (status, error, message_id, status, now_iso(), delivery_id),
            )

    def mark_sent(self, delivery: Delivery, chat_id: int, message_id: int) -> None:
        """Record a confirmed alert and what it was about (for follow-up replies) in one transaction:
        the only window in which a kill can double a message is Telegram's answer -> this commit."""
        with self.store.transaction() as db:
            BotState.add_sent_reply(db, chat_id, delivery.article_id, message_id)
            db.execute(
                "UPDATE outbox SET status='sent', last_error=NULL, message_id=?, sent_at=? WHERE id=?",
                (message_id, now_iso(), delivery.id),
            )

    def move_chat(self, old: int, new: int) -> None:
        """Point a migrated chat's undelivered rows at its new id."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET chat_id=? WHERE chat_id=? AND status IN ('pending','sending','digest') "
                "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.chat_id=? AND o.article_id=outbox.article_id)",
                (new, old, new),
            )

    def set_digest(self, chat_id: int, on: bool) -> None:
        """Switch a chat between one message per article and a daily digest."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO chat_settings (chat_id, digest) VALUES (?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET digest=excluded.digest",
                (chat_id, int(on)),
            )
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
