"""Which subscriptions a new article matches: all-news ones, and topics by meaning or by keywords."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from bot.core.state import Subscription
from corpus import Article
from index import content_stems, split_sentences

# a byline or time stamp a page or feed puts before the story: "By Jane Doe, Reuters", "Updated 5 March"
_BYLINE = re.compile(r"^(?:by|from|updated|published|posted|last updated)\b[^.!?]{0,80}$", re.I)
_ENDS = tuple(".!?…\"'”’)]")


def lead(article: Article, sentences: int = 2) -> str:
    """Return the article's first sentences, bylines and time stamps skipped; a text the feed cut off
    mid-sentence ends at its last whole word with "…" rather than mid-word."""
    kept = [s for s in split_sentences(article.body) if not _BYLINE.match(s.strip())][:sentences]
    text = " ".join(kept)
    if text and not text.endswith(_ENDS):
        text = text.rsplit(" ", 1)[0].rstrip(",;:-–—") + "…" if " " in text else text + "…"
    return text


def lead_text(article: Article) -> str:
    """Return what a topic is compared with: the title and the first sentences."""
    return f"{article.title}. {lead(article)}"


class TopicFilter(NamedTuple):
    """A subscription topic read: "ports, shipping -strike" is ports OR shipping, never with strike;
    "-strike" alone is all news except strike."""

    alternatives: tuple[str, ...]  # each: words an article must all hold, or be close to in meaning
    excluded: tuple[str, ...]  # stems: an article holding any of them is not sent
    excluded_words: tuple[str, ...] = ()  # the excluded words as typed (what is shown)

    @property
    def empty(self) -> bool:
        """Return True for a topic that says nothing ("," or "-"): it would match nothing or everything."""
        return not self.alternatives and not self.excluded

    def describe(self) -> str:
        """Return the topic as /subscriptions shows it, words as the user typed them."""
        text = " or ".join(self.alternatives) or "all new articles"
        return f"{text}, without {', '.join(self.excluded_words)}" if self.excluded else text

    def wants(self, words: set[str], close: Callable[[str], bool]) -> bool:
        """Return True when an article with these stems is wanted: none excluded, and one alternative
        close (an exclusion-only topic wants every other article)."""
        if any(s in words for s in self.excluded):
            return False
        return not self.alternatives or any(close(a) for a in self.alternatives)


def parse_topic(topic: str) -> TopicFilter:
    """Return a topic's alternatives (comma-separated) and excluded words (each written -word)."""
    excluded: list[str] = []
    typed: list[str] = []
    alternatives = []
    for part in topic.split(","):
        kept = []
        for word in part.split():
            if word.startswith("-"):
                stems = content_stems(word[1:])
                if stems:
                    excluded.extend(stems)
                    typed.append(word[1:])
            else:
                kept.append(word)
        if kept:
            alternatives.append(" ".join(kept))
    return TopicFilter(tuple(alternatives), tuple(dict.fromkeys(excluded)), tuple(dict.fromkeys(typed)))


def phrases(topics: list[str]) -> list[str]:
    """Return the distinct alternatives of these topics: what gets embedded."""
    return sorted({alt for t in topics for alt in parse_topic(t).alternatives})


def matching(
    article: Article,
    subscriptions: list[Subscription],
    vector: np.ndarray | None,
    topic_vectors: dict[str, np.ndarray],
    *,
    threshold: float,
) -> list[Subscription]:
    """Return the subscriptions that want this article (no model work: the vectors are given).

    An alternative of a topic matches when all its words occur in the article, or when the cosine of
    its stored embedding to the article's title-and-lead `vector` reaches `threshold`; a topic matches
    when one alternative does and none of its excluded words occurs.
    """
    topics = sorted({s.topic for s in subscriptions if s.topic})
    wanted = {""}
    if topics:
        words = set(content_stems(article.text))

        def close(phrase: str) -> bool:
            stems = content_stems(phrase)
            known = topic_vectors.get(phrase)
            cosine = float(known @ vector) if known is not None and vector is not None else -1.0
            return bool(stems and all(s in words for s in stems)) or cosine >= threshold

        for topic in topics:
            if parse_topic(topic).wants(words, close):
                wanted.add(topic)
    return [s for s in subscriptions if s.topic in wanted]
