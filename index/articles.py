"""The first article: a fitted model of whole articles picks it among the fused retrieval's first ones.

Fusion ranks passages, one at a time; a question asks about an article. For each of the first `limit`
articles of the fused list, ARTICLE_FEATURES describe how the article as a whole matches the question:
its first fused rank and best fused score, how many of its passages were retrieved, its best cosines
(over all its passages), its best BM25 score, how much of the question's IDF-weighted terms its title,
lead passage, best passage and whole text hold (read from the BM25 columns, no text parsed), and its
length. A linear score over them (a conditional logit: softmax over one question's articles, fitted by
benchmarks/train_articles.py on RealTimeQA-silver's training split, index/article_weights.json) picks
the first article when it outscores fusion's first by more than the fitted margin: its best passage then
leads the list, and every other hit keeps its fused place.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.answer.model import Logistic
from index.errors import NewsIndexError
from index.hits import Hit, Retrieved
from index.snapshot import IndexData
from index.text import content_stems

WEIGHTS = Path(__file__).with_name("article_weights.json")
ARTICLE_FEATURES = (
    "first_article",  # 1 / (1 + the article's rank among the fused list's articles)
    "first_passage",  # 1 / (1 + its best passage's rank in the fused list)
    "fused",  # its best passage's fused score over the list's best
    "fused_sum",  # its retrieved passages' fused scores, summed, over the list's best
    "retrieved",  # log(1 + its passages in the fused list)
    "cosine",  # the best cosine of any of its passages
    "cosine_gap",  # that, less the best over the articles compared
    "cosine_two",  # the mean of its two best cosines
    "bm25",  # its best BM25 score over the list's best
    "in_dense",  # one of its passages came from the dense search
    "in_bm25",  # ... from BM25
    "title_terms",  # IDF share of the question's terms in its title
    "article_terms",  # ... anywhere in it
    "article_terms_gap",  # that, less the best over the articles compared
    "best_terms",  # ... in its best passage
    "lead_terms",  # ... in its first passage
    "length",  # log(1 + its passages)
)


def article_features(
    data: IndexData,
    found: Retrieved,
    qvec: np.ndarray,
    idf: Mapping[str, float],
    *,
    limit: int,
) -> tuple[list[str], list[list[float]]]:
    """Return the first `limit` articles of the fused list and each one's ARTICLE_FEATURES row."""
    fused = found.fused
    order: list[str] = []
    hits: dict[str, list[tuple[int, Hit]]] = {}
    for rank, hit in enumerate(fused):
        aid = data.passages.article_of(hit.id)
        if aid not in hits:
            if len(order) == limit:
                continue
            order.append(aid)
            hits[aid] = []
        hits[aid].append((rank, hit))
    if not order:
        return [], []
    stems = [s for s in idf if idf[s] > 0]
    total = sum(idf[s] for s in stems) or 1.0
    weights = np.array([idf[s] for s in stems])
    ids = {aid: data.passages.ids_of(aid) for aid in order}
    every = np.array([pid for aid in order for pid in ids[aid]], dtype=np.int64)
    held, cosine_all = data.holding_and_cosines(stems, every, qvec)  # stems x passages; each passage's
    cosine_all = np.nan_to_num(cosine_all)
    start = 0
    bm25 = {h.id: h.score for h in found.lexical}
    top_fused = fused[0].score or 1.0
    top_bm25 = max(bm25.values(), default=0.0) or 1.0
    dense = {h.id for h in found.dense}

    def share(present: np.ndarray) -> float:
        return float(weights @ present) / total if len(stems) else 0.0

    raw = []
    for aid in order:
        pids = ids[aid]
        end = start + len(pids)
        mine = held[:, start:end]  # ids_of lists an article's passages in order: the lead first
        cosines = np.sort(cosine_all[start:end])[::-1][:2].tolist() or [0.0]
        start = end
        best_rank, best = hits[aid][0]
        best_col = pids.index(best.id) if best.id in pids else -1
        title = set(content_stems(data.articles[aid].title))
        raw.append(
            {
                "first_article": 1 / (1 + len(raw)),
                "first_passage": 1 / (1 + best_rank),
                "fused": best.score / top_fused,
                "fused_sum": sum(h.score for _, h in hits[aid]) / top_fused,
                "retrieved": math.log1p(len(hits[aid])),
                "cosine": cosines[0],
                "cosine_two": float(np.mean(cosines[:2])),
                "bm25": max((bm25.get(h.id, 0.0) for _, h in hits[aid]), default=0.0) / top_bm25,
                "in_dense": float(any(h.id in dense for _, h in hits[aid])),
                "in_bm25": float(any(h.id in bm25 for _, h in hits[aid])),
                "title_terms": share(np.array([s in title for s in stems])),
                "article_terms": share(mine.any(axis=1)) if pids else 0.0,
                "best_terms": share(mine[:, best_col]) if best_col >= 0 else 0.0,
                "lead_terms": share(mine[:, 0]) if pids else 0.0,
                "length": math.log1p(len(pids)),
            }
        )
    best_cosine = max(r["cosine"] for r in raw)
    best_terms = max(r["article_terms"] for r in raw)
    for r in raw:
        r["cosine_gap"] = r["cosine"] - best_cosine
        r["article_terms_gap"] = r["article_terms"] - best_terms
    return order, [[r[name] for name in ARTICLE_FEATURES] for r in raw]


