"""What every kind of source declares: its name, where it reads from, its own options, and `load()`.

A loader module defines one `KIND = SourceKind(...)`; `corpus.loaders.KINDS` lists the modules. Adding a
kind of source is one new module and one line in that table.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from corpus.article import Article
from corpus.errors import SourceError
from corpus.fetch import Fetcher, Validators

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig

log = logging.getLogger(__name__)
Location = Literal["path", "url"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What a loader may use: the folder relative paths are taken from, and for URLs the fetcher and the
    source's last validators (`remember` stores new ones once the response was parsed)."""

    base_dir: Path = Path(".")
    fetcher: Fetcher | None = None
    validators: Validators = field(default_factory=Validators)
    remember: Callable[[Validators], None] = lambda validators: None
    max_bytes: int = 5_000_000  # a local file (textpage, markdown) or JSONL line over this is refused
    deadline: float = math.inf  # time.monotonic() after which a source follows no more pages
    skipped: list[str] = field(default_factory=list)  # why each bad item of the source was left out
    read: list[str] = field(default_factory=list)  # a local source's fingerprint, kept once it is stored
    progress: Callable[[int], None] = lambda n: None  # articles read so far (loaders of long files call it)

    def fingerprint(self, value: str) -> None:
        """Note a local source's fingerprint: ingest remembers it after the articles are stored, so a
        crash before that reads the source again rather than never."""
        self.read[:] = [value]

    def skip(self, config: SourceConfig, item: object, exc: Exception) -> None:
        """Record (and log) an item of the source that could not be read; the rest of it still is."""
        reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, SourceError) else str(exc)
        log.warning("source %s: skipped a bad item (%s): %s", config.name, describe(item), reason)
        self.skipped.append(reason)

    def out_of_time(self, config: SourceConfig, skipped: int) -> bool:
        """Return True (logging how many pages are skipped) once the source's time budget is spent."""
        if time.monotonic() <= self.deadline:
            return False
        log.warning(
            "source %s: out of time (ingest.source_budget_s); %d page(s) left for the next pass",
            config.name,
            skipped,
        )
        return True

    def check_size(self, config: SourceConfig, path: Path) -> None:
        """Raise SourceError when a local file is over max_bytes (it would be read whole)."""
        size = path.stat().st_size
        if size > self.max_bytes:
            raise SourceError(
                f"source {config.name!r}: {path} is {size} bytes, over the {self.max_bytes}-byte limit "
                "(ingest.max_bytes)"
            )

    def path(self, config: SourceConfig) -> Path:
        """Return the source's path, relative ones taken from base_dir."""
        path = Path(config.path).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def each_item(
    items: Iterable[T], read: Callable[[T], Article | None], skip: Callable[[T, Exception], None]
) -> list[Article]:
    """Return the articles read from items, one at a time: an item whose reading raises anything is passed
    to `skip` and the others are still read (one bad value never loses a whole source)."""
    out = []
    for item in items:
        try:
            article = read(item)
        except Exception as exc:  # a hostile feed item: any value may raise anywhere in its reading
            skip(item, exc)
            continue
        if article is not None:
            out.append(article)
    return out


def describe(item: object) -> str:
    """Return a short name for a feed item in a log line: its link, id or title."""
    if isinstance(item, dict):
        for key in ("link", "url", "id", "title"):
            if item.get(key):
                return repr(str(item[key])[:120])
    return repr(str(item)[:80])


def log_skip(item: object, exc: Exception) -> None:
    """Log a bad item left out (what parsers do when no source context counts them)."""
    log.warning("skipped a bad item (%s): %s: %s", describe(item), type(exc).__name__, exc)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoOptions:
    """A kind of source without settings of its own."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceKind:
    """One kind of source. A source with a `path` is a local snapshot (articles gone from it are removed)."""

    name: str
    reads: tuple[Location, ...]  # where it can read from: ("path",), ("url",) or both
    load: Callable[[SourceConfig, Context], list[Article]]
    options: type = NoOptions  # a frozen dataclass of the kind's own settings, validated in __post_init__
    help: str = ""  # one line for `newsbot sources` and the docs
