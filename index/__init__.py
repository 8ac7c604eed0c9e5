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
    IndexWriteError,
    NewsIndexError,
    QuestionError,
)
from index.pgbuild import update_pg_index
from index.pgvector import PgIndex, PgIndexError
from index.reply import Answer, Source
from index.status import IndexStatus
from index.storage import current_manifest
from index.text import content_stems, split_sentences

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
    "IndexStatus",
    "IndexUnavailableError",
    "IndexWriteError",
    "NewsIndexError",
    "PgIndex",
    "PgIndexError",
    "QuestionError",
    "SearchConfig",
    "Source",
    "build_index",
    "content_stems",
    "current_manifest",
    "is_follow_up",
    "make_encoder",
    "split_sentences",
    "update_pg_index",
]
