"""Fit the answer models (index/answer/weights.json) on the training split of RealTimeQA-silver.

    .venv/bin/python benchmarks/silver_index.py train     # once: embeds the training articles (cached)
    .venv/bin/python benchmarks/train_answers.py [--out index/answer/weights.json]

Distant supervision: a sentence is positive when it contains the answer string; a candidate span when
it contains the answer string (and is at most three words longer). The relevance model sees each
question once with its sources indexed (positive when the chosen sentence's article is a source) and
once with them removed (negative), the index without them derived from the full one by tombstones.
Thresholds come from out-of-fold predictions (5 folds over questions). Nothing from the held-out
split (questions from common.DEV_FROM on) is read. Takes ~10 minutes on 2 cores with cached vectors.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import time
from pathlib import Path

import numpy as np
from common import CACHE, CachedEncoder, canon, silver, silver_split  # type: ignore[import-not-found]

from index import EncoderConfig, Engine, IndexConfig, SearchConfig, build_index, make_encoder
from index.answer.features import CANDIDATE_FEATURES, SENTENCE_FEATURES
from index.answer.model import RELEVANCE_FEATURES, WEIGHTS, AnswerModel, Logistic


def placeholder() -> AnswerModel:
    """A model that scores everything 0.5: what stage one reads with before anything is fitted."""

    def flat(names: tuple[str, ...]) -> Logistic:
        n = len(names)
        return Logistic(names, np.zeros(n), np.ones(n), np.zeros(n + 1))

    return AnswerModel(flat(SENTENCE_FEATURES), flat(CANDIDATE_FEATURES), flat(RELEVANCE_FEATURES), 0.5, 0.0)


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


def folds(n: int, k: int = 5) -> list[np.ndarray]:
    return [np.arange(i, n, k) for i in range(k)]


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
    parser.add_argument("--max-wrong", type=float, default=0.12, help="wrong bold answers allowed (share)")
    parser.add_argument("--max-declined", type=float, default=0.03, help="answerable questions declined")
    args = parser.parse_args()
    t0 = time.perf_counter()
    articles, questions = silver()
    docs, qs = silver_split(articles, questions)["train"]
    encoder = CachedEncoder(make_encoder(EncoderConfig()))
    root = CACHE / "silver-train"
    build_index(docs, root, encoder, IndexConfig())
    url_of = {a.id: canon(a.url) for a in docs}
    config = SearchConfig(min_confidence=0.0)
    engine = Engine(root, encoder, config, model=placeholder())

    # 1. sentences
    readings = read_all(engine, qs, placeholder())
    sx, sy = [], []
    for q, r in zip(qs, readings, strict=True):
        for row in r.rows:
            sx.append(row.features)
            sy.append(q["answer"].lower() in row.sentence.lower())
    sentence = Logistic.fit(SENTENCE_FEATURES, np.array(sx), np.array(sy, dtype=float))
    print(f"sentences: {len(sy)} rows, {int(sum(sy))} positive; weights {sentence.weights.round(2).tolist()}")

    # 2. candidates, read with the fitted sentence model
    model = dataclasses.replace(placeholder(), sentence=sentence)
    readings = read_all(engine, qs, model)
    cx, cy, cq = [], [], []
    for i, (q, r) in enumerate(zip(qs, readings, strict=True)):
        for c in r.candidates:
            cx.append(c.features)
            cy.append(span_ok(q["answer"], c.text))
            cq.append(i)
    CX, CY, CQ = np.array(cx), np.array(cy, dtype=float), np.array(cq)
    candidate = Logistic.fit(CANDIDATE_FEATURES, CX, CY)
    print(
        f"candidates: {len(cy)} rows, {int(CY.sum())} positive; weights {candidate.weights.round(2).tolist()}"
    )
    reachable = sum(
        any(span_ok(q["answer"], c.text) for c in r.candidates) for q, r in zip(qs, readings, strict=True)
    )
    print(f"questions with the answer among the candidates: {reachable}/{len(qs)}")

    # out-of-fold top candidate per question -> the bold threshold
    oof = np.zeros(len(CY))
    for fold in folds(len(qs)):
        held = np.isin(CQ, fold)
        oof[held] = Logistic.fit(CANDIDATE_FEATURES, CX[~held], CY[~held]).probs(CX[held])
    top_p, top_ok = np.zeros(len(qs)), np.zeros(len(qs), dtype=bool)
    for i in range(len(qs)):
        mine = np.flatnonzero(i == CQ)
        if len(mine):
            j = mine[np.argmax(oof[mine])]
            top_p[i], top_ok[i] = oof[j], bool(CY[j])
    bold = pick_bold(top_p, top_ok, args.max_wrong)
    shown = top_p >= bold
    print(
        f"bold threshold {bold:.2f} (out of fold): right {(shown & top_ok).mean():.3f}, "
        f"wrong {(shown & ~top_ok).mean():.3f}, top candidate right when all shown {top_ok.mean():.3f}"
    )

    # 3. relevance: with the sources, and without them (derived index, nothing re-embedded)
    model = dataclasses.replace(model, candidate=candidate)
    readings = read_all(engine, qs, model)
    rx, ry, answerable = [], [], []
    for q, r in zip(qs, readings, strict=True):
        gold = {canon(u) for u in q["source_urls"]}
        ok = bool(r.rows) and url_of[r.rows[r.best].passage.article_id] in gold
        rx.append(r.relevance_x)
        ry.append(ok)
        answerable.append(len(rx) - 1)
    halves = [qs[0::2], qs[1::2]]
    for side in (0, 1):
        gone = {canon(u) for q in halves[side] for u in q["source_urls"]}
        keep = [a for a in docs if canon(a.url) not in gone]
        half = CACHE / f"silver-train-without{side}"
        shutil.rmtree(half, ignore_errors=True)
        shutil.copytree(root, half, symlinks=True)
        build_index(keep, half, encoder, IndexConfig())
        for r in read_all(Engine(half, encoder, config, model=model), halves[side], model):
            rx.append(r.relevance_x)
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
    final = AnswerModel(
        sentence,
        candidate,
        relevance,
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
