"""What the reader's vote costs per question: `Engine.ask` with and without the reader, taking turns question
by question in one process (the ratio measured side by side), on the held-out split's index and on the
100k-passage index of benchmarks/scale.py.

    .venv/bin/python benchmarks/scale.py --sizes 100000 --sizes-only --backends faiss   # once: the 100k index
    .venv/bin/python benchmarks/reader_cost.py [--questions 160]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import CACHE, percentiles, realtimeqa, silver_index  # type: ignore[import-not-found]

from index import EncoderConfig, Engine, SearchConfig, make_encoder


def taking_turns(root: Path, encoder: object, asked: list[str]) -> dict[str, tuple[float, float]]:
    """Return (p50, p95) ms of ask for each engine, asking each question of both in turn."""
    engines = {
        "with reader": Engine(root, encoder, SearchConfig()),  # type: ignore[arg-type]
        "without": Engine(root, encoder, SearchConfig(), reader=False),  # type: ignore[arg-type]
    }
    times: dict[str, list[float]] = {name: [] for name in engines}
    for engine in engines.values():
        for q in asked[:5]:
            engine.ask(q)  # warm up (sessions, caches)
    for i, q in enumerate(asked):
        order = list(engines.items()) if i % 2 == 0 else list(engines.items())[::-1]
        for name, engine in order:
            t = time.perf_counter()
            engine.ask(q)
            times[name].append((time.perf_counter() - t) * 1000)
    return {name: percentiles(ms) for name, ms in times.items()}


def report(label: str, result: dict[str, tuple[float, float]]) -> None:
    (w50, w95), (o50, o95) = result["with reader"], result["without"]
    print(
        f"{label}: ask p50 / p95 with the reader {w50:.1f} / {w95:.1f} ms, without {o50:.1f} / {o95:.1f} ms "
        f"(p50 {w50 / o50:.2f}x, +{w50 - o50:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=160)
    args = parser.parse_args()
    _, qs, encoder, root, _ = silver_index("dev")
    report(
        f"held-out split ({len(qs)} questions)",
        taking_turns(root, encoder.inner, [q["question"] for q in qs]),
    )
    big = CACHE / "scale-100000"
    if (big / "CURRENT").exists():
        _, questions = realtimeqa()
        asked = [q["question"] for q in questions[: args.questions]]
        report(
            f"100k passages ({len(asked)} questions)", taking_turns(big, make_encoder(EncoderConfig()), asked)
        )
    else:
        print(f"no {big}: run benchmarks/scale.py --sizes 100000 --sizes-only --backends faiss first")


if __name__ == "__main__":
    main()
