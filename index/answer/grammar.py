"""How a candidate stands to the question's words in its sentence: the subject or agent of the question's
verb, a name beside the question's noun phrase, a date hung on the question's verb."""

from __future__ import annotations

import functools
import re

from index.answer.synonyms import asked
from index.text import content_stems

TITLE = r"(?:Mr|Mrs|Ms|Dr|Prof|H\.\s?E|Sir|Dame|Gen|Col|Capt|Sen|Rep|Gov|Amb)\.?"
_WHO_VERB = re.compile(r"^\s*who\s+(?:(?:has|have|had|was|were|will|did|does)\s+)?(?P<verb>[a-z]+)", re.I)
_COPULA = {"is", "are", "was", "were", "be", "been"}
_GOVERNED = re.compile(r"([A-Za-z]+)\s+(?:in|on|since|from|by|during)\s+(?:the\s+)?$", re.I)


def governed(sentence: str, start: int, question_stems: set[str]) -> bool:
    """Return True when the date at `start` hangs on the question's verb or a synonym of it ("When was
    X set up?" -> "X was established in 1996"), not merely on the sentence it opens."""
    m = _GOVERNED.search(sentence[:start])
    stems = content_stems(m[1]) if m else []
    return bool(stems) and asked(stems[0], question_stems)


_PASSIVE_AFTER = re.compile(r"\s*(?:[a-z]+\s+)?(?:was|were|is|are|(?:has|have|had)\s+been)\s+([a-z]+)")
_VERB_BEFORE = re.compile(
    r"\b([a-z]+)\s+(?:(?:around|about|nearly|almost|roughly|some|over|approximately|at\s+least|more\s+than|"
    r"up\s+to)\s+)?$"
)


def bound(sentence: str, start: int, end: int, question_stems: set[str]) -> bool:
    """Return True when the number at start..end hangs on the question's verb or a synonym of it: the
    lowercase word just before it ("smuggled around 100 persons", "seized 11 kg") or the passive after it
    ("21 persons were apprehended" for "how many were arrested"); a name beside it ("SELEC, 3") is none."""
    before = _VERB_BEFORE.search(sentence[max(0, start - 40) : start])
    after = _PASSIVE_AFTER.match(sentence, end)
    for word in (before[1] if before else "", after[1] if after else ""):
        stems = content_stems(word)
        if stems and asked(stems[0], question_stems):
            return True
    return False


@functools.lru_cache(maxsize=4096)  # asked once for each candidate span of a sentence
def _verb_forms(sentence: str, verb: str) -> tuple[re.Match[str], ...]:
    """Return the words of sentence that inflect `verb` ("coordinates" ~ "coordinating", not
    "representatives" ~ "represented")."""
    stem = content_stems(verb)
    return tuple(
        w
        for w in re.finditer(r"[A-Za-z]+", sentence)
        if content_stems(w.group()) == stem and len(w.group()) <= len(verb) + 3
    )


@functools.lru_cache(maxsize=4096)
def _word_stems(sentence: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """Return (start, end, stems) of each word of sentence that has a content stem."""
    return tuple(
        (w.start(), w.end(), tuple(stems))
        for w in re.finditer(r"[A-Za-z]+", sentence)
        if (stems := content_stems(w.group()))
    )


def role_bonus(sentence: str, start: int, end: int, question: str, first_name: int) -> float:
    """Return a bonus for the subject of the question's verb ("who visited X" -> "Y visited X"),
    or the agent of its passive ("was accompanied by Y")."""
    m = _WHO_VERB.match(question)
    if not m or m["verb"].lower() in _COPULA:
        return 0.0
    best = 0.0
    for w in _verb_forms(sentence, m["verb"]):
        if w.group().lower().endswith("ing") and re.search(r",\s*(?:\w+ly\s+)?$", sentence[: w.start()]):
            best = max(best, 0.4 if start == first_name and end <= w.start() else 0.0)
            continue
        passive = re.search(r"\b(was|were|been|being|is|are)\s+$", sentence[: w.start()])
        gap = sentence[end : w.start()]
        if not passive and end <= w.start() and len(gap.split()) <= 5 and "." not in gap:
            best = max(best, 0.4 - 0.05 * len(gap.split()))
        after = sentence[w.end() : start]
        if passive and start >= w.end() and re.fullmatch(r"\s+by\s+(?:\S+\s+){0,2}", after):
            best = max(best, 0.4)
    return best


_WHO_IS = re.compile(r"^\s*who\s+(?:is|was|are|were)\s+(?:the\s+|a\s+|an\s+)?(?P<np>[^?]+)", re.I)


def apposition_bonus(sentence: str, start: int, end: int, question: str) -> float:
    """Return a bonus for a name next to the question's noun phrase ("who is the police director"
    -> "the police director, Mr. X" or "X, the police director")."""
    m = _WHO_IS.match(question)
    if not m:
        return 0.0
    np_stems = content_stems(m["np"])
    # stopwords are transparent: "Director General of SELEC" matches "director general of selec"
    tokens = _word_stems(sentence)
    best = 0.0
    for i in range(len(tokens)):
        run = 0
        while i + run < len(tokens) and run < len(np_stems) and tokens[i + run][2] == (np_stems[run],):
            run += 1
        if run == 0 or (run < 2 and len(np_stems) > 1):
            continue
        phrase_start, phrase_end = tokens[i][0], tokens[i + run - 1][1]
        after, before = sentence[phrase_end:start], sentence[end:phrase_start]
        untitled = re.sub(rf"\b{TITLE}(?!\w)", "", after)  # "the Director General of SELEC, Mrs. X"
        near_after = start >= phrase_end and len(untitled.split()) <= 2 and "." not in untitled
        # "X, the police director" or "X (director)": a comma or bracket stands between, not "X and the director"
        near_before = phrase_start >= end and len(before.split()) <= 2 and before.lstrip()[:1] in (",", "(")
        if near_after or near_before:
            best = max(best, 0.2 + 0.2 * run / len(np_stems))
    return best
