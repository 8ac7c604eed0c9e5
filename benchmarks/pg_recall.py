"""The index in PostgreSQL against FAISS + BM25 on the same passages and questions (issue 33): article
recall@1 of the engine's whole retrieval on each backend (index.backend faiss | postgresql) with the time of
a whole answer, and of the dense ranking, the lexical ranking (pgvector HNSW and BM25 computed in SQL over PostgreSQL full text,
against FAISS and bm25s) and their reciprocal-rank fusion, and the time of each search.

    ./scripts/postgres.sh run .venv/bin/python benchmarks/pg_recall.py      # a throwaway pgvector server

The passages are those of the held-out RealTimeQA-silver split (benchmarks/silver_index.py dev), their
vectors the same all-MiniLM-L6-v2 vectors (cached); "recall@1": the first passage's article is a source
of the question. This is retrieval alone, not the engine's whole ranking (no article model).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from common import canon, silver_index  # type: ignore[import-not-found]
from tqdm import tqdm

from corpus.database import open_database
from index import Engine, IndexConfig, SearchConfig
from index.fusion import reciprocal_rank_fusion
from index.pgvector import PgIndex


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=os.environ.get("NEWSBOT_TEST_POSTGRES_URL", ""))
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--ef-search", type=int, default=IndexConfig().pg_ef_search)
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url, or run under scripts/postgres.sh run")
    _, questions, encoder, root, url_of = silver_index("dev")
    engine = Engine(root, encoder.inner, SearchConfig())
    data = engine.data
    ids = sorted(data.passages)
    passages = [data.passages[i] for i in ids]
    vectors = encoder.encode([p.indexed_text for p in passages])
    db = open_database(args.url)
    index = PgIndex(db, model=encoder.name, dim=vectors.shape[1], ef_search=args.ef_search)
    index.ensure()
    index.drop()  # a fresh set of tables each run
    index.ensure()
    t = time.perf_counter()
    for start in tqdm(range(0, len(passages), 1000), desc="writing", unit="k passages"):
        chunk = passages[start : start + 1000]
        metas = [data.articles[a] for a in sorted({p.article_id for p in chunk}) if a in data.articles]
        with db.transaction() as tx:
            PgIndex.replace(tx, [], chunk, vectors[start : start + 1000], metas)
    print(f"{len(passages)} passages written to PostgreSQL in {time.perf_counter() - t:.0f} s")
    pg_engine = Engine(root, encoder.inner, SearchConfig(), pg=index)
    pg_data = pg_engine.data
    found: dict[str, list[bool]] = {}
    times: dict[str, list[float]] = {}

    def timed(name: str, search, query, k: int):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        out = search(query, k)
        times.setdefault(name, []).append(time.perf_counter() - t0)
        return out

    for q in tqdm(questions, desc="asking", unit="question"):
        gold = {canon(u) for u in q["source_urls"]}
        qvec = encoder.encode([q["question"]])[0]
        rankings = {
            "faiss dense": timed("faiss dense", data.dense_search, qvec, args.k),
            "bm25s": timed("bm25s", data.bm25_search, q["question"], args.k),
            "pgvector dense": timed("pgvector dense", index.dense_search, qvec, args.k),
            "postgres BM25": timed("postgres BM25", index.lexical_search, q["question"], args.k),
        }
        rankings["faiss + bm25s fused"] = reciprocal_rank_fusion([rankings["faiss dense"], rankings["bm25s"]])
        rankings["postgres fused"] = reciprocal_rank_fusion(
            [rankings["pgvector dense"], rankings["postgres BM25"]]
        )
        for name, hits in rankings.items():
            first = url_of.get(data.passages.article_of(hits[0].id)) if hits else None
            found.setdefault(name, []).append(first in gold)
        # the engine's whole retrieval (fusion, article model, named passages first), then a whole answer
        for name, eng, d in (("engine, FAISS", engine, data), ("engine, PostgreSQL", pg_engine, pg_data)):
            fused, _ = timed(
                name, lambda question, v, e=eng, dd=d: e.retrieve(dd, question, v), q["question"], qvec
            )
            first = url_of.get(d.passages.article_of(fused[0].id)) if fused else None
            found.setdefault(name, []).append(first in gold)
            timed(
                f"ask, {name.split(', ')[1]}", lambda question, _k, e=eng: e.ask(question), q["question"], 0
            )
    print(f"article recall@1 over {len(questions)} held-out questions ({len(passages)} passages):")
    for name in [*found, *(n for n in times if n not in found)]:
        hits = found.get(name, [])
        ms = times.get(name)
        speed = (
            f"  search p50 {1000 * np.median(ms):.1f} ms, p95 {1000 * np.percentile(ms, 95):.1f} ms"
            if ms
            else ""
        )
        print(f"  {name:22s} {np.mean(hits) if hits else float('nan'):.3f}{speed}")
    db.close()


if __name__ == "__main__":
    main()
