"""Speed, memory and quality at 10k-1M passages, and txtai side by side.

    .venv/bin/python benchmarks/scale.py [--sizes 10000,100000,1000000] [--questions 100] [--no-txtai]

Data: RealTimeQA-gold's 218 articles and Reuters-21578's 19,043 (../shared/datasets) cut into
newsbot's passages: ~39k real passages with real all-MiniLM-L6-v2 vectors (cached on disk in
benchmarks/cache/, never committed). Sizes above that are reached by replicating the real passages:
each replica keeps the text (so BM25 sees duplicates) and gets the real vector plus Gaussian noise
(sigma 0.02 per dimension, renormalised: cosine ~0.89 to the original): SYNTHESISED, as the tables say.
Each size runs in its own process so peak RSS is its own. Results go to benchmarks/results/*.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    CACHE,
    CachedEncoder,
    canon,
    distinct,
    percentiles,
    realtimeqa,
    reuters,
    save_json,
    time_asks,
)

from corpus import make_article
from index import EncoderConfig, Engine, IndexConfig, SearchConfig, build_index, make_encoder
from index.dense.faiss import DenseIndex
from index.passages import Passage, make_passages
from index.sparse.bm25 import BM25Index
from index.storage import FORMAT, ArticleMeta, Manifest
from index.writer import write_version

NOISE = 0.02


def real_passages() -> tuple[list[Passage], dict[str, ArticleMeta], list[dict]]:
    rt_articles, questions = realtimeqa()
    articles = rt_articles + reuters()
    passages: list[Passage] = []
    metas = {}
    for a in articles:
        made = make_passages(a, first_id=len(passages))
        passages.extend(made)
        metas[a.id] = ArticleMeta(
            id=a.id,
            title=a.title,
            url=a.url,
            source=a.source,
            hash=a.hash,
            published=a.published.isoformat() if a.published else None,
        )
    return passages, metas, questions


def vectors_for(passages: list[Passage], encoder: CachedEncoder) -> np.ndarray:
    from tqdm import tqdm

    bar = tqdm(
        total=len(passages), desc="embedding (cached after the first run)", unit="passage", file=sys.stderr
    )
    out = encoder.encode([p.indexed_text for p in passages], progress=bar.update)
    bar.close()
    return out


def scaled(passages: list[Passage], vectors: np.ndarray, n: int) -> tuple[list[Passage], np.ndarray]:
    if n <= len(passages):
        return passages[:n], vectors[:n]
    rng = np.random.default_rng(7)
    out_p, out_v = list(passages), [vectors]
    while len(out_p) < n:
        take = min(len(passages), n - len(out_p))
        base = len(out_p)
        out_p += [dataclasses.replace(p, id=base + i) for i, p in enumerate(passages[:take])]
        noisy = vectors[:take] + rng.normal(0, NOISE, size=(take, vectors.shape[1])).astype(np.float32)
        out_v.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    return out_p, np.concatenate(out_v)


def write_index(
    root: Path,
    passages: list[Passage],
    vectors: np.ndarray,
    metas: dict[str, ArticleMeta],
    kind: str,
    model: str,
) -> tuple[DenseIndex, dict[str, float], Path]:
    """Build FAISS + BM25 over given passages and vectors and write them as the CURRENT version."""
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    config = IndexConfig()
    ids = np.array([p.id for p in passages], dtype=np.int64)
    t0 = time.perf_counter()
    dense = DenseIndex.build(
        ids,
        vectors,
        kind=kind,
        hnsw_m=config.hnsw_m,  # type: ignore[arg-type]
        ef_construction=config.hnsw_ef_construction,
        ef_search=config.ef_search,
    )
    t1 = time.perf_counter()
    bm25 = BM25Index.build(ids, [p.indexed_text for p in passages])
    t2 = time.perf_counter()
    used = {p.article_id for p in passages}
    manifest = Manifest(
        format=FORMAT,
        model=model,
        dim=vectors.shape[1],
        dense=kind,
        passages=len(passages),
        articles=len(used),
        corpus_hash="bench",
        created="bench",
        next_id=len(passages),
        main_passages=len(passages),
    )
    version = write_version(
        root,
        manifest=manifest,
        articles={a: metas[a] for a in used},
        main=(passages, dense, bm25),
        delta=([], np.zeros((0, vectors.shape[1]), np.float32)),
        tombstones=set(),
    )
    t3 = time.perf_counter()
    return dense, {"dense": t1 - t0, "bm25": t2 - t1, "write": t3 - t2, "total": t3 - t0}, version


def rss_mb() -> float:
    """Return this process's peak RSS in MB: VmHWM, not ru_maxrss, which a child started by
    fork/vfork + exec inherits from its parent's peak on Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_size(n: int, questions_n: int) -> dict:
    """Build and query one size (run in a subprocess); return its measurements."""
    passages, metas, questions = real_passages()
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    vectors = vectors_for(passages, encoder)
    real = len(passages)
    passages, vectors = scaled(passages, vectors, n)
    config = IndexConfig()
    kind = "hnsw" if n >= config.hnsw_threshold else "flat"
    root = CACHE / f"scale-{n}"
    dense, took, version = write_index(root, passages, vectors, metas, kind, encoder.name)
    disk_mb = sum(f.stat().st_size for f in version.rglob("*") if f.is_file()) / 2**20
    result = {
        "size": len(passages),
        "real_passages": min(real, n),
        "synthesised": max(0, n - real),
        "dense": kind,
        "build_dense_s": round(took["dense"], 1),
        "build_bm25_s": round(took["bm25"], 1),
        "write_s": round(took["write"], 1),
        "build_total_s": round(took["total"], 1),
        "build_passages_per_s": round(n / took["total"]),
        "disk_mb": round(disk_mb),
    }

    engine = Engine(root, encoder.inner, SearchConfig())
    data = engine.data
    asked = [q["question"] for q in questions[:questions_n]]
    result |= serve_in_subprocess(root, questions_n)
    qv = encoder.inner.encode(asked)
    if kind == "hnsw":
        exact = np.argsort(-(qv @ vectors.T), axis=1)[:, :10] if n <= 200_000 else _exact_chunked(qv, vectors)
        got = [[h.id for h in hits] for hits in dense.search(qv, 10)]
        result["recall_at_10"] = round(
            float(np.mean([len(set(g) & set(e.tolist())) / 10 for g, e in zip(got, exact, strict=True)])), 4
        )
        t = time.perf_counter()
        for row in qv:
            dense.search(row[None, :], 10)
        result["hnsw_search_ms"] = round((time.perf_counter() - t) * 1000 / len(qv), 2)
    else:
        result["recall_at_10"] = 1.0
    if 50_000 <= n <= 200_000:  # one added article at this size: the delta path
        article = make_article(
            title="Port of Varna reopens",
            body="On 5 March 2024 the port of Varna reopened. " * 20,
            source="bench",
            url="https://bench.test/varna",
        )
        from corpus import Article

        keep = [
            Article(id=m.id, title=m.title, body="", source=m.source, url=m.url, hash=m.hash)
            for m in data.articles.values()
        ]
        t = time.perf_counter()
        report = build_index([*keep, article], root, encoder.inner, config)
        result["add_one_article_s"] = round(time.perf_counter() - t, 2)
        result["add_one_article_compacted"] = report.compacted
    result["build_peak_rss_mb"] = round(rss_mb())
    return result


