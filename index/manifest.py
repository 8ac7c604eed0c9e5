"""What an index version records about itself and about each article it holds."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """What an index version holds and how it was built."""

    format: int
    model: str
    dim: int
    dense: str
    passages: int  # live passages (main + delta - tombstones)
    articles: int
    corpus_hash: str
    created: str
    next_id: int
    main_passages: int = 0
    delta_passages: int = 0
    tombstones: int = 0
    files: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleMeta:
    """What answers cite of an article."""

    id: str
    title: str
    url: str
    published: str | None
    source: str
    hash: str
