"""What kind of answer a question wants: a date, a person or organisation, a quantity, a place..."""

from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple


class AnswerType(Enum):
    """The expected type of a short answer."""

    DATE = "date"
    AGENT = "agent"  # a person or an organisation
    QUANTITY = "quantity"
    PLACE = "place"
    EXPANSION = "expansion"  # what an acronym stands for
    ENTITY = "entity"  # a named thing: "which operation", "what is the name of"
    OTHER = "other"  # no short answer: the sentence is the answer


class QuestionType(NamedTuple):
    """The expected answer type, and the head noun or acronym that narrows it."""

    type: AnswerType
    focus: str | None = None


_ACRONYM = re.compile(
    r"\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?(?P<a>[A-Z][A-Z0-9&.\- ]*[A-Z0-9])"
    r"\s+(?:stand|mean)",
    re.I,
)
# "what is CARICC", "What is the full name of CARICC?", "What's OCTA SEE short for?": only the acronym is
# case-sensitive (the lowercase "what is selec" is looked up among the mined acronyms by dispatch.expansion)
FULL_NAME_OF = r"full\s+(?:name|form)\s+of\s+(?:the\s+)?"  # "what is the full name of X"
SHORT_FOR = r"\s+(?:short\s+for|an?\s+(?:abbreviation|acronym)\s+(?:of|for))"  # "what is X short for"
_ACRONYM2 = re.compile(
    rf"\b(?i:what\s+is|what's|what\s+was)\s+(?i:the\s+)?(?i:{FULL_NAME_OF})?"
    r"(?P<a>[A-Z]{2,}(?:\s[A-Z]{2,})*)"
    rf"(?i:{SHORT_FOR})?\s*\??$"
)
QUESTION_WORDS = frozenset(
    {"who", "whom", "whose", "what", "which", "when", "where", "why", "how"}
)  # wh-words
_RULES: list[tuple[re.Pattern[str], AnswerType]] = [
    (
        re.compile(
            r"\b(what\s+(date|day|year|month|time)|which\s+(date|day|year|month)|how\s+long\s+ago|since\s+when)\b",
            re.I,
        ),
        AnswerType.DATE,
    ),
    (
        re.compile(
            r"\b(how\s+(many|much)|what\s+(number|amount|percentage|share)|how\s+(large|big|old))\b", re.I
        ),
        AnswerType.QUANTITY,
    ),
    (
        re.compile(
            r"\b(where|which\s+(city|country|town|place|region|state|continent|capital)|what\s+(city|country|town|place|region|state|continent))\b",
            re.I,
        ),
        AnswerType.PLACE,
    ),
    (
        re.compile(
            r"\b(who|whom|whose|which\s+(person|man|woman|official|organi[sz]ation|company|agency|minister|director))\b",
            re.I,
        ),
        AnswerType.AGENT,
    ),
]
_HEAD = re.compile(
    r"\b(?:which|what)\s+(?:is\s+the\s+name\s+of\s+the\s+|was\s+the\s+name\s+of\s+the\s+)?(?P<noun>[a-z]+)",
    re.I,
)
_NAME_OF = re.compile(
    r"\bname\s+of\s+(?:the\s+)?(?:[A-Za-z\-]+\s+){0,3}?(?P<noun>project|operation|report|plan|program(?:me)?|strategy|agreement|group|task\s+force|organi[sz]ation|company|manual|conference|forum|initiative|campaign|law|act|show|film|book|team)\b",
    re.I,
)


_WH = re.compile(r"\b(?:who|whom|whose|when|where|which|what|how)\b", re.I)


def _asks_when(q: str) -> bool:
    """Return True when "when" is the question's first question word; after another one it only joins a
    clause ("Which country was hit hardest when Hurricane Melissa tore through?")."""
    first = _WH.search(q)
    return first is not None and first.group().lower() == "when"


def classify(question: str) -> QuestionType:
    """Return the answer type a question asks for."""
    q = question.strip()
    m = _ACRONYM.search(q) or _ACRONYM2.search(q)
    if m:
        return QuestionType(AnswerType.EXPANSION, m["a"].strip())
    if _asks_when(q):
        return QuestionType(AnswerType.DATE)
    for pattern, kind in _RULES:
        if pattern.search(q):
            return QuestionType(kind)
    m = _NAME_OF.search(q)
    if m:
        return QuestionType(AnswerType.ENTITY, m["noun"].lower())
    m = _HEAD.search(q)
    if m and m["noun"].lower() not in {"is", "are", "was", "were", "does", "do", "did", "happened", "about"}:
        return QuestionType(AnswerType.ENTITY, m["noun"].lower())
    return QuestionType(AnswerType.OTHER)
