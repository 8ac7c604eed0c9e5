"""The reader's vote: the short answer is chosen among the typed candidates of the sentences read and the
reader's own likeliest span in each of them, by the candidates' fitted probability and the reader's score
together; how sure to be comes from whether the two agree.

Fitted by benchmarks/train_vote.py on news questions the reader never saw in training (vote.json). Date
questions are left to the typed date rules (the engine does not ask the vote): the news-quiz questions it is
fitted on hold almost none (1 of 145), and on the SELEC page the reader takes a founding year for the date
of a visit ("when did SELEC visit CARICC": 1996, not October 12th, 2018).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from index.answer.evidence import Evidence
from index.answer.model import Logistic
from index.answer.reader import Logits
from index.answer.spans import Span

VOTE = Path(__file__).with_name("reader") / "vote.json"
VOTE_FEATURES = (
    "rules_logit",  # the candidates' confidence in their pick when the vote chose it (else -5)
    "reader_margin",  # the reader's score for the chosen text over "no answer" in its sentence
    "rules_agree",  # the chosen text is the candidates' pick
    "reader_agree",  # the chosen text is the reader's likeliest span over all sentences
    "reader_top",  # the margin of the reader's likeliest span
    "both_agree",
)
ABSENT = -10.0  # the reader's margin for a candidate it did not read
# what the reader reads: the best sentences up to this many tokens (~0.2 ms of CPU a token here: 2 cores,
# int8; docs/reader.md measures budgets against answers and answers/s)
READ_TOKENS = 128


class Option(NamedTuple):
    """A possible short answer: its text, the sentence it is in, the candidates' probability for it (None:
    only the reader proposed it) and the reader's margin for it over "no answer" in that sentence."""

    text: str
    evidence: Evidence
    rules_p: float | None
    margin: float


class Pick(NamedTuple):
    """The vote's short answer: its text, the sentence holding it, and P(right)."""

    text: str
    evidence: Evidence
    p: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Vote:
    """The fitted weights: how much the reader's margin counts against the candidates' logit, what a span
    only the reader proposed starts from, the confidence model and the bold threshold."""

    weight: float
    own_bias: float
    confidence: Logistic
    bold: float
    provenance: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "provenance": self.provenance,
            "weight": self.weight,
            "own_bias": self.own_bias,
            "bold": self.bold,
            "confidence": self.confidence.to_dict(),
        }

    def save(self, path: Path = VOTE) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path = VOTE) -> Vote:
        data = json.loads(path.read_text())
        return cls(
            weight=float(data["weight"]),
            own_bias=float(data["own_bias"]),
            confidence=Logistic.from_dict(
                data["confidence"], VOTE_FEATURES, refit="benchmarks/train_vote.py"
            ),
            bold=float(data["bold"]),
            provenance=str(data.get("provenance", "")),
        )


@functools.cache
def shipped_vote() -> Vote:
    """Return the packaged vote weights (read once)."""
    return Vote.load()


def sentences_read(
    ranked: Sequence[Evidence], tokens: Callable[[str], int], budget: int = READ_TOKENS
) -> list[Evidence]:
    """Return the sentences the reader reads: the best-ranked ones, once each, while they fit in `budget`
    tokens (the first always; candidates elsewhere keep the margin ABSENT)."""
    out: dict[str, Evidence] = {}
    used = 0
    for evidence in ranked:
        if evidence.sentence in out:
            continue
        used += tokens(evidence.sentence)
        if out and used > budget:
            break
        out[evidence.sentence] = evidence
    return list(out.values())


def options(
    sentences: Sequence[Evidence], logits: Sequence[Logits], spans: Sequence[Span], span_p: Sequence[float]
) -> list[Option]:
    """Return every candidate span with the reader's margin for it, and the reader's likeliest span of each
    sentence where it is no candidate's text."""
    own = {}  # sentence -> the reader's likeliest span in it and its margin
    for evidence, lg in zip(sentences, logits, strict=True):
        best = lg.best()
        if best is not None:
            score, first, last = best
            own[evidence.sentence] = (evidence.sentence[first:last], score - lg.null, lg)
    out = []
    for span, p in zip(spans, span_p, strict=True):
        text, _, lg = own.get(span.evidence.sentence, ("", 0.0, None))
        score = None if lg is None else lg.score(span.candidate.start, span.candidate.end)
        margin = ABSENT if score is None else score - lg.null  # type: ignore[union-attr]
        # the reader's span around the candidate completes it ("40 million" -> "40 million euros")
        longer = _key(span.candidate.text) in _key(text) and len(text) > len(span.candidate.text)
        out.append(Option(text if longer else span.candidate.text, span.evidence, p, margin))
    for evidence in sentences:
        if evidence.sentence not in own:
            continue
        text, margin, _ = own[evidence.sentence]
        if not any(_same(text, span.candidate.text) for span in spans):  # a candidate speaks for itself
            out.append(Option(text, evidence, None, margin))
    return out


def _key(text: str) -> str:
    return text.strip().strip(".,;:'\"").lower()


def _same(a: str, b: str) -> bool:
    a, b = _key(a), _key(b)
    return bool(a) and bool(b) and (a in b or b in a)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def choose(
    found: Sequence[Option], *, weight: float, own_bias: float, rules_text: str | None, rules_p: float
) -> tuple[Option, str, tuple[float, ...]] | None:
    """Return the likeliest option, the text to show (the longer of its text and the candidates' pick when
    one holds the other: a name in full, a date resolved, a number with its unit) and the confidence
    features; None without options."""
    if not found:
        return None

    def value(o: Option) -> float:
        return (own_bias if o.rules_p is None else _logit(o.rules_p)) + weight * o.margin

    best = max(found, key=value)
    top = max(found, key=lambda o: o.margin)  # the reader's likeliest (its span, or a candidate of that text)
    rules_agree = rules_text is not None and _same(best.text, rules_text)
    reader_agree = _same(best.text, top.text)
    features = (
        _logit(rules_p) if rules_agree else -5.0,
        best.margin,
        float(rules_agree),
        float(reader_agree),
        top.margin,
        float(rules_agree and reader_agree),
    )
    shown = best.text.strip()
    if rules_agree and rules_text and len(rules_text) > len(shown):  # a name in full, a date resolved
        shown = rules_text
    return best, shown, features


def decide(vote: Vote, found: Sequence[Option], rules_text: str | None, rules_p: float) -> Pick | None:
    """Return the vote's short answer with its confidence; None without options."""
    chosen = choose(found, weight=vote.weight, own_bias=vote.own_bias, rules_text=rules_text, rules_p=rules_p)
    if chosen is None:
        return None
    option, shown, features = chosen
    p = float(vote.confidence.probs([features])[0])
    return Pick(shown, option.evidence, p)
