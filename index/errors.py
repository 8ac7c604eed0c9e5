"""Errors raised by the index package.

Hierarchy::

    NewsIndexError                  base of everything raised here
    ├── IndexUnavailableError       the index on disk cannot be used; the message says how to rebuild
    │   ├── IndexMissingError       no index has been built yet
    │   ├── IndexCorruptError       files are missing, truncated or unreadable
    │   └── IndexMismatchError      built with another model or format than the config asks for
    ├── IndexWriteError             a new version could not be written (disk full...); the old one serves
    ├── EncoderError                the embedding model cannot be loaded
    ├── IndexBusyError              another build holds the index lock
    └── QuestionError               the question is empty or too long to answer
"""

from __future__ import annotations


class NewsIndexError(Exception):
    """Base class for index errors."""


class IndexUnavailableError(NewsIndexError):
    """The index on disk cannot be used."""


class IndexMissingError(IndexUnavailableError):
    """No index has been built yet."""


class IndexCorruptError(IndexUnavailableError):
    """Index files are missing, truncated or unreadable."""


class IndexMismatchError(IndexUnavailableError):
    """The index was built with another model or format than configured."""


class IndexWriteError(NewsIndexError):
    """A new index version could not be written; the previous version keeps serving."""


class EncoderError(NewsIndexError):
    """The embedding model cannot be loaded."""


class IndexBusyError(NewsIndexError):
    """Another process or task is building the index."""


class QuestionError(NewsIndexError, ValueError):
    """The question cannot be answered as asked (empty, too long)."""
