"""Choose the sentence that answers, and say how sure we are (a calibrated logistic score)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from index.extract import Candidate, candidates
from index.passages import Passage
from index.qtype import AnswerType, QuestionType
from index.text import content_stems, question_stems, split_sentences

# Weights of the confidence model over Signals, fitted by benchmarks/realtimeqa.py (logistic
# regression: "the right source is first" against everything else, with each question asked once with
# its sources indexed and once without). Order: bias, passage_cos, sentence_cos, coverage, phrase, typed.
CONFIDENCE_WEIGHTS = (-4.16, 2.65, 1.38, 3.41, 1.4, 0.42)
_TYPE_WEIGHT = {t: 0.25 for t in AnswerType} | {AnswerType.OTHER: 0.0, AnswerType.EXPANSION: 0.4}


class Signals(NamedTuple):
    """What the confidence is computed from, for the chosen sentence."""

    passage_cos: float  # cosine of the question to the sentence's passage
    sentence_cos: float  # cosine to the chosen sentence itself (one short extra encoding)
    coverage: float  # IDF-weighted share of the question's words in the sentence (title: half)
    phrase: float  # share of the question's word pairs found as pairs in the sentence
    typed: float  # score of the best typed candidate (0 for questions without a typed answer)


def confidence(signals: Signals, weights: Sequence[float] = CONFIDENCE_WEIGHTS) -> float:
    """Return P(the answer is right) under the fitted logistic model."""
    z = weights[0] + sum(w * x for w, x in zip(weights[1:], signals, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True, slots=True)
class Evidence:
    """The chosen sentence, its passage, its typed candidates, and the signals behind it."""

    sentence: str
    passage: Passage
    candidates: list[Candidate]
    signals: Signals
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionTerms:
    """The question's stems with their IDF in the index, computed once per question."""

    stems: list[str]
    idf: dict[str, float]
    bigrams: set[tuple[str, str]]

    @classmethod
    def of(cls, question: str, idf: Callable[[list[str]], dict[str, float]]) -> QuestionTerms:
        ordered = question_stems(question)
        stems = list(dict.fromkeys(ordered))
        return cls(stems=stems, idf=idf(stems), bigrams=set(itertools.pairwise(ordered)))

    def coverage(self, text: str, title: str) -> float:
        total = sum(self.idf.values())
        if not total:
            return 0.0
        present, in_title = set(content_stems(text)), set(content_stems(title))
        got = sum(self.idf[s] * (1.0 if s in present else 0.5 if s in in_title else 0.0) for s in self.stems)
        return got / total

    def phrase(self, text: str) -> float:
        if not self.bigrams:
            return 0.0
        words = content_stems(text)
        return len(self.bigrams & set(itertools.pairwise(words))) / len(self.bigrams)


def best_sentence(
    question: str,
    qtype: QuestionType,
    terms: QuestionTerms,
    passages: Sequence[Passage],
    passage_cos: dict[int, float],
    *,
    published: Callable[[str], dt.date | None],
    rarity: Callable[[str], float],
    encode: Callable[[list[str]], np.ndarray] | None = None,
    qvec: np.ndarray | None = None,
) -> Evidence | None:
    """Return the best-scoring sentence of the passages (ranked best first), or None if there are none.

    Sentences are ranked on lexical evidence, their passage's cosine and typed candidates; only the
    winner is embedded (with `encode`), for its own cosine to the question: embedding every candidate
    sentence cost 6x the latency for no gain in answers on RealTimeQA (benchmarks/realtimeqa.py).
    """
    pairs = [(s, p) for p in passages for s in split_sentences(p.text)]
    if not pairs:
        return None
    type_weight = _TYPE_WEIGHT[qtype.type]
    ranked = []
    for sentence, passage in pairs:
        p_cos = passage_cos.get(passage.id, 0.0)
        coverage, phrase = terms.coverage(sentence, passage.title), terms.phrase(sentence)
        prior = 1.0 / (1 + passages.index(passage))
        base = 0.45 * coverage + 0.45 * p_cos + 0.1 * prior + 0.25 * phrase
        ranked.append((base, sentence, passage, Signals(p_cos, p_cos, coverage, phrase, 0.0)))
    ranked.sort(key=lambda r: -r[0])
    best: Evidence | None = None
    for base, sentence, passage, signals in ranked:
        if best is not None and base + type_weight <= best.score:
            break  # typed candidates add at most type_weight: no later sentence can win (exact pruning)
        cands = candidates(sentence, qtype, question, reference=published(passage.article_id), rarity=rarity)
        typed = min(1.0, cands[0].score) if cands else 0.0
        score = base + type_weight * typed
        if best is None or score > best.score:
            best = Evidence(sentence, passage, cands, signals._replace(typed=typed), score)
    if best is not None and encode is not None and qvec is not None:
        s_cos = float(encode([best.sentence])[0] @ qvec)
        best = dataclasses.replace(best, signals=best.signals._replace(sentence_cos=s_cos))
    return best
