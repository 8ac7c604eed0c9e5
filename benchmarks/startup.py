"""Start-up of a one-shot `newsbot ask` on the bundled corpus, per encoder precision, side by side.

    .venv/bin/python benchmarks/startup.py [--runs 3] [--precisions fp32,auto]

Ingests the bundled SELEC page into a temporary data_dir once, then times `newsbot ask "when did SELEC
visit CARICC"` as a fresh process (what a user waits for), alternating the precisions run by run, and
prints the median wall time and peak RSS of each. Then, in this process, what each step costs: importing
the CLI, the encoder (auto: the calibrated choice, read from its cache; an ONNX model's session loads on
first use), the index, the first answer.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("NEWSBOT_CODE", ROOT)).resolve()  # the code measured (see common.py)
sys.path.insert(0, str(CODE))
NEWSBOT = [sys.executable, "-m", "bot.cli"]
QUESTION = "when did SELEC visit CARICC"


def write_config(folder: Path, precision: str) -> Path:
    text = (CODE / "config.yaml").read_text()
    text = re.sub(r"(?m)^data_dir: .*$", f"data_dir: {folder / 'data'}", text)
    text = re.sub(r"(?m)^(\s+path: )corpus/", rf"\g<1>{CODE}/corpus/", text)
    text = re.sub(r"(?m)^(\s+precision: )\S+", rf"\g<1>{precision}", text)
    path = folder / f"config-{precision}.yaml"
    path.write_text(text)
    return path


def timed(config: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *NEWSBOT, "--config", str(config), "ask", QUESTION],
        cwd=CODE,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1])


def steps(config: Path) -> list[tuple[str, float]]:
    out = []
    t = time.perf_counter()
    from bot.config import load_config
    from bot.core.services import Newsbot

    out.append(("import the CLI's packages", time.perf_counter() - t))
    t = time.perf_counter()
    bot = Newsbot(load_config(config))
    encoder = bot.encoder
    out.append((f"load the encoder ({getattr(encoder, 'variant', 'torch')})", time.perf_counter() - t))
    t = time.perf_counter()
    bot.engine.reload()
    out.append(("load the index", time.perf_counter() - t))
    t = time.perf_counter()
    bot.engine.ask(QUESTION)
    asks = getattr(bot.engine.encoder, "variant", "torch")
    out.append((f"the first answer (asked in {asks}, its model loaded now)", time.perf_counter() - t))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--precisions", default="fp32,auto")
    args = parser.parse_args()
    precisions = args.precisions.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        configs = {p: write_config(folder, p) for p in precisions}
        subprocess.run([*NEWSBOT, "--config", str(configs[precisions[0]]), "ingest"], cwd=CODE, check=True)
        for config in configs.values():
            timed(config)  # warm the page cache (and calibrate `auto` once, if never done here)
        runs: dict[str, list[tuple[float, int]]] = {p: [] for p in precisions}
        for _ in range(args.runs):
            for p, config in configs.items():
                runs[p].append(timed(config))
        print(f"`newsbot ask` as a fresh process, median of {args.runs} (alternating):")
        for p, results in runs.items():
            wall = statistics.median(r[0] for r in results)
            rss = max(r[1] for r in results) / 1024
            print(f"  precision {p:6} {wall:5.2f} s   peak RSS {rss:5.0f} MB")
        print(f"in one process ({precisions[-1]}):")
        for name, seconds in steps(configs[precisions[-1]]):
            print(f"  {name:34} {seconds:5.2f} s")


if __name__ == "__main__":
    main()
