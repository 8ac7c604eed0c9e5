"""newsbot and txtai side by side on the same real passages, the same vectors and the same questions.

    .venv/bin/python benchmarks/peer.py [--questions 300]

Data: the held-out split of RealTimeQA-silver (benchmarks/common.silver_split: its articles cut into
newsbot's passages, embedded once with all-MiniLM-L6-v2 fp32 and cached) and its questions. txtai 9
indexes the very same passage texts and vectors (method "external": its transform reads the cached
vector of a passage and embeds a question with the same encoder newsbot uses), hybrid (its BM25 +
dense), FAISS backend. In one process, question by question in turn: txtai's search, newsbot's
retrieval step (question embedding, BM25, FAISS, fusion) and newsbot's whole `ask` (retrieval, then
choosing the sentence and the short answer). Prints p50/p95 of each and article recall@1/@5 of the two
searches.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import canon, distinct, percentiles, save_json, silver_index

from index import Engine, SearchConfig


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    try:
        from txtai import Embeddings
    except ImportError:
        sys.exit("txtai is not installed: pip install -e '.[bench]'")

    _, questions, encoder, root, url_of = silver_index("dev")
    engine = Engine(root, encoder.inner, SearchConfig())  # type: ignore[arg-type]
    data = engine.data
    ids = list(data.passages)
    texts = [data.passages[i].indexed_text for i in ids]
    vectors = dict(zip(texts, encoder.encode(texts), strict=True))

    def transform(inputs: list[str]) -> np.ndarray:
        missing = [t for t in inputs if t not in vectors]
        fresh = dict(zip(missing, encoder.inner.encode(missing), strict=True)) if missing else {}  # type: ignore[attr-defined]
        return np.stack([vectors[t] if t in vectors else fresh[t] for t in inputs])

    t = time.perf_counter()
    peer = Embeddings(method="external", transform=transform, hybrid=True, content=False, backend="faiss")
    peer.index([(pid, text, None) for pid, text in zip(ids, texts, strict=True)])
    peer_build = time.perf_counter() - t
    article_url = {pid: url_of[data.passages.article_of(pid)] for pid in ids}

    asked = questions[:: max(1, len(questions) // args.questions)][: args.questions]
    for q in asked[:5]:  # warm-up
        peer.search(q["question"], 50)
        engine.ask(q["question"])
    ms: dict[str, list[float]] = {"txtai search": [], "newsbot retrieval": [], "newsbot ask": []}
    ranked: dict[str, list[list[str]]] = {"txtai search": [], "newsbot retrieval": []}
    for q in asked:
        text = q["question"]
        t = time.perf_counter()
        found = peer.search(text, 50)
        ms["txtai search"].append((time.perf_counter() - t) * 1000)
        ranked["txtai search"].append(distinct(article_url[int(i)] for i, _ in found))
        t = time.perf_counter()
        fused, _ = engine.retrieve(data, text, encoder.inner.encode([text])[0])  # type: ignore[attr-defined]
        ms["newsbot retrieval"].append((time.perf_counter() - t) * 1000)
        ranked["newsbot retrieval"].append(distinct(article_url[h.id] for h in fused))
        t = time.perf_counter()
        engine.ask(text)
        ms["newsbot ask"].append((time.perf_counter() - t) * 1000)

    gold = [{canon(u) for u in q["source_urls"]} for q in asked]
    rows = {}
    for name, values in ms.items():
        p50, p95 = percentiles(values)
        rows[name] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
        if name in ranked:
            lists = ranked[name]
            rows[name]["recall@1"] = round(
                np.mean([bool(r[:1]) and r[0] in g for r, g in zip(lists, gold, strict=True)]), 3
            )
            rows[name]["recall@5"] = round(
                np.mean([bool(g & set(r[:5])) for r, g in zip(lists, gold, strict=True)]), 3
            )
    print(
        f"\n{len(ids):,} real passages, {len(asked)} real questions, one process (txtai built in {peer_build:.1f}s)"
    )
    print("| | p50 ms | p95 ms | article recall@1 | recall@5 |\n|---|---|---|---|---|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r.get('recall@1', '')} | {r.get('recall@5', '')} |"
        )
    out = {"passages": len(ids), "questions": len(asked), "rows": rows}
    print(f"results: {save_json('peer', out)}")


if __name__ == "__main__":
    main()
