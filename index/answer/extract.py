"""Pull a short, typed answer out of a sentence: a date, a name, a quantity, a place, an expansion."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from corpus.dates import find_dates
from index.answer.candidate import Candidate
from index.answer.grammar import TITLE, apposition_bonus, governed, role_bonus
from index.answer.qtype import QUESTION_WORDS, AnswerType, QuestionType
from index.answer.quantities import quantities
from index.text import STOPWORDS, content_stems

_CAPWORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'\-]*[\w]|[A-Z]\.|[A-Z])"  # "U.S." is one word
_CONNECT_WORDS = "of the|for the|of|for|and|de|del|da|di|von|van|der|la|le|&"  # inside a name
_CONNECT = f"(?:{_CONNECT_WORDS})"
_ORDINAL = r"(?:\d{1,3}(?:st|nd|rd|th)\s+)"  # "19th Amendment", "2nd Circuit"
_SPAN = re.compile(
    rf"(?P<title>\b{TITLE}\s+)?(?P<span>\b{_ORDINAL}?{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)?{_CAPWORD})*)"
)
_LEADING = {
    "the",
    "a",
    "an",
    "during",
    "on",
    "in",
    "at",
    "by",
    "for",
    "from",
    "with",
    "within",
    "following",
    "after",
    "before",
    "currently",
    "as",
    "among",
    "under",
    "to",
    "when",
    "while",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "their",
    "its",
    "our",
    "also",
    "however",
    "meanwhile",
    "according",
    "both",
    "all",
    "some",
    "many",
}
_PLACE_PREP = re.compile(r"\b(?:in|at|from|to|near|into|across|outside|inside|around)\s+(?:the\s+)?$", re.I)


def question_positions(sentence: str, question_stems: set[str]) -> list[int]:
    positions = []
    for m in re.finditer(r"[A-Za-z0-9\u00C0-\u024F]+", sentence):
        stems = content_stems(m.group())
        if stems and stems[0] in question_stems:
            positions.append(m.start())
    return positions


def proximity(start: int, end: int, positions: list[int], sentence: str) -> float:
    if not positions:
        return 0.0
    gaps = []
    for p in positions:
        lo, hi = (end, p) if p >= end else (p, start)
        gaps.append(len(sentence[lo:hi].split()) if hi > lo else 0)
    return 1.0 / (1.0 + min(gaps))


def _restates(text: str, question_stems: set[str]) -> bool:
    """Return True when a name opens with two words of the question: the thing it asks about, with
    qualifiers ("Controlled Delivery Manual for South-East European Countries" for "who updated the
    controlled delivery manual"), not its answer."""
    stems = content_stems(text)
    return len(stems) >= 3 and stems[0] in question_stems and stems[1] in question_stems


def _overlap(text: str, question_stems: set[str]) -> float:
    stems = content_stems(text)
    return sum(s in question_stems for s in stems) / len(stems) if stems else 1.0


# three words in capitals ("SIGNED THE BILL") are a shouted headline, not a name
_SHOUTED = re.compile(r"(?:^|\s)[A-Z’'\-]+\s+[A-Z’'\-]+\s+[A-Z’'\-]+(?:\s|$)")
_ZONES = frozenset({"ET", "EST", "EDT", "CT", "CST", "CDT", "PT", "PST", "PDT", "GMT", "BST", "UTC", "CET"})


def _strip_leading(span: str, start: int) -> tuple[str, int]:
    tokens = span.split(" ")
    while tokens and (tokens[0].lower() in _LEADING | STOPWORDS or tokens[0] in _ZONES):
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower() in STOPWORDS or re.fullmatch(TITLE, tokens[-1])):
        tokens = tokens[:-1]  # "Maleeva and Mr" -> "Maleeva"
    return " ".join(tokens), start


def asked_names(question: str) -> list[tuple[str, ...]]:
    """Return the names of two content words or more that a question gives, each with its shorter forms,
    longest first: "SELEC's Director General of Customs Administration of Serbia" -> ("Director General of
    Customs Administration of Serbia", "Director General of Customs Administration", "Director General");
    its opening question word and a possessive owner are not part of it."""
    out = []
    for text, start, _, _ in name_spans(question):
        words = text.split()
        if start == 0 and words[0].lower() in QUESTION_WORDS:
            words = words[1:]
        owner = next((i for i, w in enumerate(words) if w.endswith(("'s", "’s"))), None)
        if owner is not None:
            words = words[owner + 1 :]
        forms = [
            " ".join(words[:cut])
            for cut in range(len(words), 1, -1)
            if cut == len(words) or words[cut].lower() in _CONNECTORS
        ]
        forms = [f for f in forms if len(content_stems(f)) >= 2]
        if forms:
            out.append(tuple(forms))
    return out


_CONNECTORS = frozenset(
    w for w in _CONNECT_WORDS.split("|") if " " not in w
)  # the one-word ones: "of", "and"


def name_spans(sentence: str) -> list[tuple[str, int, int, bool]]:
    """Return capitalised spans (text, start, end, preceded by a title such as "Mr.")."""
    return list(_name_spans(sentence))


