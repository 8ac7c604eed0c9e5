"""The threshold that groups articles into stories, measured on RealTimeQA-silver.

    .venv/bin/python benchmarks/stories.py

Same story: two source articles of one question (outlets reporting one event). Different stories: two
articles of different questions published within 3 days of each other. Each article is its title and
first two sentences, embedded (bot.core.topics.lead_text); a pair's score is their cosine plus a bonus for
shared title words. A new article meets hundreds of others within a few days, so what matters is the
rate of false merges per pair: the threshold is the lowest whose false-merge rate on the questions
before common.DEV_FROM is at most 1 in 500 (ten different-story pairs are drawn per same-story pair),
and it is reported on the later ones.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
from common import DEV_FROM, CachedEncoder, canon, silver  # type: ignore[import-not-found]

from bot.core.stories import pair_score
from bot.core.topics import lead_text
from index import EncoderConfig, make_encoder


def pairs(questions: list[dict], by_url: dict, rng: random.Random) -> tuple[list, list]:
    same, groups = [], []
    for q in questions:
        urls = sorted({canon(u) for u in q["source_urls"]} & by_url.keys())
        groups.append(urls)
        same += list(itertools.combinations(urls, 2))[:10]
    different = []
    flat = [(u, i) for i, g in enumerate(groups) for u in g]
    while len(different) < 10 * len(same):
        (a, i), (b, j) = rng.sample(flat, 2)
        da, db = by_url[a].published, by_url[b].published
        if i != j and da and db and abs((da - db).days) <= 3 and not set(groups[i]) & set(groups[j]):
            different.append((a, b))
    return same, different


def main() -> None:
    articles, questions = silver()
    by_url = {canon(a.url): a for a in articles}
    rng = random.Random(0)
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    splits = {
        "train": pairs([q for q in questions if q["date"] < DEV_FROM], by_url, rng),
        "dev": pairs([q for q in questions if q["date"] >= DEV_FROM], by_url, rng),
    }
    urls = sorted({u for same, diff in splits.values() for pair in same + diff for u in pair})
    vectors = dict(zip(urls, encoder.encode([lead_text(by_url[u]) for u in urls]), strict=True))

    def scores(pair_list: list) -> np.ndarray:
        return np.array(
            [pair_score(by_url[a].title, vectors[a], by_url[b].title, vectors[b]) for a, b in pair_list]
        )

    def rates(threshold: float, same: np.ndarray, diff: np.ndarray) -> tuple[float, float]:
        return float((same >= threshold).mean()), float((diff >= threshold).mean())

    same, diff = (scores(p) for p in splits["train"])
    grid = np.round(np.arange(0.30, 1.20, 0.01), 2)
    best = min((t for t in grid if rates(t, same, diff)[1] <= 0.002), default=grid[-1])
    print(
        f"pairs: train {len(same)} same / {len(diff)} different; dev {len(splits['dev'][0])} / {len(splits['dev'][1])}"
    )
    for name, (s, d) in {"train": (same, diff), "dev": tuple(scores(p) for p in splits["dev"])}.items():
        for t in sorted({float(best) - 0.1, float(best) - 0.05, float(best), float(best) + 0.05}):
            recall, false_rate = rates(t, s, d)
            mark = " <- chosen (false merges <= 1/500 on train)" if t == best and name == "train" else ""
            print(
                f"  {name} threshold {t:.2f}: same-story pairs grouped {recall:.3f}, different ones {false_rate:.4f}{mark}"
            )


if __name__ == "__main__":
    main()
