"""Which subscriptions a new article matches: all-news ones, and topics by meaning or by keywords."""

from __future__ import annotations

import numpy as np

from bot.core.state import Subscription
from corpus import Article
from index import content_stems, split_sentences


def lead(article: Article, sentences: int = 2) -> str:
    """Return the article's first sentences."""
    return " ".join(split_sentences(article.body)[:sentences])


def lead_text(article: Article) -> str:
    """Return what a topic is compared with: the title and the first sentences."""
    return f"{article.title}. {lead(article)}"


def matching(
    article: Article,
    subscriptions: list[Subscription],
    vector: np.ndarray | None,
    topic_vectors: dict[str, np.ndarray],
    *,
    threshold: float,
) -> list[Subscription]:
    """Return the subscriptions that want this article (no model work: the vectors are given).

    A topic matches when all its words occur in the article, or when the cosine of its stored embedding
    to the article's title-and-lead `vector` reaches `threshold`.
    """
    topics = sorted({s.topic for s in subscriptions if s.topic})
    wanted = {""}
    if topics:
        words = set(content_stems(article.text))
        for topic in topics:
            stems = content_stems(topic)
            known = topic_vectors.get(topic)
            cosine = float(known @ vector) if known is not None and vector is not None else -1.0
            if (stems and all(s in words for s in stems)) or cosine >= threshold:
                wanted.add(topic)
    return [s for s in subscriptions if s.topic in wanted]
