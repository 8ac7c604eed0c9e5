"""Names the news never mentions: "Who is the prime minister of Japan?" over news that never names Japan
(nor anything Japanese) is declined, saying so, instead of answered with the nearest sentence about
someone else.

A name is a run of capitalised words of the question (its first word, capitalised anyway, left out), or a
country written in lowercase ("capital of australia"); it is unmentioned when none of its words is
("Joe Biden" is mentioned where the news says "President Biden"). A word is mentioned when the index holds
its stem, a stem beginning like it ("Japan" -> "japanes"), a stem it begins with ("Belarusian" ->
"belarus"), or its irregular adjective ("France" -> "french"). Month and weekday names are dates.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from index.answer.extract import name_spans
from index.answer.gazetteer import COUNTRIES
from index.answer.qtype import QUESTION_WORDS
from index.text import STOPWORDS, stem

_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_IRREGULAR = {  # country <-> adjective where neither begins like the other
    "france": "french",
    "netherlands": "dutch",
    "holland": "dutch",
    "switzerland": "swiss",
    "britain": "british",
    "spain": "spanish",
    "turkey": "turkish",
    "denmark": "danish",
    "sweden": "swedish",
    "finland": "finnish",
    "poland": "polish",
    "ireland": "irish",
    "wales": "welsh",
    "scotland": "scottish",
    "norway": "norwegian",
    "cyprus": "cypriot",
    "thailand": "thai",
    "philippines": "filipino",
    "greece": "greek",
    "england": "english",
}
_RELATED = {**_IRREGULAR, **{adjective: country for country, adjective in _IRREGULAR.items()}}
_WORD = re.compile(r"[A-Za-z]+")
_NOT_NAMES = STOPWORDS | QUESTION_WORDS | _CALENDAR
PREFIX = 5  # letters a stem of the index must share with a name's beginning ("japan" -> "japanes")
SHORTEST = 4  # the shortest stem of the index that may be a name's beginning ("belarus" of "belarusian")


def unmentioned(
    question: str, known: Callable[[str], bool], vocabulary: Callable[[], Sequence[str]]
) -> list[str]:
    """Return the question's names, as typed, that the news never mentions in any form. `known(stem)`:
    whether the index holds a stem; `vocabulary()`: every stem of the index, sorted (asked only for a
    name whose own stem is not indexed)."""
    return [
        " ".join(words)
        for words in _names(question)
        if not any(_mentioned(word, vocabulary, known) for word in words)
    ]


def _names(question: str) -> list[list[str]]:
    out = []
    for text, start, _, _ in name_spans(question):
        words = [
            m.group()
            for m in _WORD.finditer(text)
            if start + m.start() > 0 and m.group().lower() not in _NOT_NAMES
        ]
        if words:
            out.append(words)
    out += [[w] for w in _WORD.findall(question) if w.islower() and w in COUNTRIES]
    return out


def _mentioned(word: str, vocabulary: Callable[[], Sequence[str]], known: Callable[[str], bool]) -> bool:
    lower = word.lower()
    forms = [lower] + ([_RELATED[lower]] if lower in _RELATED else [])
    for form in forms:
        s = stem(form)
        if known(s) or _begins(s[: min(len(s), PREFIX)], vocabulary()):
            return True
        if any(known(s[:i]) for i in range(SHORTEST, len(s))):
            return True
    return False


def _begins(prefix: str, vocabulary: Sequence[str]) -> bool:
    i = bisect.bisect_left(vocabulary, prefix)
    return i < len(vocabulary) and vocabulary[i].startswith(prefix)
