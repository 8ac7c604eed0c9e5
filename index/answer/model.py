"""The fitted answer models: four logistic regressions and two thresholds, saved as JSON (no pickle).

- relevance: P(the chosen sentence comes from an article that answers the question), over
  RELEVANCE_FEATURES; below `decline` the engine says the news holds no answer;
- answer: scores each candidate span (every name, number and date of the top sentences,
  index/answer/spans.py) over SPAN_FEATURES; spans of one text pool their scores, the likeliest text is
  the short answer;
- confidence: P(that short answer is right), over CONFIDENCE_FEATURES (calibrated on out-of-fold span
  scores): from `bold` on it is shown in bold with its sentence, below it the reply is the best sentence
  alone ("Here is what I found");
- sentence: P(a sentence holds the answer), over SENTENCE_FEATURES: the sentence shown when the short
  answer is not.

`benchmarks/train_answers.py` fits them on the training split of RealTimeQA-silver and writes
index/answer/weights.json.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.answer.features import CONFIDENCE_FEATURES, RELEVANCE_FEATURES, SENTENCE_FEATURES, SPAN_FEATURES
from index.errors import NewsIndexError

WEIGHTS = Path(__file__).with_name("weights.json")


@dataclass(frozen=True, slots=True)
class Logistic:
    """A logistic regression over standardised features."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # bias first

    def scores(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """Return the linear score of each row of features."""
        if not len(rows):
            return np.zeros(0)
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        return x @ self.weights[1:] + self.weights[0]

    def probs(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """Return P(positive) for each row of features."""
        return 1.0 / (1.0 + np.exp(-self.scores(rows)))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(self.names),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
        }

    @classmethod
    def from_dict(
        cls, data: dict, expected: tuple[str, ...], *, refit: str = "benchmarks/train_answers.py"
    ) -> Logistic:
        names = tuple(data["features"])
        if names != expected:
            raise NewsIndexError(
                f"weights fitted on features {names}, the code computes {expected}: refit them with {refit}"
            )
        return cls(names, np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]))

    @classmethod
    def fit(
        cls,
        names: tuple[str, ...],
        x: np.ndarray,
        y: np.ndarray,
        *,
        l2: float = 1.0,
        steps: int = 60,
        min_scale: float = 0.25,
    ) -> Logistic:
        """Fit an L2-regularised logistic regression by Newton's method."""
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale = np.maximum(scale, min_scale)  # a rare 0/1 feature must not weigh by its rarity alone
        z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
        w = np.zeros(z.shape[1])
        reg = np.eye(z.shape[1]) * l2
        reg[0, 0] = 0.0
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-z @ w))
            grad = z.T @ (p - y) + reg @ w
            hess = z.T @ (z * (p * (1 - p))[:, None]) + reg
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(names, mean, scale, w)


@dataclass(frozen=True, slots=True)
class AnswerModel:
    """The three models and the two thresholds the engine decides with."""

    relevance: Logistic
    answer: Logistic
    confidence: Logistic
    sentence: Logistic
    bold: float
    decline: float
    provenance: str = ""

    def save(self, path: Path = WEIGHTS) -> None:
        data = {
            "provenance": self.provenance,
            "thresholds": {"bold": round(self.bold, 4), "decline": round(self.decline, 4)},
            "relevance": self.relevance.to_dict(),
            "span": self.answer.to_dict(),
            "confidence": self.confidence.to_dict(),
            "sentence": self.sentence.to_dict(),
        }
        path.write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> AnswerModel:
        """Read the weights; a missing or malformed file is a NewsIndexError naming it."""
        try:
            data = json.loads(Path(path).read_text())
            return cls(
                Logistic.from_dict(data["relevance"], RELEVANCE_FEATURES),
                Logistic.from_dict(data["span"], SPAN_FEATURES),
                Logistic.from_dict(data["confidence"], CONFIDENCE_FEATURES),
                Logistic.from_dict(data["sentence"], SENTENCE_FEATURES),
                float(data["thresholds"]["bold"]),
                float(data["thresholds"]["decline"]),
                str(data.get("provenance", "")),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise NewsIndexError(f"cannot read the answer weights {path}: {exc}") from exc
