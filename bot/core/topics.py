"""Which subscriptions a new article matches: all-news ones, and topics by meaning or by keywords."""

from __future__ import annotations

import numpy as np

from bot.core.state import Subscription
from corpus import Article
from index import Encoder, content_stems, split_sentences


def lead(article: Article, sentences: int = 2) -> str:
    """Return the article's first sentences."""
    return " ".join(split_sentences(article.body)[:sentences])


def matching(
    article: Article, subscriptions: list[Subscription], encoder: Encoder, *, threshold: float
) -> list[Subscription]:
    """Return the subscriptions that want this article.

    A topic matches when all its words occur in the article, or when its embedding's cosine to the
    article's title and lead reaches `threshold`.
    """
    topics = sorted({s.topic for s in subscriptions if s.topic})
    wanted = {""}
    if topics:
        words = set(content_stems(article.text))
        vectors = encoder.encode([f"{article.title}. {lead(article)}", *topics])
        cosines = vectors[1:] @ vectors[0]
        for topic, cosine in zip(topics, np.atleast_1d(cosines), strict=True):
            stems = content_stems(topic)
            if (stems and all(s in words for s in stems)) or float(cosine) >= threshold:
                wanted.add(topic)
    return [s for s in subscriptions if s.topic in wanted]
