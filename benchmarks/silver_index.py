"""Build (or bring up to date) the RealTimeQA-silver indexes used by answer training and evaluation.

    .venv/bin/python benchmarks/silver_index.py [train|dev ...]

Vectors are cached in benchmarks/cache/embeddings.sqlite3, so a second run embeds nothing.
"""

from __future__ import annotations

import sys

from common import CACHE, CachedEncoder, silver, silver_split  # type: ignore[import-not-found]
from tqdm import tqdm

from index import EncoderConfig, IndexConfig, build_index, make_encoder


def main() -> None:
    which = sys.argv[1:] or ["dev", "train"]
    articles, questions = silver()
    split = silver_split(articles, questions)
    encoder = CachedEncoder(make_encoder(EncoderConfig(precision="fp32")))
    for name in which:
        docs, qs = split[name]
        bar = tqdm(desc=f"silver-{name}", unit="passage")

        def progress(done: int, total: int, bar: tqdm = bar) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        report = build_index(docs, CACHE / f"silver-{name}", encoder, IndexConfig(), progress=progress)
        bar.close()
        print(
            f"silver-{name}: {len(qs)} questions, {len(docs)} articles, {report.passages} passages, "
            f"{report.embedded} embedded in {report.seconds:.0f}s"
        )


if __name__ == "__main__":
    main()
