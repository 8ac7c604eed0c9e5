"""Fit the reader's vote (index/answer/reader/vote.json) on news questions the reader never saw.

    .venv/bin/python benchmarks/silver_index.py train     # once: embeds the training articles (cached)
    .venv/bin/python benchmarks/train_vote.py [--since 2025-01-01] [--max-wrong 0.10]

The reader's news stage (benchmarks/train_qa_reader.py) trained on RealTimeQA-silver questions dated
before 2025; the vote is fitted on the training split's questions from --since on (145), read over the
training index with the shipped candidate model (index/answer/weights.json) and the shipped reader:
1. the weight of the reader's margin against the candidates' logit, and the start of a span only the
   reader proposed, by a grid that maximises how often the chosen text is the answer (it contains the
   answer string and is at most three words longer, as in benchmarks/train_answers.py);
2. the confidence model (index.answer.vote.VOTE_FEATURES) on the chosen texts, and the bold threshold:
   the lowest whose wrong bold answers stay within --max-wrong of the questions, out of fold, with the
   sampling error of so few questions allowed for (the one-sided 95 % Wilson upper bound of the wrong share,
   not the share itself: 145 questions set a threshold only loosely).
Nothing from the held-out split (common.DEV_FROM on) is read. About a minute on 2 cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from common import silver_index  # type: ignore[import-not-found]
from tqdm import tqdm
from train_answers import out_of_fold, span_ok  # type: ignore[import-not-found]

from index import Engine, SearchConfig
from index.answer.model import Logistic
from index.answer.vote import VOTE, VOTE_FEATURES, Vote, choose

WEIGHTS = (0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0)
OWN_BIAS = (-4.0, -3.0, -2.0, -1.0, 0.0, 1.0)


def wilson_upper(k: int, n: int, z: float = 1.645) -> float:
    """Return the one-sided upper bound of a share k/n (z 1.645: 95 %)."""
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float((centre + spread) / (1 + z * z / n))


def pick_bold(top_p: np.ndarray, correct: np.ndarray, max_wrong: float) -> float:
    """Return the lowest threshold whose wrong bold answers stay within max_wrong of the questions, at the
    upper bound of their share."""
    best = 1.0
    for t in np.round(np.arange(0.95, 0.04, -0.01), 2):
        wrong = int(((top_p >= t) & ~correct).sum())
        if wilson_upper(wrong, len(top_p)) <= max_wrong:
            best = float(t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--since", default="2025-01-01", help="questions from this date on (unseen by the reader)"
    )
    parser.add_argument("--max-wrong", type=float, default=0.10, help="wrong bold answers allowed (share)")
    parser.add_argument("--out", type=Path, default=VOTE)
    args = parser.parse_args()
    _, qs, encoder, root, _ = silver_index("train")
    qs = [q for q in qs if q["date"] >= args.since]
    n = len(VOTE_FEATURES)
    flat = Vote(
        weight=1.0,
        own_bias=0.0,
        confidence=Logistic(VOTE_FEATURES, np.zeros(n), np.ones(n), np.zeros(n + 1)),
        bold=1.0,
    )
    engine = Engine(root, encoder.inner, SearchConfig(), vote=flat)
    data = engine.data
    readings = [
        engine.read(data, q["question"], encoder.encode([q["question"]])[0]) for q in tqdm(qs, desc="reading")
    ]

    def chosen(weight: float, own_bias: float) -> list:
        return [
            choose(r.options, weight=weight, own_bias=own_bias, rules_text=r.answer_text, rules_p=r.answer_p)
            for r in readings
        ]

    def right(picks: list) -> np.ndarray:  # without a vote (a date question) the candidates' pick stands
        return np.array(
            [
                span_ok(q["answer"], c[1] if c is not None else r.answer_text or "")
                for q, c, r in zip(qs, picks, readings, strict=True)
            ]
        )

    grid = {(w, b): right(chosen(w, b)).mean() for w in WEIGHTS for b in OWN_BIAS}
    (weight, own_bias), top = max(grid.items(), key=lambda item: (item[1], -abs(item[0][1])))
    rules = np.mean([span_ok(q["answer"], r.answer_text or "") for q, r in zip(qs, readings, strict=True)])
    print(
        f"{len(qs)} questions: the candidates' pick is the answer for {rules:.3f}; the vote's for {top:.3f} "
        f"(reader weight {weight}, own spans from {own_bias})"
    )
    picks = chosen(weight, own_bias)
    has = [i for i, c in enumerate(picks) if c is not None]
    x = np.array([picks[i][2] for i in has])
    y = right(picks)[has].astype(float)
    confidence = Logistic.fit(VOTE_FEATURES, x, y)
    oof = out_of_fold(VOTE_FEATURES, x, y, has, len(qs))
    ok = right(picks)
    bold = pick_bold(oof, ok, args.max_wrong)
    shown = oof >= bold
    print(
        f"confidence: weights {confidence.weights.round(2).tolist()}; bold from {bold:.2f} (out of fold): "
        f"right {(shown & ok).mean():.3f}, wrong {(shown & ~ok).mean():.3f} of {len(qs)} questions"
    )
    vote = Vote(
        weight=weight,
        own_bias=own_bias,
        confidence=confidence,
        bold=bold,
        provenance=(
            f"benchmarks/train_vote.py on RealTimeQA-silver's training split from {args.since} "
            f"({len(qs)} questions the reader never saw), max wrong {args.max_wrong}"
        ),
    )
    vote.save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
