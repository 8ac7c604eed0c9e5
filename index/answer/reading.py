"""What the engine read for one question — retrieval, the best sentences, the candidate spans, what the
fitted models and the reader made of them (training reads it too) — and the reply made of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.answer.evidence import Evidence, rank_sentences
from index.answer.features import confidence_features, relevance_features, sentence_features, span_features
from index.answer.model import AnswerModel
from index.answer.qtype import AnswerType, classify
from index.answer.reader import Reader
from index.answer.spans import Choice, Span, likeliest, shown_text, spans_of, typed_sentence_first
from index.answer.terms import QuestionTerms
from index.answer.vote import Option, Pick, Vote, decide, options, sentences_read
from index.config import SearchConfig
from index.encoders.memo import VectorMemo
from index.hits import Hit
from index.reply import Answer, cite

if TYPE_CHECKING:
    from index.snapshot import IndexData

SPAN_SENTENCES = 5  # sentences whose spans the answer model ranks (10: +7 points reach, +0.3 right)
RESCUE_MARGIN = 0.0  # the reader's span beats its "no answer" score: a question below the decline line stays
FOUND_LEAD = "No exact answer, but this passage looks related:"  # must not read like an answer


class Reads(Protocol):
    """What reading needs of the engine (index.engine.Engine)."""

    model: AnswerModel
    config: SearchConfig
    reader: Reader | None
    vote: Vote
    phrases: VectorMemo  # candidate answers embedded, remembered across questions

    def question_terms(self, data: IndexData, question: str) -> QuestionTerms: ...

    def retrieve(
        self,
        data: IndexData,
        question: str,
        qvec: np.ndarray,
        *,
        article_id: str | None = None,
        terms: QuestionTerms | None = None,
    ) -> tuple[list[Hit], dict[int, float]]: ...


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything the engine read for one question (training reads it too)."""

    fused: list[Hit]
    cosines: dict[int, float]
    evidence: Evidence | None  # the best sentence and its typed candidates
    relevance_x: tuple[float, ...]
    relevance: float  # P(the passage answers the question)
    spans: list[Span]  # the candidate answers of the top sentences
    span_x: list[tuple[float, ...]]
    span_p: list[float]  # P(the span is the answer), for each span

    choice: Choice | None  # the likeliest answer among the spans
    confidence_x: tuple[float, ...]
    answer_p: float  # P(the likeliest answer is right); 0 without spans
    answer_text: str | None = None  # the short answer shown: the likeliest span, a name in full
    context: tuple[str, ...] = ()  # titles and texts of the passages read (full names come from them)
    asked: frozenset[str] = frozenset()  # the question's stems
    ranked: tuple[Evidence, ...] = ()  # the top sentences, best-scored first
    sentence_p: tuple[float, ...] = ()  # P(each ranked sentence holds the answer)
    options: tuple[Option, ...] = ()  # the candidates and the reader's spans, with the reader's margins
    pick: Pick | None = None  # the vote's short answer (None: no reader, or nothing to choose)
    rescue: float | None = None  # below the decline line: the reader's best span against "no answer"

    @property
    def rescued(self) -> bool:
        """Return True when the question is below the decline line but the reader finds an answer."""
        return beats_no_answer(self.rescue)

    @property
    def likeliest_sentence(self) -> Evidence | None:
        """Return the ranked sentence likeliest to hold the answer (what is shown without a short answer)."""
        if not self.ranked:
            return self.evidence
        return self.ranked[max(range(len(self.ranked)), key=lambda i: self.sentence_p[i])]

    @property
    def best_span(self) -> Span | None:
        """Return the likeliest answer span, or None when the sentences hold none."""
        return None if self.choice is None else self.spans[self.choice.index]


def beats_no_answer(margin: float | None) -> bool:
    """Return True when the reader's best span (`margin`: against its "no answer") clears RESCUE_MARGIN."""
    return margin is not None and margin >= RESCUE_MARGIN


