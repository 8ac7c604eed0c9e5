"""The answer engine: hybrid retrieval over the current index, then extractive answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from index.answer.dispatch import respond
from index.answer.extract import asked_names, name_spans
from index.answer.intents import in_context, is_follow_up
from index.answer.model import AnswerModel
from index.answer.reader import Reader, shipped_reader
from index.answer.reading import Reading, answer_of, read_question
from index.answer.terms import QuestionTerms
from index.answer.vote import Vote, shipped_vote
from index.articles import ArticleRanker
from index.config import IndexConfig, SearchConfig
from index.encoders import Encoder, exact
from index.encoders.memo import VectorMemo
from index.fusion import article_support, bring_named, reciprocal_rank_fusion, score_fusion
from index.hits import Hit, Retrieved
from index.pgdata import PgIndexData
from index.pgvector import PgIndex
from index.reply import Answer
from index.snapshot import IndexData
from index.status import IndexStatus, inspect
from index.storage import current_path, load_version

log = logging.getLogger(__name__)
VIEWS = 16  # views without some sources kept (Engine.view)
NAMED_WITHIN = 30  # a passage holding a name the question gives is looked for this deep (bring_named)


@functools.cache
def default_model() -> AnswerModel:
    """Return the shipped answer weights (read once)."""
    return AnswerModel.load()


@functools.cache
def default_ranker() -> ArticleRanker:
    """Return the shipped article weights (read once)."""
    return ArticleRanker.load()


class Engine:
    """Answers questions from the CURRENT index under root; reload() picks up a newer version."""

    def __init__(
        self,
        root: Path,
        encoder: Encoder,
        config: SearchConfig,
        *,
        index: IndexConfig | None = None,
        model: AnswerModel | None = None,
        ranker: ArticleRanker | None = None,
        pg: PgIndex | None = None,
        reader: Reader | bool | None = None,
        vote: Vote | None = None,
    ) -> None:
        self.root = Path(root)
        self.pg = pg  # index.backend postgresql: the index is read from these tables, not from root
        self.model = model or default_model()
        self.ranker = ranker or default_ranker()
        # the trained reader votes on the short answer (False: the candidates' fitted model alone; None: as
        # search.reader says)
        reader = config.reader if reader is None else reader
        self.reader: Reader | None = shipped_reader() if reader is True else reader or None
        self.vote = vote or shipped_vote()
        self.today: Callable[[], dt.date] = dt.date.today
        # questions, topics and candidate answers are embedded in vectors that do not depend on what they
        # are batched with: the fp32 graph of an int8 encoder (its session loaded on the first question)
        self.encoder = exact(encoder)
        self.phrases = VectorMemo(self.encoder.encode)  # candidate answers and kinds asked, across questions
        self.config = config
        self.index_config = index or IndexConfig()
        self._data: IndexData | None = None
        self._views: dict[tuple[int, frozenset[str]], IndexData] = {}  # data without some sources (view())
        self._lock = threading.Lock()

    @property
    def data(self) -> IndexData:
        """Return the loaded index, loading CURRENT on first use."""
        if self._data is None:
            self.reload()
        assert self._data is not None
        return self._data

    @property
    def loaded(self) -> IndexData | None:
        """Return the version in memory, or None before the first load (no loading here)."""
        return self._data

    def reload(self) -> bool:
        """Load CURRENT (or PostgreSQL's current version) if it is not the version in memory; return True
        if it changed."""
        if self.pg is not None:
            version = self.pg.version()  # -1 (no tables yet): load says to build it
            with self._lock:
                if self._data is not None and getattr(self._data, "version", None) == version:
                    return False
                self._data = PgIndexData.load(self.pg)  # type: ignore[assignment]
                self._views.clear()
                log.info("serving the PostgreSQL index, version %d", version)
                return True
        with self._lock:
            path = current_path(self.root)
            if self._data is not None and self._data.path == path:
                return False
            self._data = load_version(
                path,
                model=self.encoder.name,
                dim=self.encoder.dim,
                ef_search=self.index_config.ef_search,
                bm25_numba_from=self.config.bm25_numba_from,
            )
            self._views.clear()
            log.info("serving index %s (%d passages)", path.name, self._data.manifest.passages)
            return True

    def status(self, store_hashes: Mapping[str, str] | None = None) -> IndexStatus:
        """Return whether the index serves, and how its articles compare with the store's (id → hash)."""

        def current() -> IndexData:
            self.reload()
            return self.data

        return inspect(current, store_hashes)

    # -- retrieval -----------------------------------------------------------------------------

    def candidates(
        self, data: IndexData, question: str, qvec: np.ndarray, *, article_id: str | None = None
    ) -> Retrieved:
        """Return the fused hits (before the article model) and the dense and BM25 lists fused."""
        k = self.config.candidates
        if article_id is not None:
            ids = [p.id for p in data.passages_of(article_id)]
            dense = data.dense_scores(qvec, ids)
            allowed = set(ids)
            lexical = [h for h in data.bm25_search(question, max(k, 200)) if h.id in allowed]
        else:
            dense, lexical = data.search_both(qvec, question, k)
        weights = [self.config.dense_weight, self.config.bm25_weight]
        if self.config.fusion == "score":
            fused = score_fusion([dense, lexical], weights=weights)
        else:
            fused = reciprocal_rank_fusion([dense, lexical], k=self.config.rrf_k, weights=weights)
        fused = article_support(fused, data.passages.article_of, weight=self.config.article_weight)
        return Retrieved(fused, dense, lexical)

    def question_terms(self, data: IndexData, question: str) -> QuestionTerms:
        """Return the question's terms weighed by their IDF in the index."""
        return QuestionTerms.of(question, data.idf)

    def retrieve(
        self,
        data: IndexData,
        question: str,
        qvec: np.ndarray,
        *,
        article_id: str | None = None,
        terms: QuestionTerms | None = None,
    ) -> tuple[list[Hit], dict[int, float]]:
        """Return fused hits, their first articles re-ordered by the article model, and each hit's dense
        cosine; restricted to one article when given. `terms`: the question's, when the caller has them."""
        found = self.candidates(data, question, qvec, article_id=article_id)
        fused, dense = found.fused, found.dense
        if article_id is None and self.config.rerank_articles > 1:
            idf = (terms or self.question_terms(data, question)).idf
            fused = self.ranker.rerank(data, found, qvec, idf, limit=self.config.rerank_articles)
        names = asked_names(question) if article_id is None else []
        read = self.config.answer_passages + self.config.sources
        data.prefetch([h.id for h in fused[: max(read, NAMED_WITHIN if names else 0)]])  # read next
        if article_id is None:
            fused = bring_named(
                fused,
                names,
                lambda pid: data.passages[pid].text,
                at=self.config.answer_passages - 1,
                limit=NAMED_WITHIN,
            )
        cosines = {h.id: h.score for h in dense}
        missing = [h.id for h in fused[:read] if h.id not in cosines]
        cosines.update((h.id, h.score) for h in data.dense_scores(qvec, missing))
        return fused, cosines

    # -- answering -----------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        *,
        article_id: str | None = None,
        today: dt.date | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> Answer:
        """Reply to one message: a fact, headlines, a summary, small talk (about one article first, for
        follow-ups); `today` is the asker's date ("last week" is read from it), by default the engine's;
        the articles of the `hidden` sources (other users' own feeds) are neither read nor cited."""
        if self.pg is not None:
            self.reload()  # another replica's ingest is seen on the next question
        data = self.view(self.data, hidden)
        return respond(self, question, article_id=article_id, today=today or self.today(), data=data)

    def view(self, data: IndexData, hidden: frozenset[str]) -> IndexData:
        """Return `data` without the articles of the `hidden` sources (their passages tombstoned), kept
        per index version and set of sources (a few sets: every user without feeds shares one)."""
        if not hidden:
            return data
        key = (id(data), hidden)
        with self._lock:
            found = self._views.get(key)
        if found is not None:
            return found
        drop = {aid for aid, meta in data.articles.items() if meta.source in hidden}
        if not drop:
            made = data
        else:
            ids = frozenset(pid for aid in drop for pid in data.passages.ids_of(aid))
            made = dataclasses.replace(
                data,
                articles={aid: meta for aid, meta in data.articles.items() if aid not in drop},
                tombstones=data.tombstones | ids,
                _derived={},
            )
        with self._lock:
            if len(self._views) >= VIEWS:
                self._views.clear()
            self._views[key] = made
        return made

    def answer(self, data: IndexData, question: str, *, article_id: str | None = None) -> Answer:
        """Return the extractive answer to a question of fact."""
        vectors: dict[str, np.ndarray] = {}  # the question is embedded once, asked of the article or not

        def vector(text: str) -> np.ndarray:
            if text not in vectors:
                vectors[text] = self.encoder.encode([text])[0]
            return vectors[text]

        if article_id is not None and article_id in data.articles:
            # a question about one article is read as asked, within it; a follow-up ("when did it happen?")
            # or a question the article does not answer as asked, in the context of its title (whose words
            # would pull the lead first if always added); else the whole index answers
            title = data.articles[article_id].title
            spans = name_spans(title)
            contextual = in_context(question, title, spans[-1][0] if spans else None)
            for asked in [contextual] if is_follow_up(question) else [question, contextual]:
                found = self._answer(data, asked, vector(asked), article_id=article_id)
                if found.answered:
                    return dataclasses.replace(found, question=question)
        return self._answer(data, question, vector(question))

    def read(
        self,
        data: IndexData,
        question: str,
        qvec: np.ndarray,
        *,
        article_id: str | None = None,
        model: AnswerModel | None = None,
    ) -> Reading:
        """Retrieve, choose the best sentence and its typed candidates, and score both with the models."""
        return read_question(self, data, question, qvec, article_id=article_id, model=model)

    def _answer(
        self, data: IndexData, question: str, qvec: np.ndarray, *, article_id: str | None = None
    ) -> Answer:
        return answer_of(self, data, question, self.read(data, question, qvec, article_id=article_id))
