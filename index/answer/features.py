"""What the fitted models see: features of the chosen evidence (its passage, its sentence, its best typed
candidate) for "is the short answer right?" and "does the passage answer at all?".

Training (benchmarks/train_answers.py) and serving (index/engine.py) call the same functions, so a
model is fitted on exactly the numbers it is later given. Feature names are saved with the weights and
checked at load: code and weights cannot silently drift apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from index.answer.evidence import Evidence
from index.answer.extract import name_spans, proximity, question_positions
from index.answer.gazetteer import INSTITUTION_WORDS, PERSON_NOUNS, PLACE_NOUNS, is_place
from index.answer.grammar import apposition_bonus, role_bonus
from index.answer.qtype import AnswerType, QuestionType
from index.answer.spans import Choice, Span, wanted_kind
from index.passages import Passage
from index.text import STOPWORDS, content_stems, split_sentences

RELEVANCE_FEATURES = ("passage_cos", "coverage", "phrase", "typed")
SPAN_FEATURES = (
    "sentence_gap",  # its sentence's score minus the best sentence's (0 in the best sentence)
    "sentence_rank",  # 1 / (1 + the rank of its sentence)
    "passage_cos",
    "coverage",  # IDF-weighted share of the question's words in its sentence
    "phrase",  # share of the question's word pairs found as pairs in its sentence
    "proposed",  # the typed extractor proposed it
    "typed",  # the typed extractor's score for it (0 when not proposed)
    "typed_first",  # the typed extractor's first candidate in its sentence
    "type_fit",  # a date for "when", a number for "how many", a name otherwise
    "in_question",  # share of its words the question has
    "rarity",  # mean IDF of its words, over the largest possible
    "near",  # closeness to the question's words in its sentence
    "repeated",  # log(1 + sentences of the top passages that mention it)
    "in_title",  # its article's title mentions it
    "place_match",  # "which country/state" and it is one
    "place_miss",  # "which country/state" and it is not one
    "person_place",  # the question asks for a person and it is a place
    "focus_near",  # the question's "which X" noun is within two words of it in the sentence
    "at_start",  # it opens its sentence
    "focus_in",  # it contains the question's "which X" noun ("Southwest Airlines" for "which airline")
    "piece",  # a part of a longer name (the question's words and role words cut out)
    "role",  # a "who" question's verb has it as subject or agent, or its noun phrase stands beside it
    "institution",  # it holds a role or institution word ("Minister of Interior", "Ministerial Forum")
    "person_institution",  # the question asks for a person and it holds a role or institution word
    "asked_any",  # any of its words is the question's
    "number",
    "date",
    "words",  # its words (capped at 6, over 6)
    "type_cos",  # cosine of its embedding to the kind of thing asked ("tech company", "person", "place")
    "type_gap",  # type_cos minus the best type_cos among the spans
    "type_asked",  # the question says what kind of thing it asks for (type_cos is 0 otherwise)
)  # no prior per kind of question: how often "when" questions are right is the training set's, not the news'

CONFIDENCE_FEATURES = (
    "pooled",  # logit of the likeliest text's pooled span probability
    "single",  # logit of its likeliest span's probability
    "runner_up",  # logit of the next text's pooled probability
    "texts",  # log of the distinct texts among the spans of its kind (Choice.texts)
    "relevance",  # logit of P(the passage answers the question)
    "coverage",  # IDF-weighted share of the question's words in the answer's sentence
    "typed_pick",  # chosen by the typed extractor's rule (dates, quantities, people, expansions)
    "typed_coverage",  # typed_pick times coverage: a typed answer in a sentence that holds the question
    "typed_score",  # typed_pick times the typed extractor's score for it
    "agreed",  # a typed pick that the span model ranks first as well
)
_FOCUS = re.compile(r"\b(?:which|what)\s+(?P<words>[a-z]+(?:[\s\-]+[a-z]+){0,2})", re.I)
SENTENCE_FEATURES = (
    "score_gap",  # its hand-written score minus the best sentence's
    "sentence_rank",  # 1 / (1 + its rank)
    "passage_cos",
    "coverage",
    "phrase",
    "typed",  # its best typed candidate's score
    "span_max",  # the likeliest of its candidate spans
    "chosen",  # it holds the likeliest answer
)
_KIND_OF = re.compile(r"\b(?:which|what)\s+(?:(?:is|was|are|were)\s+the\s+)?(?P<rest>.*)", re.I)
_NOT_KIND = STOPWORDS | {"recently", "week", "year", "reportedly", "currently", "just", "now", "according"}
_PAST = frozenset(
    """won lost hit set made took became began broke bought brought built caught chose came cut drew
    drove fell fought found flew froze got gave went grew held kept knew led left let met paid put quit
    ran saw sold sent shot shut sang sank sat spoke spent stood stole struck swept swam taught told
    thought threw wore wrote""".split()
)
_TYPE_OF = re.compile(r"^(?:type|kind|sort|form)s?\s+of\s+", re.I)
_NOT_NOUNS = frozenset({"is", "are", "was", "were", "does", "do", "did", "has", "have", "had", "will", "can"})


def focus_noun(question: str) -> str | None:
    """Return the noun a "which/what X" question asks for: a place or person noun among its next three
    words ("which legendary music artist" -> "artist", "which country landed" -> "country"), else the
    first of them ("which airline will" -> "airline"); None when a verb follows ("what is")."""
    matches = list(_FOCUS.finditer(question))
    for m in matches:
        for word in re.split(r"[\s\-]+", m["words"].lower()):
            if word in PLACE_NOUNS or word in PERSON_NOUNS:
                return word
    for m in matches:
        first = re.split(r"[\s\-]+", m["words"].lower())[0]
        if first not in _NOT_NOUNS:
            return first
    return None


def asked_kind(question: str) -> str | None:
    """Return the kind of thing a question asks for: the noun phrase after "which/what" up to its verb,
    or after "what is/was the", its lowercase words if it has any, at most the last two ("which tech
    company cut" -> "tech company", "what was the code name of" -> "code name",
    "which London borough" -> "borough", "which animal's brain" -> "animal", "what type of infection" ->
    "infection"), "person" for "who", "place" for "where", "date" for "when", "number" for "how
    many/much", else None."""
    m = _KIND_OF.search(question)
    if m:
        words: list[str] = []
        rest = _TYPE_OF.sub("", m["rest"])
        for word in re.findall(r"[\w’'\-]+", rest):
            lower = word.lower()
            if lower in _NOT_KIND or lower in _NOT_NOUNS:
                break
            if words and (word.endswith("ed") or lower in _PAST):
                break  # "which country landed" -> "country", "which company lost" -> "company"
            owner = re.sub(r"['’]s?$", "", word)
            words.append(owner)
            if owner != word or len(words) == 4:
                break  # "which animal's brain" -> "animal"
        common = [w for w in words if w[:1].islower()]
        if words:
            return " ".join(common[-2:] if common else words[:2])
    if re.search(r"\bwho\b", question, re.I):
        return "person"
    if re.search(r"\bwhen\b", question, re.I):
        return "date"
    if re.search(r"\bhow\s+(?:many|much)\b", question, re.I):
        return "number"
    if re.search(r"\bwhere\b", question, re.I):
        return "place"
    return None


