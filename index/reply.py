"""What the engine replies: an Answer (its kind, the short answer, the sentence) and its Sources."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from index.manifest import ArticleMeta


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """An article cited by an answer."""

    article_id: str
    title: str
    date: str | None
    url: str
    snippet: str
    score: float

    @classmethod
    def of(cls, meta: ArticleMeta, *, snippet: str, score: float) -> Source:
        """Return the citation of an indexed article."""
        return cls(
            article_id=meta.id,
            title=meta.title,
            date=meta.published,
            url=meta.url,
            snippet=snippet,
            score=score,
        )


Kind = Literal[
    "answer",  # a short answer in bold, its sentence and source
    "found",  # the sentence and source only: the span is unsure
    "declined",  # nothing relevant in the news
    "yes",  # a yes/no question the sentence confirms
    "unclear",  # a yes/no question the news neither confirms nor denies
    "headlines",  # a list of articles (latest, a time window, a topic): the sources
    "summary",  # a few sentences of one article, in `sentence`
    "smalltalk",  # a greeting or thanks: `lead` is the reply
    "language",  # not English: `lead` says so
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """What the engine says to a question (no sources when it declines). `sources`: the article the
    answer quotes first, then the others by score (the cosine of their best passage to the question).

    `answered` with an `answer`: a short answer the models are sure of, shown in bold. `answered`
    without one: the supporting sentence alone, the span being unsure ("Here is what I found").
    `confidence` is P(the passage answers the question); `answer_confidence` P(the short answer is right).
    `kind` tells the renderers what to show: see Kind.
    """

    question: str
    answered: bool
    answer: str | None
    sentence: str | None
    sources: tuple[Source, ...]
    confidence: float
    answer_confidence: float = 0.0
    kind: Kind = "answer"
    lead: str | None = None  # said before the rest: "Yes —", "Here is what I found:", a greeting...
    read_as: str | None = None  # the question as read after correcting its spelling

    @property
    def article_id(self) -> str | None:
        """Return the id of the article the answer comes from."""
        if self.kind in ("headlines", "smalltalk", "language"):
            return None
        return self.sources[0].article_id if self.answered and self.sources else None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape of `newsbot ask --json`."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "sentence": self.sentence,
            "kind": self.kind,
            "lead": self.lead,
            "read_as": self.read_as,
            "confidence": round(self.confidence, 3),
            "answer_confidence": round(self.answer_confidence, 3),
            "sources": [
                {k: v for k, v in asdict(s).items() if k != "article_id"} | {"id": s.article_id}
                for s in self.sources
            ],
        }
