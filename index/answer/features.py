"""What the answer models see: features of candidate sentences and of candidate short answers.

Training (benchmarks/train_answers.py) and serving (index/engine.py) call the same functions, so a
model is fitted on exactly the numbers it is later given. Feature names are saved with the weights and
checked at load: code and weights cannot silently drift apart.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from corpus.dates import find_dates
from index.answer.extract import _NUMBER, _proximity, _question_positions, candidates, name_spans
from index.answer.gazetteer import PERSON_NOUNS, PLACE_NOUNS, is_place
from index.answer.qtype import AnswerType, QuestionType
from index.answer.terms import QuestionTerms
from index.passages import Passage
from index.text import STOPWORDS, content_stems, split_sentences

SENTENCE_FEATURES = (
    "passage_cos",  # cosine of the question to the sentence's passage
    "passage_rank",  # 1 / (1 + rank of the passage in the fused retrieval)
    "coverage",  # IDF-weighted share of the question's words in the sentence (title: half)
    "phrase",  # share of the question's word pairs found as pairs in the sentence
    "title_coverage",  # IDF-weighted share of the question's words in the article title
    "typed",  # the sentence holds a span of the kind the question asks for, not in the question
    "length",  # log of the sentence's words
    "lead",  # first sentence of the article
    "quoted",  # a quotation (news quotes rarely state the fact asked for)
)
CANDIDATE_FEATURES = (
    "sentence_p",  # the sentence model's probability for the candidate's best sentence
    "sentence_rank",  # 1 / (1 + rank of that sentence)
    "heuristic",  # score of the hand-written typed extractor for this span (0 where it has none)
    "count",  # log(1 + sentences of the top passages that mention it)
    "articles",  # log(1 + distinct articles among the top passages that mention it)
    "in_question",  # the question itself contains the candidate
    "overlap",  # share of the candidate's words that are question words
    "proximity",  # 1 / (1 + words between it and the nearest question word in its sentence)
    "type_match",  # its kind is the kind the question asks for (date, quantity, name)
    "type_clash",  # the question asks for a typed answer of another kind
    "kind_name",
    "kind_number",
    "kind_date",
    "kind_word",  # a lowercase word (offered only where the question wants a thing: "what sport")
    "place_match",  # "which country/state" and the candidate is one
    "place_miss",  # "which country/state" and the candidate is not one
    "person_place",  # the question asks for a person and the candidate is a place
    "words",  # number of words (capped at 6, over 6)
    "in_title",  # the article's title mentions it
    "rarity",  # mean IDF of its words, scaled to [0, 1]
)

_MONEY = re.compile(r"(?:[$€£]\s?\d[\d,.]*(?:\s*(?:million|billion|trillion|bn|m)\b)?)", re.I)
_FOCUS = re.compile(r"\b(?:which|what)\s+(?:[a-z]+\s+)?(?P<noun>[a-z]+)\b", re.I)
_QUOTE = re.compile(r"[\"“”]")
_LOWER = re.compile(r"(?<![\w'’-])[a-z][a-z\-]{2,}(?![\w'’-])")


class SentenceRow(NamedTuple):
    """A sentence of a top passage, with its features."""

    sentence: str
    passage: Passage
    rank: int  # of its passage in the fused ranking
    features: tuple[float, ...]


class CandidateRow(NamedTuple):
    """A possible short answer, its best occurrence, and its features."""

    text: str
    sentence: int  # index into the sentence rows
    kind: str  # "name", "number" or "date"
    features: tuple[float, ...]


def focus_noun(question: str) -> str | None:
    """Return the head noun a "which/what X" question asks for ("which country" -> "country")."""
    for m in _FOCUS.finditer(question):
        noun = m["noun"].lower()
        if noun in PLACE_NOUNS or noun in PERSON_NOUNS:
            return noun
    m = _FOCUS.search(question)
    return m["noun"].lower() if m else None


def _has_kind(sentence: str, qtype: QuestionType, question_low: str) -> bool:
    if qtype.type is AnswerType.DATE:
        return bool(find_dates(sentence))
    if qtype.type is AnswerType.QUANTITY:
        return bool(_NUMBER.search(sentence) or _MONEY.search(sentence))
    if qtype.type in (AnswerType.AGENT, AnswerType.PLACE, AnswerType.ENTITY):
        return any(s[0].lower() not in question_low for s in name_spans(sentence))
    return False


def sentence_rows(
    question: str,
    qtype: QuestionType,
    terms: QuestionTerms,
    passages: Sequence[Passage],
    cosines: dict[int, float],
) -> list[SentenceRow]:
    """Return every sentence of the passages (ranked best first) with its features."""
    low = question.lower()
    rows = []
    for rank, passage in enumerate(passages):
        title_cov = terms.coverage(passage.title, "")
        for i, sentence in enumerate(split_sentences(passage.text)):
            features = (
                cosines.get(passage.id, 0.0),
                1.0 / (1 + rank),
                terms.coverage(sentence, passage.title),
                terms.phrase(sentence),
                title_cov,
                float(_has_kind(sentence, qtype, low)),
                math.log(1 + len(sentence.split())),
                float(passage.ordinal == 0 and i == 0),
                float(bool(_QUOTE.search(sentence))),
            )
            rows.append(SentenceRow(sentence, passage, rank, features))
    return rows


def _spans(sentence: str, *, nouns: bool) -> list[tuple[str, int, int, str]]:
    """Return (text, start, end, kind) of the names, numbers and dates in a sentence (and, with `nouns`,
    its lowercase content words)."""
    dates = find_dates(sentence)
    taken = [(d.start, d.end) for d in dates]
    out = [(d.text, d.start, d.end, "date") for d in dates]
    for m in [*_MONEY.finditer(sentence), *_NUMBER.finditer(sentence)]:
        if not any(a < m.end() and m.start() < b for a, b in taken):
            out.append((m.group().strip(), m.start(), m.end(), "number"))
            taken.append(m.span())
    for text, start, end, _ in name_spans(sentence):
        if not any(a < end and start < b for a, b in taken):
            out.append((text, start, end, "name"))
            taken.append((start, end))
    if nouns:
        for m in _LOWER.finditer(sentence):
            if m.group() not in STOPWORDS and not any(a < m.end() and m.start() < b for a, b in taken):
                out.append((m.group(), m.start(), m.end(), "word"))
    return out


_WANTS = {
    AnswerType.DATE: "date",
    AnswerType.QUANTITY: "number",
    AnswerType.AGENT: "name",
    AnswerType.PLACE: "name",
    AnswerType.ENTITY: "name",
}


def _key(text: str) -> str:
    return re.sub(r"^the\s+", "", text.lower()).strip(" .,'’\"")


def candidate_rows(
    question: str,
    qtype: QuestionType,
    rows: Sequence[SentenceRow],
    probs: Sequence[float],
    *,
    top: int = 5,
    published: Callable[[str], dt.date | None],
    rarity: Callable[[str], float],
) -> list[CandidateRow]:
    """Return the distinct candidate answers of the `top` most probable sentences, with features.

    Each candidate is described at its occurrence in the best sentence; how many sentences and
    articles of the top passages repeat it is counted over all rows (news repeats the answer).
    """
    order = sorted(range(len(rows)), key=lambda i: -probs[i])
    low_question = question.lower()
    q_stems = set(content_stems(question))
    focus = focus_noun(question)
    places = PLACE_NOUNS.get(focus or "")
    person_q = qtype.type is AnswerType.AGENT or focus in PERSON_NOUNS
    wants = _WANTS.get(qtype.type)
    nouns = qtype.type in (AnswerType.ENTITY, AnswerType.OTHER) and not person_q
    lowered = [r.sentence.lower() for r in rows]
    best: dict[str, CandidateRow] = {}
    for rank, i in enumerate(order[:top]):
        row = rows[i]
        sentence = row.sentence
        heuristic = {
            (c.start, c.end): c.score
            for c in candidates(
                sentence, qtype, question, reference=published(row.passage.article_id), rarity=rarity
            )
        }
        spans = _spans(sentence, nouns=nouns and rank < 3)
        known = {(s, e) for _, s, e, _ in spans}
        spans += [(sentence[s:e], s, e, wants or "name") for (s, e) in heuristic if (s, e) not in known]
        positions = _question_positions(sentence, q_stems)
        for text, start, end, kind in spans:
            key = _key(text)
            if not key or key in best:
                continue
            mentions = [j for j, s in enumerate(lowered) if key in s]
            stems = content_stems(text)
            overlap = sum(s in q_stems for s in stems) / len(stems) if stems else 1.0
            place = is_place(text)
            features = (
                probs[i],
                1.0 / (1 + rank),
                min(1.5, heuristic.get((start, end), 0.0)),
                math.log1p(len(mentions)),
                math.log1p(len({rows[j].passage.article_id for j in mentions})),
                float(key in low_question),
                overlap,
                _proximity(start, end, positions, sentence),
                float(wants == kind),
                float(wants is not None and wants != kind),
                float(kind == "name"),
                float(kind == "number"),
                float(kind == "date"),
                float(kind == "word"),
                float(places is not None and text.lower().removeprefix("the ") in places),
                float(places is not None and text.lower().removeprefix("the ") not in places),
                float(person_q and place),
                min(len(text.split()), 6) / 6,
                float(key in row.passage.title.lower()),
                rarity(text) if kind == "name" else 0.0,
            )
            best[key] = CandidateRow(text, i, kind, features)
    return list(best.values())
