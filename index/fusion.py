"""Combine ranked lists from several retrievers into one ranking."""

from __future__ import annotations

from collections.abc import Sequence

from index.hits import Hit


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Hit]], *, k: int = 60, weights: Sequence[float] | None = None
) -> list[Hit]:
    """Return hits ranked by sum(weight / (k + rank)) over the lists they appear in (rank from 1)."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        if weight == 0:
            continue
        for rank, hit in enumerate(ranking, 1):
            scores[hit.id] = scores.get(hit.id, 0.0) + weight / (k + rank)
    return [Hit(i, s) for i, s in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]


def score_fusion(rankings: Sequence[Sequence[Hit]], *, weights: Sequence[float] | None = None) -> list[Hit]:
    """Return hits ranked by the weighted sum of their min-max normalised scores (missing = 0)."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        if not ranking or weight == 0:
            continue
        top = max(h.score for h in ranking)
        low = min(h.score for h in ranking)
        span = (top - low) or 1.0
        for hit in ranking:
            scores[hit.id] = scores.get(hit.id, 0.0) + weight * (hit.score - low) / span
    return [Hit(i, s) for i, s in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]
