"""Load hand-added news: a folder of Markdown files with YAML front matter (title, date, url)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from corpus.article import Article, make_article
from corpus.dates import first_full_date, parse_date
from corpus.errors import SourceError
from corpus.loaders.kind import Context, SourceKind

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig

_FRONT = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*(?:\n|\Z)(?P<body>.*)\Z", re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^#{1,6}\s+", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def markdown_to_text(body: str) -> str:
    """Return Markdown as plain text: links become their label, marks are dropped."""
    return _EMPHASIS.sub("", _HEADING.sub("", _LINK.sub(r"\1", body)))


def parse_markdown(text: str, *, name: str) -> tuple[dict[str, object], str]:
    """Split a Markdown document into its front matter (a dict) and body."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match["meta"]) or {}
    except yaml.YAMLError as exc:
        raise SourceError(f"{name}: invalid YAML front matter: {exc}") from exc
    if not isinstance(meta, dict):
        raise SourceError(f"{name}: front matter must be a mapping of keys to values")
    return meta, match["body"]


def load_markdown_file(path: Path, *, source: str, root: Path) -> Article:
    """Load one Markdown article; its title falls back to the first heading, then the file name."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"source {source!r}: cannot read {path}: {exc}") from exc
    meta, body = parse_markdown(text, name=str(path))
    title = str(meta.get("title") or "").strip()
    if not title:
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        title = heading[1].strip() if heading else path.stem.replace("-", " ").replace("_", " ")
        if heading:
            body = body.replace(heading[0], "", 1)
    plain = markdown_to_text(body)
    url = str(meta.get("url") or "")
    published = parse_date(meta.get("date")) or first_full_date(plain)
    key = url or path.relative_to(root).as_posix()
    return make_article(title=title, body=plain, source=source, url=url, published=published, key=key)


def load_markdown_dir(path: Path, *, source: str) -> list[Article]:
    """Load every *.md file under a folder, in name order."""
    if not path.is_dir():
        raise SourceError(f"source {source!r}: {path} is not a folder")
    files = sorted(p for p in path.rglob("*.md") if p.is_file())
    return [load_markdown_file(f, source=source, root=path) for f in files]


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Read the source's path."""
    folder = context.path(config)
    for file in folder.rglob("*.md") if folder.is_dir() else ():
        context.check_size(config, file)
    return load_markdown_dir(folder, source=config.name)


KIND = SourceKind(
    name="markdown", reads=("path",), load=load, help="a folder of .md files with YAML front matter"
)
