"""Shared benchmark helpers: the datasets in ../shared, and an on-disk embedding cache."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# NEWSBOT_CODE: a checkout of other code (benchmarks/before_after.py: the previous revision) whose corpus,
# index and bot packages the benchmarks measure instead of this one's; data and caches stay here
CODE = Path(os.environ.get("NEWSBOT_CODE", ROOT)).resolve()
sys.path.insert(0, str(CODE))

from corpus import Article  # noqa: E402
from corpus.loaders.jsonl import iter_jsonl  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
CACHE = ROOT / "benchmarks" / "cache"  # git-ignored
RESULTS = ROOT / "benchmarks" / "results"  # git-ignored


QUESTIONS = [  # over the bundled SELEC corpus; the last one is unanswerable
    "when did SELEC visit CARICC",
    "who coordinates the anti-fraud task force",
    "When did the ambassador of Belarus visit SELEC headquarters?",
    "Who represented SELEC at the ministerial forum in Tirana?",
    "What does OCTA SEE stand for?",
    "Which operation won first place for the second semester of 2017?",
    "Who accompanied the Bulgarian minister of interior on his visit?",
    "Who is the General Police Director of Serbia?",
    "How many partners does SELEC have in total?",
    "What is the weather in Bucharest today?",
]


async def ask_in_turn(fake, chat_id: int, questions: list[str], latencies: list[float]) -> None:
    """Ask through the fake Bot API one question after another; record each reply's latency (s)."""
    for q in questions:
        before = len(fake.to(chat_id))
        t = time.monotonic()
        await fake.message(q, chat_id=chat_id)
        found = await fake.wait_sent(lambda s, c=chat_id: s.chat_id == c, count=before + 1, timeout=180)
        latencies.append([s for s in found if s.chat_id == chat_id][before].at - t)


def canon(url: str) -> str:
    return url.split("#")[0].rstrip("/")


def realtimeqa() -> tuple[list[Article], list[dict]]:
    """Return RealTimeQA-gold's articles and questions."""
    articles = list(iter_jsonl(SHARED / "realtimeqa-gold" / "articles.jsonl", source="rtqa"))
    with open(SHARED / "realtimeqa-gold" / "questions.jsonl") as handle:
        return articles, [json.loads(line) for line in handle]


def reuters(limit: int | None = None) -> list[Article]:
    """Return Reuters-21578 articles (the distractors)."""
    out = []
    for i, a in enumerate(iter_jsonl(SHARED / "reuters21578.jsonl.gz", source="reuters")):
        if limit is not None and i >= limit:
            break
        out.append(a)
    return out


class CachedEncoder:
    """Wraps an encoder; vectors of texts seen before come from a SQLite cache on disk."""

    def __init__(self, inner: object, path: Path = CACHE / "embeddings.sqlite3") -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.dim = inner.dim  # type: ignore[attr-defined]
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self.computed = 0
        self.compute_seconds = 0.0

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\x00{text}".encode()).hexdigest()

    def cached(self, texts: Sequence[str]) -> list[bool]:
        """Return whether each text's vector is in the cache."""
        keys = [self._key(t) for t in texts]
        have: set[str] = set()
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            rows = self._db.execute(
                f"SELECT key FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            have.update(k for (k,) in rows)
        return [k in have for k in keys]

    def encode(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        import time

        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            t = time.perf_counter()
            vectors = self.inner.encode([texts[i] for i in missing], progress=progress)  # type: ignore[attr-defined]
            self.compute_seconds += time.perf_counter() - t
            self.computed += len(missing)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(keys[i], vectors[j].astype(np.float32).tobytes()) for j, i in enumerate(missing)],
                )
            for j, i in enumerate(missing):
                found[keys[i]] = vectors[j]
        elif progress:
            progress(len(texts))
        return (
            np.stack([found[k] for k in keys]).astype(np.float32)
            if keys
            else np.zeros((0, self.dim), np.float32)
        )


