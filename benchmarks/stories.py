"""Stories by event: how well two articles are grouped into one story, on pairs labelled by hand from
RealTimeQA-silver (research use: the articles are read from ../shared, never copied; the labels are
ours, in benchmarks/data/story_pairs.tsv) — the shipped rule (bot/core/stories.py: lead cosine plus a
title bonus over THRESHOLD) and a candidate pair model over more of what two articles share.

    .venv/bin/python benchmarks/stories.py

The labelled pairs: every pair of source articles of one question from two outlets published at most
3 days apart (261 pairs, 78 questions), each read (title and lead) and labelled 1 when both tell the same
development — the same news retold, or analysed, by another outlet — and 0 for a related story of other
news (the park closed / the park may reopen), a digest or roundup, an opinion piece, a preview and its
outcome. Added as negatives: pairs of two questions' articles of the same days whose leads embed close
(cosine >= 0.5, two outlets: related news of the same days) and a question's articles 14 days apart or
more (its topic, another event).

The candidate model (a logistic regression over FEATURES) is measured out of fold: the questions are
split in 5 folds; each fold's pairs are judged by a model and threshold fitted on the other four (the
threshold: the lowest probability whose precision on them is at least PRECISION).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import re
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from common import CachedEncoder, canon, silver  # type: ignore[import-not-found]

from bot.core.stories import THRESHOLD, WINDOW_DAYS, pair_score
from bot.core.topics import lead_text
from corpus import Article
from index import EncoderConfig, content_stems, make_encoder
from index.answer.extract import name_spans
from index.answer.model import Logistic

PRECISION = 0.95
FEATURES = (
    "cosine",  # of the two title-and-lead embeddings
    "title",  # share of the shorter title's words in the other
    "days",  # days between their dates
    "names",  # share of the fewer names (capitalised spans) both leads give
    "numbers",  # share of the fewer numbers both leads give
    "digest",  # either title reads as a digest, a roundup, live updates, photos or an opinion piece
)
_NUMBER = re.compile(r"\d[\d,.]*")
_DIGEST = re.compile(
    r"things to know|briefing|recap|podcast|photos|in pictures|updates|what to know|what we know|opinion|"
    r"takeaways|\blist\b|transcript|\blive\b",
    re.I,
)


def _share(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _digest(title: str) -> bool:
    return title.count(",") >= 2 or bool(_DIGEST.search(title))


def pair_features(a: Article, va: np.ndarray, b: Article, vb: np.ndarray) -> tuple[float, ...]:
    """Return FEATURES of two articles (their lead vectors given)."""
    ta, tb = lead_text(a), lead_text(b)
    days = abs((a.published - b.published).days) if a.published and b.published else 3
    return (
        float(va @ vb),
        _share(set(content_stems(a.title)), set(content_stems(b.title))),
        float(min(days, 30)),
        _share({n.lower() for n, *_ in name_spans(ta)}, {n.lower() for n, *_ in name_spans(tb)}),
        _share(set(_NUMBER.findall(ta)), set(_NUMBER.findall(tb))),
        float(_digest(a.title) or _digest(b.title)),
    )


LABELS = Path(__file__).with_name("data") / "story_pairs.tsv"
Pair = tuple[str, str, str, int, str]  # url, url, question, label, kind (hand / related / later)


def hand_labelled() -> list[Pair]:
    """Return the hand-labelled pairs."""
    with open(LABELS, newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [(r["url_a"], r["url_b"], r["question"], int(r["same"]), "hand") for r in rows]


def negatives(questions: list[dict], by_url: dict, vectors: dict) -> list[Pair]:
    """Return different-event pairs: a question's articles 14 days apart or more, and two questions'
    articles of the same days whose leads embed close (two outlets each)."""
    out: list[Pair] = []
    owner: dict[str, str] = {}
    for q in questions:
        urls = sorted({canon(u) for u in q["source_urls"]} & by_url.keys())
        for u in urls:
            owner.setdefault(u, q["id"])
        for a, b in itertools.combinations(urls, 2):
            da, db = by_url[a].published, by_url[b].published
            if da and db and abs((da - db).days) >= 14 and urlsplit(a).hostname != urlsplit(b).hostname:
                out.append((a, b, q["id"], 0, "later"))
    urls = sorted(owner)
    matrix = np.stack([vectors[u] for u in urls])
    sims = matrix @ matrix.T
    seen: set[tuple[str, str]] = set()
    for ia, a in enumerate(urls):
        for ib in np.argsort(-sims[ia])[1:6]:
            b = urls[int(ib)]
            da, db = by_url[a].published, by_url[b].published
            key = (min(a, b), max(a, b))
            if (
                sims[ia, ib] >= 0.5
                and key not in seen
                and owner[a] != owner[b]
                and da
                and db
                and abs((da - db).days) <= 3
                and urlsplit(a).hostname != urlsplit(b).hostname
            ):
                seen.add(key)
                out.append((a, b, owner[a], 0, "related"))
    return out


def threshold_for(p: np.ndarray, y: np.ndarray) -> float:
    """Return the lowest probability from which the pairs grouped are at least PRECISION right."""
    for t in np.arange(0.05, 0.99, 0.01):
        grouped = p >= t
        if grouped.any() and y[grouped].mean() >= PRECISION:
            return float(round(t, 2))
    return 0.99


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    articles, questions = silver()
    by_url = {canon(a.url): a for a in articles}
    cited = sorted({canon(u) for q in questions for u in q["source_urls"]} & by_url.keys())
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    vectors = dict(zip(cited, encoder.encode([lead_text(by_url[u]) for u in cited]), strict=True))
    pairs = hand_labelled() + negatives(questions, by_url, vectors)
    x = np.array([pair_features(by_url[a], vectors[a], by_url[b], vectors[b]) for a, b, *_ in pairs])
    y = np.array([label for _, _, _, label, _ in pairs], dtype=float)
    kind = np.array([k for *_, k in pairs])
    groups = sorted({q for _, _, q, _, _ in pairs})
    fold_of = {g: i % args.folds for i, g in enumerate(np.random.default_rng(0).permutation(groups))}
    fold = np.array([fold_of[q] for _, _, q, _, _ in pairs])
    grouped = np.zeros(len(pairs), dtype=bool)
    for f in range(args.folds):
        train = fold != f
        model = Logistic.fit(FEATURES, x[train], y[train])
        grouped[~train] = model.probs(x[~train]) >= threshold_for(model.probs(x[train]), y[train])
    hand = kind == "hand"
    print(
        f"pairs: {int(hand.sum())} hand-labelled ({int(y[hand].sum())} same development), "
        f"{int((kind == 'related').sum())} related news of the same days, {int((kind == 'later').sum())} "
        f"a question's articles 14+ days apart"
    )
    shipped = np.array(  # what bot/core/stories.py merges: within WINDOW_DAYS, a score over THRESHOLD
        [
            x[i, 2] <= WINDOW_DAYS
            and pair_score(by_url[a].title, vectors[a], by_url[b].title, vectors[b]) >= THRESHOLD
            for i, (a, b, *_) in enumerate(pairs)
        ]
    )
    for label, merged in (
        (f"shipped rule (score >= {THRESHOLD})", shipped),
        (f"pair model at precision >= {PRECISION} (out of fold; {', '.join(FEATURES)})", grouped),
    ):
        print(label)
        for name, rows in (("hand-labelled pairs", hand), ("all pairs", np.ones(len(pairs), dtype=bool))):
            tp = float((merged & rows & (y == 1)).sum())
            print(
                f"  {name:20s} precision {tp / max(1, (merged & rows).sum()):.3f}, "
                f"recall {tp / max(1, (rows & (y == 1)).sum()):.3f}"
            )
        for k in ("related", "later"):
            print(f"  {k:20s} grouped (false merges) {merged[kind == k].mean():.4f}")


if __name__ == "__main__":
    main()
