"""The index directory: versions written beside each other, a CURRENT link swapped atomically.

Layout under the index root::

    CURRENT -> v-20261127T101500-3f2a     symlink, replaced with os.replace (atomic)
    v-…/manifest.json                     model, dimension, counts, corpus hash, file sizes
    v-…/articles.jsonl                    article metadata cited by answers
    v-…/main/passages.jsonl               the main segment: passage text (no pickle anywhere), read
    v-…/main/passages.rows.npy, ….json    on demand through its rows (index/passage_store.py),
    v-…/main/dense.faiss, main/bm25/      FAISS (ids = passage ids) and bm25s arrays (.npy + JSON)
    v-…/delta/passages.jsonl, vectors.npy passages added since the last full build
    v-…/tombstones.npy                    passage ids removed from the main segment since then
    .lock                                 held (flock) by the one process building

A build writes `build-…/` and renames it to `v-…/` only when complete, so a crash leaves CURRENT
pointing at the previous, whole version. An incremental build hard-links the unchanged main
segment from the previous version and writes only the delta and the tombstones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.dense.faiss import DenseIndex, DenseKind
from index.errors import (
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)
from index.manifest import ArticleMeta, Manifest
from index.passage_store import MainPassages, PassageStore, read_passages
from index.passages import Passage
from index.segments import BM25Stats, DeltaSegment
from index.snapshot import IndexData
from index.sparse.bm25 import BM25Index, stored_tokenizer

FORMAT = 3  # 3: BM25 terms are index.text.content_stems (the one tokenizer)
CURRENT = "CURRENT"
REBUILD_HINT = "run `newsbot index --rebuild` to build it again"


def corpus_hash(article_hashes: dict[str, str]) -> str:
    """Return a digest of the set of (article id, content hash) pairs."""
    h = hashlib.sha256()
    for aid in sorted(article_hashes):
        h.update(f"{aid}:{article_hashes[aid]}\n".encode())
    return h.hexdigest()[:32]


def current_path(root: Path) -> Path:
    """Return the directory of the CURRENT version, or raise IndexMissingError."""
    link = root / CURRENT
    if not link.is_symlink() and not link.exists():
        raise IndexMissingError(f"no index in {root}: run `newsbot index` to build it")
    if not link.is_symlink():
        raise IndexCorruptError(f"index {root}: CURRENT is not a link to a version; {REBUILD_HINT}")
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a dangling link, or a loop of links
        raise IndexCorruptError(f"index {root}: CURRENT cannot be followed ({exc}); {REBUILD_HINT}") from exc
    if not target.is_dir() or target.parent != root.resolve():
        raise IndexCorruptError(f"index {root}: CURRENT points at missing {target.name}; {REBUILD_HINT}")
    return target


def current_manifest(root: Path) -> tuple[str, Manifest]:
    """Return the CURRENT version's name and checked manifest (no vectors loaded)."""
    path = current_path(root)
    return path.name, read_manifest(path)


