"""One version of the index in PostgreSQL, seen through the interface the engine reads (IndexData's):
passages, articles and search by SQL (index/pgvector.py); nothing but the article list and the passage
ids of each article is held in memory, and nothing is written to disk."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexMismatchError, IndexMissingError
from index.hits import Hit
from index.manifest import ArticleMeta, Manifest
from index.passages import Passage
from index.pgvector import PgIndex
from index.snapshot import VersionReading

CACHE = 4096  # passages kept per version
DF_CACHE = 200_000  # document frequencies kept per version


class PgPassages(Mapping[int, Passage]):
    """The live passages of one version, read on demand (the last CACHE kept); which article holds which
    passage is kept in arrays (PgIndex.passage_ids)."""

    def __init__(
        self,
        index: PgIndex,
        ids: tuple[list[str], np.ndarray, np.ndarray],
        tombstones: frozenset[int],
    ) -> None:
        self.index = index
        self._names, self._starts, self._pids = ids
        self._slot = {name: k for k, name in enumerate(self._names)}
        self._order = np.argsort(self._pids, kind="stable")
        self._sorted = self._pids[self._order]
        self._owner = np.repeat(
            np.arange(len(self._names), dtype=np.int32), np.diff(self._starts).astype(np.int64)
        )
        self._tombstones = tombstones
        self._cache: OrderedDict[int, Passage] = OrderedDict()
        self._lock = threading.Lock()

    def _row(self, pid: object) -> int:
        """Return the passage's place in the id array, or -1."""
        if not isinstance(pid, int | np.integer):
            return -1
        i = int(np.searchsorted(self._sorted, pid))
        return int(self._order[i]) if i < len(self._sorted) and self._sorted[i] == pid else -1

    def fetch(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Return these passages, reading the ones not cached in one query."""
        with self._lock:
            found = {i: self._cache[i] for i in ids if i in self._cache}
        missing = [i for i in ids if i not in found and self._row(i) >= 0]
        if missing:
            read = self.index.passages(missing)
            with self._lock:
                for pid, passage in read.items():
                    self._cache[pid] = passage
                while len(self._cache) > CACHE:
                    self._cache.popitem(last=False)
            found.update(read)
        return found

    def __getitem__(self, pid: int) -> Passage:
        passage = self.fetch([pid]).get(pid)
        if passage is None:
            raise KeyError(pid)
        return passage

    def __contains__(self, pid: object) -> bool:
        return self._row(pid) >= 0 and pid not in self._tombstones

    def __len__(self) -> int:
        return len(self._pids) - sum(self._row(t) >= 0 for t in self._tombstones)

    def __iter__(self) -> Iterator[int]:
        return (p for p in map(int, self._pids) if p not in self._tombstones)

    def article_of(self, pid: int) -> str:
        """Return the article a passage belongs to."""
        row = self._row(pid)
        if row < 0:
            raise KeyError(pid)
        return self._names[int(self._owner[row])]

    def ids_of(self, article_id: str) -> list[int]:
        """Return an article's passage ids in order."""
        k = self._slot.get(article_id)
        if k is None:
            return []
        ids = self._pids[self._starts[k] : self._starts[k + 1]].tolist()
        return [p for p in ids if p not in self._tombstones]

    def of_article(self, article_id: str) -> list[Passage]:
        """Return an article's passages in order."""
        ids = self.ids_of(article_id)
        found = self.fetch(ids)
        return [found[i] for i in ids if i in found]


@dataclass(frozen=True, slots=True, kw_only=True)
class PgIndexData(VersionReading):
    """Immutable once loaded, as IndexData: a new version (another write) is a new object."""

    manifest: Manifest
    path: Path
    passages: PgPassages
    articles: dict[str, ArticleMeta]
    tombstones: frozenset[int]
    index: PgIndex
    version: int
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, index: PgIndex) -> PgIndexData:
        """Read the current version's article list and passage ids."""
        built = index.built_with()
        if built is None:
            raise IndexMissingError("no index in the database yet: run `newsbot index` to build it")
        if built != (index.model, index.dim):
            raise IndexMismatchError(
                f"the database's index was built with {built[0]} ({built[1]} dimensions), not "
                f"{index.model}: run `newsbot index --rebuild`"
            )
        version, articles, ids = index.snapshot()
        passages = len(ids[2])
        manifest = Manifest(
            format=1,
            model=index.model,
            dim=index.dim,
            dense="hnsw",
            passages=passages,
            articles=len(articles),
            corpus_hash="",
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            next_id=0,
        )
        return cls(
            manifest=manifest,
            path=Path(f"postgresql-v{version}"),
            passages=PgPassages(index, ids, frozenset()),
            articles=articles,
            tombstones=frozenset(),
            index=index,
            version=version,
        )

    def _live(self, hits: list[Hit], k: int) -> list[Hit]:
        return [h for h in hits if h.id not in self.tombstones and h.id in self.passages][:k]

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        """Return the k nearest live passages (pgvector HNSW)."""
        return self._live(self.index.dense_search(query, k + min(len(self.tombstones), 4 * k)), k)

    def dense_scores(self, query: np.ndarray, ids: list[int]) -> list[Hit]:
        """Return the cosine of query to each live passage id, best first."""
        live = [i for i in ids if i not in self.tombstones]
        scores = self.index.cosines(query, live)
        return sorted((Hit(i, scores[i]) for i in live if i in scores), key=lambda h: -h.score)

    def cosines(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Return the cosine of query to each passage id, in the order given (nan where unknown)."""
        scores = self.index.cosines(query, [int(i) for i in ids])
        return np.array([scores.get(int(i), math.nan) for i in ids], dtype=np.float32)

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        """Return the k best live passages by BM25 (computed in SQL)."""
        return self._live(self.index.lexical_search(query, k + min(len(self.tombstones), 4 * k)), k)

    def holding(self, stems: list[str], ids: np.ndarray) -> np.ndarray:
        """Return a (stems x ids) boolean table: whether each passage holds each stem."""
        held = self.index.stems_of([int(i) for i in ids])
        return np.array([[s in held.get(int(i), ()) for i in ids] for s in stems], dtype=bool).reshape(
            len(stems), len(ids)
        )

    def vocabulary(self) -> list[str]:
        """Return every stem indexed, sorted."""
        return self.derived("vocabulary", lambda d: d.index.vocabulary())

    def document_frequency(self, stems: list[str]) -> dict[str, int]:
        """Return in how many passages each stem occurs (kept for this version: the answer path asks for
        the same stems many times a question)."""
        known: dict[str, int] = self._derived.setdefault("df", {})
        missing = [s for s in stems if s not in known]
        if missing:
            if len(known) > DF_CACHE:
                known.clear()
            known.update(self.index.document_frequency(missing))
        return {s: known[s] for s in stems}
