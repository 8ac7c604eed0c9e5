"""The result type every retriever returns."""

from __future__ import annotations

from typing import NamedTuple


class Hit(NamedTuple):
    """A passage found by a retriever: its id and the retriever's score (higher is better)."""

    id: int
    score: float


class Retrieved(NamedTuple):
    """One question's fused passage ranking and the dense and BM25 rankings it was fused from."""

    fused: list[Hit]
    dense: list[Hit]
    lexical: list[Hit]
