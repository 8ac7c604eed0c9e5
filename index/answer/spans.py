"""Every span of a sentence that could be a short answer: names, numbers, dates, whatever the question.

The typed extractor (index/answer/extract.py) finds what a question's type asks for and scores it by
hand; here every capitalised name, number and date of the top sentences becomes a candidate too, and the
fitted span model (index/answer/features.py, model.py) ranks them all. News-quiz answers are mostly such
spans even when the question does not say what it wants ("What did the Cannes Film Festival ban?").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from corpus.dates import find_dates
from index.answer.evidence import Evidence
from index.answer.extract import Candidate, name_spans
from index.answer.gazetteer import is_place
from index.answer.qtype import AnswerType, QuestionType
from index.text import STOPWORDS, content_stems

_MONEY_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£]\s?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"(?:\s*(?:%|percent|per cent|million|billion|thousand|trillion|mln|bln))?(?![\w])",
    re.I,
)


class Span(NamedTuple):
    """A candidate answer, the sentence it is in, and what kind of text it is."""

    candidate: Candidate
    evidence: Evidence
    rank: int  # the sentence's rank among the top sentences (0: the best)
    kind: str  # "name", "piece" (of a longer name), "number" or "date"
    proposed: bool  # the typed extractor proposed it
    typed: float  # the typed extractor's score for it (0: the extractor did not propose it)
    typed_first: bool  # it is the typed extractor's first candidate in its sentence

    @property
    def family(self) -> str:
        """Return its kind, a piece of a name counting as a name (what competes with what)."""
        return "name" if self.kind == "piece" else self.kind


# a quoted title or motto (“Golden,” “crime steers online”), at most six words: not speech, nor the text
# between one quotation and the next (' the CDC wrote – adding that ')
_QUOTED = re.compile(r"[“\"](?P<text>[^”\"\s](?:[^”\"\s]|\s(?!\s)){0,58}?[^”\"\s,.;:!?])[,.;:!?]?[”\"]")
_ROLE = frozenset(
    """president minister governor gov senator sen rep representative speaker mayor ceo chief director
    secretary chairman chair leader king queen prince princess judge coach star actor actress singer
    founder chancellor general commissioner spokesperson spokesman spokeswoman ambassador envoy diplomat""".split()
)


def _pieces(text: str, start: int, asked: set[str]) -> list[Candidate]:
    """Return the parts of a name left when the question's words (and words of their family: the same
    first six letters of the stem) and role words are cut out of it ("TikTok CEO Shou Zi Chew" -> "TikTok",
    "Shou Zi Chew"; "President of Peru" -> "Peru"; "Ministerial Conference" for "which ministry" -> none)."""
    words = list(re.finditer(r"\S+", text))
    kin = {a[:6] for a in asked if len(a) >= 6}  # "Ministerial" is the question's "ministry" too
    cut = [
        not stems or stems[0] in asked or stems[0][:6] in kin or w.group().lower().strip(".") in _ROLE
        for w in words
        for stems in [content_stems(w.group())]
    ]
    if not any(cut) or all(cut):
        return []
    out, run = [], []
    for w, drop in [*zip(words, cut, strict=True), (None, True)]:
        if not drop and w is not None:
            run.append(w)
            continue
        if run and len(run) < len(words):
            a, b = run[0].start(), run[-1].end()
            out.append(Candidate(text[a:b], start + a, start + b, 0.0))
        run = []
    return out


def _general(sentence: str, reference: dt.date | None, asked: set[str]) -> list[tuple[Candidate, str]]:
    dates = find_dates(sentence, reference)
    taken = [(d.start, d.end) for d in dates]
    out = [(Candidate(d.text, d.start, d.end, 0.0), "date") for d in dates]
    for m in _MONEY_NUMBER.finditer(sentence):
        if not any(a <= m.start() < b for a, b in taken):
            out.append((Candidate(m.group(), m.start(), m.end(), 0.0), "number"))
    for text, start, end, _ in name_spans(sentence):
        # a name opens with a digit only as an ordinal before it ("19th Amendment"); else it is a number
        if not any(a < end and start < b for a, b in taken) and (not text[0].isdigit() or " " in text):
            out.append((Candidate(text, start, end, 0.0), "name"))
            out.extend((piece, "piece") for piece in _pieces(text, start, asked))
    for m in _QUOTED.finditer(sentence):  # titles and mottos: “crime steers online”, “Golden”
        if len(m["text"].split()) <= 6:
            out.append((Candidate(m["text"], m.start("text"), m.end("text"), 0.0), "name"))
    return out


TYPED_FIRST = frozenset({AnswerType.DATE, AnswerType.QUANTITY, AnswerType.AGENT, AnswerType.EXPANSION})
_KIND = {AnswerType.DATE: "date", AnswerType.QUANTITY: "number"}


def typed_sentence_first(qtype: QuestionType, ranked: Sequence[Evidence]) -> bool:
    """Return True when the sentence shown is the best-ranked one by rule: a date, quantity, person or
    expansion question whose best sentence holds a typed candidate (one that holds none, "How much heroin
    was confiscated?" answered by a sentence without a quantity, leaves the choice to the sentence model)."""
    return qtype.type in TYPED_FIRST and bool(ranked) and bool(ranked[0].candidates)


def wanted_kind(qtype: QuestionType) -> str:
    """Return the kind of span a question asks for: a date for "when", a number for "how many", else a name."""
    return _KIND.get(qtype.type, "name")


def role_only(text: str) -> bool:
    """Return True when a text is nothing but role words ("Ambassador", "Director General"): no answer to
    "which diplomat" or "who", only to a question about a position."""
    words = [w.lower().strip(".,") for w in text.split()]
    return bool(words) and all(w in _ROLE or w in STOPWORDS for w in words) and any(w in _ROLE for w in words)


_TITLE_ASKED = frozenset(content_stems("position title role job post rank office"))


def spans_of(
    ranked: list[Evidence], qtype: QuestionType, asked: set[str], reference: dict[str, dt.date | None]
) -> list[Span]:
    """Return the candidates of the ranked sentences: the typed extractor's, then every other name,
    number and date and the parts of longer names (each span once, none of role words alone unless a
    position is asked for), sentence by sentence. `asked`: the
    question's stems; `reference` maps an article id to its date (relative dates resolve against it)."""
    out = []
    titles_asked = bool(asked & _TITLE_ASKED)  # "what position does she hold?": "Ambassador" is an answer
    for rank, found in enumerate(ranked):
        seen: set[tuple[int, int]] = set()
        for i, c in enumerate(found.candidates):
            if (c.start, c.end) not in seen and (titles_asked or not role_only(c.text)):
                seen.add((c.start, c.end))
                out.append(Span(c, found, rank, wanted_kind(qtype), True, min(1.0, c.score), i == 0))
        for c, kind in _general(found.sentence, reference.get(found.passage.article_id), asked):
            if (c.start, c.end) not in seen and (titles_asked or not role_only(c.text)):
                seen.add((c.start, c.end))
                out.append(Span(c, found, rank, kind, False, 0.0, False))
    return out


class Choice(NamedTuple):
    """The likeliest answer text among the spans, and how it stands against the others."""

    index: int  # its likeliest span
    pooled: float  # noisy-or of its spans' probabilities ("India" in three sentences beats one)
    single: float  # its likeliest span's probability
    runner_up: float  # the pooled probability of the next text
    texts: int  # distinct texts among the spans of its kind (dates compete with dates)
    typed_pick: bool  # the typed extractor's first candidate in the best sentence (see TYPED_FIRST)
    agreed: bool  # a typed pick that the pooled scores rank first as well


def likeliest(spans: Sequence[Span], probs: Sequence[float], *, qtype: QuestionType) -> Choice | None:
    """Return the likeliest answer: spans of the same text pool their evidence, the span shown is that
    text's likeliest; None without spans. For dates, quantities, people and expansions the typed
    extractor's first candidate in the best sentence is the answer when there is one: on the held-out
    news it was right as often as the model's choice or more (its verb and apposition rules see what
    news-quiz training data seldom shows). Pooled values are rankings, not calibrated probabilities: the
    confidence model in index/answer/model.py turns them into one."""
    pooled: dict[str, list[int]] = {}
    for i, span in enumerate(spans):
        pooled.setdefault(span.candidate.text.lower(), []).append(i)
    scored = sorted(
        ((1.0 - math.prod(1.0 - probs[i] for i in members), key) for key, members in pooled.items()),
        key=lambda pk: -pk[0],
    )
    if not scored:
        return None
    chosen, typed_pick = scored[0], False
    if qtype.type in TYPED_FIRST:
        typed = [s.candidate.text.lower() for s in spans if s.rank == 0 and s.typed_first]
        chosen = next((pk for pk in scored if typed and pk[1] == typed[0]), chosen)
        typed_pick = bool(typed) and chosen[1] == typed[0]
    best = max(pooled[chosen[1]], key=lambda i: probs[i])
    runner_up = max((p for p, key in scored if key != chosen[1]), default=0.0)
    family = spans[best].family
    texts = len({s.candidate.text.lower() for s in spans if s.family == family})
    return Choice(
        best, chosen[0], probs[best], runner_up, texts, typed_pick, typed_pick and chosen is scored[0]
    )


_NUMERAL = re.compile(r"(?:[IVX]+|\d+)")


def full_form(text: str, texts: Iterable[str], asked: set[str]) -> str:
    """Return the fullest name the texts give for a short answer: "Taylor Swift" for "Swift" (more names
    before it, no role word among them), "America Party" for "America" when the question asks for a party,
    "Artemis II" for "Artemis"; the most frequent such form, else the text itself."""
    words = text.split()
    if not words or not words[0][:1].isupper():
        return text
    n = len(words)
    counts: Counter[str] = Counter()
    for blob in texts:
        if text not in blob:
            continue
        for name, _, _, _ in name_spans(blob):
            longer = name.split()
            if not n < len(longer) <= n + 3:
                continue
            if longer[-n:] == words:
                extra = longer[:-n]
                while extra and extra[0].lower().strip(".") in _ROLE:  # "President Joe Biden" -> "Joe Biden"
                    extra = extra[1:]
                if not extra or any(w.lower().strip(".") in _ROLE or _stem(w) in asked for w in extra):
                    continue
                name = " ".join([*extra, *words])
            elif longer[:n] == words:
                if not all(_stem(w) in asked or _NUMERAL.fullmatch(w) for w in longer[n:]):
                    continue
            else:
                continue
            counts[name] += 1
    return max(counts, key=lambda name: (counts[name], len(name))) if counts else text


def with_region(text: str, sentence: str, end: int) -> str:
    """Return a town with the state or country the sentence puts after it ("Davos, Switzerland",
    "Anchorage, Alaska"); the text alone when none follows or the text is itself a country or state."""
    after = re.match(r",\s+", sentence[end:])
    if after is None or is_place(text):
        return text
    start = end + after.end()
    region = next((name for name, at, _, _ in name_spans(sentence) if at == start), None)
    return f"{text}, {region}" if region and is_place(region) else text


def shown_text(span: Span, texts: Iterable[str], asked: set[str]) -> str:
    """Return the short answer a span shows: a name in full (full_form) with its region (with_region),
    anything else as written."""
    c = span.candidate
    if span.kind in ("name", "piece"):
        return with_region(full_form(c.text, texts, asked), span.evidence.sentence, c.end)
    if span.kind == "number":
        # the words after it that the question counts: "3 Operational partners", not "3 Operational"
        m = _ASKED_UNIT.match(span.evidence.sentence, c.end)
        more = [w for w in (m.group(1), m.group(2)) if w] if m else []
        kept = []
        for word in more:
            if _stem(word) not in asked:
                break
            kept.append(word)
        return " ".join([c.text, *kept])
    return c.text


_ASKED_UNIT = re.compile(r"\s+([A-Za-z\-]+)(?:\s+([A-Za-z\-]+))?")


def _stem(word: str) -> str | None:
    stems = content_stems(word)
    return stems[0] if stems else None
