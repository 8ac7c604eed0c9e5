"""Text encoders: the sentence-transformers model, and a deterministic hashing encoder for tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from corpus.settings import at_least

Precision = Literal["auto", "bf16", "fp32"]
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


class Encoder(Protocol):
    """Embeds texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors; call progress(k) after each k texts."""
        ...


def encoder_name(config: EncoderConfig) -> str:
    """Return the name an encoder made from config records in index manifests (without loading it)."""
    if config.model.startswith(HASHING_PREFIX):
        _, _, dim = config.model.partition(":")
        return f"{HASHING_PREFIX}:{dim or 384}"
    return config.model


def make_encoder(config: EncoderConfig) -> Encoder:
    """Return the encoder named by config.model ("hashing[:DIM]" is the test encoder)."""
    if config.model.startswith(HASHING_PREFIX):
        from index.encoders.hashing import HashingEncoder

        _, _, dim = config.model.partition(":")
        return HashingEncoder(dim=int(dim) if dim else 384)
    from index.encoders.sentence_transformers import SentenceTransformerEncoder

    return SentenceTransformerEncoder(config)
