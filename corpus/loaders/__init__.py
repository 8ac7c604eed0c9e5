"""Source loaders, one module per kind of source, behind `load_source`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from corpus.article import Article
from corpus.errors import SourceError

SourceType = Literal["textpage", "markdown", "jsonl", "feed", "html", "listing"]
LOCAL_TYPES = {"textpage", "markdown", "jsonl"}


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceConfig:
    """One configured news source: a local `path`, or a `url` to fetch.

    feed: RSS/Atom; html: one article page; listing: a news index page whose article links are followed
    (those matching `link_pattern`, a regex, if given); textpage: a plain-text news page (a file or URL).
    """

    name: str
    type: SourceType
    path: str = ""
    url: str = ""
    max_articles: int = 50
    link_pattern: str = ""
    full_text: bool = False  # feed: fetch each entry's page for the whole article

    def __post_init__(self) -> None:
        if not self.path and not self.url:
            raise ValueError(f"source {self.name!r} needs a path or a url")
        if not self.path and self.type in ("markdown", "jsonl"):
            raise ValueError(f"source {self.name!r}: type {self.type} needs a path")
        if not self.url and self.type in ("feed", "html", "listing"):
            raise ValueError(f"source {self.name!r}: type {self.type} needs a url")


def load_source(config: SourceConfig, *, base_dir: Path = Path(".")) -> list[Article]:
    """Load all articles of a source; relative paths are taken from base_dir."""
    path = Path(config.path)
    if not path.is_absolute():
        path = base_dir / path
    if not path.exists():
        raise SourceError(f"source {config.name!r}: {path} does not exist")
    if config.type == "textpage":
        from corpus.loaders.textpage import load_textpage

        return load_textpage(path, source=config.name, url=config.url)
    if config.type == "markdown":
        from corpus.loaders.markdown import load_markdown_dir

        return load_markdown_dir(path, source=config.name)
    if config.type == "jsonl":
        from corpus.loaders.jsonl import load_jsonl

        return load_jsonl(path, source=config.name)
    raise SourceError(f"source {config.name!r}: unknown type {config.type!r}")
