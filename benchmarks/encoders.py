"""Embedding precision side by side: speed and what users feel (retrieval and answers), per variant.

    .venv/bin/python benchmarks/encoders.py [--distractors 800] [--variants fp32,onnx-fp32,onnx-int8]

Every variant embeds the same passages from scratch in one run (RealTimeQA-gold's 218 source articles plus
N Reuters distractors; no vector cache), its index is searched with its own question vectors, and the 166
questions are asked through Engine.ask. Prints passages/s and the ratio to torch fp32 (sentence-
transformers' default), article recall@1/@5, the answer in the bold short answer and in the reply, and
ask p50; the quality bar of `precision: auto` (index/encoders/calibrate.py) is that these stay within
half a point of fp32. Also prints what the calibration measured on this machine.
"""

from __future__ import annotations

import argparse
import shutil
import time

import numpy as np
from common import CACHE, canon, distinct, realtimeqa, reuters  # type: ignore[import-not-found]

from index import Engine, IndexConfig, SearchConfig, build_index
from index.encoders import EncoderConfig, build_encoder, default_cache_dir
from index.encoders.calibrate import measure


def score(engine: Engine, questions: list[dict], url_of: dict[str, str]) -> dict[str, float]:
    rows, ms = [], []
    for q in questions:
        t = time.perf_counter()
        a = engine.ask(q["question"])
        ms.append((time.perf_counter() - t) * 1000)
        data = engine.data
        fused, _ = engine.retrieve(data, q["question"], engine.encoder.encode([q["question"]])[0])
        seen = distinct(canon(url_of[data.passages.article_of(h.id)]) for h in fused)
        gold = {canon(u) for u in q["source_urls"]}
        answer = q["answer"].lower()
        rows.append(
            (
                bool(seen[:1] and seen[0] in gold),
                bool(gold & set(seen[:5])),
                bool(a.answer) and answer in a.answer.lower(),
                answer in f"{a.answer or ''} {a.sentence or ''}".lower(),
            )
        )
    r = np.array(rows, dtype=float).mean(axis=0)
    return {"r1": r[0], "r5": r[1], "bold": r[2], "reply": r[3], "p50": float(np.percentile(ms, 50))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--distractors", type=int, default=800)
    parser.add_argument("--variants", default="fp32,onnx-fp32,onnx-int8")
    args = parser.parse_args()
    articles, questions = realtimeqa()
    articles += reuters(args.distractors)
    url_of = {a.id: canon(a.url) for a in articles}
    print(f"{len(articles)} articles, {len(questions)} questions; machine calibration (32 texts):")
    for m in measure(EncoderConfig(), default_cache_dir()):
        print(
            f"  {m.variant:10} {m.texts_per_s:6.1f} texts/s  cos to fp32 mean {m.mean_cos:.4f} min {m.min_cos:.4f}"
        )
    results = {}
    for variant in args.variants.split(","):
        encoder = build_encoder(EncoderConfig(), variant, default_cache_dir())
        root = CACHE / f"encoders-{variant}"
        shutil.rmtree(root, ignore_errors=True)
        report = build_index(articles, root, encoder, IndexConfig())
        speed = report.embedded / report.seconds
        engine = Engine(root, encoder, SearchConfig())
        engine.ask("warm up")
        results[variant] = {"passages": report.embedded, "speed": speed, **score(engine, questions, url_of)}
    base = results.get("fp32", next(iter(results.values())))
    print(
        f"{'variant':10} {'passages/s':>10} {'x fp32':>7} {'R@1':>6} {'R@5':>6} {'bold':>6} {'reply':>6} {'p50 ms':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:10} {r['speed']:10.1f} {r['speed'] / base['speed']:7.2f} {r['r1']:6.3f} {r['r5']:6.3f} "
            f"{r['bold']:6.3f} {r['reply']:6.3f} {r['p50']:7.1f}"
        )
    print(f"({base['passages']} passages embedded per variant, build time including chunking and indexing)")


if __name__ == "__main__":
    main()
