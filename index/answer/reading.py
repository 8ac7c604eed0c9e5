"""What the engine read for one question: retrieval, the best sentence, the candidate spans and what the
fitted models made of them (training reads it too)."""

from __future__ import annotations

from dataclasses import dataclass

from index.answer.evidence import Evidence
from index.answer.spans import Choice, Span
from index.answer.vote import Option, Pick
from index.hits import Hit


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything the engine read for one question (training reads it too)."""

    fused: list[Hit]
    cosines: dict[int, float]
    evidence: Evidence | None  # the best sentence and its typed candidates
    relevance_x: tuple[float, ...]
    relevance: float  # P(the passage answers the question)
    spans: list[Span]  # the candidate answers of the top sentences
    span_x: list[tuple[float, ...]]
    span_p: list[float]  # P(the span is the answer), for each span

    choice: Choice | None  # the likeliest answer among the spans
    confidence_x: tuple[float, ...]
    answer_p: float  # P(the likeliest answer is right); 0 without spans
    answer_text: str | None = None  # the short answer shown: the likeliest span, a name in full
    context: tuple[str, ...] = ()  # titles and texts of the passages read (full names come from them)
    asked: frozenset[str] = frozenset()  # the question's stems
    ranked: tuple[Evidence, ...] = ()  # the top sentences, best-scored first
    sentence_p: tuple[float, ...] = ()  # P(each ranked sentence holds the answer)
    options: tuple[Option, ...] = ()  # the candidates and the reader's spans, with the reader's margins
    pick: Pick | None = None  # the vote's short answer (None: no reader, or nothing to choose)

    @property
    def likeliest_sentence(self) -> Evidence | None:
        """Return the ranked sentence likeliest to hold the answer (what is shown without a short answer)."""
        if not self.ranked:
            return self.evidence
        return self.ranked[max(range(len(self.ranked)), key=lambda i: self.sentence_p[i])]

    @property
    def best_span(self) -> Span | None:
        """Return the likeliest answer span, or None when the sentences hold none."""
        return None if self.choice is None else self.spans[self.choice.index]
