"""The windows the reader was trained on in its news stage (benchmarks/train_qa_reader.py): whole
sentences around the sentences that best match the question, each within a token budget, taken from the
passages retrieval put first."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from index.answer.terms import QuestionTerms
from index.passages import Passage
from index.text import split_sentences


class Window(NamedTuple):
    """Sentences of one passage read together: `text` is what the reader sees, `sentences` the character
    range of each sentence in it, `score` the match of the sentence it was built around."""

    passage: Passage
    text: str
    sentences: tuple[tuple[int, int], ...]
    score: float

    def sentence_at(self, offset: int) -> str:
        """Return the sentence of the window that holds the character at `offset`."""
        for start, end in self.sentences:
            if start <= offset < end:
                return self.text[start:end]
        start, end = self.sentences[-1]
        return self.text[start:end]


def sentence_score(terms: QuestionTerms, sentence: str, title: str, cosine: float, rank: int) -> float:
    """Return how well a sentence matches the question: its IDF-weighted share of the question's words,
    its word pairs, its passage's cosine and the passage's place in the retrieval."""
    coverage, phrase = terms.match(sentence, title)
    return 0.6 * coverage + 0.15 * phrase + 0.45 * cosine + 0.05 / (1 + rank)


def windows(
    terms: QuestionTerms,
    passages: Sequence[Passage],
    cosines: Mapping[int, float],
    *,
    tokens: Callable[[str], int],
    budget: int,
    limit: int,
) -> list[Window]:
    """Return up to `limit` windows, best first: each grows from one of the best-matching sentences not yet
    read, taking the sentences before and after it in turn while the window fits in `budget` tokens."""
    scored = []
    seen: set[str] = set()  # passages overlap: a sentence read once
    for rank, passage in enumerate(passages):
        sentences = split_sentences(passage.text)
        for i, sentence in enumerate(sentences):
            if sentence in seen:
                continue
            seen.add(sentence)
            score = sentence_score(terms, sentence, passage.title, cosines.get(passage.id, 0.0), rank)
            scored.append((score, rank, i, passage, sentences))
    scored.sort(key=lambda row: (-row[0], row[1], row[2]))
    out: list[Window] = []
    taken: set[tuple[int, int]] = set()  # (passage id, sentence index) already in a window
    for score, _, i, passage, sentences in scored:
        if len(out) >= limit:
            break
        if (passage.id, i) in taken:
            continue
        lo, hi = i, i + 1
        used = tokens(sentences[i])
        grew = True
        while grew:
            grew = False
            for j in (lo - 1, hi):  # one before, then one after
                if 0 <= j < len(sentences) and (passage.id, j) not in taken:
                    cost = tokens(sentences[j])
                    if used + cost <= budget:
                        used += cost
                        lo, hi = min(lo, j), max(hi, j + 1)
                        grew = True
        taken.update((passage.id, j) for j in range(lo, hi))
        out.append(_window(passage, sentences[lo:hi], score))
    return out


def _window(passage: Passage, sentences: Sequence[str], score: float) -> Window:
    ranges, at = [], 0
    for sentence in sentences:
        ranges.append((at, at + len(sentence)))
        at += len(sentence) + 1
    return Window(passage, " ".join(sentences), tuple(ranges), score)