def pg_size(n: int, questions_n: int, url: str) -> dict:
    """Write the same passages and vectors into the PostgreSQL backend's tables (bulk: HNSW built once after
    the rows) and serve them from a fresh process; return its measurements (run in a subprocess)."""
    from corpus.database import open_database
    from index.pgvector import PgIndex

    passages, metas, questions = real_passages()
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    vectors = vectors_for(passages, encoder)
    real = len(passages)
    passages, vectors = scaled(passages, vectors, n)
    db = open_database(url)
    index = PgIndex(db, model=encoder.name, dim=vectors.shape[1], ef_search=IndexConfig().pg_ef_search)
    index.drop()
    index.ensure()
    t0 = time.perf_counter()
    seen: set[str] = set()
    with index.bulk():
        for start in range(0, len(passages), 5000):
            chunk = passages[start : start + 5000]
            new = sorted({p.article_id for p in chunk} - seen)
            seen.update(new)
            with db.transaction() as tx:
                PgIndex.replace(tx, [], chunk, vectors[start : start + 5000], [metas[a] for a in new])
        t1 = time.perf_counter()
    t2 = time.perf_counter()
    with db.reading() as tx:  # the build's writes flushed before serving is timed
        tx.execute("CHECKPOINT")
    with db.transaction() as tx:
        size = tx.execute(
            "SELECT sum(pg_total_relation_size(c::regclass)) FROM "
            "unnest(ARRAY['index_passages', 'index_terms', 'index_postings', 'index_articles', 'index_meta']) c"
        ).fetchone()[0]
    result = {
        "backend": "postgresql",
        "size": len(passages),
        "real_passages": min(real, n),
        "synthesised": max(0, n - real),
        "dense": "hnsw (pgvector)",
        "build_rows_s": round(t1 - t0, 1),
        "build_hnsw_s": round(t2 - t1, 1),
        "build_total_s": round(t2 - t0, 1),
        "build_passages_per_s": round(n / (t2 - t0)),
        "disk_mb": round(int(size) / 2**20),
    }
    result |= serve_in_subprocess(url, questions_n, pg=True)
    asked = [q["question"] for q in questions[:questions_n]]
    qv = encoder.inner.encode(asked)
    exact = np.argsort(-(qv @ vectors.T), axis=1)[:, :10] if n <= 200_000 else _exact_chunked(qv, vectors)
    ids = np.array([p.id for p in passages])
    got = [[h.id for h in index.dense_search(row, 10)] for row in qv]
    result["recall_at_10"] = round(
        float(np.mean([len(set(g) & set(ids[e].tolist())) / 10 for g, e in zip(got, exact, strict=True)])), 4
    )
    result["build_peak_rss_mb"] = round(rss_mb())
    db.close()
    return result


