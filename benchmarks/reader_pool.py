"""Dump, for each RealTimeQA-silver question of a split, the sentence pool a reader would rerank: the
POOL best sentences by the hand-written score (index/answer/evidence.py), with the engine's own choices.

    .venv/bin/python benchmarks/reader_pool.py train|dev      # -> benchmarks/cache/pool-<split>.json

Rows: question, answer, pool (sentences best-scored first), ranked (how many of them the engine ranks
spans of), shown (the index in the pool of the sentence the engine shows without a short answer), bold
(the short answer the engine gives, or null).
"""

from __future__ import annotations

import json
import sys

from common import CACHE, silver_index  # type: ignore[import-not-found]
from tqdm import tqdm

from index import Engine, SearchConfig
from index.answer.evidence import rank_sentences
from index.answer.qtype import classify

POOL = 12


def main() -> None:
    split = sys.argv[1]
    _, qs, encoder, root, _ = silver_index(split)
    engine = Engine(root, encoder, SearchConfig(min_confidence=0.0))
    data = engine.data
    rows = []
    for q in tqdm(qs, desc=f"pool-{split}"):
        question = q["question"]
        qvec = engine.encoder.encode([question])[0]
        reading = engine.read(data, question, qvec)
        answer = engine.answer(data, question)
        terms = engine.question_terms(data, question)

        top = [data.passages[h.id] for h in reading.fused[: engine.config.answer_passages]]
        pool = rank_sentences(
            question,
            classify(question),
            terms,
            top,
            reading.cosines,
            published=data.published,
            rarity=data.rarity,
            limit=POOL,
        )
        sentences = [e.sentence for e in pool]
        shown = sentences.index(answer.sentence) if answer.sentence in sentences else -1
        rows.append(
            {
                "question": question,
                "answer": q["answer"],
                "pool": sentences,
                "titles": [e.passage.title for e in pool],
                "base": [e.score for e in pool],
                "ranked": len(reading.ranked),
                "shown": shown,
                "bold": answer.answer,
                "answered": answer.answered,
            }
        )
    (CACHE / f"pool-{split}.json").write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
