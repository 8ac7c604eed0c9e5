"""Fit the answer models (index/answer/weights.json) on the training split of RealTimeQA-silver.

    .venv/bin/python benchmarks/silver_index.py train     # once: embeds the training articles (cached)
    .venv/bin/python benchmarks/train_answers.py [--out index/answer/weights.json]

The engine chooses the sentence and its best typed candidate by hand-written scoring
(index/answer/evidence.py); the models say how sure to be. Distant supervision: the short answer is
right when the candidate contains the answer string (and is at most three words longer). The relevance
model sees each question once with its sources indexed (positive when the chosen sentence's article is a
source) and once with them removed (negative; the index without them is derived from the full one by
tombstones, nothing re-embedded). The bold threshold comes from out-of-fold probabilities (5 folds over
questions): the lowest that keeps wrong bold answers within --max-wrong of all questions. The decline
threshold declines --max-declined of the questions asked with their sources. Nothing from the held-out
split (questions from common.DEV_FROM on) is read. About 5 minutes on 2 cores with cached vectors.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import time
from pathlib import Path

import numpy as np
from common import CACHE, canon, silver_index  # type: ignore[import-not-found]

from index import Engine, IndexConfig, SearchConfig, build_index
from index.answer.features import (
    CONFIDENCE_FEATURES,
    RELEVANCE_FEATURES,
    SENTENCE_FEATURES,
    SPAN_FEATURES,
    confidence_features,
    sentence_features,
)
from index.answer.model import WEIGHTS, AnswerModel, Logistic
from index.answer.qtype import classify
from index.answer.spans import Choice, likeliest, shown_text


def placeholder() -> AnswerModel:
    """A model that scores everything 0.5: what stage one reads with before anything is fitted."""

    def flat(names: tuple[str, ...]) -> Logistic:
        n = len(names)
        return Logistic(names, np.zeros(n), np.ones(n), np.zeros(n + 1))

    return AnswerModel(
        flat(RELEVANCE_FEATURES),
        flat(SPAN_FEATURES),
        flat(CONFIDENCE_FEATURES),
        flat(SENTENCE_FEATURES),
        0.5,
        0.0,
    )


def span_ok(answer: str, text: str) -> bool:
    """Return True when the span shows the answer: it contains it and is not much longer."""
    a, t = answer.lower().strip(), text.lower()
    return a in t and len(t.split()) <= len(a.split()) + 3


def read_all(engine: Engine, questions: list[dict], model: AnswerModel) -> list:
    data = engine.data
    out = []
    for q in questions:
        qvec = engine.encoder.encode([q["question"]])[0]
        out.append(engine.read(data, q["question"], qvec, model=model))
    return out


def span_table(questions: list[dict], readings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every span's SPAN_FEATURES row, whether it is the answer (1.0) or not, and the index of its
    question."""
    rows, labels, owner = [], [], []
    for i, (q, r) in enumerate(zip(questions, readings, strict=True)):
        for span, x in zip(r.spans, r.span_x, strict=True):
            rows.append(x)
            labels.append(span_ok(q["answer"], span.candidate.text))
            owner.append(i)
    return np.array(rows), np.array(labels, dtype=float), np.array(owner)


def pick(
    questions: list[dict], readings: list, scores: np.ndarray, owner: np.ndarray
) -> tuple[list[Choice | None], np.ndarray]:
    """Return each question's likeliest answer by these span scores (rows as span_table's), and whether
    the text shown for it holds the answer."""
    choices = [
        likeliest(r.spans, scores[owner == i].tolist(), qtype=classify(q["question"]))
        for i, (q, r) in enumerate(zip(questions, readings, strict=True))
    ]
    right = np.array(
        [
            c is not None and span_ok(q["answer"], shown_text(r.spans[c.index], r.context, set(r.asked)))
            for q, r, c in zip(questions, readings, choices, strict=True)
        ]
    )
    return choices, right


def folds(n: int, k: int = 5) -> list[np.ndarray]:
    return [np.arange(i, n, k) for i in range(k)]


def out_of_fold(names: tuple[str, ...], x: np.ndarray, y: np.ndarray, rows: list[int], n: int) -> np.ndarray:
    """Return, for n questions, each one's probability from a model fitted without its fold; `rows` says
    which question each row of x is (the others get 0)."""
    p = np.zeros(n)
    for fold in folds(len(rows)):
        held = np.zeros(len(rows), dtype=bool)
        held[fold] = True
        p[np.array(rows)[held]] = Logistic.fit(names, x[~held], y[~held]).probs(x[held])
    return p


