"""BM25 over passages with bm25s, on index.text's terms (Snowball stems, no stopwords), saved as .npy + JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.hits import Hit
from index.text import content_stems


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)  # bm25s sets DEBUG on import: the app decides
    return bm25s


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Return each text's terms: index.text.content_stems, the one definition of a term (the answer
    scoring, topic matching and the hashing encoder use it too)."""
    return [content_stems(text) for text in texts]


class BM25Index:
    """A bm25s retriever plus the passage id of each of its rows."""

    def __init__(self, retriever: object, ids: np.ndarray, *, avgdl: float, k1: float, b: float) -> None:
        self._retriever = retriever
        self._ids = ids.astype(np.int64)
        self._vocab: dict[str, int] = retriever.vocab_dict  # type: ignore[attr-defined]
        self.avgdl, self.k1, self.b = avgdl, k1, b

    @classmethod
    def build(cls, ids: np.ndarray, texts: Sequence[str], *, k1: float = 1.5, b: float = 0.75) -> BM25Index:
        """Index texts (one per passage id)."""
        bm25s = _bm25s()
        retriever = bm25s.BM25(k1=k1, b=b)
        tokens = tokenize(texts) if len(texts) else [[""]]
        retriever.index(tokens, show_progress=False)
        avgdl = sum(len(t) for t in tokens) / max(len(tokens), 1)
        return cls(retriever, ids, avgdl=avgdl, k1=k1, b=b)

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query: str, k: int) -> list[Hit]:
        """Return up to k passages with a positive BM25 score, best first."""
        return self.search_tokens(tokenize([query])[0], k)

    def search_tokens(self, terms: list[str], k: int) -> list[Hit]:
        """Return up to k passages with a positive BM25 score for already tokenized terms."""
        tokens = [t for t in terms if t in self._vocab]
        if not tokens or not len(self._ids):
            return []
        rows, scores = self._retriever.retrieve(  # type: ignore[attr-defined]
            [tokens], k=min(k, len(self._ids)), show_progress=False, n_threads=1
        )
        return [Hit(int(self._ids[r]), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]

    def vocabulary(self) -> list[str]:
        """Return the indexed stems."""
        return [t for t in self._vocab if t]

    def term_document_frequency(self, stems: Sequence[str]) -> dict[str, int]:
        """Return how many passages contain each stem (0 for unknown stems)."""
        out = {}
        matrix = self._retriever.scores  # type: ignore[attr-defined]
        indptr = matrix["indptr"]
        for s in stems:
            j = self._vocab.get(s)
            out[s] = int(indptr[j + 1] - indptr[j]) if j is not None else 0
        return out

    def save(self, directory: Path) -> None:
        """Write the retriever's arrays and vocabulary, and the id of each row."""
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory), show_progress=False)  # type: ignore[attr-defined]
        np.save(directory / "ids.npy", self._ids)
        meta = {
            "tokenizer": "index.text.content_stems",
            "avgdl": self.avgdl,
            "k1": self.k1,
            "b": self.b,
        }
        (directory / "meta.json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = False, numba: bool = False) -> BM25Index:
        """Read an index written by save(); with numba=True, score with bm25s's numba backend
        (20-45x faster on large indexes, after a one-off JIT compile of ~10 s done here)."""
        override = {"backend": "numba"} if numba else None
        retriever = _bm25s().BM25.load(
            str(directory), mmap=mmap, show_progress=False, verbosity=0, override_params=override
        )
        meta = json.loads((directory / "meta.json").read_text())
        index = cls(
            retriever, np.load(directory / "ids.npy"), avgdl=meta["avgdl"], k1=meta["k1"], b=meta["b"]
        )
        if numba and index._vocab:
            index.search_tokens([next(iter(index._vocab))], 1)  # compile now, not on the first question
        return index