# A number or a date is compared by its shape ("$4.25" as "$5.55", "in 2030" as "in 2000"): its digits
# say nothing of the kind asked, and shapes recur across questions, so their vectors are remembered
# (a quarter of the phrases a question compares are numbers or dates).
_DIGITS = re.compile(r"\b(?:1[5-9]|20)\d\d\b|\d")  # a year, else one digit


def _shape(text: str) -> str:
    return _DIGITS.sub(lambda m: "2000" if len(m.group()) == 4 else "5", text)


def type_fit(kind: str | None, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> list[float]:
    """Return each text's cosine to the kind of thing asked for (asked_kind); zeros when the question does
    not say (kind None). Each distinct text is embedded once, in one batch."""
    if kind is None or not texts:
        return [0.0] * len(texts)
    distinct = list(dict.fromkeys(texts))
    vectors = embed([kind, *distinct])
    cos = dict(zip(distinct, (vectors[1:] @ vectors[0]).tolist(), strict=True))
    return [cos[t] for t in texts]


def relevance_features(evidence: Evidence) -> tuple[float, ...]:
    """Return RELEVANCE_FEATURES of the chosen evidence."""
    return tuple(evidence.signals)


def span_features(
    question: str,
    qtype: QuestionType,
    spans: Sequence[Span],
    passages: Sequence[Passage],
    *,
    rarity: Callable[[str], float],
    embed: Callable[[list[str]], np.ndarray],
) -> list[tuple[float, ...]]:
    """Return SPAN_FEATURES of each candidate span (the spans of index/answer/spans.py); `embed` returns
    unit vectors of texts (the engine's encoder)."""
    if not spans:
        return []
    kind = asked_kind(question)
    texts = [_shape(s.candidate.text) if s.kind in ("number", "date") else s.candidate.text for s in spans]
    fits = type_fit(kind, texts, embed)
    best_fit, asked_for = max(fits), float(kind is not None)
    best = max(s.evidence.score for s in spans)
    asked = set(content_stems(question))
    sentences = [s.lower() for p in passages for s in split_sentences(p.text)]
    focus = focus_noun(question)
    focus_stem = (content_stems(focus) or [None])[0] if focus else None
    places = PLACE_NOUNS.get(focus or "")
    agent = qtype.type is AnswerType.AGENT
    person_q = agent or focus in PERSON_NOUNS
    positions: dict[int, list[int]] = {}
    firsts: dict[int, int] = {}
    rows = []
    for span, fit_cos in zip(spans, fits, strict=True):
        c, ev = span.candidate, span.evidence
        text = c.text.lower()
        bare = text.removeprefix("the ")
        if id(ev) not in positions:
            positions[id(ev)] = question_positions(ev.sentence, asked)
            if (
                agent
            ):  # where the sentence's first name starts: only the verb rule of "who" questions needs it
                names = name_spans(ev.sentence)
                firsts[id(ev)] = names[0][1] if names else -1
        stems = content_stems(c.text)
        role = agent and (
            role_bonus(ev.sentence, c.start, c.end, question, firsts[id(ev)]) > 0
            or apposition_bonus(ev.sentence, c.start, c.end, question) > 0
        )
        institution = any(w.strip(".,").lower() in INSTITUTION_WORDS for w in c.text.split())
        fit = span.proposed or wanted_kind(qtype) == span.family
        around = content_stems(ev.sentence[max(0, c.start - 30) : c.start])[-2:]
        around += content_stems(ev.sentence[c.end : c.end + 30])[:2]
        rows.append(
            (
                ev.score - best,
                1.0 / (1 + span.rank),
                ev.signals.passage_cos,
                ev.signals.coverage,
                ev.signals.phrase,
                float(span.proposed),
                span.typed,
                float(span.typed_first),
                float(fit),
                sum(s in asked for s in stems) / len(stems) if stems else 0.0,
                rarity(c.text),
                proximity(c.start, c.end, positions[id(ev)], ev.sentence),
                math.log1p(sum(text in s for s in sentences)),
                float(text in ev.passage.title.lower()),
                float(places is not None and bare in places),
                float(places is not None and bare not in places),
                float(person_q and is_place(c.text)),
                float(focus_stem is not None and focus_stem in around),
                float(c.start == 0),
                float(focus_stem is not None and focus_stem in stems),
                float(span.kind == "piece"),
                float(role),
                float(institution),
                float(person_q and institution),
                float(any(s in asked for s in stems)),
                float(span.kind == "number"),
                float(span.kind == "date"),
                min(len(c.text.split()), 6) / 6,
                fit_cos,
                fit_cos - best_fit,
                asked_for,
            )
        )
    return rows


def sentence_features(
    ranked: Sequence[Evidence],
    spans: Sequence[Span],
    span_p: Sequence[float],
    chosen: Span | None,
) -> list[tuple[float, ...]]:
    """Return SENTENCE_FEATURES of each ranked sentence: which one to show when the short answer is unsure."""
    probs: dict[int, list[float]] = {}
    for span, p in zip(spans, span_p, strict=True):
        probs.setdefault(id(span.evidence), []).append(p)
    best = max((ev.score for ev in ranked), default=0.0)
    rows = []
    for rank, ev in enumerate(ranked):
        mine = probs.get(id(ev), [])
        holds = chosen is not None and chosen.evidence is ev
        rows.append(
            (
                ev.score - best,
                1.0 / (1 + rank),
                ev.signals.passage_cos,
                ev.signals.coverage,
                ev.signals.phrase,
                ev.signals.typed,
                max(mine, default=0.0),
                float(holds),
            )
        )
    return rows


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def confidence_features(choice: Choice, spans: Sequence[Span], relevance: float) -> tuple[float, ...]:
    """Return CONFIDENCE_FEATURES of the likeliest answer among the spans."""
    span = spans[choice.index]
    return (
        _logit(choice.pooled),
        _logit(choice.single),
        _logit(choice.runner_up),
        math.log(choice.texts),
        _logit(relevance),
        span.evidence.signals.coverage,
        float(choice.typed_pick),
        float(choice.typed_pick) * span.evidence.signals.coverage,
        float(choice.typed_pick) * span.typed,
        float(choice.agreed),
    )
