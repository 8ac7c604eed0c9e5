"""Writing an index version: files into `build-…/`, fsynced, renamed to `v-…/`, then CURRENT swapped
(the layout is described in index/storage.py). A failed write removes its partial build and raises
IndexWriteError; the previous version keeps serving."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np

from index.dense.faiss import DenseIndex
from index.errors import IndexBusyError, IndexWriteError
from index.manifest import ArticleMeta, Manifest
from index.passage_store import write_passages
from index.passages import Passage
from index.sparse.bm25 import BM25Index
from index.storage import CURRENT

KEEP_VERSIONS = 2


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


def write_version(
    root: Path,
    *,
    manifest: Manifest,
    articles: dict[str, ArticleMeta],
    main: tuple[list[Passage], DenseIndex, BM25Index] | Path,
    delta: tuple[list[Passage], np.ndarray],
    tombstones: set[int],
) -> Path:
    """Write a new version and make it CURRENT; `main` is a fresh segment or a previous version's
    directory whose main segment is reused (hard links). Return the version's directory."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    name = f"v-{stamp}-{secrets.token_hex(3)}"
    tmp = root / f"build-{name}"
    try:
        _write_files(tmp, manifest=manifest, articles=articles, main=main, delta=delta, tombstones=tombstones)
    except (
        Exception
    ) as exc:  # disk full, a read-only folder, faiss failing to write: the previous version serves
        shutil.rmtree(tmp, ignore_errors=True)
        raise IndexWriteError(
            f"cannot write a new index version in {root} ({exc}); the previous one still serves"
        ) from exc
    final = root / name
    tmp.rename(final)
    link = root / f".{CURRENT}.{secrets.token_hex(3)}"
    link.symlink_to(name)
    current = root / CURRENT
    if current.is_dir() and not current.is_symlink():  # a damaged CURRENT (a folder): replaced by the link
        shutil.rmtree(current)
    os.replace(link, current)
    _prune(root, keep=name)
    return final


def _write_files(
    tmp: Path,
    *,
    manifest: Manifest,
    articles: dict[str, ArticleMeta],
    main: tuple[list[Passage], DenseIndex, BM25Index] | Path,
    delta: tuple[list[Passage], np.ndarray],
    tombstones: set[int],
) -> None:
    (tmp / "main").mkdir(parents=True)
    (tmp / "delta").mkdir()
    if isinstance(main, Path):
        for src in (main / "main").rglob("*"):
            dst = tmp / "main" / src.relative_to(main / "main")
            if src.is_dir():
                dst.mkdir(parents=True, exist_ok=True)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.link(src, dst)
    else:
        passages, dense, bm25 = main
        write_passages(tmp / "main", passages)
        dense.save(tmp / "main" / "dense.faiss")
        bm25.save(tmp / "main" / "bm25")
    write_passages(tmp / "delta", delta[0])
    np.save(tmp / "delta" / "vectors.npy", delta[1].astype(np.float32))
    np.save(tmp / "tombstones.npy", np.array(sorted(tombstones), dtype=np.int64))
    with open(tmp / "articles.jsonl", "w", encoding="utf-8") as out:
        for a in articles.values():
            out.write(json.dumps(asdict(a), ensure_ascii=False) + "\n")
    files = {str(p.relative_to(tmp)): p.stat().st_size for p in sorted(tmp.rglob("*")) if p.is_file()}
    (tmp / "manifest.json").write_text(json.dumps({**asdict(manifest), "files": files}, indent=2))
    _fsync_tree(tmp)


def _prune(root: Path, *, keep: str) -> None:
    versions = sorted((p for p in root.glob("v-*") if p.is_dir()), key=lambda p: p.name)
    old = [p for p in versions if p.name != keep][: max(0, len(versions) - KEEP_VERSIONS)]
    for path in [*old, *root.glob("build-*")]:
        shutil.rmtree(path, ignore_errors=True)