def read_manifest(path: Path) -> Manifest:
    """Read and check a version's manifest."""
    try:
        raw = json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"index {path}: unreadable manifest ({exc}); {REBUILD_HINT}") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        found = raw.get("format") if isinstance(raw, dict) else None
        raise IndexMismatchError(
            f"index {path} has format {found}, this newsbot reads {FORMAT}; {REBUILD_HINT}"
        )
    try:
        manifest = Manifest(**raw)
    except TypeError as exc:
        raise IndexCorruptError(f"index {path}: unreadable manifest ({exc}); {REBUILD_HINT}") from exc
    for name, size in manifest.files.items():
        file = path / name
        if not file.is_file() or file.stat().st_size != size:
            raise IndexCorruptError(f"index {path}: {name} is missing or truncated; {REBUILD_HINT}")
    return manifest


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    """A version's metadata, passages, delta and tombstones, without the FAISS and BM25 indexes:
    what an incremental build needs (it reuses the main segment's files as they are)."""

    manifest: Manifest
    path: Path
    articles: dict[str, ArticleMeta]
    passages: PassageStore  # live, read on demand
    delta_passages: list[Passage]
    delta_vectors: np.ndarray
    tombstones: frozenset[int]

    @property
    def tokenizer(self) -> str:
        """Return the term definition its BM25 index was built with (index.text.TOKENIZER)."""
        return stored_tokenizer(self.path / "main" / "bm25")

    @property
    def delta_ids(self) -> set[int]:
        return {p.id for p in self.delta_passages}

    def delta_vectors_of(self, ids: list[int]) -> np.ndarray:
        where = {p.id: i for i, p in enumerate(self.delta_passages)}
        return (
            self.delta_vectors[[where[i] for i in ids]]
            if ids
            else np.zeros((0, self.manifest.dim), np.float32)
        )

    def live_vectors(self, *, ef_search: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (ids, vectors) of every live passage, read back from the main FAISS index and the delta."""
        kind: DenseKind = "hnsw" if self.manifest.dense == "hnsw" else "flat"
        dense = DenseIndex.load(self.path / "main" / "dense.faiss", kind=kind, ef_search=ef_search)
        ids, vectors = dense.ids(), dense.vectors()
        dids = np.array([p.id for p in self.delta_passages], dtype=np.int64)
        all_ids, all_vectors = np.concatenate([ids, dids]), np.concatenate([vectors, self.delta_vectors])
        keep = ~np.isin(all_ids, list(self.tombstones)) if self.tombstones else np.ones(len(all_ids), bool)
        return all_ids[keep], all_vectors[keep]


def load_layout(path: Path, *, model: str | None = None, dim: int | None = None) -> Layout:
    """Read a version's metadata and passages (no FAISS or BM25); with `model` and `dim`, refuse an index
    built with another model or holding vectors of another dimension."""
    manifest = read_manifest(path)
    if model is not None and manifest.model != model:
        raise IndexMismatchError(
            f"index {path} was built with model {manifest.model!r} but the config names "
            f"{model!r}; {REBUILD_HINT}"
        )
    if dim is not None and manifest.dim != dim:
        raise IndexMismatchError(
            f"index {path} holds {manifest.dim}-dimensional vectors but the encoder makes {dim}; {REBUILD_HINT}"
        )
    try:
        main_passages = MainPassages(path / "main")
        delta_passages = read_passages(path / "delta" / "passages.jsonl")
        vectors = np.load(path / "delta" / "vectors.npy", allow_pickle=False).reshape(-1, manifest.dim)
        tombstones = frozenset(int(i) for i in np.load(path / "tombstones.npy", allow_pickle=False))
        articles = {}
        with open(path / "articles.jsonl", encoding="utf-8") as handle:
            for line in handle:
                a = ArticleMeta(**json.loads(line))
                articles[a.id] = a
    except Exception as exc:
        raise IndexCorruptError(f"index {path}: cannot read its files ({exc}); {REBUILD_HINT}") from exc
    passages = PassageStore(main_passages, delta_passages, tombstones)
    if (
        len(main_passages) != manifest.main_passages
        or len(delta_passages) != len(vectors)
        or len(passages) != manifest.passages
    ):
        raise IndexCorruptError(f"index {path}: passage counts disagree with the manifest; {REBUILD_HINT}")
    return Layout(
        manifest=manifest,
        path=path,
        articles=articles,
        passages=passages,
        delta_passages=delta_passages,
        delta_vectors=vectors,
        tombstones=tombstones,
    )


def load_version(
    path: Path, *, model: str | None = None, dim: int | None = None, ef_search: int, bm25_numba_from: int
) -> IndexData:
    """Load one version for serving; with `model` and `dim`, refuse an index built for another encoder."""
    layout = load_layout(path, model=model, dim=dim)
    manifest = layout.manifest
    try:
        kind: DenseKind = "hnsw" if manifest.dense == "hnsw" else "flat"
        dense = DenseIndex.load(path / "main" / "dense.faiss", kind=kind, ef_search=ef_search)
        bm25 = BM25Index.load(
            path / "main" / "bm25", mmap=True, numba=manifest.main_passages >= bm25_numba_from
        )
    except Exception as exc:
        raise IndexCorruptError(f"index {path}: cannot read its files ({exc}); {REBUILD_HINT}") from exc
    if len(dense) != manifest.main_passages or dense.dim != manifest.dim:
        raise IndexCorruptError(f"index {path}: passage counts disagree with the manifest; {REBUILD_HINT}")
    delta = DeltaSegment(
        np.array([p.id for p in layout.delta_passages], dtype=np.int64),
        layout.delta_vectors,
        [p.indexed_text for p in layout.delta_passages],
    )
    stats = BM25Stats(n_docs=manifest.main_passages, avgdl=bm25.avgdl, k1=bm25.k1, b=bm25.b)
    return IndexData(
        manifest=manifest,
        path=path,
        passages=layout.passages,
        articles=layout.articles,
        dense=dense,
        bm25=bm25,
        delta=delta,
        tombstones=layout.tombstones,
        bm25_stats=stats,
    )