def serve_in_subprocess(root: Path | str, questions_n: int, *, pg: bool = False) -> dict:
    """Run serve() in a fresh process, so its peak RSS is what serving this index costs."""
    return run_self("--serve-pg" if pg else "--serve", str(root), "--questions", str(questions_n))


def run_self(*args: str) -> dict:
    """Run this script with these arguments in a fresh process (offline); return the JSON of its last line."""
    out = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve(root: Path, questions_n: int, *, pg_url: str = "") -> dict:
    """Load a built index as `newsbot` serves it (the configured encoder, precision auto) and ask questions:
    RSS after loading and after asking, ask and retrieval latency. `pg_url`: the PostgreSQL backend's."""
    _, questions = realtimeqa()
    baseline = rss_mb()
    encoder = make_encoder(EncoderConfig())
    pg = None
    if pg_url:
        from corpus.database import open_database
        from index.pgvector import PgIndex

        pg = PgIndex(
            open_database(pg_url), model=encoder.name, dim=encoder.dim, ef_search=IndexConfig().pg_ef_search
        )
    engine = Engine(root, encoder, SearchConfig(), pg=pg)
    engine.encoder.encode(["warm up"])  # what the engine asks with (the fp32 variant of an int8 encoder)
    with_encoder = rss_mb()
    engine.data  # noqa: B018 - load now
    loaded = rss_mb()
    asked = [q["question"] for q in questions[:questions_n]]
    ask_ms, retrieve_ms = time_asks(engine, engine.encoder, asked)
    return {
        "serve_encoder": getattr(encoder, "variant", type(encoder).__name__),
        "ask_encoder": getattr(engine.encoder, "variant", type(engine.encoder).__name__),
        "ask_p50_ms": round(percentiles(ask_ms)[0], 1),
        "ask_p95_ms": round(percentiles(ask_ms)[1], 1),
        "retrieve_p50_ms": round(percentiles(retrieve_ms)[0], 1),
        "retrieve_p95_ms": round(percentiles(retrieve_ms)[1], 1),
        "serve_index_mb": round(loaded - with_encoder),
        "serve_encoder_mb": round(with_encoder - baseline),
        "serve_peak_rss_mb": round(rss_mb()),
    }


