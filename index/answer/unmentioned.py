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
from collections.abc import Callable, Mapping, Sequence

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
    question: str,
    frequency: Callable[[list[str]], Mapping[str, int]],
    vocabulary: Callable[[], Sequence[str]],
) -> list[str]:
    """Return the question's names, as typed, that the news never mentions in any form. `frequency(stems)`:
    in how many passages each stem occurs (asked once, for every form of every name); `vocabulary()`: every
    stem of the index, sorted (asked only for a name no form of which is indexed)."""
    names = _names(question)
    stems = {word: _stems(word) for words in names for word in words}
    asked = sorted({form for own in stems.values() for s in own for form in _lookups(s)})
    counts = frequency(asked) if asked else {}

    def mentioned(word: str) -> bool:
        own = stems[word]
        if any(counts[form] > 0 for s in own for form in _lookups(s)):
            return True
        return any(_begins(s[:PREFIX], vocabulary()) for s in own)

    return [" ".join(words) for words in names if not any(mentioned(word) for word in words)]


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


def _stems(word: str) -> list[str]:
    """Return the stems of a word and of its irregular adjective or country ("France" -> franc, french)."""
    lower = word.lower()
    return [stem(form) for form in [lower, *([_RELATED[lower]] if lower in _RELATED else [])]]


def _lookups(s: str) -> list[str]:
    """Return the indexed stems that would mention a stem: itself, and its beginnings of SHORTEST letters or
    more ("belarusian" is mentioned by "belarus")."""
    return [s, *(s[:i] for i in range(SHORTEST, len(s)))]


def _begins(prefix: str, vocabulary: Sequence[str]) -> bool:
    i = bisect.bisect_left(vocabulary, prefix)
    return i < len(vocabulary) and vocabulary[i].startswith(prefix)
