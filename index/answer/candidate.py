"""A possible short answer within a sentence (what every typed extractor returns)."""

from __future__ import annotations

from typing import NamedTuple


class Candidate(NamedTuple):
    """A possible short answer within a sentence."""

    text: str
    start: int
    end: int
    score: float
