"""Nearest-neighbour settings on real vectors: HNSW and IVF against exact search, side by side.

    .venv/bin/python benchmarks/ann.py [--limit N] [--queries 300] [--cached-only]

Data: every article of RealTimeQA-silver (8,000), RealTimeQA-gold and Reuters-21578 (../shared/datasets),
cut into newsbot's passages and embedded with all-MiniLM-L6-v2 fp32 (cached in
benchmarks/cache/embeddings.sqlite3, 4,096 at a time so an interrupted run keeps what it embedded; the
first run embeds ~190k passages, over an hour on 2 cores; --cached-only takes those embedded so far). Queries: real questions (silver and gold),
embedded. Exact inner-product search (FAISS Flat) is the reference for recall@10; each setting reports
build time, bytes on disk (what it holds in memory), p50/p95 of one query at a time, and recall@10.
newsbot serves HNSW (index.dense.faiss) from 50k passages; the IVF rows say what the alternative costs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CachedEncoder, percentiles, realtimeqa, reuters, save_json, silver

from index import EncoderConfig, IndexConfig, make_encoder
from index.passages import make_passages

CHUNK = 4096


def real_vectors(encoder: CachedEncoder, limit: int | None, cached_only: bool) -> tuple[np.ndarray, str]:
    """Return the vectors of every passage (silver first: the other sets are cached by scale.py)."""
    from tqdm import tqdm

    articles = silver()[0] + realtimeqa()[0] + reuters()
    texts = []
    config = IndexConfig()
    for a in articles:
        made = make_passages(a, first_id=0, max_words=config.passage_words, overlap=config.overlap_sentences)
        texts += [p.indexed_text for p in made]
    texts = list(dict.fromkeys(texts))
    whole = f"of the {len(texts):,} passages of {len(articles):,} articles"
    if cached_only:
        texts = [t for t, have in zip(texts, encoder.cached(texts), strict=True) if have]
    texts = texts[:limit]
    out = []
    with tqdm(total=len(texts), desc="passages (cached after the first run)", file=sys.stderr) as bar:
        for start in range(0, len(texts), CHUNK):
            out.append(encoder.encode(texts[start : start + CHUNK]))
            bar.update(len(out[-1]))
    return np.concatenate(out), whole


def measure(name: str, index: object, build_s: float, queries: np.ndarray, exact: np.ndarray) -> dict:
    import faiss

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "x.faiss")
        faiss.write_index(index, path)
        size_mb = Path(path).stat().st_size / 2**20
    for q in queries[:10]:
        index.search(q[None, :], 10)  # type: ignore[attr-defined]
    ms, found = [], []
    for q in queries:
        t = time.perf_counter()
        _, ids = index.search(q[None, :], 10)  # type: ignore[attr-defined]
        ms.append((time.perf_counter() - t) * 1000)
        found.append(ids[0])
    recall = float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)]))
    p50, p95 = percentiles(ms)
    row = {"setting": name, "build_s": round(build_s, 1), "mb": round(size_mb), "p50_ms": round(p50, 2)}
    row |= {"p95_ms": round(p95, 2), "recall@10": round(recall, 4)}
    print(row, flush=True)
    return row


def main() -> None:
    import faiss

    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, help="use only the first N passages")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--cached-only", action="store_true", help="only the passages embedded before")
    args = parser.parse_args()
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    vectors, whole = real_vectors(encoder, args.limit, args.cached_only)
    n, dim = vectors.shape
    asked = [q["question"] for q in silver()[1]][:: max(1, 1452 // args.queries)][: args.queries]
    queries = encoder.inner.encode(asked)  # type: ignore[attr-defined]
    print(f"{n:,} real passages ({whole}), {len(queries)} real questions", flush=True)

    rows = []
    t = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(vectors)
    build = time.perf_counter() - t
    exact = flat.search(queries, 10)[1]
    rows.append(measure("Flat (exact)", flat, build, queries, exact))

    for m, ef_c in ((32, 40), (32, 200), (16, 100)):
        t = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = ef_c
        hnsw.add(vectors)
        build = time.perf_counter() - t
        for ef in (32, 64, 128, 256, 800):
            hnsw.hnsw.efSearch = ef
            rows.append(measure(f"HNSW{m} efC{ef_c} ef{ef}", hnsw, build, queries, exact))

    nlist = int(4 * np.sqrt(n))
    train = vectors[np.random.default_rng(0).choice(n, min(n, 64 * nlist), replace=False)]
    for spec in (f"IVF{nlist},Flat", f"IVF{nlist},PQ48", f"IVF{nlist},PQ48,RFlat"):
        t = time.perf_counter()
        ivf = faiss.index_factory(dim, spec, faiss.METRIC_INNER_PRODUCT)
        ivf.train(train)
        ivf.add(vectors)
        build = time.perf_counter() - t
        for nprobe in (8, 16, 32, 64, 128):
            faiss.extract_index_ivf(ivf).nprobe = nprobe
            if spec.endswith("RFlat"):
                faiss.downcast_index(ivf).k_factor = 4
            rows.append(measure(f"{spec} nprobe{nprobe}", ivf, build, queries, exact))

    print(f"\n{n:,} real passages, {len(queries)} questions, one query at a time")
    print("| setting | build s | MB | p50 ms | p95 ms | recall@10 |\n|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['setting']} | {r['build_s']} | {r['mb']} | {r['p50_ms']} | {r['p95_ms']} | {r['recall@10']} |"
        )
    print(f"results: {save_json('ann', {'passages': n, 'questions': len(queries), 'rows': rows})}")


if __name__ == "__main__":
    main()
