"""This code and an earlier revision side by side: serving memory and latency, start-up, bot throughput.

    .venv/bin/python benchmarks/before_after.py [--rev 9150a76] [--rounds 2]

Checks the revision out as a git worktree under benchmarks/cache/ and runs the same benchmark scripts
(this checkout's) against each code in turn, alternating round by round (NEWSBOT_CODE points them at
the code measured; data, indexes and caches are shared):

- serving an index built by `scale.py` (benchmarks/cache/scale-100000 and scale-1000000, where they
  exist): peak RSS, index memory, ask and retrieval p50/p95 (`scale.py --serve`);
- a one-shot `newsbot ask` on the bundled corpus (`startup.py --precisions auto`);
- 50 users asking 600 questions through the fake Bot API (`bot_latency.py --rate 1000`).

Prints the median of the rounds for each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"


def run(code: Path, *args: str) -> str:
    env = {**os.environ, "NEWSBOT_CODE": str(code), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


def measure(code: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for size in ("100000", "1000000"):
        index = CACHE / f"scale-{size}"
        if (index / "CURRENT").exists():
            row = json.loads(
                run(code, str(HERE / "scale.py"), "--serve", str(index)).strip().splitlines()[-1]
            )
            for key in ("serve_peak_rss_mb", "serve_index_mb", "ask_p50_ms", "ask_p95_ms", "retrieve_p50_ms"):
                out[f"{int(size):,} passages: {key}"] = row[key]
    text = run(code, str(HERE / "startup.py"), "--runs", "3", "--precisions", "auto")
    wall, rss = re.search(r"precision auto\s+([\d.]+) s\s+peak RSS\s+(\d+) MB", text).groups()  # type: ignore[union-attr]
    out["one-shot ask: wall s"], out["one-shot ask: peak RSS MB"] = float(wall), float(rss)
    text = run(code, str(HERE / "bot_latency.py"), "--users", "50", "--questions", "600", "--rate", "1000")
    rate = re.search(r"\(([\d.]+) answered/s\)", text)
    p50, p95 = re.search(r"latency p50 (\d+) ms, p95 (\d+) ms", text).groups()  # type: ignore[union-attr]
    out["bot, 50 users: answers/s"] = float(rate.group(1))  # type: ignore[union-attr]
    out["bot, 50 users: p50 ms"], out["bot, 50 users: p95 ms"] = float(p50), float(p95)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rev", default="9150a76", help="the earlier revision (default: the previous stop)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    old = CACHE / f"rev-{args.rev}"
    if not old.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.rev], check=True
        )
    codes = {args.rev: old, "this": ROOT}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in codes}
    for r in range(args.rounds):
        for name, code in codes.items():
            print(f"round {r + 1}: {name}", file=sys.stderr, flush=True)
            results[name].append(measure(code))
    print(f"\nmedian of {args.rounds} rounds, alternating\n| | {args.rev} | this |\n|---|---|---|")
    for key in results["this"][0]:
        before = statistics.median(m[key] for m in results[args.rev])
        after = statistics.median(m[key] for m in results["this"])
        print(f"| {key} | {before:g} | {after:g} |")


if __name__ == "__main__":
    main()
