"""One ingest pass: every source loaded (local or fetched), deduplicated and stored; a failing
source is recorded and backed off without stopping the others, whatever it raised, and a bad item is
skipped and counted without failing its source."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from corpus.article import Article
from corpus.canonical import host_of
from corpus.database import Tx
from corpus.errors import CorpusError
from corpus.fetch import Fetcher
from corpus.health import SourceStates
from corpus.loaders import Context, SourceConfig, load_source
from corpus.loaders.web import NotModified
from corpus.store import Store, UpsertResult

log = logging.getLogger(__name__)
Within = Callable[[Tx, UpsertResult, list[Article]], None]


class SourceReport(NamedTuple):
    """What one source contributed to an ingest pass."""

    source: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    not_modified: bool = False
    error: str | None = None
    backing_off_until: str | None = None
    skipped: int = 0  # items of the source that could not be read (an invalid link, say)
    foreign: int = 0  # items at another configured source's site: that source writes them

    def describe(self) -> str:
        """Return the one line the CLI and /ingest print for this source."""
        if self.backing_off_until:
            return f"{self.source}: backing off after failures until {self.backing_off_until}"
        if self.error:
            return f"{self.source}: FAILED: {self.error}"
        if self.not_modified:
            return f"{self.source}: not modified"
        return (
            f"{self.source}: {self.added} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged, {self.duplicates} duplicates skipped"
            + (f", {self.skipped} bad items skipped" if self.skipped else "")
            + (f", {self.foreign} left to the site's own source" if self.foreign else "")
        )


def ingest_sources(
    sources: Sequence[SourceConfig],
    store: Store,
    fetcher: Fetcher,
    *,
    base_dir: Path = Path("."),
    prepare: Callable[[list[Article]], None] | None = None,
    within: Within | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    progress: Callable[[str, int, int | None], None] | None = None,
) -> list[SourceReport]:
    """Ingest every source once. `prepare(articles)` runs before each source's store transaction (slow work
    goes there), `within(db, result, articles)` inside it (with the articles it commits); `progress(phase,
    done, total)` hears of long reads ("reading", total unknown) and stores ("storing")."""
    report = progress or (lambda phase, done, total: None)
    states = SourceStates(store)
    ranks = {s.name: s.rank for s in sources}
    sites = {s.name: host_of(s.url) for s in sources if s.url}
    reports = []
    for source in sources:
        waiting = states.backing_off(source.name, now())
        if waiting:
            reports.append(
                SourceReport(source.name, backing_off_until=waiting, error="backing off after failures")
            )
            continue
        context = Context(
            base_dir=base_dir,
            fetcher=fetcher,
            validators=states.validators(source.name),
            remember=lambda v, name=source.name: states.remember(name, v),
            max_bytes=fetcher.config.max_bytes,
            deadline=time.monotonic() + fetcher.config.source_budget_s,
            progress=lambda n: report("reading", n, None),
        )
        try:
            articles = load_source(source, context)
        except NotModified:
            states.succeeded(source.name, now())
            reports.append(SourceReport(source.name, not_modified=True))
            continue
        except Exception as exc:  # whatever reading one source raises, the others are still read
            reason = str(exc) if isinstance(exc, CorpusError) else f"{type(exc).__name__}: {exc}"
            if isinstance(exc, CorpusError):
                log.warning("source %s failed: %s", source.name, reason)
            else:
                log.warning("source %s failed unexpectedly: %s", source.name, reason, exc_info=exc)
            states.failed(source.name, reason, now())
            reports.append(SourceReport(source.name, error=reason, skipped=len(context.skipped)))
            continue
        if prepare is not None:
            prepare(articles)
        hook = (lambda db, result, arts=articles: within(db, result, arts)) if within else None
        prune = source.name if source.local else None
        result = store.upsert(
            articles,
            prune_source=prune,
            within=hook,
            ranks=ranks,
            sites=sites,
            progress=lambda done, total: report("storing", done, total),
        )
        if context.read:  # a local source's files as stored: unchanged next time, they are not read again
            states.remember(source.name, context.validators._replace(etag=context.read[0]))
        states.succeeded(source.name, now())
        counts = (result.added, result.changed, result.removed, result.unchanged, result.duplicates)
        reports.append(
            SourceReport(
                source.name, *map(len, counts), skipped=len(context.skipped), foreign=len(result.foreign)
            )
        )
    return reports
