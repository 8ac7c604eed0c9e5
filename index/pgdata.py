"""One version of the index in PostgreSQL, seen through the interface the engine reads (IndexData's):
passages, articles and search by SQL (index/pgvector.py); nothing but the article list and the passage
ids of each article is held in memory, and nothing is written to disk."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexMismatchError, IndexMissingError
from index.hits import Hit
from index.manifest import ArticleMeta, Manifest
from index.passages import Passage
from index.pgsearch import Stored
from index.pgvector import PgIndex
from index.snapshot import VersionReading
from index.text import content_stems

CACHE = 4096  # passages kept per version
ROWS = 65_536  # passage ids whose place in the id arrays is kept
_SEARCHES = ThreadPoolExecutor(max_workers=8, thread_name_prefix="newsbot-pg")  # reads beside the asker's
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
        self._rows: dict[int, int] = {}
        self._cache: OrderedDict[int, Stored] = OrderedDict()
        self._lock = threading.Lock()
        self.df: dict[str, int] = {}  # document frequencies read so far (of this version)

    def _row(self, pid: object) -> int:
        """Return the passage's place in the id array, or -1 (the last ROWS looked up kept: an answer
        looks up the same few hundred passages' articles many times)."""
        if not isinstance(pid, int | np.integer):
            return -1
        row = self._rows.get(pid)  # type: ignore[call-overload]
        if row is None:
            i = int(np.searchsorted(self._sorted, pid))
            row = int(self._order[i]) if i < len(self._sorted) and self._sorted[i] == pid else -1
            if len(self._rows) >= ROWS:
                self._rows.clear()
            self._rows[int(pid)] = row
        return row

    def stored(self, ids: Sequence[int], *, weigh: bool = True) -> dict[int, Stored]:
        """Return these passages with their stems, reading the ones not cached in one query (with the
        document frequencies of their stems not yet known, unless `weigh` is False: the answer path
        weighs every word it reads)."""
        with self._lock:
            found = {i: self._cache[i] for i in ids if i in self._cache}
        missing = [i for i in ids if i not in found and self._row(i) >= 0]
        if missing:
            read, df = self.index.stored(missing, known=self.df if weigh else None)
            with self._lock:
                self._cache.update(read)
                while len(self._cache) > CACHE:
                    self._cache.popitem(last=False)
                if len(self.df) > DF_CACHE:
                    self.df.clear()
                self.df.update(df)
            found.update(read)
        return found

    def fetch(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Return these passages (see stored())."""
        return {pid: item.passage for pid, item in self.stored(ids).items()}

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
    totals: tuple[int, int]  # passages and their total length, as BM25 weighs them
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
        version, articles, ids, totals = index.snapshot()
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
            totals=totals,
        )

    def _live(self, hits: list[Hit], k: int) -> list[Hit]:
        return [h for h in hits if h.id not in self.tombstones and h.id in self.passages][:k]

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        """Return the k nearest live passages (pgvector HNSW)."""
        found = self.index.dense_search(query, k + min(len(self.tombstones), 4 * k))
        self._remember(query, {h.id: h.score for h in found})
        return self._live(found, k)

    def search_both(self, query: np.ndarray, question: str, k: int) -> tuple[list[Hit], list[Hit]]:
        """Return dense_search() and bm25_search(), the two asked of the server at once."""
        dense = _SEARCHES.submit(self.dense_search, query, k)
        lexical = self.bm25_search(question, k)
        return dense.result(), lexical

    def _known_cosines(self, query: np.ndarray) -> tuple[bytes, dict[int, float]]:
        """Return the query's key and the cosines kept for it (none when the last question was another)."""
        key = np.asarray(query, dtype=np.float32).tobytes()
        held = self._derived.get("cosines")
        return key, held[1] if held is not None and held[0] == key else {}

    def _remember(self, query: np.ndarray, scores: dict[int, float]) -> dict[int, float]:
        """Keep the last question's cosines (the answer path asks for the same passages' again)."""
        key, known = self._known_cosines(query)
        known = {**known, **scores}
        self._derived["cosines"] = (key, known)
        return known

    def _cosines(self, query: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        _, known = self._known_cosines(query)
        missing = [int(i) for i in ids if int(i) not in known]
        return self._remember(query, self.index.cosines(query, missing)) if missing else known

    def dense_scores(self, query: np.ndarray, ids: list[int]) -> list[Hit]:
        """Return the cosine of query to each live passage id, best first."""
        live = [i for i in ids if i not in self.tombstones]
        scores = self._cosines(query, live)
        return sorted((Hit(i, scores[i]) for i in live if i in scores), key=lambda h: -h.score)

    def cosines(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Return the cosine of query to each passage id, in the order given (nan where unknown)."""
        scores = self._cosines(query, [int(i) for i in ids])
        return np.array([scores.get(int(i), math.nan) for i in ids], dtype=np.float32)

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        """Return the k best live passages by BM25 (computed in SQL)."""
        stems = sorted(set(content_stems(query)))
        found = self.index.lexical_search(
            stems,
            k + min(len(self.tombstones), 4 * k),
            df=self.document_frequency(stems),
            totals=self.totals,
        )
        return self._live(found, k)

    def prefetch(self, ids: Sequence[int], *, weigh: bool = True) -> None:
        """Read these passages in one query (the answer path then reads them one by one), with the
        document frequencies of their stems unless `weigh` is False. (Reading them in the background
        beside the article model's reads was no faster on 2 cores: benchmarks/scale.py.)"""
        self.passages.stored(ids, weigh=weigh)

    def holding(self, stems: list[str], ids: np.ndarray) -> np.ndarray:
        """Return a (stems x ids) boolean table: whether each passage holds each stem (63 stems a query)."""
        out = np.zeros((len(stems), len(ids)), dtype=bool)
        for start in range(0, len(stems), 63):
            part = stems[start : start + 63]
            masks = self.index.holding(part, [int(i) for i in ids])
            column = np.array([masks.get(int(i), 0) for i in ids], dtype=np.int64)
            for j in range(len(part)):
                out[start + j] = (column >> j) & 1 == 1
        return out

    def holding_and_cosines(
        self, stems: list[str], ids: np.ndarray, query: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return holding() and cosines(), the two asked of the server at once."""
        cosines = _SEARCHES.submit(self.cosines, query, ids)
        return self.holding(stems, ids), cosines.result()

    def vocabulary(self) -> list[str]:
        """Return every stem indexed, sorted."""
        return self.derived("vocabulary", lambda d: d.index.vocabulary())

    def document_frequency(self, stems: list[str]) -> dict[str, int]:
        """Return in how many passages each stem occurs (kept for this version: the answer path asks for
        the same stems many times a question)."""
        known = self.passages.df
        values = {s: known.get(s) for s in stems}
        missing = [s for s, v in values.items() if v is None]
        if missing:
            found = self.index.document_frequency(missing)
            if len(known) > DF_CACHE:
                known.clear()
            known.update(found)
            values.update(found)
        return {s: int(v or 0) for s, v in values.items()}
