"""The delta segment: passages added since the last full build, searched exactly beside the main
segment (FAISS + bm25s), so adding one article does not rebuild or re-tokenize everything."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.hits import Hit
from index.sparse.bm25 import tokenize


@dataclass(frozen=True, slots=True, kw_only=True)
class BM25Stats:
    """The main segment's BM25 statistics, so delta scores are on the same scale."""

    n_docs: int
    avgdl: float
    k1: float = 1.5
    b: float = 0.75


class DeltaSegment:
    """A few passages held as vectors and token lists; brute-force dense and BM25 search."""

    def __init__(self, ids: np.ndarray, vectors: np.ndarray, texts: Sequence[str]) -> None:
        self.ids = ids.astype(np.int64)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.tokens = [Counter(t) for t in tokenize(texts)] if len(texts) else []
        self.lengths = np.array([sum(c.values()) for c in self.tokens], dtype=np.float32)
        self.df: Counter[str] = Counter()
        for counts in self.tokens:
            self.df.update(counts.keys())
        self._row = {pid: i for i, pid in enumerate(self.ids.tolist())}
        self._postings: dict[str, list[int]] | None = None  # term -> ids, built on first use

    def __len__(self) -> int:
        return len(self.ids)

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        """Return the k nearest passages by inner product."""
        if not len(self.ids):
            return []
        scores = self.vectors @ query
        top = np.argsort(-scores)[:k]
        return [Hit(int(self.ids[i]), float(scores[i])) for i in top]

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Return the row of each id in this segment's arrays, -1 for an id not held here."""
        return np.array([self._row.get(int(pid), -1) for pid in ids], dtype=np.int64)

    def ids_with(self, stem: str) -> np.ndarray:
        """Return the ids of the passages held here whose text holds a stem."""
        if self._postings is None:
            postings: dict[str, list[int]] = {}
            for pid, counts in zip(self.ids.tolist(), self.tokens, strict=True):
                for term in counts:
                    postings.setdefault(term, []).append(pid)
            self._postings = postings
        return np.array(self._postings.get(stem, ()), dtype=np.int64)

    def bm25_search(self, query: str, k: int, stats: BM25Stats, main_df: dict[str, int]) -> list[Hit]:
        """Return BM25 scores (lucene variant, as bm25s) with the idf of main + delta."""
        if not len(self.ids):
            return []
        terms = tokenize([query])[0]
        n = stats.n_docs + len(self.ids)
        avgdl = (stats.avgdl * stats.n_docs + float(self.lengths.sum())) / max(n, 1)
        scores = np.zeros(len(self.ids), dtype=np.float32)
        for term in set(terms):
            df = main_df.get(term, 0) + self.df.get(term, 0)
            if not self.df.get(term):
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = np.array([c.get(term, 0) for c in self.tokens], dtype=np.float32)
            norm = stats.k1 * (1 - stats.b + stats.b * self.lengths / max(avgdl, 1e-9))
            scores += idf * tf / (tf + norm)
        top = [i for i in np.argsort(-scores)[:k] if scores[i] > 0]
        return [Hit(int(self.ids[i]), float(scores[i])) for i in top]


def merge(lists: Sequence[Sequence[Hit]], k: int, *, drop: frozenset[int] = frozenset()) -> list[Hit]:
    """Return the k best hits of several lists of comparable scores, without dropped ids."""
    hits = sorted((h for hs in lists for h in hs if h.id not in drop), key=lambda h: -h.score)
    return hits[:k]
