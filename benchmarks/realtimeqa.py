"""Retrieval variants on RealTimeQA-gold (../shared/datasets/realtimeqa-gold): BM25, dense and fusions.

    .venv/bin/python benchmarks/realtimeqa.py [--distractors N] [--json OUT]

Indexes the 218 source articles (plus N Reuters articles as distractors), asks the 166 questions and
prints source recall@1/@5 and answer-string-in-reply for BM25 only, dense only and the fusions.
The answer models are fitted by benchmarks/train_answers.py and scored by benchmarks/answers.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus import Article  # noqa: E402
from index import EncoderConfig, Engine, IndexConfig, SearchConfig, build_index, make_encoder  # noqa: E402

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
        fused, _ = engine.retrieve(data, q["question"], qvec)
        seen = distinct(canon(url_of[data.passages.article_of(h.id)]) for h in fused)
        gold = {canon(u) for u in q["source_urls"]}
        text = f"{a.answer or ''} {a.sentence or ''}".lower()
        rows.append(
            {
                "r1": bool(seen[:1] and seen[0] in gold),
                "r5": bool(gold & set(seen[:5])),
                "answer_in_reply": q["answer"].lower() in text,
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--distractors", type=int, default=0)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    articles, questions = load(args.distractors)
    url_of = {a.id: a.url for a in articles}
    encoder = CachedEncoder(
        make_encoder(EncoderConfig(model=args.model, precision="fp32"))
    )  # vectors shared with scale.py
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

    if args.json:
        args.json.write_text(json.dumps({"retrieval": results}, indent=2))


if __name__ == "__main__":
    main()
