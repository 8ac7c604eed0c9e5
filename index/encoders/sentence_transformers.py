"""all-MiniLM-L6-v2 (or another sentence-transformers model) loaded offline with torch, fp32 or bf16."""

from __future__ import annotations

import contextlib
import logging
import os
import threading

import numpy as np

from index.encoders import EncoderConfig
from index.encoders.batching import BatchedEncoder, resolve_model_path
from index.errors import EncoderError

log = logging.getLogger(__name__)


def quiet_transformers() -> None:
    """Keep transformers' weight-loading bars and load reports off the console (errors still show)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def bf16_supported() -> bool:
    """Return True when this CPU runs bf16 kernels (whether they pay is calibrate.py's to measure)."""
    import torch

    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


class SentenceTransformerEncoder(BatchedEncoder):
    """Encodes with sentence-transformers; one forward pass at a time, in fp32 or bf16."""

    def __init__(self, config: EncoderConfig, *, bf16: bool = False) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        super().__init__(config)
        path = resolve_model_path(config.model)
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            quiet_transformers()
            if config.threads > 0:
                torch.set_num_threads(config.threads)
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:
            raise EncoderError(
                f"cannot load embedding model {config.model!r} offline ({exc}); set index.model "
                "to a local sentence-transformers folder or to all-MiniLM-L6-v2"
            ) from exc
        self._torch = torch
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self.bf16 = self._use_bf16(bf16)
        self._lock = threading.Lock()
        log.info("encoder %s loaded (dim %d, %s)", config.model, self.dim, "bf16" if self.bf16 else "fp32")

    def _use_bf16(self, wanted: bool) -> bool:
        """bf16 only where asked for and the CPU has it (whether it pays is calibrate.py's to measure)."""
        if not wanted:
            return False
        supported = bf16_supported()
        if not supported:
            log.warning("bf16 asked for but this CPU lacks it; encoding in fp32")
        return supported

    def _autocast(self) -> contextlib.AbstractContextManager:
        if self.bf16:
            return self._torch.autocast("cpu", dtype=self._torch.bfloat16)
        return contextlib.nullcontext()

    def _forward(self, texts: list[str]) -> np.ndarray:
        with self._lock, self._torch.inference_mode(), self._autocast():
            vectors = self._model.encode(
                texts,
                batch_size=self.config.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
