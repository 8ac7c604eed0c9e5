"""Compare model forms for the short answer's span choice, on the same SPAN_FEATURES: the shipped
logistic regression, gradient-boosted trees (scikit-learn), and a listwise linear model (softmax over
one question's spans).

    .venv/bin/python benchmarks/silver_index.py dev train     # once: embeds the articles (cached)
    .venv/bin/python benchmarks/span_models.py

Prints, for each, how often the likeliest span shows the answer string: five-fold out of fold on the
training split, and on the held-out split when fitted on the whole training split. About 5 minutes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from common import silver_index  # type: ignore[import-not-found]
from scipy.optimize import minimize
from sklearn.ensemble import HistGradientBoostingClassifier
from train_answers import folds, pick, placeholder, read_all, span_table  # type: ignore[import-not-found]

from index import Engine, SearchConfig
from index.answer.features import SPAN_FEATURES
from index.answer.model import Logistic

Scorer = Callable[[np.ndarray], np.ndarray]
Fit = Callable[[np.ndarray, np.ndarray, np.ndarray], Scorer]


class Split:
    """One split's readings and span table (train_answers.span_table)."""

    def __init__(self, name: str) -> None:
        _, self.questions, encoder, root, _ = silver_index(name)
        engine = Engine(root, encoder, SearchConfig(min_confidence=0.0), model=placeholder())
        self.readings = read_all(engine, self.questions, placeholder())
        self.x, self.y, self.owner = span_table(self.questions, self.readings)

    def right(self, scores: np.ndarray) -> float:
        """Return the share of questions whose likeliest span (by these scores) shows the answer."""
        return float(pick(self.questions, self.readings, scores, self.owner)[1].mean())


def logistic(x: np.ndarray, y: np.ndarray, _owner: np.ndarray) -> Scorer:
    return Logistic.fit(SPAN_FEATURES, x, y, l2=1.0).probs


def trees(**params: float) -> Fit:
    def fit(x: np.ndarray, y: np.ndarray, _owner: np.ndarray) -> Scorer:
        model = HistGradientBoostingClassifier(**params, min_samples_leaf=40, random_state=0).fit(x, y)  # type: ignore[arg-type]
        return lambda z: model.predict_proba(z)[:, 1]

    return fit


def listwise(l2: float) -> Fit:
    def fit(x: np.ndarray, y: np.ndarray, owner: np.ndarray) -> Scorer:
        mean, scale = x.mean(0), x.std(0) + 1e-6
        z = (x - mean) / scale
        groups = [g for g in (np.flatnonzero(owner == o) for o in np.unique(owner)) if y[g].any()]

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            s, total, grad = z @ w, 0.0, np.zeros_like(w)
            for g in groups:
                e = np.exp(s[g] - s[g].max())
                p, target = e / e.sum(), y[g] / y[g].sum()
                total -= float((target * np.log(p + 1e-12)).sum())
                grad -= z[g].T @ (target - p)
            return total / len(groups) + l2 * float(w @ w) / 2, grad / len(groups) + l2 * w

        w = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B").x
        return lambda q: (
            1 / (1 + np.exp(-((q - mean) / scale) @ w))
        )  # probabilities: spans of one text pool them

    return fit


def main() -> None:
    train, dev = Split("train"), Split("dev")
    forms: dict[str, Fit] = {"logistic (shipped form)": logistic}
    for rate in (0.05, 0.1):
        for leaves in (7, 15):
            for rounds in (100, 300):
                forms[f"trees lr {rate} leaves {leaves} rounds {rounds}"] = trees(
                    learning_rate=rate, max_leaf_nodes=leaves, max_iter=rounds, l2_regularization=1.0
                )
    for l2 in (0.001, 0.01, 0.1):
        forms[f"listwise l2 {l2}"] = listwise(l2)
    print(f"{'model':40s} {'train OOF':>10s} {'held-out':>10s}")
    for name, fit in forms.items():
        oof = np.zeros(len(train.y))
        for fold in folds(len(train.questions)):
            held = np.isin(train.owner, fold)
            oof[held] = fit(train.x[~held], train.y[~held], train.owner[~held])(train.x[held])
        full = fit(train.x, train.y, train.owner)
        print(f"{name:40s} {train.right(oof):10.3f} {dev.right(full(dev.x)):10.3f}", flush=True)


if __name__ == "__main__":
    main()
