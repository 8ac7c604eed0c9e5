"""Answer quality on the held-out split of RealTimeQA-silver, through `Engine.ask` (what `newsbot ask` runs).

    .venv/bin/python benchmarks/silver_index.py dev        # once: embeds the held-out articles (cached)
    .venv/bin/python benchmarks/answers.py [--split dev] [--json OUT]

The held-out split is every question dated from common.DEV_FROM (2025-07-01) on, over all their source
articles plus every uncited article of those months; no model or threshold is fitted on it
(benchmarks/train_answers.py reads the earlier questions only). Prints, over all questions:
- article recall@1/@5: a source of the question is the first / among the first five distinct articles
  of the fused retrieval; "cited first": the reply's first source is one;
- answer in bold: the answer string is in the short answer; in reply: in the short answer or sentence;
- wrong bold: a short answer was shown without the answer string; sentence only; declined;
- the reliability of the short answer's confidence (predicted vs observed, in bins), and latency;
- the funnel: the answer string in the passages read, in the ranked sentences, among the candidate
  spans, in the likeliest span.
Runs on older code too (no answer_confidence there: the reliability table is then skipped).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from common import CACHE, CachedEncoder, canon, distinct, silver_index, time_asks  # type: ignore[import-not-found]

from index import Engine, IndexConfig, SearchConfig


def evaluate(engine: Engine, questions: list[dict], url_of: dict[str, str]) -> list[dict]:
    rows = []
    data = engine.data
    for q in questions:
        t = time.perf_counter()
        a = engine.ask(q["question"])
        ms = (time.perf_counter() - t) * 1000
        qvec = engine.encoder.encode([q["question"]])[0]
        fused, _ = engine.retrieve(data, q["question"], qvec)
        ranked = distinct(url_of[data.passages.article_of(h.id)] for h in fused)
        gold = {canon(u) for u in q["source_urls"]}
        answer = q["answer"].lower()
        bold = (a.answer or "").lower()
        rows.append(
            {
                "id": q["id"],
                "r1": bool(ranked[:1]) and ranked[0] in gold,
                "r5": bool(gold & set(ranked[:5])),
                "cited_first": bool(a.sources) and url_of[a.sources[0].article_id] in gold,
                "bold": bool(a.answer),
                "bold_ok": bool(a.answer) and answer in bold,
                "reply_ok": a.answered and answer in f"{bold} {(a.sentence or '').lower()}",
                "declined": not a.answered,
                "answer_p": float(getattr(a, "answer_confidence", 0.0)),
                "top_ok": None,
                "ms": ms,
            }
        )
    return rows


def reliability(
    engine: Engine, questions: list[dict], rows: list[dict]
) -> list[tuple[str, int, float, float]]:
    """Bin the short answer's confidence (whether shown or not) against whether that span was right."""
    preds, hits = [], []
    for q, row in zip(questions, rows, strict=True):
        del row
        data = engine.data
        qvec = engine.encoder.encode([q["question"]])[0]
        r = engine.read(data, q["question"], qvec)
        pick = getattr(r, "pick", None)
        if pick is not None:  # the reader's vote
            preds.append(pick.p)
            hits.append(q["answer"].lower() in pick.text.lower())
            continue
        span = r.best_span
        if span is None:
            continue
        preds.append(r.answer_p)
        hits.append(q["answer"].lower() in span.candidate.text.lower())
    p, h = np.array(preds), np.array(hits)
    out = []
    for lo in np.arange(0.0, 1.0, 0.1):
        mask = (p >= lo) & (p < lo + 0.1 if lo < 0.9 else p <= 1.0)
        if mask.any():
            out.append(
                (f"{lo:.1f}-{lo + 0.1:.1f}", int(mask.sum()), float(p[mask].mean()), float(h[mask].mean()))
            )
    return out


def funnel(engine: Engine, questions: list[dict]) -> dict[str, float]:
    """Where answers are lost: the share of questions whose answer string is in the passages read, in the
    sentences whose spans are ranked, among the candidate spans, in the likeliest span shown."""
    counts = dict.fromkeys(("in_passages_read", "in_sentences_ranked", "among_candidates", "likeliest"), 0)
    data = engine.data
    for q in questions:
        answer = q["answer"].lower()
        r = engine.read(data, q["question"], engine.encoder.encode([q["question"]])[0])
        read = r.fused[: engine.config.answer_passages]
        counts["in_passages_read"] += any(answer in data.passages[h.id].text.lower() for h in read)
        counts["in_sentences_ranked"] += any(answer in ev.sentence.lower() for ev in r.ranked)
        counts["among_candidates"] += any(answer in s.candidate.text.lower() for s in r.spans)
        pick = getattr(r, "pick", None)
        shown = pick.text if pick is not None else r.answer_text
        counts["likeliest"] += bool(shown) and answer in (shown or "").lower()
    return {key: value / len(questions) for key, value in counts.items()}