def distinct(items: Iterable[str]) -> list[str]:
    """Return items without repeats, in first-seen order (ranked passages -> ranked articles)."""
    return list(dict.fromkeys(items))


def percentiles(values_ms: Sequence[float]) -> tuple[float, float]:
    arr = np.array(values_ms)
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def save_json(name: str, data: object) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


# -- RealTimeQA silver: the training/tuning set, split by date (the latest months held out) -----------

SILVER = SHARED / "realtimeqa-silver-train"
DEV_FROM = "2025-07-01"  # questions dated from here on are the held-out split; nothing is fitted on them


def silver() -> tuple[list[Article], list[dict]]:
    """Return RealTimeQA-silver's 8,000 articles and 1,452 questions."""
    articles = list(iter_jsonl(SILVER / "articles.jsonl.gz", source="silver"))
    with open(SILVER / "questions.jsonl") as handle:
        return articles, [json.loads(line) for line in handle]


def silver_split(
    articles: list[Article], questions: list[dict], *, train_questions: int = 1200, train_sources: int = 2
) -> dict[str, tuple[list[Article], list[dict]]]:
    """Return {"train": ..., "dev": ...}: each a collection of articles and the questions asked of it.

    dev: the questions dated from DEV_FROM, over all their sources plus every article of those
    months that no question cites (the distractors). train: an evenly spaced sample of the earlier
    questions, over at most `train_sources` sources each (the ones holding the answer first), the
    sampled questions' sources acting as each other's distractors. The two share no question.
    """
    by_url = {canon(a.url): a for a in articles}
    cited = {canon(u) for q in questions for u in q["source_urls"]}
    dev_q = [q for q in questions if q["date"] >= DEV_FROM]
    dev_urls = {canon(u) for q in dev_q for u in q["source_urls"]} & by_url.keys()
    month = min(q["date"] for q in dev_q)[:7]
    dev_urls |= {
        u
        for u, a in by_url.items()
        if u not in cited and a.published and a.published.isoformat()[:7] >= month
    }
    early = [q for q in questions if q["date"] < DEV_FROM]
    step = max(1, len(early) // train_questions)
    train_q = early[::step][:train_questions]
    train_urls: set[str] = set()
    for q in train_q:
        urls = [canon(u) for u in q["source_urls"] if canon(u) in by_url]
        urls.sort(key=lambda u: q["answer"].lower() not in by_url[u].body.lower())
        train_urls.update(urls[:train_sources])
    return {
        "train": ([by_url[u] for u in sorted(train_urls)], train_q),
        "dev": ([by_url[u] for u in sorted(dev_urls)], dev_q),
    }


def time_asks(engine: object, encoder: object, asked: list[str]) -> tuple[list[float], list[float]]:
    """Return the ms of engine.ask and of the retrieval step alone (question embedding included) for each
    question, after five warm-up questions."""
    for q in asked[:5]:
        engine.ask(q)  # type: ignore[attr-defined]
    ask_ms, retrieve_ms = [], []
    for q in asked:
        t = time.perf_counter()
        engine.ask(q)  # type: ignore[attr-defined]
        ask_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        engine.retrieve(engine.data, q, encoder.encode([q])[0])  # type: ignore[attr-defined]
        retrieve_ms.append((time.perf_counter() - t) * 1000)
    return ask_ms, retrieve_ms


def silver_index(split: str) -> tuple[list[Article], list[dict], CachedEncoder, Path, dict[str, str]]:
    """Return a RealTimeQA-silver split's articles and questions, the cached encoder, its index root (brought
    up to date) and each article id's canonical URL."""
    from index import EncoderConfig, IndexConfig, build_index, make_encoder

    articles, questions = silver()
    docs, qs = silver_split(articles, questions)[split]
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    root = CACHE / f"silver-{split}"
    build_index(docs, root, encoder, IndexConfig())
    return docs, qs, encoder, root, {a.id: canon(a.url) for a in docs}