def interleaved(root: Path, url: str, questions_n: int) -> dict:
    """Ask the same questions of both backends in one process, each question of one then the other (which
    goes first alternating), so that the machine's drift weighs on both alike; return each one's ask p50
    / p95 and their ratio (run after both were built, in a subprocess)."""
    from corpus.database import open_database
    from index.pgvector import PgIndex

    _, questions = realtimeqa()
    encoder = make_encoder(EncoderConfig())
    pg = PgIndex(
        open_database(url), model=encoder.name, dim=encoder.dim, ef_search=IndexConfig().pg_ef_search
    )
    engines = {
        "faiss": Engine(root, encoder, SearchConfig()),
        "postgresql": Engine(root, encoder, SearchConfig(), pg=pg),
    }
    asked = [q["question"] for q in questions[:questions_n]]
    for engine in engines.values():
        for q in asked[:5]:
            engine.ask(q)
    ms: dict[str, list[float]] = {name: [] for name in engines}
    for i, q in enumerate(asked):
        for name in list(engines)[:: 1 if i % 2 == 0 else -1]:
            t = time.perf_counter()
            engines[name].ask(q)
            ms[name].append((time.perf_counter() - t) * 1000)
    out = {f"{name}_ask_p50_ms": round(percentiles(v)[0], 1) for name, v in ms.items()}
    out |= {f"{name}_ask_p95_ms": round(percentiles(v)[1], 1) for name, v in ms.items()}
    out["asks_each"] = len(ms["faiss"])
    out["p50_ratio"] = round(out["postgresql_ask_p50_ms"] / out["faiss_ask_p50_ms"], 2)
    return out