@functools.lru_cache(maxsize=4096)  # a sentence's names are asked for by the typed, general and span steps
def _name_spans(sentence: str) -> tuple[tuple[str, int, int, bool], ...]:
    out = []
    for m in _SPAN.finditer(sentence):
        text, start = _strip_leading(m["span"], m.start("span"))
        shouted = _SHOUTED.search(text)
        if shouted:  # "Donald Trump SIGNED THE BILL TO RELEASE" -> "Donald Trump"
            text = text[: shouted.start()]
        if not text or re.fullmatch(TITLE, text):
            continue
        if text.endswith(("’s", "'s")) and len(text) > 3:  # "Oregon’s governor" -> Oregon
            text = text[:-2]
        out.append((text, start, start + len(text), bool(m["title"])))
    return tuple(out)


_FUTURE = re.compile(r"\bwill\b|\b(?:is|are)\s+(?:going|set|scheduled|due|expected)\s+to\b", re.I)


def _dates(sentence: str, q: QuestionType, question: str, reference: dt.date | None) -> list[Candidate]:
    want_year = bool(re.search(r"\b(what|which)\s+year\b|\bin\s+what\s+year\b", question, re.I))
    future = reference is not None and _FUTURE.search(question) is not None
    out = []
    for d in find_dates(sentence, reference):
        core = re.sub(r"^(?:on|in|at|since|by|from|until|during|last|this)\s+", "", d.text, flags=re.I)
        if re.search(rf"\b{re.escape(core)}\b", question, re.I):
            continue  # "...died Wednesday. When did she join the band?": the question's own date
        if future and d.date is not None and reference is not None and d.date <= reference:
            continue  # "When will the second meeting take place?" is not answered by a day already past
        if d.precision == "year" and not want_year:
            weight = 0.4
        else:
            weight = {"day": 1.0, "month": 0.8, "year": 0.6}[d.precision]
        text = d.text
        if not d.explicit_year and d.date is not None:
            text = f"{d.text} ({d.date.day} {d.date:%B %Y})"
        out.append(Candidate(text, d.start, d.end, weight))
    return out


def _expansions(sentence: str, acronym: str) -> list[Candidate]:
    out = []
    for m in re.finditer(rf"\(\s*{re.escape(acronym)}\b", sentence):
        before = sentence[: m.start()].rstrip()
        spans = [s for s in name_spans(before) if s[2] >= len(before) - 6]
        if spans:
            text, start, end, _ = spans[-1]
            out.append(Candidate(text, start, end, 1.0))
    for m in re.finditer(rf"\b{re.escape(acronym)}\s*\(([^)]+)\)", sentence):
        out.append(Candidate(m[1].strip(), m.start(1), m.end(1), 1.0))
    return out


def _names(
    sentence: str, q: QuestionType, question: str, question_stems: set[str], rarity: Callable[[str], float]
) -> list[Candidate]:
    positions = question_positions(sentence, question_stems)
    dates = [(d.start, d.end) for d in find_dates(sentence)]
    spans = [s for s in name_spans(sentence) if not any(a < s[2] and s[1] < b for a, b in dates)]
    first_name = spans[0][1] if spans else -1
    out = []
    for text, start, end, titled in spans:
        overlap = _overlap(text, question_stems)
        focus_hit = q.focus is not None and q.focus.split()[0] in text.lower()
        if (overlap >= 0.5 or _restates(text, question_stems)) and not focus_hit:
            continue
        score = 0.45 * rarity(text) + 0.35 * proximity(start, end, positions, sentence)
        if q.type is AnswerType.AGENT:
            score += 0.2 if titled else 0.0
            score += role_bonus(sentence, start, end, question, first_name)
            score += apposition_bonus(sentence, start, end, question)
        if q.type is AnswerType.PLACE:
            score += 0.3 if _PLACE_PREP.search(sentence[:start]) else -0.2
        if focus_hit:
            score += 0.5
        score -= 0.3 * overlap
        out.append(Candidate(text, start, end, score))
    return out


def candidates(
    sentence: str,
    q: QuestionType,
    question: str,
    *,
    reference: dt.date | None = None,
    rarity: Callable[[str], float] = lambda text: 0.5,
) -> list[Candidate]:
    """Return the typed answer candidates in a sentence, best first (none for AnswerType.OTHER)."""
    question_stems = set(content_stems(question))
    if q.type is AnswerType.DATE:
        found = _dates(sentence, q, question, reference)
        positions = question_positions(sentence, question_stems)
        found = [
            c._replace(
                score=c.score
                + 0.5 * proximity(c.start, c.end, positions, sentence)
                + 0.6 * governed(sentence, c.start, question_stems)
            )
            for c in found
        ]
    elif q.type is AnswerType.QUANTITY:
        found = quantities(sentence, question, question_stems)
    elif q.type is AnswerType.EXPANSION:
        found = _expansions(sentence, q.focus or "")
    elif q.type in (AnswerType.AGENT, AnswerType.PLACE, AnswerType.ENTITY):
        found = _names(sentence, q, question, question_stems, rarity)
    else:
        found = []
    return sorted(found, key=lambda c: (-c.score, c.start))