def read_question(
    engine: Reads,
    data: IndexData,
    question: str,
    qvec: np.ndarray,
    *,
    article_id: str | None = None,
    model: AnswerModel | None = None,
) -> Reading:
    """Retrieve, choose the best sentence and its typed candidates, score both with the models (`model`, by
    default the engine's), and let the reader vote on the short answer."""
    model = model or engine.model
    terms = engine.question_terms(data, question)
    fused, cosines = engine.retrieve(data, question, qvec, article_id=article_id, terms=terms)
    qtype = classify(question)
    top = [data.passages[h.id] for h in fused[: engine.config.answer_passages]]
    ranked = rank_sentences(
        question,
        qtype,
        terms,
        top,
        cosines,
        published=data.published,
        rarity=data.rarity,
        limit=SPAN_SENTENCES,
    )
    if not ranked:
        return Reading(fused, cosines, None, (), 0.0, [], [], [], None, (), 0.0)
    found = ranked[0]  # its own cosine to the question was worth nothing to the fitted models
    relevance_x = relevance_features(found)
    spans = spans_of(
        ranked, qtype, set(terms.stems), {p.article_id: data.published(p.article_id) for p in top}
    )
    span_x = span_features(question, qtype, spans, top, rarity=data.rarity, embed=engine.phrases.encode)
    span_p = model.answer.probs(span_x).tolist()
    relevance = float(model.relevance.probs([relevance_x])[0])
    choice = likeliest(spans, span_p, qtype=qtype)
    confidence_x = () if choice is None else confidence_features(choice, spans, relevance)
    answer_p = float(model.confidence.probs([confidence_x])[0]) if confidence_x else 0.0
    context = tuple(blob for p in top for blob in (p.title, p.text))
    asked = frozenset(terms.stems)
    chosen = None if choice is None else spans[choice.index]
    text = None if chosen is None else shown_text(chosen, context, asked)
    if typed_sentence_first(qtype, ranked):
        sentence_p = np.where(np.arange(len(ranked)) == 0, 1.0, 0.0)
    else:
        sentence_p = model.sentence.probs(sentence_features(ranked, spans, span_p, chosen))
    found_options, pick, rescue = [], None, None
    line = max(model.decline, engine.config.min_confidence)
    # dates: see index/answer/vote.py. Below the decline line the reader still reads: a question it finds
    # an answer to (its best span beats "no answer") is not declined
    dates = qtype.type is AnswerType.DATE
    if engine.reader is not None and (relevance < line or not dates):
        read = sentences_read(ranked, engine.reader.tokens)
        logits = engine.reader.read(question, [e.sentence for e in read])
        if relevance < line:
            rescue = max((b[0] - lg.null for lg in logits if (b := lg.best())), default=None)
        if not dates and (relevance >= line or beats_no_answer(rescue)):
            found_options = options(read, logits, spans, span_p)
            pick = decide(engine.vote, found_options, text, answer_p)
    return Reading(
        fused,
        cosines,
        found,
        relevance_x,
        relevance,
        spans,
        span_x,
        span_p,
        choice,
        confidence_x,
        answer_p,
        text,
        context,
        asked,
        tuple(ranked),
        tuple(sentence_p.tolist()),
        tuple(found_options),
        pick,
        rescue,
    )


def answer_of(engine: Reads, data: IndexData, question: str, reading: Reading) -> Answer:
    """Return the reply to a question of fact from what was read: declined below the relevance line (unless
    the reader finds an answer there), the short answer in bold when its confidence reaches the bold line,
    else the likeliest sentence."""
    found, sure = reading.evidence, reading.relevance
    if found is None or (
        sure < max(engine.model.decline, engine.config.min_confidence) and not reading.rescued
    ):
        return Answer.declined(question, confidence=sure)
    pick, span = reading.pick, reading.best_span
    fitted = engine.model.bold if pick is None else engine.vote.bold
    if pick is None and span is not None:  # no vote: the candidates' likeliest, by their model
        pick = Pick(reading.answer_text or "", span.evidence, reading.answer_p)
    threshold = fitted if engine.config.bold_confidence is None else engine.config.bold_confidence
    answer_p = reading.answer_p if pick is None else pick.p
    short = None
    if pick is not None and pick.p >= threshold:
        found, short = pick.evidence, pick.text
    else:
        found = reading.likeliest_sentence or found  # the sentence model's choice
    sources = cite(
        data,
        reading.fused,
        reading.cosines,
        found.passage.article_id,
        found.sentence,
        limit=engine.config.sources,
    )
    return Answer(
        question=question,
        answered=True,
        answer=short,
        sentence=found.sentence,
        sources=sources,
        confidence=sure,
        answer_confidence=answer_p,
        kind="answer" if short else "found",
        lead=None if short else FOUND_LEAD,
    )
