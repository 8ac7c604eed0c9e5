"""Tune the weights that rank sentences (index/answer/evidence.py) on the TRAINING split of RealTimeQA-silver.

    .venv/bin/python benchmarks/tune_sentences.py [--passages 4 6 8] [--trials 3000]

For each training question, every sentence of the top fused passages gets the features rank_sentences
scores (coverage, passage cosine, rank prior, phrase, typed candidate); a sentence is right when it
holds the answer string. Random search, then coordinate refinement, over the weights maximises the share
of questions whose top sentence is right. Prints the current weights' share beside the best found, per
number of passages. The held-out split is never read.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import silver_index  # type: ignore[import-not-found]
from tqdm import tqdm

from index import Engine, SearchConfig
from index.answer.evidence import _TYPE_WEIGHT, WEIGHTS
from index.answer.extract import candidates
from index.answer.qtype import classify
from index.text import split_sentences

CURRENT = np.array(list(WEIGHTS))  # coverage, passage cosine, prior, phrase, typed (x type weight)


def features(engine: Engine, question: str, qvec: np.ndarray, k: int) -> tuple[np.ndarray, list[str]]:
    data = engine.data
    fused, cosines = engine.retrieve(data, question, qvec)
    qtype = classify(question)
    terms = engine.question_terms(data, question)
    rows, sentences = [], []
    for rank, hit in enumerate(fused[:k]):
        passage = data.passages[hit.id]
        reference = data.published(passage.article_id)
        for sentence in split_sentences(passage.text):
            cands = candidates(sentence, qtype, question, reference=reference, rarity=data.rarity)
            typed = min(1.0, cands[0].score) if cands else 0.0
            rows.append(
                (
                    terms.coverage(sentence, passage.title),
                    cosines.get(hit.id, 0.0),
                    1.0 / (1 + rank),
                    terms.phrase(sentence),
                    _TYPE_WEIGHT[qtype.type] * typed,
                )
            )
            sentences.append(sentence)
    return np.array(rows, dtype=np.float64).reshape(-1, 5), sentences


def share(weights: np.ndarray, items: list[tuple[np.ndarray, np.ndarray]]) -> float:
    return float(np.mean([y[int(np.argmax(x @ weights))] if len(y) else 0.0 for x, y in items]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, nargs="+", default=[4, 6, 8])
    parser.add_argument("--trials", type=int, default=3000)
    parser.add_argument(
        "--check", nargs="*", default=[], help="weights to score as they are, e.g. 0.6,0.45,0.05,0.15,1.3"
    )
    args = parser.parse_args()
    _, questions, encoder, root, _ = silver_index("train")
    engine = Engine(root, encoder.inner, SearchConfig())
    qvecs = encoder.encode([q["question"] for q in questions])
    kmax = max(args.passages)
    cached = []
    for q, qvec in tqdm(list(zip(questions, qvecs, strict=True)), desc="features"):
        x, sentences = features(engine, q["question"], qvec, kmax)
        answer = q["answer"].lower()
        cached.append((x, np.array([answer in s.lower() for s in sentences], dtype=float)))
    rng = np.random.default_rng(0)
    for k in args.passages:
        items = [(x[x[:, 2] >= 1.0 / k - 1e-9], y[x[:, 2] >= 1.0 / k - 1e-9]) for x, y in cached]
        best_w, best = CURRENT.copy(), share(CURRENT, items)
        print(f"{k} passages: current weights {best:.3f}", flush=True)
        for text in args.check:
            print(
                f"{k} passages: weights {text}: {share(np.array([float(v) for v in text.split(',')]), items):.3f}"
            )
        if not args.trials:
            continue
        for _ in range(args.trials):
            w = rng.uniform(0, 1, 5)
            w[4] = rng.uniform(0, 3)
            s = share(w, items)
            if s > best:
                best_w, best = w, s
        for _ in range(3):  # coordinate refinement
            for i in range(5):
                for value in np.linspace(0, 3 if i == 4 else 1.5, 31):
                    w = best_w.copy()
                    w[i] = value
                    s = share(w, items)
                    if s > best + 1e-9:
                        best_w, best = w, s
        normalised = best_w / best_w[1] * 0.45 if best_w[1] > 0 else best_w
        print(f"{k} passages: best {best:.3f} with weights {np.round(normalised, 3).tolist()}", flush=True)


if __name__ == "__main__":
    main()
