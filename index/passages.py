"""Split articles into passages: sentence-aware windows with overlap, each kept with its title."""

from __future__ import annotations

from dataclasses import dataclass

from corpus import Article
from index.text import split_sentences


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """A window of consecutive sentences of one article."""

    id: int
    article_id: str
    ordinal: int
    title: str
    text: str

    @property
    def indexed_text(self) -> str:
        """Return what is embedded and searched: the title, then the window."""
        return f"{self.title}.\n{self.text}" if self.title else self.text


def _pieces(sentence: str, max_words: int) -> list[str]:
    tokens = sentence.split()
    if len(tokens) <= max_words:
        return [sentence]
    return [" ".join(tokens[i : i + max_words]) for i in range(0, len(tokens), max_words)]


def windows(text: str, *, max_words: int = 100, overlap: int = 1) -> list[str]:
    """Return windows of whole sentences of at most max_words words (a longer sentence is cut).

    Consecutive windows share their last/first `overlap` sentences, so an answer that spans a
    window edge is still found whole in one of them.
    """
    if max_words < 1 or overlap < 0:
        raise ValueError("max_words must be >= 1 and overlap >= 0")
    sentences = [p for s in split_sentences(text) for p in _pieces(s, max_words)]
    out: list[str] = []
    i = 0
    while i < len(sentences):
        j, count = i, 0
        while j < len(sentences) and (j == i or count + len(sentences[j].split()) <= max_words):
            count += len(sentences[j].split())
            j += 1
        out.append(" ".join(sentences[i:j]))
        if j >= len(sentences):
            break
        i = max(i + 1, j - overlap)
    return out


def make_passages(
    article: Article, *, first_id: int, max_words: int = 100, overlap: int = 1
) -> list[Passage]:
    """Return the passages of an article, numbered from first_id."""
    return [
        Passage(id=first_id + n, article_id=article.id, ordinal=n, title=article.title, text=w)
        for n, w in enumerate(windows(article.body, max_words=max_words, overlap=overlap))
    ]
