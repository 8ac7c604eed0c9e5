"""One loaded index version and its search operations over main segment + delta - tombstones."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.dense.faiss import DenseIndex
from index.hits import Hit
from index.manifest import ArticleMeta, Manifest
from index.passage_store import PassageStore
from index.passages import Passage
from index.segments import BM25Stats, DeltaSegment, merge
from index.sparse.bm25 import BM25Index, tokenize
from index.text import content_stems


class VersionReading:
    """What an index version offers the engine on top of its stores, the same for every backend
    (IndexData: files; index.pgdata.PgIndexData: PostgreSQL): a subclass has `passages`, `articles`,
    `_derived`, document_frequency(), dense_search() and bm25_search()."""

    __slots__ = ()
    passages: Any
    articles: dict[str, ArticleMeta]
    _derived: dict[str, Any]

    def document_frequency(self, stems: list[str]) -> dict[str, int]:
        raise NotImplementedError

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        raise NotImplementedError

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        raise NotImplementedError

    def derived(self, name: str, compute: Callable[[Any], Any]) -> Any:
        """Return compute(self), computed once for this version (a new version starts afresh); two
        threads asking at once may both compute it, and either result is kept."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]

    def search_both(self, query: np.ndarray, question: str, k: int) -> tuple[list[Hit], list[Hit]]:
        """Return the k nearest passages by cosine and the k best by BM25 (a remote backend asks both at
        once)."""
        return self.dense_search(query, k), self.bm25_search(question, k)

    def holding_and_cosines(
        self, stems: list[str], ids: np.ndarray, query: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return holding() and cosines() (what the article model compares; a remote backend asks both at
        once)."""
        return self.holding(stems, ids), self.cosines(query, ids)

    def holding(self, stems: list[str], ids: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def cosines(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def prefetch(self, ids: list[int], *, weigh: bool = True) -> None:
        """Make these passages cheap to read one by one (a backend that reads them remotely reads them
        all at once here, with their words' document frequencies when `weigh`); nothing to do for
        passages on the local disk."""

    def passages_of(self, article_id: str) -> list[Passage]:
        """Return an article's live passages in order."""
        return self.passages.of_article(article_id)

    def idf(self, stems: list[str]) -> dict[str, float]:
        """Return each stem's BM25 IDF over the live passages."""
        n = max(len(self.passages), 1)
        df = self.document_frequency(stems)
        return {s: math.log(1 + (n - df[s] + 0.5) / (df[s] + 0.5)) for s in stems}

    def rarity(self, text: str) -> float:
        """Return the mean IDF of a text's words over the largest possible (0 for a text of stopwords)."""
        values = self.idf(content_stems(text))
        max_idf = math.log(1 + (len(self.passages) + 0.5) / 0.5)
        return min(1.0, sum(values.values()) / len(values) / max_idf) if values else 0.0

    def published(self, article_id: str) -> dt.date | None:
        """Return an article's publication date (None when unknown)."""
        meta = self.articles.get(article_id)
        return dt.date.fromisoformat(meta.published) if meta and meta.published else None


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexData(VersionReading):
    """Immutable once loaded: swap the whole object to serve a new version."""

    manifest: Manifest
    path: Path
    passages: PassageStore  # live passages only, read on demand
    articles: dict[str, ArticleMeta]
    dense: DenseIndex  # main segment
    bm25: BM25Index  # main segment
    delta: DeltaSegment
    tombstones: frozenset[int]
    bm25_stats: BM25Stats
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        """Return the k nearest live passages (main segment over-fetched past tombstones, plus delta)."""
        extra = min(len(self.tombstones), 4 * k)
        main = self.dense.search(query[None, :], k + extra)[0]
        return merge([main, self.delta.dense_search(query, k)], k, drop=self.tombstones)

    def dense_scores(self, query: np.ndarray, ids: list[int]) -> list[Hit]:
        """Return the cosine of query to each live passage id, best first."""
        live = [i for i in ids if i not in self.tombstones]
        scores = self.cosines(query, np.array(live, dtype=np.int64)).tolist()
        hits = [Hit(pid, s) for pid, s in zip(live, scores, strict=True) if not math.isnan(s)]
        return sorted(hits, key=lambda h: -h.score)

    def cosines(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Return the cosine of query to each passage id, in the order given (nan for an id neither
        segment stores)."""
        rows = self.delta.rows(ids)
        in_delta = rows >= 0
        out = np.empty(len(ids), dtype=np.float32)
        out[in_delta] = self.delta.vectors[rows[in_delta]] @ query
        out[~in_delta] = self.dense.cosines(query, ids[~in_delta])
        return out

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        """Return the k best live passages by BM25 (main and delta on one scale)."""
        terms = tokenize([query])[0]
        extra = min(len(self.tombstones), 4 * k)
        main = self.bm25.search_tokens(terms, k + extra)
        delta = (
            self.delta.bm25_search(query, k, self.bm25_stats, self.bm25.term_document_frequency(terms))
            if len(self.delta)
            else []
        )
        return merge([main, delta], k, drop=self.tombstones)

    def holding(self, stems: list[str], ids: np.ndarray) -> np.ndarray:
        """Return a (stems x ids) boolean table: whether each passage's text (title included) holds each
        stem, read from the BM25 columns (no text is parsed)."""
        out = self.bm25.holding(stems, ids)
        if len(self.delta):
            for i, stem in enumerate(stems):
                out[i] |= np.isin(ids, self.delta.ids_with(stem))
        return out

    def vocabulary(self) -> list[str]:
        """Return every stem indexed (main and delta), sorted."""
        return self.derived("vocabulary", lambda d: sorted(set(d.bm25.vocabulary()) | set(d.delta.df)))

    def document_frequency(self, stems: list[str]) -> dict[str, int]:
        """Return in how many passages each stem occurs (main + delta)."""
        main = self.bm25.term_document_frequency(stems)
        return {s: main[s] + self.delta.df.get(s, 0) for s in stems}