def pick_bold(top_p: np.ndarray, correct: np.ndarray, max_wrong: float) -> float:
    """Return the lowest threshold whose wrong bold answers stay within max_wrong of all questions."""
    best = 1.0
    for t in np.round(np.arange(0.95, 0.04, -0.01), 2):
        shown = top_p >= t
        if (shown & ~correct).sum() / len(top_p) <= max_wrong:
            best = float(t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--max-wrong", type=float, default=0.09, help="wrong bold answers allowed (share)")
    parser.add_argument("--l2", type=float, default=1.0, help="the span model's L2 penalty")
    parser.add_argument("--max-declined", type=float, default=0.03, help="answerable questions declined")
    args = parser.parse_args()
    t0 = time.perf_counter()
    docs, qs, encoder, root, url_of = silver_index("train")
    config = SearchConfig(min_confidence=0.0)
    engine = Engine(root, encoder, config, model=placeholder())
    readings = read_all(engine, qs, placeholder())

    # 1. the short answer: which span of the top sentences is the answer?
    AX, AY, owner_of = span_table(qs, readings)
    answer = Logistic.fit(SPAN_FEATURES, AX, AY, l2=args.l2)
    oof = np.zeros(len(AY))
    for fold in folds(len(qs)):
        held = np.isin(owner_of, fold)
        oof[held] = Logistic.fit(SPAN_FEATURES, AX[~held], AY[~held], l2=args.l2).probs(AX[held])
    choices, top_ok = pick(qs, readings, oof, owner_of)
    reachable = np.zeros(len(qs), dtype=bool)
    reachable[np.unique(owner_of[AY > 0])] = True
    print(
        f"answers: {len(AY)} spans of {len(qs)} questions; the answer is among them for "
        f"{reachable.mean():.3f}; out of fold the likeliest is it for {top_ok.mean():.3f}\n"
        f"weights {dict(zip(SPAN_FEATURES, answer.weights[1:].round(2).tolist(), strict=True))}"
    )

    # 2. relevance: with the sources, and without them (derived index, nothing re-embedded)
    model = dataclasses.replace(placeholder(), answer=answer)
    rx, ry = [], []
    for q, r in zip(qs, readings, strict=True):
        gold = {canon(u) for u in q["source_urls"]}
        rx.append(r.relevance_x or (0.0,) * len(RELEVANCE_FEATURES))
        ry.append(r.evidence is not None and url_of[r.evidence.passage.article_id] in gold)
    halves = [qs[0::2], qs[1::2]]
    for side in (0, 1):
        gone = {canon(u) for q in halves[side] for u in q["source_urls"]}
        keep = [a for a in docs if canon(a.url) not in gone]
        half = CACHE / f"silver-train-without{side}"
        shutil.rmtree(half, ignore_errors=True)
        shutil.copytree(root, half, symlinks=True)
        build_index(keep, half, encoder, IndexConfig())
        for r in read_all(Engine(half, encoder, config, model=model), halves[side], model):
            rx.append(r.relevance_x or (0.0,) * len(RELEVANCE_FEATURES))
            ry.append(False)
    RX, RY = np.array(rx), np.array(ry, dtype=float)
    relevance = Logistic.fit(RELEVANCE_FEATURES, RX, RY)
    p = relevance.probs(RX)
    with_sources = p[: len(qs)]
    decline = float(np.quantile(with_sources, args.max_declined))
    print(
        f"relevance: weights {relevance.weights.round(2).tolist()}; decline below {decline:.3f}: declines "
        f"{(with_sources < decline).mean():.3f} of questions with their sources, "
        f"{(p[len(qs) :] < decline).mean():.3f} of those without"
    )
    # 3. confidence: is the likeliest answer (chosen with out-of-fold span scores) right?
    rel_p = relevance.probs(RX[: len(qs)])
    has = [i for i, c in enumerate(choices) if c is not None]
    CX = np.array(
        [confidence_features(choices[i], readings[i].spans, float(rel_p[i])) for i in has]  # type: ignore[arg-type]
    )
    CY = top_ok[has].astype(float)
    confidence = Logistic.fit(CONFIDENCE_FEATURES, CX, CY)
    top_p = out_of_fold(CONFIDENCE_FEATURES, CX, CY, has, len(qs))
    bold = pick_bold(top_p, top_ok, args.max_wrong)
    shown = top_p >= bold
    print(
        f"confidence: weights {confidence.weights.round(2).tolist()}; bold from {bold:.2f} (out of fold): "
        f"right {(shown & top_ok).mean():.3f}, wrong {(shown & ~top_ok).mean():.3f} of {len(qs)} questions"
    )
    # 4. the sentence shown without a short answer: which ranked sentence holds the answer?
    sx, sy = [], []
    for i, (q, r) in enumerate(zip(qs, readings, strict=True)):
        chosen = None if choices[i] is None else r.spans[choices[i].index]  # type: ignore[union-attr]
        sx += sentence_features(r.ranked, r.spans, oof[owner_of == i].tolist(), chosen)
        sy += [q["answer"].lower() in ev.sentence.lower() for ev in r.ranked]
    SX, SY = np.array(sx), np.array(sy, dtype=float)
    sentence = Logistic.fit(SENTENCE_FEATURES, SX, SY)
    first = sum(
        bool(r.ranked) and q["answer"].lower() in r.ranked[0].sentence.lower()
        for q, r in zip(qs, readings, strict=True)
    )
    print(
        f"sentence: weights {sentence.weights.round(2).tolist()}; the answer is in the best-scored sentence "
        f"for {first / len(qs):.3f} of questions"
    )
    final = AnswerModel(
        relevance,
        answer,
        confidence,
        sentence,
        bold,
        decline,
        provenance=(
            f"fitted by benchmarks/train_answers.py on RealTimeQA-silver questions dated before "
            f"2025-07-01 ({len(qs)} questions, {len(docs)} articles); research-use data, weights only"
        ),
    )
    final.save(args.out)
    print(f"wrote {args.out} in {time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()
