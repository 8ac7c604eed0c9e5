"""Alerts queued at ingest: what a source's batch needs (computed before its write transaction, so that the
transaction does no model work) and the deliveries queued inside that transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from bot.core.outbox import Outbox
from bot.core.state import Subscription
from bot.core.stories import Rank, Stories
from bot.core.topics import matching
from corpus import Article, Tx, UpsertResult

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    """One source's articles as prepared for their write transaction."""

    topic_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # each subscribed topic's
    lead_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # each new or changed article's
    stories: dict[str, tuple[str, str]] = field(default_factory=dict)  # new article -> (story, packed vector)
    ranks: dict[str, Rank] = field(default_factory=dict)  # each source's (trusted, priority)
    owner: int | None = None  # the user whose own feed this is (telegram.users_add_feeds), else None
    backlog: bool = False  # the source is read for the first time: stored and indexed, not alerted


def queue_deliveries(
    db: Tx, batch: Batch, result: UpsertResult, articles: list[Article], *, threshold: float
) -> None:
    """Record the new articles' stories (a changed one leaves its story if it no longer matches it) and
    queue a delivery per matching subscriber for each new one, one per story and chat unless a more
    trusted outlet tells it (in the ingest transaction; `threshold`: telegram.topic_threshold)."""
    changed = set(result.changed)
    for article in articles:
        moved = article.id in changed and article.id in batch.lead_vectors
        if moved and Stories.recheck(db, article, batch.lead_vectors[article.id]):
            log.info("article %s changed beyond its story: a story of its own now", article.id)
    if not result.added:
        return
    # a user's own feed tells no one else's story (Stories, /latest, "Also reported by")
    if batch.owner is None:
        Stories.record(db, batch.stories, result.added)
    if batch.backlog:
        log.info("a new source's %d articles are stored, not alerted (its backlog)", len(result.added))
        return
    if batch.owner is not None:  # its news reaches the user who follows it, only
        for article_id in result.added:
            Outbox.enqueue(db, article_id, [batch.owner])
        return
    rows = db.execute("SELECT chat_id, topic FROM subscriptions").fetchall()
    if not rows:
        return
    subs = [Subscription(*r) for r in rows]
    added = set(result.added)

    def rank(source: str) -> Rank:
        return batch.ranks.get(source, (False, 0))  # a source no longer configured ranks as untrusted

    for article in articles:
        if article.id in added:
            vector = batch.lead_vectors.get(article.id)
            wanted = {
                s.chat_id for s in matching(article, subs, vector, batch.topic_vectors, threshold=threshold)
            }
            Outbox.enqueue(db, article.id, sorted(wanted - Stories.told(db, article, rank)))