def leader(scores: np.ndarray, margin: float) -> int:
    """Return the index of the article to put first: the best-scored, when it outscores the fused list's
    first (index 0) by more than `margin`; otherwise 0."""
    best = int(np.argmax(scores))
    return best if scores[best] - scores[0] > margin else 0


def first_article(fused: Sequence[Hit], article: str, article_of: Callable[[int], str]) -> list[Hit]:
    """Return the fused hits with the best passage of `article` moved first.

    Only the first place changes: the passages read for an answer stay spread over several articles as
    fusion ranked them (all of the best article's hits first, or one hit per article in the model's
    order, left the likeliest answer right less often on the training split: 30.6 and 27.5 % against
    29.6 %, bold answers right 13.8 and 13.3 % against 14.7 %)."""
    top = next(h for h in fused if article_of(h.id) == article)
    return [top, *(h for h in fused if h.id != top.id)]


@dataclass(frozen=True, slots=True)
class ArticleRanker:
    """The fitted article model (a linear score over ARTICLE_FEATURES) and where it came from."""

    model: Logistic
    margin: float  # the model's first article leads only when it outscores fusion's first by more
    provenance: str = ""

    def rerank(
        self,
        data: IndexData,
        found: Retrieved,
        qvec: np.ndarray,
        idf: Mapping[str, float],
        *,
        limit: int,
    ) -> list[Hit]:
        """Return the fused hits led by the best passage of the article the model puts first among the
        first `limit`."""
        order, rows = article_features(data, found, qvec, idf, limit=limit)
        if len(order) < 2:
            return list(found.fused)
        first = leader(self.model.scores(rows), self.margin)
        if first == 0:
            return list(found.fused)
        return first_article(found.fused, order[first], data.passages.article_of)

    def save(self, path: Path = WEIGHTS) -> None:
        data = {"provenance": self.provenance, "margin": self.margin, "articles": self.model.to_dict()}
        path.write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> ArticleRanker:
        """Read the weights; a missing or malformed file is a NewsIndexError naming it."""
        try:
            data = json.loads(Path(path).read_text())
            model = Logistic.from_dict(
                data["articles"], ARTICLE_FEATURES, refit="benchmarks/train_articles.py"
            )
            return cls(model, float(data["margin"]), str(data.get("provenance", "")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise NewsIndexError(f"cannot read the article weights {path}: {exc}") from exc
