"""The answer engine: hybrid retrieval over the current index, then extractive answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.config import SearchConfig
from index.encoders import Encoder
from index.errors import QuestionError
from index.evidence import Evidence, QuestionTerms, best_sentence, confidence
from index.fusion import reciprocal_rank_fusion, score_fusion
from index.hits import Hit
from index.qtype import classify
from index.snapshot import IndexData
from index.storage import current_path, load_version
from index.text import content_stems, split_sentences

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """An article cited by an answer."""

    article_id: str
    title: str
    date: str | None
    url: str
    snippet: str
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """What the engine says to a question; sources best first (empty when it declines)."""

    question: str
    answered: bool
    answer: str | None
    sentence: str | None
    sources: tuple[Source, ...]
    confidence: float

    @property
    def article_id(self) -> str | None:
        """Return the id of the article the answer comes from."""
        return self.sources[0].article_id if self.answered and self.sources else None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape of `newsbot ask --json`."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "sentence": self.sentence,
            "confidence": round(self.confidence, 3),
            "sources": [
                {k: v for k, v in asdict(s).items() if k != "article_id"} | {"id": s.article_id}
                for s in self.sources
            ],
        }


def clean_question(question: str, *, limit: int) -> str:
    """Return the question with control characters dropped and blanks collapsed, or raise QuestionError."""
    if not isinstance(question, str):
        raise QuestionError("a question must be text")
    text = " ".join(_CONTROL.sub(" ", question).split())
    if not text or not any(ch.isalnum() for ch in text):
        raise QuestionError("the question is empty: ask something about the news")
    if len(text) > limit:
        raise QuestionError(f"the question is too long ({len(text)} characters; the limit is {limit})")
    return text


class Engine:
    """Answers questions from the CURRENT index under root; reload() picks up a newer version."""

    def __init__(self, root: Path, encoder: Encoder, config: SearchConfig, *, ef_search: int = 800) -> None:
        self.root = Path(root)
        self.encoder = encoder
        self.config = config
        self.ef_search = ef_search
        self._data: IndexData | None = None
        self._lock = threading.Lock()

    @property
    def data(self) -> IndexData:
        """Return the loaded index, loading CURRENT on first use."""
        if self._data is None:
            self.reload()
        assert self._data is not None
        return self._data

    def reload(self) -> bool:
        """Load CURRENT if it is not the version in memory; return True if it changed."""
        with self._lock:
            path = current_path(self.root)
            if self._data is not None and self._data.path == path:
                return False
            self._data = load_version(
                path,
                model=self.encoder.name,
                ef_search=self.ef_search,
                bm25_numba_from=self.config.bm25_numba_from,
            )
            log.info("serving index %s (%d passages)", path.name, self._data.manifest.passages)
            return True

    # -- retrieval -----------------------------------------------------------------------------

    def retrieve(
        self, data: IndexData, question: str, qvec: np.ndarray, *, article_id: str | None = None
    ) -> tuple[list[Hit], dict[int, float]]:
        """Return fused hits and each hit's dense cosine; restricted to one article when given."""
        k = self.config.candidates
        if article_id is not None:
            ids = [p.id for p in data.passages_of(article_id)]
            dense = data.dense_scores(qvec, ids)
            allowed = set(ids)
            lexical = [h for h in data.bm25_search(question, max(k, 200)) if h.id in allowed]
        else:
            dense = data.dense_search(qvec, k)
            lexical = data.bm25_search(question, k)
        weights = [self.config.dense_weight, self.config.bm25_weight]
        if self.config.fusion == "score":
            fused = score_fusion([dense, lexical], weights=weights)
        else:
            fused = reciprocal_rank_fusion([dense, lexical], k=self.config.rrf_k, weights=weights)
        cosines = {h.id: h.score for h in dense}
        missing = [
            h.id for h in fused[: self.config.answer_passages + self.config.sources] if h.id not in cosines
        ]
        cosines.update((h.id, h.score) for h in data.dense_scores(qvec, missing))
        return fused, cosines

    # -- answering -----------------------------------------------------------------------------

    def ask(self, question: str, *, article_id: str | None = None) -> Answer:
        """Answer one question (about one article first, for follow-ups)."""
        text = clean_question(question, limit=self.config.max_question_chars)
        data = self.data
        qvec = self.encoder.encode([text])[0]
        if article_id is not None and article_id in data.articles:
            # a follow-up ("when did it happen?") is read in the context of its article's title
            contextual = f"{text} ({data.articles[article_id].title})"
            answer = self._answer(
                data, contextual, self.encoder.encode([contextual])[0], article_id=article_id
            )
            if answer.answered:
                return dataclasses.replace(answer, question=text)
        return self._answer(data, text, qvec)

    def _idf(self, data: IndexData, stems: list[str]) -> dict[str, float]:
        n = max(len(data.passages), 1)
        df = data.document_frequency(stems)
        return {s: math.log(1 + (n - df[s] + 0.5) / (df[s] + 0.5)) for s in stems}

    def evidence(
        self, data: IndexData, question: str, qvec: np.ndarray, fused: list[Hit], cosines: dict[int, float]
    ) -> Evidence | None:
        """Return the best sentence among the top fused passages, with its signals."""
        max_idf = math.log(1 + (len(data.passages) + 0.5) / 0.5)

        def rarity(span: str) -> float:
            values = self._idf(data, content_stems(span))
            return min(1.0, sum(values.values()) / len(values) / max_idf) if values else 0.0

        def published(article_id: str) -> dt.date | None:
            meta = data.articles.get(article_id)
            return dt.date.fromisoformat(meta.published) if meta and meta.published else None

        top = [data.passages[h.id] for h in fused[: self.config.answer_passages]]
        return best_sentence(
            question,
            classify(question),
            QuestionTerms.of(question, lambda s: self._idf(data, s)),
            top,
            cosines,
            published=published,
            rarity=rarity,
            qvec=qvec,
            encode=self.encoder.encode,
        )

    def _answer(
        self, data: IndexData, question: str, qvec: np.ndarray, *, article_id: str | None = None
    ) -> Answer:
        fused, cosines = self.retrieve(data, question, qvec, article_id=article_id)
        found = self.evidence(data, question, qvec, fused, cosines) if fused else None
        sure = confidence(found.signals) if found else 0.0
        if found is None or sure < self.config.min_confidence:
            return Answer(
                question=question, answered=False, answer=None, sentence=None, sources=(), confidence=sure
            )
        sources = self._sources(data, fused, cosines, found.passage.article_id, found.sentence)
        short = found.candidates[0].text if found.candidates else None
        return Answer(
            question=question,
            answered=True,
            answer=short,
            sentence=found.sentence,
            sources=sources,
            confidence=sure,
        )

    def _sources(
        self, data: IndexData, fused: list[Hit], cosines: dict[int, float], first: str, sentence: str
    ) -> tuple[Source, ...]:
        order: dict[str, int] = {first: -1}
        for h in fused:
            aid = data.passages[h.id].article_id
            order.setdefault(aid, h.id)
            if len(order) >= self.config.sources:
                break
        out = []
        for aid, pid in order.items():
            meta = data.articles[aid]
            snippet = sentence if aid == first else split_sentences(data.passages[pid].text)[0]
            score = max(
                (cosines.get(h.id, 0.0) for h in fused if data.passages[h.id].article_id == aid), default=0.0
            )
            out.append(
                Source(
                    article_id=aid,
                    title=meta.title,
                    date=meta.published,
                    url=meta.url,
                    snippet=snippet,
                    score=round(score, 3),
                )
            )
        return tuple(out)
