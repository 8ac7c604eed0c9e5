"""Errors raised by the corpus package.

Hierarchy::

    CorpusError                 base of everything raised here
    ├── SourceError             a news source cannot be read or parsed
    │   └── InvalidURL          a URL that cannot be parsed (a port out of range, a broken IPv6 host)
    └── StoreError              the article database is missing, locked or corrupt
"""

from __future__ import annotations


class CorpusError(Exception):
    """Base class for corpus errors."""


class SourceError(CorpusError):
    """A news source cannot be read or parsed."""


class InvalidURL(SourceError):
    """A URL that cannot be parsed: a port out of range, a broken IPv6 host."""


class StoreError(CorpusError):
    """The article database cannot be used."""
