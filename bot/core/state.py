"""The bot's own tables in the store's database: subscriptions, sent answers, counters, requests."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import asdict
from typing import Literal, NamedTuple

import numpy as np

from bot.core import schema
from corpus import Store, Tx
from corpus.database import now_iso, select_in
from index import Source

MAX_TOPIC_CHARS = 100
MAX_TOPICS_PER_CHAT = 20
FOLLOW_UP_S = 600  # a follow-up without a reply refers to the chat's last answer for this long
Subscribed = Literal["added", "exists", "full"]


class Request(NamedTuple):
    """Work asked of the leader, and the message to edit with its outcome."""

    name: str
    chat_id: int | None
    message_id: int | None


class Subscription(NamedTuple):
    """A chat subscribed to all news (topic '') or to one topic."""

    chat_id: int
    topic: str


class BotState:
    """Subscriptions, what each answer message was about, and answered/declined counters."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.db.migrate(schema.COMPONENT, schema.MIGRATIONS)

    # -- subscriptions --------------------------------------------------------------------------

    def subscribe(self, chat_id: int, topic: str = "", *, limit: int = MAX_TOPICS_PER_CHAT) -> Subscribed:
        """Subscribe a chat to all news ("") or a topic; "full" when it has `limit` topics already."""
        with self.store.transaction() as db:
            if db.execute(
                "SELECT 1 FROM subscriptions WHERE chat_id=? AND topic=?", (chat_id, topic)
            ).fetchone():
                return "exists"
            count = db.execute(
                "SELECT count(*) FROM subscriptions WHERE chat_id=? AND topic<>''", (chat_id,)
            ).fetchone()[0]
            if topic and count >= limit:
                return "full"
            db.execute(
                "INSERT INTO subscriptions VALUES (?,?,?) ON CONFLICT DO NOTHING", (chat_id, topic, now_iso())
            )
            return "added"

    def topic_vectors(self, model: str, phrases: list[str]) -> dict[str, np.ndarray]:
        """Return the stored embeddings (by this model) of those topic phrases that have one."""
        with self.store.transaction() as db:
            sql = "SELECT topic, vector FROM topic_vectors WHERE model=? AND topic IN ({marks})"
            rows = select_in(db, sql, phrases, (model,))
        return {topic: np.array(json.loads(vector), dtype=np.float32) for topic, vector in rows}

    def save_topic_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store topic embeddings (once per topic and model)."""
        with self.store.transaction() as db:
            for topic, vector in vectors.items():
                db.execute(
                    "INSERT INTO topic_vectors VALUES (?,?,?) ON CONFLICT DO NOTHING",
                    (topic, model, json.dumps([round(float(x), 6) for x in vector])),
                )

    def topics(self) -> list[str]:
        """Return every subscribed topic."""
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT DISTINCT topic FROM subscriptions WHERE topic<>'' ORDER BY topic"
            ).fetchall()
        return [r[0] for r in rows]

    def unsubscribe(self, chat_id: int, topic: str | None = None) -> int:
        """Remove one subscription (or all of the chat's with topic=None); return how many."""
        with self.store.transaction() as db:
            if topic is None:
                return db.execute("DELETE FROM subscriptions WHERE chat_id=?", (chat_id,)).rowcount
            return db.execute(
                "DELETE FROM subscriptions WHERE chat_id=? AND topic=?", (chat_id, topic)
            ).rowcount

    def move_chat(self, old: int, new: int) -> None:
        """Move a chat's subscriptions to its new id (a group that became a supergroup)."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO subscriptions SELECT ?, topic, created FROM subscriptions WHERE chat_id=? "
                "ON CONFLICT DO NOTHING",
                (new, old),
            )
            db.execute("DELETE FROM subscriptions WHERE chat_id=?", (old,))

    def subscriptions(self, chat_id: int | None = None) -> list[Subscription]:
        """Return the subscriptions of one chat, or of all chats."""
        with self.store.transaction() as db:
            if chat_id is None:
                rows = db.execute(
                    "SELECT chat_id, topic FROM subscriptions ORDER BY chat_id, topic"
                ).fetchall()
            else:
                rows = db.execute(
                    "SELECT chat_id, topic FROM subscriptions WHERE chat_id=? ORDER BY topic", (chat_id,)
                ).fetchall()
        return [Subscription(*r) for r in rows]

    def subscriber_count(self) -> int:
        """Return the number of chats with at least one subscription."""
        with self.store.transaction() as db:
            return db.execute("SELECT count(DISTINCT chat_id) FROM subscriptions").fetchone()[0]

    # -- replies (follow-ups and "More sources") -----------------------------------------------------

    def new_reply(self, chat_id: int, article_id: str | None, more: list[Source]) -> str:
        """Record an answer about to be sent; return the token its buttons carry."""
        token = secrets.token_urlsafe(12)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO replies (token, chat_id, article_id, more, created) VALUES (?,?,?,?,?)",
                (token, chat_id, article_id, json.dumps([asdict(s) for s in more]), now_iso()),
            )
        return token

    @staticmethod
    def add_sent_reply(db: Tx, chat_id: int, article_id: str | None, message_id: int) -> None:
        """Record, inside the caller's transaction, a message already sent about an article (follow-ups)."""
        db.execute(
            "INSERT INTO replies (token, chat_id, message_id, article_id, created) VALUES (?,?,?,?,?)",
            (secrets.token_urlsafe(12), chat_id, message_id, article_id, now_iso()),
        )

    def sent(self, token: str, message_id: int) -> None:
        """Record the message id an answer was sent as."""
        with self.store.transaction() as db:
            db.execute("UPDATE replies SET message_id=? WHERE token=?", (message_id, token))

    def article_of(self, chat_id: int, message_id: int) -> str | None:
        """Return the article a bot message in this chat was about, if any."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT article_id FROM replies WHERE chat_id=? AND message_id=?", (chat_id, message_id)
            ).fetchone()
        return row[0] if row else None

    def last_article(self, chat_id: int, *, within_s: float) -> str | None:
        """Return the article of this chat's latest answer if it was given within `within_s` seconds."""
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=within_s)).isoformat(timespec="seconds")
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT article_id FROM replies WHERE chat_id=? AND article_id IS NOT NULL AND created>=? "
                "ORDER BY created DESC, token LIMIT 1",
                (chat_id, since),
            ).fetchone()
        return row[0] if row else None

    def more_sources(self, token: str, chat_id: int) -> list[Source] | None:
        """Return the further sources behind a button, only for the chat the answer went to."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT more FROM replies WHERE token=? AND chat_id=?", (token, chat_id)
            ).fetchone()
        return [Source(**s) for s in json.loads(row[0])] if row else None

    # -- counters -----------------------------------------------------------------------------------

    def count(self, name: str) -> None:
        """Add one to a counter."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value=counters.value+1",
                (name,),
            )

    def counters(self) -> dict[str, int]:
        """Return every counter."""
        with self.store.transaction() as db:
            return dict(db.execute("SELECT name, value FROM counters").fetchall())

    # -- requests between replicas (/ingest and /reindex reach any replica; the leader runs them) -----

    def request(self, name: str, chat_id: int | None = None, message_id: int | None = None) -> None:
        """Ask the leader to run `name` ("ingest", "reindex", "reindex-full"); the status message is edited."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO requests VALUES (?,?,?,?) ON CONFLICT(name) DO UPDATE SET "
                "chat_id=excluded.chat_id, message_id=excluded.message_id, requested=excluded.requested",
                (name, chat_id, message_id, now_iso()),
            )

    def take_requests(self) -> list[Request]:
        """Remove and return the waiting requests (the leader calls this)."""
        with self.store.transaction() as db:
            rows = db.execute("DELETE FROM requests RETURNING name, chat_id, message_id").fetchall()
        return sorted(Request(*r) for r in rows)