def _exact_chunked(qv: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    best = np.full((len(qv), 10), -1, dtype=np.int64)
    scores = np.full((len(qv), 10), -np.inf, dtype=np.float32)
    for start in range(0, len(vectors), 100_000):
        s = qv @ vectors[start : start + 100_000].T
        cand = np.concatenate([scores, s], axis=1)
        cids = np.concatenate(
            [best, np.arange(start, start + s.shape[1])[None, :].repeat(len(qv), 0)], axis=1
        )
        top = np.argsort(-cand, axis=1)[:, :10]
        scores, best = np.take_along_axis(cand, top, 1), np.take_along_axis(cids, top, 1)
    return best


def embedding_throughput() -> dict:
    """fp32 sentence-transformers default vs newsbot's encoder in each precision (auto: what
    index/encoders/calibrate.py chose on this machine), on the same 512 passages."""
    import torch
    from sentence_transformers import SentenceTransformer

    from index.encoders.batching import resolve_model_path

    passages, _, _ = real_passages()
    texts = [p.indexed_text for p in passages[:512]]
    model = SentenceTransformer(resolve_model_path("all-MiniLM-L6-v2"), device="cpu")
    model.encode(texts[:32])
    t = time.perf_counter()
    ref = model.encode(texts, normalize_embeddings=True)
    fp32 = len(texts) / (time.perf_counter() - t)
    out = {"st_fp32_default_per_s": round(fp32, 1), "torch_threads": torch.get_num_threads()}
    for precision in ("auto", "bf16", "onnx-fp32", "onnx-int8"):
        enc = make_encoder(EncoderConfig(precision=precision))
        enc.encode(texts[:32])
        t = time.perf_counter()
        vec = enc.encode(texts)
        rate = len(texts) / (time.perf_counter() - t)
        out[f"newsbot_{precision}_per_s"] = round(rate, 1)
        out[f"newsbot_{precision}_ratio"] = round(rate / fp32, 2)
        out[f"newsbot_{precision}_min_cosine"] = round(float((vec * ref).sum(1).min()), 5)
        out[f"newsbot_{precision}_is"] = getattr(
            enc, "variant", "bf16" if getattr(enc, "bf16", False) else "fp32"
        )
    return out


def quality(questions_n: int) -> dict:
    """RealTimeQA questions over its articles + all Reuters as distractors: BM25, dense, fusion."""
    rt_articles, questions = realtimeqa()
    articles = rt_articles + reuters()
    url_of = {a.id: a.url for a in articles}
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    root = CACHE / "quality"
    build_index(articles, root, encoder, IndexConfig())
    base = SearchConfig()
    variants = {
        "bm25": dataclasses.replace(base, dense_weight=0.0),
        "dense": dataclasses.replace(base, bm25_weight=0.0),
        "rrf (newsbot)": base,
    }
    out = {}
    for name, cfg in variants.items():
        engine = Engine(root, encoder.inner, dataclasses.replace(cfg, min_confidence=0.0))
        r1 = r5 = hit = 0
        for q in questions:
            data = engine.data
            fused, _ = engine.retrieve(data, q["question"], encoder.inner.encode([q["question"]])[0])
            seen = distinct(canon(url_of[data.passages.article_of(h.id)]) for h in fused)
            gold = {canon(u) for u in q["source_urls"]}
            r1 += bool(seen[:1] and seen[0] in gold)
            r5 += bool(gold & set(seen[:5]))
            a = engine.ask(q["question"])
            hit += q["answer"].lower() in f"{a.answer or ''} {a.sentence or ''}".lower()
        n = len(questions)
        out[name] = {
            "recall@1": round(r1 / n, 3),
            "recall@5": round(r5 / n, 3),
            "answer_in_reply": round(hit / n, 3),
        }
    out["passages"] = Engine(root, encoder.inner, base).data.manifest.passages
    return out


def txtai_side_by_side(n: int, questions_n: int) -> dict:
    """txtai (hybrid, same model files) and newsbot on the same n passages, both embedding from scratch."""
    try:
        from txtai import Embeddings
    except ImportError:
        return {"skipped": "txtai is not installed (pip install txtai)"}
    from index.encoders.batching import resolve_model_path

    passages, metas, questions = real_passages()
    passages = passages[:n]
    url_of = {p.id: canon(metas[p.article_id].url) for p in passages}
    asked = [q for q in questions if {canon(u) for u in q["source_urls"]} & set(url_of.values())][
        :questions_n
    ]
    out: dict[str, dict] = {}
    t = time.perf_counter()
    emb = Embeddings(path=resolve_model_path("all-MiniLM-L6-v2"), hybrid=True, content=False, backend="faiss")
    emb.index([(p.id, p.indexed_text, None) for p in passages])
    build = time.perf_counter() - t
    out["txtai"] = _score(lambda q: [int(r[0]) for r in emb.search(q, 50)], asked, url_of) | {
        "build_s": round(build, 1)
    }
    encoder = make_encoder(EncoderConfig())  # not the cache: both embed from scratch
    t = time.perf_counter()
    vectors = encoder.encode([p.indexed_text for p in passages])
    _, _, _ = write_index(CACHE / f"txtai-peer-{n}", passages, vectors, metas, "flat", encoder.name)
    build = time.perf_counter() - t
    engine = Engine(CACHE / f"txtai-peer-{n}", encoder, SearchConfig())
    data = engine.data
    out["newsbot"] = _score(
        lambda q: [h.id for h in engine.retrieve(data, q, encoder.encode([q])[0])[0]], asked, url_of
    )
    out["newsbot"] |= {"build_s": round(build, 1), "passages": len(data.passages)}
    ms = []
    for q in asked:
        t = time.perf_counter()
        engine.ask(q["question"])
        ms.append((time.perf_counter() - t) * 1000)
    out["newsbot"]["ask_p50_ms"] = round(percentiles(ms)[0], 1)
    out["ratios newsbot/txtai"] = {
        k: round(out["newsbot"][k] / out["txtai"][k], 2)
        for k in ("build_s", "search_p50_ms", "search_p95_ms", "recall@1", "recall@5")
        if out["txtai"].get(k)
    }
    out["questions"] = len(asked)
    return out


def _score(search, asked: list[dict], url_of: dict[int, str]) -> dict:
    for q in asked[:3]:
        search(q["question"])
    r1 = r5 = 0
    ms = []
    for q in asked:
        t = time.perf_counter()
        ids = search(q["question"])
        ms.append((time.perf_counter() - t) * 1000)
        seen = distinct(url_of[i] for i in ids)
        gold = {canon(u) for u in q["source_urls"]}
        r1 += bool(seen[:1] and seen[0] in gold)
        r5 += bool(gold & set(seen[:5]))
    p50, p95 = percentiles(ms)
    n = max(len(asked), 1)
    return {
        "recall@1": round(r1 / n, 3),
        "recall@5": round(r5 / n, 3),
        "search_p50_ms": round(p50, 1),
        "search_p95_ms": round(p95, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--no-txtai", action="store_true")
    parser.add_argument(
        "--sizes-only", action="store_true", help="only the sizes: no throughput, quality, txtai"
    )
    parser.add_argument("--txtai-size", type=int, default=5000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve-pg", help=argparse.SUPPRESS)
    parser.add_argument("--interleaved", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--backends",
        default="faiss",
        help="faiss,postgresql: the PostgreSQL backend too, in the database of --url (under "
        "scripts/postgres.sh run, $NEWSBOT_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--url", default=os.environ.get("NEWSBOT_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(args.serve, args.questions)))
        return
    if args.interleaved:
        print(json.dumps(interleaved(CACHE / f"scale-{args.interleaved}", args.url, args.questions)))
        return
    if args.serve_pg:
        print(json.dumps(serve(CACHE / "scale-pg-unused", args.questions, pg_url=args.serve_pg)))
        return
    if args.one:
        if args.backends == "postgresql":
            print(json.dumps(pg_size(args.one, args.questions, args.url)))
        else:
            print(json.dumps(one_size(args.one, args.questions)))
        return
    backends = args.backends.split(",")
    if "postgresql" in backends and not args.url:
        parser.error("--backends postgresql needs --url (or run under scripts/postgres.sh run)")
    results: dict[str, object] = {}
    started = time.perf_counter()
    passages, _, _ = real_passages()
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    t = time.perf_counter()
    vectors_for(passages, encoder)
    if encoder.computed:
        results["embed_real"] = {
            "passages": encoder.computed,
            "seconds": round(encoder.compute_seconds, 1),
            "passages_per_s": round(encoder.computed / encoder.compute_seconds, 1),
        }
    print(f"real passages: {len(passages)} ({time.perf_counter() - t:.0f}s, {encoder.computed} embedded now)")
    if not args.sizes_only:
        results["embedding_throughput"] = embedding_throughput()
        print("embedding throughput:", results["embedding_throughput"])
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        for backend in backends:  # both backends side by side, each size in its own process
            found = run_self(
                "--one", str(n), "--questions", str(args.questions), "--backends", backend, "--url", args.url
            )
            rows.append({"backend": backend} | found)
            print(json.dumps(rows[-1]), flush=True)
        if set(backends) == {"faiss", "postgresql"}:  # both built: the same questions, taking turns
            found = run_self("--interleaved", str(n), "--questions", str(args.questions), "--url", args.url)
            rows.append({"backend": "both, interleaved", "size": n} | found)
            print(json.dumps(rows[-1]), flush=True)
    results["sizes"] = rows
    if not args.sizes_only:
        results["quality"] = quality(args.questions)
        print("quality:", results["quality"])
    if not args.no_txtai and not args.sizes_only:
        results["txtai"] = txtai_side_by_side(args.txtai_size, args.questions)
        print("txtai:", json.dumps(results["txtai"]))
    results["wall_s"] = round(time.perf_counter() - started)
    _print_tables(results)
    print(f"results: {save_json('scale', results)}")


def _print_tables(r: dict) -> None:
    print(
        "\n| backend | size | synthesised | dense | build s | passages/s | disk MB | build peak RSS MB | serving peak RSS MB "
        "(index) | ask p50/p95 ms | retrieve p50 ms | recall@10 | +1 article s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in r["sizes"]:
        if "p50_ratio" in s:
            continue
        print(
            f"| {s.get('backend', 'faiss')} | {s['size']:,} | {s['synthesised']:,} | {s['dense']} | {s['build_total_s']} | {s['build_passages_per_s']:,} | "
            f"{s['disk_mb']} | {s['build_peak_rss_mb']} | {s['serve_peak_rss_mb']} ({s['serve_index_mb']}) | {s['ask_p50_ms']}/{s['ask_p95_ms']} | {s['retrieve_p50_ms']} | "
            f"{s['recall_at_10']} | {s.get('add_one_article_s', '')} |"
        )
    for s in r["sizes"]:
        if "p50_ratio" in s:
            print(
                f"\n{s['size']:,} passages, both backends in one process taking turns ({s['asks_each']} questions): "
                f"ask p50 faiss {s['faiss_ask_p50_ms']} ms, postgresql {s['postgresql_ask_p50_ms']} ms "
                f"({s['p50_ratio']}x); p95 {s['faiss_ask_p95_ms']} / {s['postgresql_ask_p95_ms']} ms"
            )


if __name__ == "__main__":
    main()
