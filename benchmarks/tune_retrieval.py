"""Fusion settings measured on the training split of RealTimeQA-silver (never on the held-out split).

    .venv/bin/python benchmarks/tune_retrieval.py [--split train]

For each setting of (fusion, rrf_k, dense weight against BM25's 1.0, article weight, candidates), prints the share of questions
whose first retrieved article is a source (R@1) and with a source among the first five (R@5). The
defaults in index/config.py (SearchConfig) come from this table.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools

import numpy as np
from common import canon, distinct, silver_index  # type: ignore[import-not-found]

from index import Engine, SearchConfig


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["train", "dev"], default="train")
    args = parser.parse_args()
    _, qs, encoder, root, url_of = silver_index(args.split)
    engine = Engine(root, encoder.inner, SearchConfig())
    data = engine.data
    qvecs = encoder.inner.encode([q["question"] for q in qs])
    golds = [{canon(u) for u in q["source_urls"]} for q in qs]
    rows = []
    grid = itertools.product(["rrf", "score"], [30, 60], [0.7, 1.0, 1.4], [0.0, 0.3, 0.6], [50, 100])
    for fusion, k, dense_w, article_w, candidates in grid:
        if fusion == "score" and k != 60:
            continue
        engine.config = dataclasses.replace(
            SearchConfig(),
            fusion=fusion,
            rrf_k=k,
            dense_weight=dense_w,
            article_weight=article_w,
            candidates=candidates,
        )
        r1 = r5 = 0
        for q, qvec, gold in zip(qs, qvecs, golds, strict=True):
            fused, _ = engine.retrieve(data, q["question"], qvec)
            ranked = distinct(url_of[data.passages.article_of(h.id)] for h in fused[:60])
            r1 += bool(ranked[:1]) and ranked[0] in gold
            r5 += bool(gold & set(ranked[:5]))
        rows.append((fusion, k, dense_w, article_w, candidates, r1 / len(qs), r5 / len(qs)))
        print(
            f"{fusion:5} k={k:3d} dense={dense_w:.1f} article={article_w:.1f} cand={candidates:3d}  "
            f"R@1 {r1 / len(qs):.3f}  R@5 {r5 / len(qs):.3f}",
            flush=True,
        )
    best = max(rows, key=lambda r: (r[5], r[6]))
    print(
        "best by R@1 then R@5:",
        best,
        f"(over {len(qs)} {args.split} questions, {np.mean([r[5] for r in rows]):.3f} mean)",
    )


if __name__ == "__main__":
    main()
