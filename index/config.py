"""Typed settings of the index package (the `index:` and `search:` sections of config.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from corpus.settings import at_least, within
from index.dense.faiss import DenseKind
from index.encoders import EncoderConfig


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexConfig:
    """How passages are cut, embedded and indexed."""

    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    # faiss: files under data_dir/index (one machine); postgresql: tables in storage.url's database,
    # shared by every replica (pgvector HNSW + BM25 in SQL; index/pgvector.py)
    backend: Literal["faiss", "postgresql"] = "faiss"
    passage_words: int = 100
    overlap_sentences: int = 1
    dense: DenseKind | Literal["auto"] = "auto"
    hnsw_threshold: int = 50_000  # with dense: auto, HNSW from this many passages (exact Flat below)
    hnsw_m: int = 32
    hnsw_ef_construction: int = 40  # 1M passages build in ~5 min on 2 cores
    ef_search: int = 800  # HNSW: recall@10 0.957 at 1M (0.74 at 96), ~1.6 ms a query
    # backend postgresql: pgvector's hnsw.ef_search; at 100k passages 200 finds 0.999 of 800's first ten
    # in 5 ms against 22 (docs/postgres-index.md)
    pg_ef_search: int = 200
    compact_fraction: float = 0.1  # rebuild the main segment when delta + removals exceed this share

    def __post_init__(self) -> None:
        at_least(
            self,
            passage_words=10,
            overlap_sentences=0,
            hnsw_threshold=1,
            hnsw_m=2,
            hnsw_ef_construction=1,
            ef_search=1,
        )
        within(self, pg_ef_search=(1, 1000))
        within(self, compact_fraction=(0.0, 1.0))


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchConfig:
    """How questions are matched and answered."""

    candidates: int = 50  # taken from each retriever before fusion
    # benchmarks/tune_retrieval.py on RealTimeQA-silver's training split: score fusion, dense 0.7, article
    # 0.3 reach article recall@1 0.840 against 0.817 for these; kept, since with them the bundled questions
    # lose one answer (14/15) and the fresh SELEC questions two
    fusion: Literal["rrf", "score"] = "rrf"
    rrf_k: int = 60
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    article_weight: float = 0.0  # share of an article's best other passage added to each of its passages
    rerank_articles: int = (
        10  # the fused list's first articles re-ordered by index/article_weights.json (0: off)
    )
    sources: int = 5  # sources returned with an answer
    answer_passages: int = 6  # passages whose sentences compete for the answer
    min_confidence: float = 0.0  # a floor over the fitted decline threshold (index/answer/weights.json)
    bold_confidence: float | None = None  # P(right) from which the short answer is bold; None: the fitted one
    reader: bool = True  # the trained reader votes on the short answer (index/answer/vote.py)
    max_question_chars: int = 1000
    bm25_numba_from: int = 200_000  # main-segment passages from which BM25 scores with numba

    def __post_init__(self) -> None:
        at_least(
            self, candidates=1, rrf_k=1, sources=1, answer_passages=1, max_question_chars=1, bm25_numba_from=0
        )
        at_least(self, dense_weight=0.0, bm25_weight=0.0, article_weight=0.0, rerank_articles=0)
        within(self, min_confidence=(0.0, 1.0))
        if self.bold_confidence is not None:
            within(self, bold_confidence=(0.0, 1.0))
