"""Remembered vectors of short texts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.encoders.memo import VectorMemo


def test_only_texts_not_remembered_are_encoded_and_the_oldest_are_forgotten() -> None:
    batches: list[list[str]] = []

    def encode(texts: Sequence[str]) -> np.ndarray:
        batches.append(list(texts))
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)

    memo = VectorMemo(encode, size=3)
    first = memo.encode(["India", "ISRO", "India"])
    assert batches == [["India", "ISRO"]] and first.shape == (3, 2)
    assert (first[0] == first[2]).all() and first[1][0] == 4.0
    memo.encode(["ISRO", "Japan"])
    assert batches[-1] == ["Japan"]
    memo.encode(["Chile", "Peru"])  # India and ISRO, the oldest, are forgotten
    memo.encode(["India"])
    assert batches[-1] == ["India"]
    assert memo.encode([]).shape[0] == 0
