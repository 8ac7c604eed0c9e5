"""Text encoders: the sentence-transformers model (through torch or ONNX Runtime, in the precision this
machine runs fastest: calibrate.py), and a deterministic hashing encoder for tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from corpus.settings import at_least

Precision = Literal["auto", "fp32", "bf16", "onnx-fp32", "onnx-int8"]
PRECISIONS = ("auto", "fp32", "bf16", "onnx-fp32", "onnx-int8")
HASHING_PREFIX = "hashing"


@dataclass(frozen=True, slots=True, kw_only=True)
class EncoderConfig:
    """Which model embeds passages and questions, and how."""

    model: str = "all-MiniLM-L6-v2"
    precision: Precision = "auto"
    batch_size: int = 32
    threads: int = 0  # 0: torch's default

    def __post_init__(self) -> None:
        at_least(self, batch_size=1, threads=0)
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision: {self.precision!r} is not one of {', '.join(PRECISIONS)}")


class Encoder(Protocol):
    """Embeds texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors; call progress(k) after each k texts."""
        ...


def exact(encoder: Encoder) -> Encoder:
    """Return the encoder whose vector of a text does not depend on the texts encoded with it: the fp32
    variant of an int8 encoder (OnnxEncoder.exact), else the encoder itself. The engine embeds questions
    and the short phrases it compares across questions (the kind of answer asked for,
    index/answer/features.type_fit) with it, so one question gets one answer whatever was asked before
    or alongside, as the answer models were fitted; indexing keeps the faster int8."""
    variant: Callable[[], Encoder] | None = getattr(encoder, "exact", None)
    return variant() if variant is not None else encoder


def encoder_name(config: EncoderConfig) -> str:
    """Return the name an encoder made from config records in index manifests (without loading it)."""
    if config.model.startswith(HASHING_PREFIX):
        _, _, dim = config.model.partition(":")
        return f"{HASHING_PREFIX}:{dim or 384}"
    return config.model


def default_cache_dir() -> Path:
    """Return where exported models and the precision choice are kept when no data_dir says otherwise."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsbot"


def build_encoder(config: EncoderConfig, variant: str, cache_dir: Path) -> Encoder:
    """Return the model encoder for one precision variant (fp32, bf16, onnx-fp32, onnx-int8)."""
    if variant.startswith("onnx-"):
        from index.encoders.onnx import OnnxEncoder

        return OnnxEncoder(config, variant="int8" if variant == "onnx-int8" else "fp32", cache_dir=cache_dir)
    from index.encoders.sentence_transformers import SentenceTransformerEncoder

    return SentenceTransformerEncoder(config, bf16=variant == "bf16")


def make_encoder(config: EncoderConfig, *, cache_dir: Path | None = None) -> Encoder:
    """Return the encoder named by config.model ("hashing[:DIM]" is the test encoder), in config.precision
    (auto: the fastest variant close to fp32 on this machine, measured once: index/encoders/calibrate.py)."""
    if config.model.startswith(HASHING_PREFIX):
        from index.encoders.hashing import HashingEncoder

        _, _, dim = config.model.partition(":")
        return HashingEncoder(dim=int(dim) if dim else 384)
    cache = cache_dir or default_cache_dir()
    variant = config.precision
    if variant == "auto":
        from index.encoders.calibrate import choose

        variant = choose(config, cache)
    return build_encoder(config, variant, cache)
