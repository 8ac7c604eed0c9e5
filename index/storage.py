"""The index directory: versions written beside each other, a CURRENT link swapped atomically.

Layout under the index root::

    CURRENT -> v-20261127T101500-3f2a      symlink, replaced with os.replace (atomic)
    v-…/manifest.json                      model, dimension, counts, corpus hash, file sizes
    v-…/passages.jsonl, articles.jsonl     passage text and article metadata (no pickle)
    v-…/dense.faiss, v-…/bm25/             FAISS index (ids = passage ids), bm25s arrays
    .lock                                  held (flock) by the one process building

A build writes `build-…/` and renames it to `v-…/` only when complete, so a crash leaves
CURRENT pointing at the previous, whole version.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.dense.faiss import DenseIndex, DenseKind
from index.errors import IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError
from index.passages import Passage
from index.sparse.bm25 import BM25Index

FORMAT = 1
CURRENT = "CURRENT"
KEEP_VERSIONS = 2
REBUILD_HINT = "run `newsbot index --rebuild` to build it again"


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """What an index version holds and how it was built."""

    format: int
    model: str
    dim: int
    dense: str
    passages: int
    articles: int
    corpus_hash: str
    created: str
    next_id: int
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


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexData:
    """One loaded index version, immutable once loaded (swap the whole object to update)."""

    manifest: Manifest
    path: Path
    passages: dict[int, Passage]
    articles: dict[str, ArticleMeta]
    dense: DenseIndex
    bm25: BM25Index

    def passages_of(self, article_id: str) -> list[Passage]:
        """Return an article's passages in order."""
        found = [p for p in self.passages.values() if p.article_id == article_id]
        return sorted(found, key=lambda p: p.ordinal)


def corpus_hash(article_hashes: dict[str, str]) -> str:
    """Return a digest of the set of (article id, content hash) pairs."""
    h = hashlib.sha256()
    for aid in sorted(article_hashes):
        h.update(f"{aid}:{article_hashes[aid]}\n".encode())
    return h.hexdigest()[:32]


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the index's build lock, or raise IndexBusyError if another build holds it."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(f"another build of {root} is running; try again when it ends") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_tree(path: Path) -> None:
    for item in [*path.rglob("*"), path]:
        fd = os.open(item, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_version(root: Path, data: IndexData) -> Path:
    """Write data as a new version and make it CURRENT; return the version's directory."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    name = f"v-{stamp}-{secrets.token_hex(3)}"
    tmp = root / f"build-{name}"
    tmp.mkdir(parents=True)
    with open(tmp / "passages.jsonl", "w", encoding="utf-8") as out:
        for p in sorted(data.passages.values(), key=lambda p: p.id):
            out.write(
                json.dumps(
                    {
                        "id": p.id,
                        "article_id": p.article_id,
                        "ordinal": p.ordinal,
                        "title": p.title,
                        "text": p.text,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    with open(tmp / "articles.jsonl", "w", encoding="utf-8") as out:
        for a in data.articles.values():
            out.write(json.dumps(asdict(a), ensure_ascii=False) + "\n")
    data.dense.save(tmp / "dense.faiss")
    data.bm25.save(tmp / "bm25")
    files = {str(p.relative_to(tmp)): p.stat().st_size for p in sorted(tmp.rglob("*")) if p.is_file()}
    manifest = {**asdict(data.manifest), "files": files}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    _fsync_tree(tmp)
    final = root / name
    tmp.rename(final)
    link = root / f".{CURRENT}.{secrets.token_hex(3)}"
    link.symlink_to(name)
    os.replace(link, root / CURRENT)
    _prune(root, keep=name)
    return final


def _prune(root: Path, *, keep: str) -> None:
    versions = sorted((p for p in root.glob("v-*") if p.is_dir()), key=lambda p: p.name)
    old = [p for p in versions if p.name != keep][: max(0, len(versions) - KEEP_VERSIONS)]
    for path in [*old, *root.glob("build-*")]:
        shutil.rmtree(path, ignore_errors=True)


def current_path(root: Path) -> Path:
    """Return the directory of the CURRENT version, or raise IndexMissingError."""
    link = root / CURRENT
    if not link.is_symlink() and not link.exists():
        raise IndexMissingError(f"no index in {root}: run `newsbot index` to build it")
    target = link.resolve()
    if not target.is_dir():
        raise IndexCorruptError(f"index {root}: CURRENT points at missing {target.name}; {REBUILD_HINT}")
    return target


def read_manifest(path: Path) -> Manifest:
    """Read and check a version's manifest."""
    try:
        raw = json.loads((path / "manifest.json").read_text())
        manifest = Manifest(**raw)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexCorruptError(f"index {path}: unreadable manifest ({exc}); {REBUILD_HINT}") from exc
    if manifest.format != FORMAT:
        raise IndexMismatchError(
            f"index {path} has format {manifest.format}, this newsbot reads {FORMAT}; {REBUILD_HINT}"
        )
    for name, size in manifest.files.items():
        file = path / name
        if not file.is_file() or file.stat().st_size != size:
            raise IndexCorruptError(f"index {path}: {name} is missing or truncated; {REBUILD_HINT}")
    return manifest


def load_version(path: Path, *, model: str | None = None, ef_search: int = 96) -> IndexData:
    """Load one version; with `model`, refuse an index built with another model."""
    manifest = read_manifest(path)
    if model is not None and manifest.model != model:
        raise IndexMismatchError(
            f"index {path} was built with model {manifest.model!r} but the config names "
            f"{model!r}; {REBUILD_HINT}"
        )
    try:
        passages = {}
        with open(path / "passages.jsonl", encoding="utf-8") as handle:
            for line in handle:
                p = Passage(**json.loads(line))
                passages[p.id] = p
        articles = {}
        with open(path / "articles.jsonl", encoding="utf-8") as handle:
            for line in handle:
                a = ArticleMeta(**json.loads(line))
                articles[a.id] = a
        kind: DenseKind = "hnsw" if manifest.dense == "hnsw" else "flat"
        dense = DenseIndex.load(path / "dense.faiss", kind=kind, ef_search=ef_search)
        bm25 = BM25Index.load(path / "bm25")
    except Exception as exc:
        raise IndexCorruptError(f"index {path}: cannot read its files ({exc}); {REBUILD_HINT}") from exc
    if len(dense) != manifest.passages or len(passages) != manifest.passages or dense.dim != manifest.dim:
        raise IndexCorruptError(f"index {path}: passage counts disagree with the manifest; {REBUILD_HINT}")
    return IndexData(
        manifest=manifest, path=path, passages=passages, articles=articles, dense=dense, bm25=bm25
    )


def load_current(root: Path, *, model: str | None = None, ef_search: int = 96) -> IndexData:
    """Load the CURRENT version under root."""
    return load_version(current_path(root), model=model, ef_search=ef_search)
