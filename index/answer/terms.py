"""The question's terms weighed by the index: how much of a question a sentence covers."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from index.answer.synonyms import synonyms
from index.text import content_stems, question_stems

SYNONYM = 0.7  # what a synonym of a question's word counts for in a sentence (the word itself: 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionTerms:
    """The question's stems with their IDF in the index, computed once per question."""

    stems: list[str]
    idf: dict[str, float]
    bigrams: set[tuple[str, str]]

    @classmethod
    def of(cls, question: str, idf: Callable[[list[str]], dict[str, float]]) -> QuestionTerms:
        ordered = question_stems(question)
        stems = list(dict.fromkeys(ordered))
        return cls(stems=stems, idf=idf(stems), bigrams=set(itertools.pairwise(ordered)))

    def coverage(self, text: str, title: str) -> float:
        """Return the IDF share of the question's terms in text (a synonym counts SYNONYM, a term only in
        the title half)."""
        return self._coverage(content_stems(text), title)

    def phrase(self, text: str) -> float:
        """Return the share of the question's word pairs found as pairs in text."""
        return self._phrase(content_stems(text))

    def match(self, text: str, title: str) -> tuple[float, float]:
        """Return (coverage, phrase) of text, its words stemmed once."""
        words = content_stems(text)
        return self._coverage(words, title), self._phrase(words)

    def _coverage(self, words: list[str], title: str) -> float:
        total = sum(self.idf.values())
        if not total:
            return 0.0
        present, in_title = set(words), set(content_stems(title))
        got = sum(self.idf[s] * self._weight(s, present, in_title) for s in self.stems)
        return got / total

    @staticmethod
    def _weight(stem: str, present: set[str], in_title: set[str]) -> float:
        if stem in present:
            return 1.0
        if synonyms(stem) & present:
            return SYNONYM
        return 0.5 if stem in in_title else 0.0

    def _phrase(self, words: list[str]) -> float:
        if not self.bigrams:
            return 0.0
        return len(self.bigrams & set(itertools.pairwise(words))) / len(self.bigrams)
