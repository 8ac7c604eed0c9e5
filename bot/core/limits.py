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
