"""A per-user sliding-window limit on questions."""

from __future__ import annotations

import time
from collections import defaultdict, deque


class QuestionLimiter:
    """Allows each user `per_minute` questions in any 60 seconds."""

    def __init__(self, per_minute: int, *, clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}

    def allow(self, user_id: int) -> bool:
        """Return True and count the question if the user is under the limit."""
        now = self._clock()
        window = self._seen[user_id]
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(now)
        return True

    def should_warn(self, user_id: int) -> bool:
        """Return True once per window for a user over the limit (a flood gets one reply, not a thousand)."""
        now = self._clock()
        window = self._seen.get(user_id)
        started = window[0] if window else now
        if self._warned.get(user_id) == started:
            return False
        self._warned[user_id] = started
        return True

    def retry_in(self, user_id: int) -> int:
        """Return the seconds until the user may ask again."""
        window = self._seen.get(user_id)
        if not window:
            return 0
        return max(1, int(60 - (self._clock() - window[0])) + 1)
