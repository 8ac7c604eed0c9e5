"""Choose the sentence that answers and its typed candidates (hand-written scoring; how sure to be is
the fitted models' business: index/answer/model.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from index.answer.extract import Candidate, candidates
from index.answer.qtype import AnswerType, QuestionType
from index.answer.terms import QuestionTerms
from index.passages import Passage
from index.text import split_sentences

_TYPE_WEIGHT = {t: 0.25 for t in AnswerType} | {AnswerType.OTHER: 0.0, AnswerType.EXPANSION: 0.4}


class SentenceWeights(NamedTuple):
    """How a sentence's lexical and retrieval evidence add up (benchmarks/tune_sentences.py measures others)."""

    coverage: float = 0.6
    passage: float = 0.45
    prior: float = 0.05
    phrase: float = 0.15
    typed: float = 1.3  # times the question type's weight (_TYPE_WEIGHT)


WEIGHTS = SentenceWeights()


class Signals(NamedTuple):
    """What the confidence is computed from, for the chosen sentence."""

    passage_cos: float  # cosine of the question to the sentence's passage
    coverage: float  # IDF-weighted share of the question's words in the sentence (title: half)
    phrase: float  # share of the question's word pairs found as pairs in the sentence
    typed: float  # score of the best typed candidate (0 for questions without a typed answer)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The chosen sentence, its passage, its typed candidates, and the signals behind it."""

    sentence: str
    passage: Passage
    candidates: list[Candidate]
    signals: Signals
    score: float


def rank_sentences(
    question: str,
    qtype: QuestionType,
    terms: QuestionTerms,
    passages: Sequence[Passage],
    passage_cos: dict[int, float],
    *,
    published: Callable[[str], dt.date | None],
    rarity: Callable[[str], float],
    limit: int = 1,
) -> list[Evidence]:
    """Return the `limit` best-scoring sentences of the passages (ranked best first), best first.

    Sentences are ranked on lexical evidence, their passage's cosine and typed candidates; the typed
    candidates are extracted only while a sentence can still enter the top `limit` (exact pruning).
    """
    pairs = [(s, p) for p in passages for s in split_sentences(p.text)]
    type_weight = _TYPE_WEIGHT[qtype.type] * WEIGHTS.typed
    ranked = []
    order = {id(p): i for i, p in enumerate(passages)}
    for sentence, passage in pairs:
        p_cos = passage_cos.get(passage.id, 0.0)
        coverage, phrase = terms.match(sentence, passage.title)
        prior = 1.0 / (1 + order[id(passage)])
        base = (
            WEIGHTS.coverage * coverage
            + WEIGHTS.passage * p_cos
            + WEIGHTS.prior * prior
            + WEIGHTS.phrase * phrase
        )
        ranked.append((base, sentence, passage, Signals(p_cos, coverage, phrase, 0.0)))
    ranked.sort(key=lambda r: -r[0])
    top: list[Evidence] = []
    seen: set[str] = set()  # passages overlap: a sentence in two of them competes once
    for base, sentence, passage, signals in ranked:
        if sentence in seen:
            continue
        seen.add(sentence)
        if len(top) >= limit and base + type_weight <= top[-1].score:
            break  # typed candidates add at most type_weight: no later sentence can enter the top
        cands = candidates(sentence, qtype, question, reference=published(passage.article_id), rarity=rarity)
        typed = min(1.0, cands[0].score) if cands else 0.0
        found = Evidence(sentence, passage, cands, signals._replace(typed=typed), base + type_weight * typed)
        top.append(found)
        top.sort(key=lambda e: -e.score)
        del top[limit:]
    return top
