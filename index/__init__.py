"""Passages, embeddings, FAISS + BM25 retrieval and extractive answers over the corpus."""

from index.answer.intents import is_follow_up
from index.builder import BuildReport, build_index
from index.config import IndexConfig, SearchConfig
from index.encoders import Encoder, EncoderConfig, make_encoder
from index.engine import Engine
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
from index.reply import Answer, Source

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
    "is_follow_up",
    "make_encoder",
]
