"""Spelling tolerance: a question word the index has never seen is read as the nearest indexed word.

"whan did the directr general meet the bulgarian minister of interor" is read as "when did the director
general meet the bulgarian minister of interior": each unknown word (its stem has no passage) is matched
against the vocabulary of stems by edit distance (transpositions count one), the most frequent of the
nearest wins, and its spelling is taken from a passage that holds it. A word of the embedding model's
vocabulary is English, not a typo, even where the news never uses it ("heroin case" is not "heroin cast").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from index.text import QUESTION_FILLER, STOPWORDS, stem

_WORD = re.compile(r"[A-Za-z]+")
_QUESTION_WORDS = ("when", "where", "what", "which", "who", "whom", "whose", "why", "how", "did", "does")


@functools.cache
def dictionary(model: str) -> frozenset[str]:
    """Return the whole lowercase words of the embedding model's vocabulary (a BERT-style vocab.txt: about
    20,000 common English words), or none when the model has no such file."""
    from index.encoders.batching import resolve_model_path
    from index.errors import EncoderError

    try:
        lines = (Path(resolve_model_path(model)) / "vocab.txt").read_text(encoding="utf-8").split()
    except (OSError, EncoderError):
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 7 else 2


def corrections(
    question: str,
    *,
    known: Callable[[str], bool],
    vocabulary: Callable[[], list[str]],
    frequency: Callable[[list[str]], dict[str, int]],
    english: Callable[[str], bool] = lambda word: False,
) -> dict[str, str]:
    """Return {misspelt word: stem of the indexed word it stands for} for the question's unknown words.

    `known(stem)` says whether a stem is indexed; `vocabulary()` lists every indexed stem (asked only
    when some word is unknown); `frequency(stems)` gives their passage counts, to break ties;
    `english(word)` says a lowercase word is a correctly spelt English word (left as it is).
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    def question_word(low: str) -> str | None:
        """Return the question word one edit from an unindexed word that is not one already."""
        nearest = process.extractOne(low, _QUESTION_WORDS, scorer=OSA.distance, score_cutoff=1)
        return nearest[0] if nearest and low not in _QUESTION_WORDS and not known(stem(low)) else None

    out: dict[str, str] = {}
    vocab: list[str] | None = None
    words = _WORD.findall(question)
    if words and 2 <= len(words[0]) <= 3 and words[0].lower() not in STOPWORDS:  # "wht is selec", "hw many"
        asked = question_word(words[0].lower())  # a short first word is the question word or left alone
        if asked:
            out[words[0]] = asked
    for word in words:
        low = word.lower()
        if len(low) < 4 or low in STOPWORDS or low in QUESTION_FILLER or (word.isupper() and len(word) > 1):
            continue
        asked = question_word(low)
        if asked:
            out[word] = asked
            continue
        s = stem(low)
        if known(s) or english(low):
            continue
        vocab = vocab if vocab is not None else vocabulary()
        found = process.extract(s, vocab, scorer=OSA.distance, score_cutoff=_max_distance(s), limit=8)
        if not found:
            continue
        closest = min(d for _, d, _ in found)
        options = [c for c, d, _ in found if d == closest and len(c) >= 3]
        if options:
            counts = frequency(options)
            best = max(options, key=lambda c: (counts.get(c, 0), c))
            if counts.get(best, 0) >= 1:
                out[word] = best
    return out


def surface(stem_: str, texts: Iterable[str]) -> str | None:
    """Return a word of texts whose stem is stem_ (its most common spelling there, lowercase)."""
    seen: dict[str, int] = {}
    for text in texts:
        for w in _WORD.findall(text):
            low = w.lower()
            if low.startswith(stem_[:3]) and stem(low) == stem_:
                seen[low] = seen.get(low, 0) + 1
    return max(seen, key=lambda w: (seen[w], -len(w))) if seen else None


def rewrite(question: str, replacements: dict[str, str]) -> str:
    """Return the question with each misspelt word replaced (whole words only)."""
    for wrong, right in replacements.items():
        question = re.sub(rf"\b{re.escape(wrong)}\b", right, question)
    return question
