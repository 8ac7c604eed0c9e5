"""Concurrent small encode calls share forward passes and each gets its own rows back."""

from __future__ import annotations

import threading
import time

import numpy as np

from index.encoders.batching import MicroBatcher


def test_concurrent_calls_are_batched_and_answered_in_order() -> None:
    calls: list[list[str]] = []

    def run(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        time.sleep(0.05)  # a forward pass
        return np.array([[float(t.split()[-1])] for t in texts], dtype=np.float32)

    batcher = MicroBatcher(run)
    results: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        results[i] = batcher([f"question {i}", f"sentence {i + 1000}"])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i].ravel().tolist() == [i, i + 1000] for i in range(20))
    assert len(calls) < 20  # they shared forward passes
    assert sum(len(c) for c in calls) == 40


def test_an_error_reaches_every_waiting_caller() -> None:
    def run(texts: list[str]) -> np.ndarray:
        raise RuntimeError("model crashed")

    batcher = MicroBatcher(run)
    try:
        batcher(["x"])
    except RuntimeError as exc:
        assert "model crashed" in str(exc)
    else:
        raise AssertionError("the error was swallowed")
    assert batcher._busy is False
