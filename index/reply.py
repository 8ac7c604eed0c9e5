"""What the engine replies: an Answer (its kind, the short answer, the sentence) and its Sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

from index.hits import Hit
from index.manifest import ArticleMeta
from index.text import split_sentences

if TYPE_CHECKING:
    from index.snapshot import IndexData


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """An article cited by an answer."""

    article_id: str
    title: str
    date: str | None
    url: str
    snippet: str
    score: float
    outlet: str = ""  # the source (config.yaml's or an added one's name) the article came from

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
            outlet=meta.source,
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
    without one: the supporting sentence alone, the reader rating it relevant but its span unsure.
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
    lead: str | None = None  # said before the rest: "Yes —", "No exact answer, but…", a greeting...
    read_as: str | None = None  # the question as read after correcting its spelling

    @classmethod
    def declined(cls, question: str, *, confidence: float, why: str | None = None) -> Answer:
        """Return "not in the news I have" (`why`, when known, says what is missing)."""
        return cls(
            question=question,
            answered=False,
            answer=None,
            sentence=None,
            sources=(),
            confidence=confidence,
            kind="declined",
            lead=why,
        )

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


def cite(
    data: IndexData,
    fused: Sequence[Hit],
    cosines: Mapping[int, float],
    first: str,
    sentence: str,
    *,
    limit: int,
) -> tuple[Source, ...]:
    """Return up to `limit` sources: the answering article with its sentence, then the next articles of the
    retrieval, best cosine first, each with its best passage's first sentence."""
    order: dict[str, int] = {first: -1}
    best: dict[str, float] = {}  # each article's best cosine among the fused hits
    for h in fused:
        aid = data.passages.article_of(h.id)
        cos = cosines.get(h.id, 0.0)
        best[aid] = max(best[aid], cos) if aid in best else cos
        if len(order) < limit:
            order.setdefault(aid, h.id)
    data.prefetch([pid for pid in order.values() if pid >= 0], weigh=False)
    out = []
    for aid, pid in order.items():
        snippet = sentence if aid == first else split_sentences(data.passages[pid].text)[0]
        out.append(Source.of(data.articles[aid], snippet=snippet, score=round(best.get(aid, 0.0), 3)))
    return (*out[:1], *sorted(out[1:], key=lambda s: -s.score))
