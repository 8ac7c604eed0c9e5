"""BM25 over passages with bm25s, on index.text's terms (Snowball stems, no stopwords), saved as .npy + JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.hits import Hit
from index.text import TOKENIZER, content_stems


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)  # bm25s sets DEBUG on import: the app decides
    return bm25s


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Return each text's terms: index.text.content_stems, the one definition of a term (the answer
    scoring, topic matching and the hashing encoder use it too)."""
    return [content_stems(text) for text in texts]


class BM25Index:
    """BM25 scores of every (term, passage) pair as bm25s computes them (a CSC matrix: data, indices,
    indptr), the vocabulary, and the passage id of each row.

    bm25s builds and saves the matrix and, loaded with numba=True, scores with its numba backend.
    Otherwise this class scores the matrix the way bm25s's numpy backend does, and a loaded one is read
    with numpy alone (memory-mapped on request): importing bm25s costs ~0.5 s (it imports numba and
    scipy) of a one-shot `newsbot ask`.
    """

    def __init__(
        self,
        matrix: dict[str, np.ndarray],
        vocab: dict[str, int],
        ids: np.ndarray,
        *,
        avgdl: float,
        k1: float,
        b: float,
        retriever: object | None = None,
        tokenizer: str = TOKENIZER,
    ) -> None:
        # plain ndarray views of memory-mapped arrays: np.memmap's own indexing costs ~2 us a call
        self._data, self._indices, self._indptr = (
            np.asarray(matrix[k]) for k in ("data", "indices", "indptr")
        )
        self._vocab = vocab
        self._ids = ids.astype(np.int64)
        self._retriever = retriever  # bm25s's, when built here or scoring with numba
        self._ids_ascend = bool(np.all(self._ids[1:] > self._ids[:-1]))
        self._ascending: dict[int, bool] = {}  # whether a column's rows ascend, per column asked
        self.avgdl, self.k1, self.b = avgdl, k1, b
        self.tokenizer = tokenizer  # the term definition it was built with (index.text.TOKENIZER)

    @classmethod
    def build(cls, ids: np.ndarray, texts: Sequence[str], *, k1: float = 1.5, b: float = 0.75) -> BM25Index:
        """Index texts (one per passage id)."""
        bm25s = _bm25s()
        retriever = bm25s.BM25(k1=k1, b=b)
        tokens = tokenize(texts) if len(texts) else [[""]]
        retriever.index(tokens, show_progress=False)
        avgdl = sum(len(t) for t in tokens) / max(len(tokens), 1)
        return cls(retriever.scores, retriever.vocab_dict, ids, avgdl=avgdl, k1=k1, b=b, retriever=retriever)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def backend(self) -> str:
        """Return what scores queries: "numba" (bm25s's numba backend), or "numpy" (this module's
        scoring, the way bm25s's numpy backend scores, for an index built here or loaded)."""
        return "numba" if getattr(self._retriever, "backend", None) == "numba" else "numpy"

    def search(self, query: str, k: int) -> list[Hit]:
        """Return up to k passages with a positive BM25 score, best first."""
        return self.search_tokens(tokenize([query])[0], k)

    def search_tokens(self, terms: list[str], k: int) -> list[Hit]:
        """Return up to k passages with a positive BM25 score for already tokenized terms."""
        tokens = [t for t in terms if t in self._vocab]
        if not tokens or not len(self._ids):
            return []
        k = min(k, len(self._ids))
        if self.backend == "numba":
            rows, scores = self._retriever.retrieve(  # type: ignore[attr-defined]
                [tokens], k=k, show_progress=False, n_threads=1
            )
            found = zip(rows[0], scores[0], strict=True)
        else:
            found = zip(*self._top(self._scores([self._vocab[t] for t in tokens]), k), strict=True)
        return [Hit(int(self._ids[r]), float(s)) for r, s in found if s > 0]

    def _scores(self, columns: list[int]) -> np.ndarray:
        scores = np.zeros(len(self._ids), dtype=np.float32)
        for j in columns:  # a term's column holds each passage once; a repeated term counts twice
            start, end = self._indptr[j], self._indptr[j + 1]
            scores[self._indices[start:end]] += self._data[start:end]
        return scores

    @staticmethod
    def _top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows and scores of the k best passages that score above zero, best first (equal
        scores by row). Only the passages holding a query term are ranked: a few hundred of 100k."""
        rows = np.flatnonzero(scores)
        if len(rows) > k:
            rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
        rows = rows[np.lexsort((rows, -scores[rows]))]
        return rows, scores[rows]

    def vocabulary(self) -> list[str]:
        """Return the indexed stems."""
        return [t for t in self._vocab if t]

    def holding(self, stems: Sequence[str], ids: np.ndarray) -> np.ndarray:
        """Return a (stems x ids) table of whether each passage id's text holds each stem: a binary search
        in the stem's column (its rows ascend, as bm25s writes them; checked once per column) for each
        id's row."""
        out = np.zeros((len(stems), len(ids)), dtype=bool)
        if not len(ids) or not len(self._ids):
            return out
        rows = np.searchsorted(self._ids, ids).clip(max=len(self._ids) - 1)
        rows = np.where(self._ids[rows] == ids, rows, -1)
        for i, stem in enumerate(stems):
            j = self._vocab.get(stem)
            if j is None or self._indptr[j] == self._indptr[j + 1]:
                continue
            column = self._indices[self._indptr[j] : self._indptr[j + 1]]
            if j not in self._ascending:
                self._ascending[j] = bool(np.all(column[1:] > column[:-1]))
            if self._ids_ascend and self._ascending[j]:
                at = np.searchsorted(column, rows).clip(max=len(column) - 1)
                out[i] = (rows >= 0) & (column[at] == rows)
            else:
                out[i] = np.isin(ids, self._ids[column])
        return out

    def term_document_frequency(self, stems: Sequence[str]) -> dict[str, int]:
        """Return how many passages contain each stem (0 for unknown stems)."""
        out = {}
        for s in stems:
            j = self._vocab.get(s)
            out[s] = int(self._indptr[j + 1] - self._indptr[j]) if j is not None else 0
        return out

    def save(self, directory: Path) -> None:
        """Write the retriever's arrays and vocabulary, and the id of each row (an index built here)."""
        if self._retriever is None:
            raise ValueError("only a BM25 index built in this process can be saved")
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory), show_progress=False)  # type: ignore[attr-defined]
        np.save(directory / "ids.npy", self._ids)
        meta = {
            "tokenizer": TOKENIZER,
            "avgdl": self.avgdl,
            "k1": self.k1,
            "b": self.b,
        }
        (directory / "meta.json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = False, numba: bool = False) -> BM25Index:
        """Read an index written by save(); with numba=True, score with bm25s's numba backend
        (20-45x faster on large indexes, after a one-off JIT compile of ~10 s done here)."""
        meta = json.loads((directory / "meta.json").read_text())
        ids = np.load(directory / "ids.npy")
        retriever = None
        if numba:
            retriever = _bm25s().BM25.load(
                str(directory),
                mmap=mmap,
                show_progress=False,
                verbosity=0,
                override_params={"backend": "numba"},
            )
            matrix, vocab = retriever.scores, retriever.vocab_dict  # type: ignore[attr-defined]
        else:
            matrix = {
                name: np.load(
                    directory / f"{name}.csc.index.npy", mmap_mode="r" if mmap else None, allow_pickle=False
                )
                for name in ("data", "indices", "indptr")
            }
            vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
        index = cls(
            matrix,
            vocab,
            ids,
            avgdl=meta["avgdl"],
            k1=meta["k1"],
            b=meta["b"],
            retriever=retriever,
            tokenizer=_tokenizer(meta),
        )
        if numba and index._vocab:
            index.search_tokens([next(iter(index._vocab))], 1)  # compile now, not on the first question
        return index


def _tokenizer(meta: dict) -> str:
    return str(meta.get("tokenizer", ""))  # version 1 recorded none


def stored_tokenizer(directory: Path) -> str:
    """Return the term definition the BM25 index saved in directory was built with, "" when unreadable
    (without loading the index)."""
    try:
        return _tokenizer(json.loads((directory / "meta.json").read_text()))
    except (OSError, ValueError):
        return ""
