"""Load articles from JSON Lines: one object a line with title, date, url and text."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.article import Article, make_article
from corpus.dates import first_full_date, parse_date
from corpus.errors import SourceError
from corpus.loaders.kind import Context, SourceKind

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig


def iter_jsonl(path: Path, *, source: str, max_line: int = 5_000_000) -> Iterator[Article]:
    """Yield the articles of a .jsonl (or .jsonl.gz) file; a bad or oversized line is an error naming it
    (lines are read up to max_line characters, never whole)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            number = 0
            while line := handle.readline(max_line + 1):
                number += 1
                if len(line) > max_line:
                    raise SourceError(
                        f"{path}:{number}: a line over {max_line} characters (ingest.max_bytes)"
                    )
                if not line.strip():
                    continue
                yield _article(line, source=source, where=f"{path}:{number}")
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise SourceError(f"source {source!r}: cannot read {path}: {exc}") from exc


def _article(line: str, *, source: str, where: str) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{where}: not valid JSON: {exc.msg}") from exc
    if not isinstance(record, dict):
        raise SourceError(f"{where}: expected a JSON object")
    text = record.get("text", record.get("body"))
    title = record.get("title")
    if not isinstance(text, str) or not text.strip():
        raise SourceError(f"{where}: missing 'text'")
    if not isinstance(title, str) or not title.strip():
        title = text.strip().splitlines()[0][:120]
    url = str(record.get("url") or "")
    published = parse_date(record.get("date")) or first_full_date(text)
    key = url or str(record.get("id") or title)
    return make_article(title=title, body=text, source=source, url=url, published=published, key=key)


def load_jsonl(path: Path, *, source: str) -> list[Article]:
    """Load every article of a JSON Lines file."""
    return list(iter_jsonl(path, source=source))


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Read the source's path (progress every 500 articles)."""
    out = []
    for out_count, article in enumerate(
        iter_jsonl(context.path(config), source=config.name, max_line=context.max_bytes), 1
    ):
        out.append(article)
        if out_count % 500 == 0:
            context.progress(out_count)
    context.progress(len(out))
    return out


KIND = SourceKind(
    name="jsonl", reads=("path",), load=load, help="JSON Lines, one {title, date, url, text} object a line"
)
