"""Replies that are not a single fact: lists of headlines, article summaries, acronym expansions mined
from the indexed text, and the verdict on a yes/no question."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np

from index.answer.extract import name_spans
from index.answer.intents import NewsRequest
from index.passages import Passage
from index.text import content_stems, split_sentences


class Dated(NamedTuple):
    """An article as a headline list needs it."""

    id: str
    published: str | None


def pick_headlines(
    articles: Iterable[Dated],
    request: NewsRequest,
    *,
    about: Sequence[str] | None,
    limit: int,
) -> list[str]:
    """Return up to `limit` article ids for a news request, newest first.

    `about`: for a topic, the ids of articles that mention it (retrieval order); None without a topic.
    Articles dated outside [start, end] are left out; undated ones only when no window is asked for.
    """
    pool = list(articles)
    if about is not None:
        allowed = set(about)
        pool = [a for a in pool if a.id in allowed]
    if request.start or request.end:
        lo = (request.start or dt.date.min).isoformat()
        hi = (request.end or dt.date.max).isoformat()
        pool = [a for a in pool if a.published and lo <= a.published <= hi]
    pool.sort(key=lambda a: (a.published or "", a.id), reverse=True)
    return [a.id for a in pool[:limit]]


def mentions(passage: Passage, topic: str) -> bool:
    """Return True when every content word of the topic occurs in the passage (or its title)."""
    wanted = set(content_stems(topic))
    return bool(wanted) and wanted <= set(content_stems(f"{passage.title} {passage.text}"))


def summarize(
    passages: Sequence[Passage],
    encode: Callable[[list[str]], np.ndarray],
    *,
    sentences: int = 3,
) -> str:
    """Return an extractive summary of one article: its lead sentence and the sentences closest to the
    article's centroid, in their original order (2-4 sentences, fewer for a short article)."""
    seen: set[str] = set()
    ordered = []
    for p in sorted(passages, key=lambda p: p.ordinal):
        for s in split_sentences(p.text):
            if s not in seen and len(s.split()) >= 4:
                seen.add(s)
                ordered.append(s)
    if len(ordered) <= sentences:
        return " ".join(ordered)
    pool = ordered[:40]
    vectors = encode(pool)
    centroid = vectors.mean(axis=0)
    scores = vectors @ centroid
    chosen = {0} | {int(i) for i in np.argsort(-scores[1:])[: sentences - 1] + 1}
    return " ".join(pool[i] for i in sorted(chosen))


_LONG_SHORT = re.compile(r"\(\s*(?P<acr>[A-Z][A-Za-z0-9&.\-]*[A-Z0-9](?:\s[A-Z]{2,})?)\s*\)")
_SHORT_LONG = re.compile(r"\b(?P<acr>[A-Z]{2,}[A-Z0-9&\-]*)\s*\((?P<long>[A-Z][^()]{5,120})\)")


def _initials_match(acronym: str, expansion: str) -> bool:
    letters = [c for c in acronym if c.isalpha()]
    initials = [w[0] for w in re.findall(r"[A-Za-z][\w'’\-]*", expansion) if w[0].isupper()]
    return (
        bool(letters)
        and letters[0].upper() == (initials[0] if initials else "")
        and len(initials) >= len(letters) // 2
    )


def mine_acronyms(passages: Iterable[Passage]) -> dict[str, tuple[str, int]]:
    """Return {ACRONYM: (expansion, passage id)} for "Long Name (ACR)" and "ACR (Long Name)" in the text;
    where several expansions are found, the most frequent wins."""
    counts: dict[str, dict[str, list[int]]] = {}
    for p in passages:
        text = f"{p.title}\n{p.text}" if p.ordinal == 0 else p.text
        if "(" not in text:
            continue
        for m in _LONG_SHORT.finditer(text):
            before = text[: m.start()].rstrip()
            spans = [s for s in name_spans(before) if s[2] >= len(before) - 1]
            if spans and _initials_match(m["acr"], spans[-1][0]):
                counts.setdefault(m["acr"], {}).setdefault(spans[-1][0], []).append(p.id)
        for m in _SHORT_LONG.finditer(text):
            if _initials_match(m["acr"], m["long"]):
                counts.setdefault(m["acr"], {}).setdefault(m["long"].strip(), []).append(p.id)
    return {
        acr: max(((e, ids[0]) for e, ids in found.items()), key=lambda item: len(found[item[0]]))
        for acr, found in counts.items()
    }


def confirms(question: str, sentence: str, title: str) -> bool:
    """Return True when the sentence (with its title) holds every name of a yes/no question and at least
    three quarters of its other content words ("did SELEC hold a workshop in Sofia?")."""
    have = set(content_stems(sentence)) | set(content_stems(title))
    body = question.split(maxsplit=1)[1] if " " in question else question
    names = {s for w in re.findall(r"\b[A-Z][\w\-]*", body) for s in content_stems(w)}
    terms = set(content_stems(body))
    if not terms or not names <= have:
        return False
    for place in _WHERE.findall(body):  # "in Bulgaria" needs "in (the Republic of) Bulgaria", not "via"
        if not re.search(
            rf"\b(?:in|at)\s+(?:[\w\-/]+\s+){{0,3}}?{re.escape(place)}\b", sentence + " " + title, re.I
        ):
            return False
    return len(terms & have) >= 0.75 * len(terms)


_WHERE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?([A-Z][\w\-]*)")
