"""Combine ranked lists from several retrievers into one ranking."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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


def article_support(hits: Sequence[Hit], article_of: Callable[[int], str], *, weight: float) -> list[Hit]:
    """Return hits re-ranked with `weight` x the score of the best other passage of the same article
    added to each: an article that several passages match outranks one lucky passage."""
    if weight == 0 or not hits:
        return list(hits)
    articles = [article_of(h.id) for h in hits]
    best: dict[str, list[float]] = {}
    for h, aid in zip(hits, articles, strict=True):
        best.setdefault(aid, []).append(h.score)
    out = []
    for h, aid in zip(hits, articles, strict=True):
        scores = sorted(best[aid], reverse=True)
        other = scores[1] if scores[0] == h.score and len(scores) > 1 else scores[0]
        out.append(Hit(h.id, h.score + weight * (other if len(scores) > 1 else 0.0)))
    return sorted(out, key=lambda h: (-h.score, h.id))


def bring_named(
    hits: Sequence[Hit],
    names: Sequence[Sequence[str]],
    text_of: Callable[[int], str],
    *,
    at: int,
    limit: int = 30,
) -> list[Hit]:
    """Return hits with one more passage read: the first of the first `limit` hits that holds a name the
    question gives (matched whole, any case; each name's forms tried longest first) which none of the
    first `at` hits holds, moved to place `at`. "Who is SELEC's Director for Operations?" then reads the
    passage that says "Director for Operations", not only those that say "operational" and "director"."""
    if len(hits) <= at or not names:
        return list(hits)
    texts: dict[int, str] = {}

    def holds(hit: Hit, pattern: re.Pattern[str]) -> bool:
        if hit.id not in texts:
            texts[hit.id] = text_of(hit.id)
        return pattern.search(texts[hit.id]) is not None

    for forms in names:
        for form in forms:
            pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, form.split())) + r"\b", re.I)
            if any(holds(h, pattern) for h in hits[:at]):
                break  # the passages read already hold it
            found = next((h for h in hits[at:limit] if holds(h, pattern)), None)
            if found is not None:
                rest = [h for h in hits if h.id != found.id]
                return [*rest[:at], found, *rest[at:]]
    return list(hits)
