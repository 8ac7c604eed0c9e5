"""A per-user sliding-window limit on questions, kept in the database so that every replica counts the
same questions (a user cannot multiply the limit by the number of replicas)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import NamedTuple

from corpus import Store

WINDOW_S = 60.0


class Verdict(NamedTuple):
    """Whether a question may be answered; if not, whether to warn (once a window) and when to retry."""

    allowed: bool
    warn: bool
    retry_in: int  # seconds


class QuestionLimiter:
    """Allows each user `per_minute` questions in any 60 seconds. Blocking: call it from a worker thread."""

    def __init__(self, store: Store, per_minute: int, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.per_minute = per_minute
        self._clock = clock  # wall time: replicas on several machines share it

    def check(self, user_id: int) -> Verdict:
        """Count the question if the user is under the limit; one transaction, the user's row locked."""
        now = self._clock()
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO question_limits (user_id) VALUES (?) ON CONFLICT DO NOTHING", (user_id,))
            warned_for = tx.execute(
                f"SELECT warned_for FROM question_limits WHERE user_id=? {self.store.db.for_update}",
                (user_id,),
            ).fetchone()[0]
            tx.execute("DELETE FROM question_log WHERE user_id=? AND at<=?", (user_id, now - WINDOW_S))
            count, first = tx.execute(
                "SELECT count(*), min(at) FROM question_log WHERE user_id=?", (user_id,)
            ).fetchone()
            if count < self.per_minute:
                tx.execute("INSERT INTO question_log (user_id, at) VALUES (?, ?)", (user_id, now))
                return Verdict(True, False, 0)
            warn = warned_for != first  # a flood gets one reply per window, not a thousand
            if warn:
                tx.execute("UPDATE question_limits SET warned_for=? WHERE user_id=?", (first, user_id))
            return Verdict(False, warn, max(1, int(WINDOW_S - (now - first)) + 1))

    def prune(self) -> int:
        """Forget questions older than the window (the leader calls this now and then)."""
        with self.store.transaction() as tx:
            return tx.execute("DELETE FROM question_log WHERE at<=?", (self._clock() - WINDOW_S,)).rowcount


class ErrorDigest:
    """At most one admin report per kind of error per window; the next one says how many were held back."""

    def __init__(self, window_s: float = 60.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._seen: dict[str, tuple[float, int]] = {}  # kind -> (last report, held back since)

    def admit(self, kind: str) -> int | None:
        """Return None to hold this report back, else how many of its kind were held back before it."""
        now = self.clock()
        last, held = self._seen.get(kind, (-math.inf, 0))
        if now - last < self.window_s:
            self._seen[kind] = (last, held + 1)
            return None
        self._seen[kind] = (now, 0)
        return held


class InlineBudget:
    """Inline queries' own limit, apart from the questions': `per_minute` answers a user in any 60 seconds,
    and a short cache, so that typing one question (a query per keystroke) costs a few answers and never
    silences that user's private chat. In memory: a replica counts its own."""

    def __init__(
        self, per_minute: int, *, ttl_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute = per_minute
        self.ttl_s = ttl_s
        self._clock = clock
        self._asked: dict[int, list[float]] = {}
        self._cache: dict[str, tuple[float, object]] = {}

    def cached(self, text: str) -> object | None:
        """Return the answer to this query text if it was computed in the last ttl_s seconds."""
        hit = self._cache.get(" ".join(text.lower().split()))
        return hit[1] if hit and self._clock() - hit[0] < self.ttl_s else None

    def remember(self, text: str, answer: object) -> None:
        """Keep an answer for ttl_s seconds (the cache holds at most 1,000)."""
        now = self._clock()
        if len(self._cache) >= 1000:
            self._cache = {k: v for k, v in self._cache.items() if now - v[0] < self.ttl_s}
            while len(self._cache) >= 1000:
                self._cache.pop(next(iter(self._cache)))
        self._cache[" ".join(text.lower().split())] = (now, answer)

    def allow(self, user_id: int) -> bool:
        """Count an inline answer for the user if under the limit."""
        now = self._clock()
        recent = [t for t in self._asked.get(user_id, []) if now - t < WINDOW_S]
        if len(recent) >= self.per_minute:
            self._asked[user_id] = recent
            return False
        recent.append(now)
        self._asked[user_id] = recent
        if len(self._asked) > 10_000:  # forget users idle for a window
            self._asked = {u: ts for u, ts in self._asked.items() if ts and now - ts[-1] < WINDOW_S}
        return True
