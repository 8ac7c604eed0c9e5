"""Passages, embeddings, FAISS + BM25 retrieval and extractive answers over the corpus."""

from index.builder import BuildReport, build_index
from index.config import IndexConfig, SearchConfig
from index.encoders import Encoder, EncoderConfig, make_encoder
from index.engine import Answer, Engine, Source
from index.errors import (
    EncoderError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexUnavailableError,
    NewsIndexError,
    QuestionError,
)

__all__ = [
    "Answer",
    "BuildReport",
    "Encoder",
    "EncoderConfig",
    "EncoderError",
    "Engine",
    "IndexBusyError",
    "IndexConfig",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexUnavailableError",
    "NewsIndexError",
    "QuestionError",
    "SearchConfig",
    "Source",
    "build_index",
    "make_encoder",
]
