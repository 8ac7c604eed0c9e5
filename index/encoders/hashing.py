"""A deterministic bag-of-stems encoder: fast, dependency-free, for tests and dry runs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from index.text import content_stems


class HashingEncoder:
    """Hashes each content stem to a signed coordinate; texts sharing words get similar vectors."""

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"hashing:{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for s in content_stems(text):
            digest = hashlib.blake2b(s.encode(), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0:
            vec[0] = 1.0
            return vec
        return vec / norm

    def encode(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Return one unit vector per text."""
        out = np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
        if progress:
            progress(len(texts))
        return out.astype(np.float32)
