"""What the fitted models see: features of the chosen evidence (its passage, its sentence, its best typed
candidate) for "is the short answer right?" and "does the passage answer at all?".

Training (benchmarks/train_answers.py) and serving (index/engine.py) call the same functions, so a
model is fitted on exactly the numbers it is later given. Feature names are saved with the weights and
checked at load: code and weights cannot silently drift apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from index.answer.evidence import Evidence
from index.answer.gazetteer import PERSON_NOUNS, PLACE_NOUNS, is_place
from index.answer.qtype import AnswerType, QuestionType
from index.passages import Passage
from index.text import split_sentences

RELEVANCE_FEATURES = ("passage_cos", "sentence_cos", "coverage", "phrase", "typed")
ANSWER_FEATURES = (
    "typed",  # the typed extractor's score of the best candidate (capped at 1)
    "margin",  # its lead over the second candidate
    "passage_cos",
    "sentence_cos",
    "coverage",  # IDF-weighted share of the question's words in the sentence
    "phrase",  # share of the question's word pairs found as pairs in the sentence
    "repeated",  # log(1 + sentences of the top passages that mention the candidate)
    "in_question",  # the question itself contains the candidate
    "place_match",  # "which country/state" and the candidate is one
    "place_miss",  # "which country/state" and the candidate is not one
    "person_place",  # the question asks for a person and the candidate is a place
    "words",  # the candidate's words (capped at 6, over 6)
)  # no prior per kind of question: how often "when" questions are right is the training set's, not the news'

_FOCUS = re.compile(r"\b(?:which|what)\s+(?:[a-z]+\s+)?(?P<noun>[a-z]+)\b", re.I)


def focus_noun(question: str) -> str | None:
    """Return the head noun a "which/what X" question asks for ("which country" -> "country")."""
    for m in _FOCUS.finditer(question):
        noun = m["noun"].lower()
        if noun in PLACE_NOUNS or noun in PERSON_NOUNS:
            return noun
    m = _FOCUS.search(question)
    return m["noun"].lower() if m else None


def relevance_features(evidence: Evidence) -> tuple[float, ...]:
    """Return RELEVANCE_FEATURES of the chosen evidence."""
    return tuple(evidence.signals)


def answer_features(
    question: str, qtype: QuestionType, evidence: Evidence, passages: Sequence[Passage]
) -> tuple[float, ...]:
    """Return ANSWER_FEATURES of the evidence's best candidate (all zero without a candidate)."""
    if not evidence.candidates:
        return (0.0,) * len(ANSWER_FEATURES)
    best = evidence.candidates[0]
    second = evidence.candidates[1].score if len(evidence.candidates) > 1 else 0.0
    text = best.text.lower()
    mentions = sum(text in s.lower() for p in passages for s in split_sentences(p.text))
    focus = focus_noun(question)
    places = PLACE_NOUNS.get(focus or "")
    bare = text.removeprefix("the ")
    person_q = qtype.type is AnswerType.AGENT or focus in PERSON_NOUNS
    s = evidence.signals
    return (
        min(1.0, best.score),
        min(1.0, best.score - second),
        s.passage_cos,
        s.sentence_cos,
        s.coverage,
        s.phrase,
        math.log1p(mentions),
        float(text in question.lower()),
        float(places is not None and bare in places),
        float(places is not None and bare not in places),
        float(person_q and is_place(best.text)),
        min(len(best.text.split()), 6) / 6,
    )
