"""Retrieval and answer quality on RealTimeQA-gold (../shared/datasets/realtimeqa-gold), and the fit
of the confidence model behind declining (index/evidence.py CONFIDENCE_WEIGHTS, search.min_confidence).

    .venv/bin/python benchmarks/realtimeqa.py [--distractors N] [--json OUT]

Indexes the 218 source articles (plus N Reuters articles as distractors), asks the 166 questions and
prints source recall@1/@5 and answer-string-in-reply for BM25 only, dense only and the fusions.

Calibration: the questions are split in two halves; each half's source articles are removed in turn
(an index of the rest is derived from the full one, without re-embedding), so every question is asked
once with its sources indexed and once without. A logistic regression over the evidence signals
predicts "the right source is first"; its weights and the accuracy at each threshold are printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus import Article  # noqa: E402
from index import EncoderConfig, Engine, IndexConfig, SearchConfig, build_index, make_encoder  # noqa: E402
from index.evidence import confidence  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from common import CACHE, CachedEncoder, canon, distinct, realtimeqa, reuters  # noqa: E402


def load(distractors: int) -> tuple[list[Article], list[dict]]:
    articles, questions = realtimeqa()
    return articles + reuters(distractors), questions


def run_questions(engine: Engine, questions: list[dict], url_of: dict[str, str]) -> list[dict]:
    """Ask each question; return retrieval ranks, answer match, signals and latency."""
    rows = []
    for q in questions:
        t = time.perf_counter()
        a = engine.ask(q["question"])
        ms = (time.perf_counter() - t) * 1000
        data = engine.data
        qvec = engine.encoder.encode([q["question"]])[0]
        fused, cosines = engine.retrieve(data, q["question"], qvec)
        found = engine.evidence(data, q["question"], qvec, fused, cosines)
        seen = distinct(canon(url_of[data.passages[h.id].article_id]) for h in fused)
        gold = {canon(u) for u in q["source_urls"]}
        text = f"{a.answer or ''} {a.sentence or ''}".lower()
        rows.append(
            {
                "r1": bool(seen[:1] and seen[0] in gold),
                "r5": bool(gold & set(seen[:5])),
                "answer_in_reply": q["answer"].lower() in text,
                "signals": list(found.signals) if found else [0.0] * 5,
                "evidence_ok": bool(found and canon(url_of[found.passage.article_id]) in gold),
                "ms": ms,
            }
        )
    return rows


def summary(rows: list[dict]) -> dict[str, float]:
    n = len(rows)
    ms = np.array([r["ms"] for r in rows])
    return {
        "recall@1": round(sum(r["r1"] for r in rows) / n, 3),
        "recall@5": round(sum(r["r5"] for r in rows) / n, 3),
        "answer_in_reply": round(sum(r["answer_in_reply"] for r in rows) / n, 3),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
    }


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Return [bias, w...] of an L2-regularised logistic regression (Newton's method)."""
    X = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(X.shape[1])
    reg = np.eye(X.shape[1]) * l2
    reg[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (p - y) + reg @ w
        hess = X.T @ (X * (p * (1 - p))[:, None]) + reg
        w -= np.linalg.solve(hess, grad)
    return w


def derived_index(full: Path, root: Path, keep: list[Article], encoder, config) -> None:
    """Copy the full index and drop the other articles: no re-embedding."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(full, root, symlinks=True)
    build_index(keep, root, encoder, config)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--distractors", type=int, default=0)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    articles, questions = load(args.distractors)
    url_of = {a.id: a.url for a in articles}
    encoder = CachedEncoder(make_encoder(EncoderConfig(model=args.model)))  # vectors shared with scale.py
    config = IndexConfig(encoder=EncoderConfig(model=args.model))
    root = CACHE / f"rtqa-{args.distractors}"
    report = build_index(articles, root, encoder, config)
    rate = report.embedded / report.seconds if report.embedded else 0.0
    print(
        f"index: {report.passages} passages from {len(articles)} articles; {report.embedded} embedded "
        f"in {report.seconds:.1f}s ({rate:.1f} passages/s for the whole build)"
    )

    base = SearchConfig(min_confidence=0.0)
    variants = {
        "bm25": dataclasses.replace(base, dense_weight=0.0),
        "dense": dataclasses.replace(base, bm25_weight=0.0),
        "rrf": base,
        "score": dataclasses.replace(base, fusion="score"),
    }
    results = {
        name: summary(run_questions(Engine(root, encoder.inner, cfg), questions, url_of))
        for name, cfg in variants.items()
    }
    print(f"{'retrieval':12} {'R@1':>6} {'R@5':>6} {'ans':>6} {'p50ms':>7} {'p95ms':>7}")
    for name, s in results.items():
        print(
            f"{name:12} {s['recall@1']:6.3f} {s['recall@5']:6.3f} {s['answer_in_reply']:6.3f} "
            f"{s['p50_ms']:7.1f} {s['p95_ms']:7.1f}"
        )

    by_url = {canon(a.url) for a in articles}
    sides: list[list[dict]] = [questions[0::2], questions[1::2]]
    x, y = [], []
    for side in (0, 1):
        gone = {canon(u) for q in sides[1 - side] for u in q["source_urls"]} & by_url
        mine = {canon(u) for q in sides[side] for u in q["source_urls"]}
        keep = [a for a in articles if canon(a.url) not in gone or canon(a.url) in mine]
        half = CACHE / f"rtqa-half{side}-{args.distractors}"
        derived_index(root, half, keep, encoder, config)
        engine = Engine(half, encoder.inner, base)
        for row in run_questions(engine, sides[side], url_of):
            x.append(row["signals"])
            y.append(1.0 if row["evidence_ok"] else 0.0)
        for row in run_questions(
            engine, [q for q in sides[1 - side] if {canon(u) for u in q["source_urls"]} <= gone], url_of
        ):
            x.append(row["signals"])
            y.append(0.0)
    X, Y = np.array(x), np.array(y)
    w = fit_logistic(X, Y)
    print(
        f"calibration: {int(Y.sum())} questions with the right source first, {int(len(Y) - Y.sum())} without"
    )
    print("fitted CONFIDENCE_WEIGHTS =", tuple(round(float(v), 2) for v in w))
    probs = np.array([confidence(tuple(row), w) for row in X])  # type: ignore[arg-type]
    pos, neg = Y == 1, Y == 0
    curve = []
    for t in np.round(np.arange(0.1, 0.91, 0.05), 2):
        answered = probs >= t
        recall, specificity = (
            float((answered & pos).sum() / pos.sum()),
            float((~answered & neg).sum() / neg.sum()),
        )
        curve.append((float(t), float((answered == pos).mean()), (recall + specificity) / 2))
        print(
            f"  threshold {t:.2f}: answers {int((answered & pos).sum())}/{int(pos.sum())} right-source, "
            f"declines {int((~answered & neg).sum())}/{int(neg.sum())} others, "
            f"accuracy {curve[-1][1]:.3f}, balanced accuracy {curve[-1][2]:.3f}"
        )
    best = max(curve, key=lambda r: (r[2], r[1]))
    print(
        f"best threshold by balanced accuracy: {best[0]:.2f} (balanced {best[2]:.3f}, accuracy {best[1]:.3f})"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"retrieval": results, "weights": w.tolist(), "best_threshold": best}, indent=2)
        )


if __name__ == "__main__":
    main()
