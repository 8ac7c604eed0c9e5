"""Answers to "how many / how much": the numbers of a sentence, weighed by their unit (the question's, a
synonym of it, or a measure of what it counts), by money when money is asked, and by the question's verb
they hang on."""

from __future__ import annotations

import re

from corpus.dates import find_dates
from index.answer.candidate import Candidate
from index.answer.grammar import bound
from index.answer.synonyms import asked
from index.text import STOPWORDS, content_stems

_NUMBER = re.compile(
    r"(?<![\w.])(?P<currency>[$€£]\s?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*(?:%|percent|per cent|million|billion|thousand|"
    r"mln|bln|trillion|kg|tonnes|tons|km|euros?|dollars?))?(?![\w])"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|a dozen|dozens|hundreds|thousands)\b",
    re.I,
)
_MONEY_ASKED = re.compile(
    r"\bhow\s+much\b(?!\s+(?:of\s+)?[a-z]+\s+(?:was|were|is|are|did|do|does|has|have|had)\b)"
    r"|\b(?:money|cost|costs|price|paid|pay|pays|spend|spent|worth|fine|fined|raised|budget|salary|dollars?|"
    r"euros?|pounds)\b",
    re.I,
)
_MONEY_UNIT = re.compile(r"(?:^|\s)(?:(?-i:US)\s)?(?:dollars?|euros?|pounds?)\b", re.I)


_OF_WHAT = re.compile(
    r"\s+(?:(?P<unit>[a-z]+)\s+)?of\s+(?:the\s+)?(?P<what>[A-Za-z\-]+)"
)  # "500 pounds of meth"
_OUT_OF = re.compile(  # "169 of 343 seats", "12 out of the 15 members": the part and the whole it is of
    r"\s+(?:out\s+)?of\s+(?:the\s+)?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)\s+(?P<unit>[A-Za-z\-]+)"
)
_WHOLE = re.compile(r"\d[\d,]*\s+(?:out\s+)?of\s+(?:the\s+)?$")  # before a whole: "169 of "
_TIME_UNITS = frozenset(  # as the word after a number reads without its final "s" ("centuries" -> "centurie")
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "centurie", "century"}
)


def counted(question: str) -> set[str]:
    """Return the stems of what a "how many/much" question counts ("operational partners", "people")."""
    m = re.search(r"\bhow\s+(?:many|much)\s+(?P<rest>.*)", question, re.I)
    words = []
    for word in re.findall(r"[A-Za-z\-]+", m["rest"] if m else ""):
        if word.lower() in STOPWORDS:
            break
        words.append(word)
    return set(content_stems(" ".join(words)))


def _is_amount(number: re.Match[str], sentence: str) -> bool:
    """Return True when a number is a sum of money: "$5", "€2 million", "100 dollars", "7 US dollars"."""
    unit = number.group().split()[-1] if " " in number.group() else ""
    after = sentence[number.end() : number.end() + 12]
    return bool(number["currency"] or _MONEY_UNIT.match(unit) or _MONEY_UNIT.match(after))


def quantities(sentence: str, question: str, question_stems: set[str]) -> list[Candidate]:
    """Return the quantity candidates of a sentence, unsorted: a number that hangs on the question's verb
    or a synonym of it ("smuggled around 100 persons") weighs 0.5 more."""
    what = counted(question)
    verbs = question_stems - what  # "partners and 21" is no "how many partners" verb
    return [
        c._replace(score=c.score + 0.5 * bound(sentence, c.start, c.end, verbs))
        for c in _numbers(sentence, question, question_stems, what)
    ]


def _numbers(sentence: str, question: str, question_stems: set[str], what: set[str]) -> list[Candidate]:
    """Return the numbers of a sentence for a "how many/much" question: one with the question's unit
    ("24 partners", "11 kg") or, for a question about money, an amount ("$134 million") weighs most; a
    number the question itself gives ("deploy 700 Marines") or a number word inside a compound
    ("a one-time payment") is not an answer; a part keeps the whole it is of ("169 of 343 seats"), and the
    whole alone weighs less. `what`: the stems of what the question counts."""
    taken = [(d.start, d.end) for d in find_dates(sentence)]
    given = {n.group().lower().lstrip("$€£ ") for n in _NUMBER.finditer(question)}
    money = bool(_MONEY_ASKED.search(question))
    out = []
    for m in _NUMBER.finditer(sentence):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = m.group()
        if re.fullmatch(r"(19|20)\d\d", value) or value.lower().lstrip("$€£ ") in given:
            continue
        if value[0].isalpha() and sentence[m.end() : m.end() + 1] == "-":
            continue  # "one-time", "two-thirds"
        follower = re.match(r"\s+([A-Za-z\-]+)", sentence[m.end() :])
        weight = 0.3  # a bare number; "24 partners" for "how many partners" is the real thing
        text, end = value, m.end()
        part = _OUT_OF.match(sentence, m.end()) if value[0].isdigit() else None  # not "one of the 24"
        if (
            set(content_stems(value)) & question_stems
        ):  # its unit is the question's: "11 kg" for "how many kg"
            weight = 1.0
        elif part and (unit := content_stems(part["unit"])) and asked(unit[0], question_stems):
            weight = 1.0  # "169 of 343 seats" for "how many seats did they win"
            text, end = sentence[m.start() : part.end()], part.end()
        elif follower and (unit := content_stems(follower[1])) and asked(unit[0], question_stems):
            weight = 1.0
            text, end = f"{value} {follower[1]}", m.end() + follower.end()
        elif money and _is_amount(m, sentence):
            weight = 1.0
        elif (
            (of := _OF_WHAT.match(sentence, m.end()))
            and (of["unit"] or " " in value)  # a measure of it: "11 kg of heroin", not "one of Heiden's"
            and set(content_stems(of["what"])) & what
        ):
            weight = 1.0  # "11 kg of heroin" for "how much heroin"
            if of["unit"]:
                text, end = f"{value} {of['unit']}", of.end("unit")
        elif follower and follower[1].lower().rstrip("s") in _TIME_UNITS:
            weight = 0.1  # "four months" answers no "how much heroin" (a duration asked names its unit)
        if weight == 1.0 and _WHOLE.search(sentence, 0, m.start()):
            weight = 0.6  # the whole a part is of: "343 seats" of "169 of 343 seats"
        out.append(Candidate(text, m.start(), end, weight))
    return out
