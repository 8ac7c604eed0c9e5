"""Source loaders: one module per kind of source, each declaring a `KIND`; `KINDS` is their table."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.article import Article
from corpus.errors import SourceError
from corpus.loaders import feed, html, jsonfeed, jsonl, listing, markdown, textpage
from corpus.loaders.kind import Context, NoOptions, SourceKind
from corpus.loaders.web import NotModified

KINDS: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (textpage.KIND, markdown.KIND, jsonl.KIND, feed.KIND, jsonfeed.KIND, html.KIND, listing.KIND)
}
_COMMON = ("name", "type", "path", "url", "priority", "trusted")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceConfig:
    """One configured news source: its name, its kind (`type`, a key of KINDS), a local `path` or a `url`,
    and the kind's own `options` (written beside the other keys in config.yaml)."""

    name: str
    type: str
    path: str = ""
    url: str = ""
    priority: int = 0  # a source of higher priority may rewrite articles another source stored first
    trusted: bool = True  # config.yaml's are unless set false; added ones (chat, OPML) never are
    owner: int | None = (
        None  # a user's own feed (telegram.users_add_feeds): its articles reach that chat only
    )
    options: Any = None  # an instance of KINDS[type].options; None: its defaults

    def __post_init__(self) -> None:
        kind = kind_of(self.type)
        if self.options is None:
            object.__setattr__(self, "options", kind.options())
        elif not isinstance(self.options, kind.options):
            raise ValueError(f"options: expected {kind.options.__name__}, got {type(self.options).__name__}")
        if not any(getattr(self, where) for where in kind.reads):
            raise ValueError(f"source {self.name!r}: type {self.type} needs a {' or a '.join(kind.reads)}")

    @property
    def rank(self) -> tuple[bool, int]:
        """Return how this source ranks against another for one story or URL: trust first, then priority."""
        return (self.trusted, self.priority)

    @property
    def local(self) -> bool:
        """Return True for a source read from a path: a snapshot, whose vanished articles are removed."""
        return bool(self.path) and "path" in kind_of(self.type).reads

    @classmethod
    def typed_fields(cls, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, type]]:
        """Move a mapping's kind-specific keys under "options" and return the options' type (config parsing)."""
        kind = kind_of(data.get("type"))
        common = {k: v for k, v in data.items() if k in _COMMON}
        extra = {k: v for k, v in data.items() if k not in _COMMON}
        if kind.options is NoOptions:
            for key in extra:
                raise ValueError(f"{key}: unknown key (type {kind.name} takes {', '.join(_COMMON)})")
            return common, {}
        return {**common, "options": extra}, {"options": kind.options}

    @classmethod
    def from_flat(cls, data: dict[str, Any]) -> SourceConfig:
        """Return the source a config.yaml-style mapping describes (its kind's options beside the others);
        values are taken as they are (bot/typed.py checks their types when parsing config.yaml)."""
        common, types = cls.typed_fields(data)
        if "options" in common:
            common["options"] = types["options"](**common["options"])
        return cls(**common)


def kind_of(name: object) -> SourceKind:
    """Return the registered kind called name; the ValueError names the known ones."""
    if not isinstance(name, str) or name not in KINDS:
        raise ValueError(f"type: must be one of {', '.join(map(repr, KINDS))}, got {name!r}")
    return KINDS[name]


def fingerprint(path: Path, known: str | None) -> str:
    """Return "size:mtime:sha256" of a local file or folder (its files' names, sizes and times; contents
    hashed only when size or time changed since `known`, the fingerprint of the last pass)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    stats = [(str(p.relative_to(path)) if p != path else p.name, p.stat()) for p in files]
    size = sum(s.st_size for _, s in stats)
    mtime = hashlib.sha256(repr([(n, s.st_size, s.st_mtime_ns) for n, s in stats]).encode()).hexdigest()[:16]
    if known and known.startswith(f"{size}:{mtime}:"):
        return known  # the same sizes and times: the same text (no need to read it to know)
    digest = hashlib.sha256()
    for name, _ in stats:
        digest.update(name.encode())
        digest.update((path / name if path.is_dir() else path).read_bytes())
    return f"{size}:{mtime}:{digest.hexdigest()[:32]}"


def load_source(config: SourceConfig, context: Context | None = None) -> list[Article]:
    """Load all articles of a source (a remote one raises web.NotModified after a 304; a local one whose
    files are as they were at the last pass, by size, time or content, raises it too and is not read)."""
    context = context or Context()
    if config.local:
        path = context.path(config)
        if not path.exists():
            raise SourceError(f"source {config.name!r}: {path} does not exist")
        known = context.validators.etag
        seen = fingerprint(path, known)
        if known and seen.rsplit(":", 1)[1] == known.rsplit(":", 1)[1]:
            if seen != known:  # touched, not changed: remember the new times
                context.remember(context.validators._replace(etag=seen))
            raise NotModified(str(path))
        articles = KINDS[config.type].load(config, context)
        context.fingerprint(seen)
        return articles
    elif context.fetcher is None:
        raise SourceError(f"source {config.name!r}: a URL source needs a fetcher")
    return KINDS[config.type].load(config, context)


def option_names(kind: SourceKind) -> list[str]:
    """Return the names of a kind's own settings."""
    return [f.name for f in dataclasses.fields(kind.options)]


__all__ = ["KINDS", "Context", "SourceConfig", "SourceKind", "kind_of", "load_source", "option_names"]
