"""A FAISS inner-product index keyed by passage id (exact Flat, or HNSW for large collections)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Literal

import numpy as np

from index.hits import Hit

DenseKind = Literal["flat", "hnsw"]


@functools.cache
def _faiss():
    import faiss

    # Searches run one question at a time on one OpenMP thread: measured here, a single-query Flat search
    # over 100k vectors takes 18.5 ms of wall and CPU on one thread, 22.5 ms of wall and 44 ms of CPU on
    # two (40k: 6.8 against 9.0 ms, 18 ms of CPU); HNSW never splits one query. A build uses every core
    # for its duration (build()).
    faiss.omp_set_num_threads(1)
    return faiss


class DenseIndex:
    """Unit vectors searched by inner product (= cosine); ids are passage ids (int64)."""

    def __init__(self, index: object, *, kind: DenseKind, ef_search: int) -> None:
        self._index = index
        self.kind = kind
        self.ef_search = ef_search
        self._apply_params()

    @classmethod
    def build(
        cls,
        ids: np.ndarray,
        vectors: np.ndarray,
        *,
        kind: DenseKind = "flat",
        hnsw_m: int,
        ef_construction: int,
        ef_search: int,
    ) -> DenseIndex:
        """Return a new index holding vectors under ids."""
        faiss = _faiss()
        dim = vectors.shape[1]
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = ef_construction
        else:
            inner = faiss.IndexFlatIP(dim)
        index = faiss.IndexIDMap2(inner)
        if len(ids):
            faiss.omp_set_num_threads(os.cpu_count() or 1)  # building HNSW is parallel
            try:
                index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))
            finally:
                faiss.omp_set_num_threads(1)
        return cls(index, kind=kind, ef_search=ef_search)

    def _apply_params(self) -> None:
        if self.kind == "hnsw":
            _faiss().downcast_index(self._index.index).hnsw.efSearch = self.ef_search

    @property
    def dim(self) -> int:
        """Return the vector dimension."""
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        """Return the passage ids held, in storage order."""
        return _faiss().vector_to_array(self._index.id_map).astype(np.int64)

    def vectors(self) -> np.ndarray:
        """Return the stored vectors, in the order of ids()."""
        if len(self) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._index.index.reconstruct_n(0, len(self))

    def search(self, queries: np.ndarray, k: int) -> list[list[Hit]]:
        """Return the k best hits for each query vector."""
        if len(self) == 0:
            return [[] for _ in range(len(queries))]
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, len(self)))
        return [
            [Hit(int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True) if i >= 0]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    def cosines(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Return the cosine of query to each id, in the order given (nan for an id not stored)."""
        if not len(ids):
            return np.zeros(0, dtype=np.float32)
        try:  # one call for all: an article's passages number in the hundreds
            return self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64)) @ query
        except RuntimeError:  # an id not stored: one at a time
            out = np.full(len(ids), np.nan, dtype=np.float32)
            for i, pid in enumerate(ids):
                try:
                    out[i] = self._index.reconstruct(int(pid)) @ query
                except RuntimeError:
                    continue
            return out

    def save(self, path: Path) -> None:
        """Write the index to one file."""
        _faiss().write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, *, kind: DenseKind, ef_search: int) -> DenseIndex:
        """Read an index written by save()."""
        return cls(_faiss().read_index(str(path)), kind=kind, ef_search=ef_search)