def latency_at(size: int, root: Path, encoder: CachedEncoder, questions: list[dict]) -> dict[str, float]:
    """Time `ask` on an index of `size` passages: the split's real passages and vectors, replicated with
    noisy vectors past their number (as benchmarks/scale.py does; HNSW from 50k passages)."""
    from scale import scaled, write_index  # type: ignore[import-not-found]

    from index.storage import current_path, load_layout

    layout = load_layout(current_path(root))
    passages = sorted(layout.passages.values(), key=lambda p: p.id)
    vectors = encoder.encode([p.indexed_text for p in passages])
    passages, vectors = scaled(passages, vectors, size)
    kind = "hnsw" if size >= IndexConfig().hnsw_threshold else "flat"
    big = CACHE / f"answers-latency-{size}"
    write_index(big, passages, vectors, layout.articles, kind, encoder.name)
    engine = Engine(big, encoder.inner, SearchConfig())
    ask_ms, retrieve_ms = time_asks(engine, encoder.inner, [q["question"] for q in questions])
    return {
        "passages": len(passages),
        "ask_p50_ms": float(np.percentile(ask_ms, 50)),
        "ask_p95_ms": float(np.percentile(ask_ms, 95)),
        "retrieve_p50_ms": float(np.percentile(retrieve_ms, 50)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["dev", "train"], default="dev")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--latency-at", type=int, default=0, help="also time ask at this many passages")
    args = parser.parse_args()
    docs, qs, encoder, root, url_of = silver_index(args.split)
    engine = Engine(root, encoder.inner, SearchConfig())
    engine.ask("warm up")
    rows = evaluate(engine, qs, url_of)
    n = len(rows)

    def share(key: str) -> float:
        return sum(bool(r[key]) for r in rows) / n

    ms = np.array([r["ms"] for r in rows])
    summary = {
        "questions": n,
        "articles": len(docs),
        "passages": engine.data.manifest.passages,
        "recall@1": share("r1"),
        "recall@5": share("r5"),
        "cited_first": share("cited_first"),
        "answer_in_bold": share("bold_ok"),
        "answer_in_reply": share("reply_ok"),
        "wrong_bold": sum(r["bold"] and not r["bold_ok"] for r in rows) / n,
        "sentence_only": sum(not r["bold"] and not r["declined"] for r in rows) / n,
        "declined": share("declined"),
        "ask_p50_ms": float(np.percentile(ms, 50)),
        "ask_p95_ms": float(np.percentile(ms, 95)),
    }
    print(
        f"RealTimeQA-silver {args.split}: {n} questions over {len(docs)} articles ({summary['passages']} passages)"
    )
    for key, value in summary.items():
        if isinstance(value, float):
            print(f"  {key:16} {value:7.3f}" if not key.endswith("_ms") else f"  {key:16} {value:7.1f}")
    if hasattr(engine, "read"):
        table = reliability(engine, qs, rows)
        print("  reliability of the short answer's confidence (top candidate, shown or not):")
        print(f"  {'bin':9} {'n':>4} {'predicted':>9} {'observed':>9}")
        for name, count, pred, obs in table:
            print(f"  {name:9} {count:4d} {pred:9.3f} {obs:9.3f}")
        summary["reliability"] = table
        summary["funnel"] = funnel(engine, qs)
        print("  where answers are lost (share of questions whose answer string is ...):")
        for key, value in summary["funnel"].items():
            print(f"  {key:20} {value:7.3f}")
    if args.latency_at:
        timing = latency_at(args.latency_at, root, encoder, qs)
        print(
            f"  at {timing['passages']} passages (real + replicated): ask p50 {timing['ask_p50_ms']:.1f} ms, "
            f"p95 {timing['ask_p95_ms']:.1f} ms; retrieval p50 {timing['retrieve_p50_ms']:.1f} ms"
        )
        summary["latency"] = timing
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
