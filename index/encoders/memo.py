"""Vectors of short texts remembered across questions: candidate answers ("Trump", "India") recur."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np


class VectorMemo:
    """Encode texts through `encode`, remembering the last `size` texts' vectors (thread-safe)."""

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray], *, size: int = 8192) -> None:
        self._encode = encode
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return unit vectors of texts; only the texts not remembered are encoded, in one batch."""
        with self._lock:
            known = {t: v for t in texts if (v := self._vectors.get(t)) is not None}
            for t in known:
                self._vectors.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = dict(zip(missing, self._encode(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._vectors.update(fresh)
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)
