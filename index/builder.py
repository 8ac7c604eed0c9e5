"""Build or incrementally update the index from the store's articles."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from corpus import Article
from index.config import IndexConfig
from index.dense.faiss import DenseIndex, DenseKind
from index.encoders import Encoder
from index.errors import IndexUnavailableError
from index.passages import Passage, make_passages
from index.sparse.bm25 import BM25Index
from index.storage import (
    FORMAT,
    ArticleMeta,
    IndexData,
    Manifest,
    build_lock,
    corpus_hash,
    load_current,
    write_version,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed)


class BuildReport(NamedTuple):
    """What a build did."""

    added: int
    changed: int
    removed: int
    unchanged: int
    passages: int
    embedded: int
    seconds: float
    version: Path | None  # None when nothing changed and no version was written


def _meta(a: Article) -> ArticleMeta:
    day = a.published.isoformat() if a.published else None
    return ArticleMeta(id=a.id, title=a.title, url=a.url, published=day, source=a.source, hash=a.hash)


def _dense_kind(config: IndexConfig, passages: int) -> DenseKind:
    if config.dense != "auto":
        return config.dense
    return "hnsw" if passages >= config.hnsw_threshold else "flat"


def build_index(
    articles: Sequence[Article],
    root: Path,
    encoder: Encoder,
    config: IndexConfig,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Embed only new and changed articles, drop removed ones, and swap in a new version.

    The previous version keeps serving until the new one is complete; with rebuild=True (or
    when the previous version is missing, corrupt or built with another model) all is re-embedded.
    """
    started = time.perf_counter()
    with build_lock(root):
        previous: IndexData | None = None
        if not rebuild:
            try:
                previous = load_current(root, model=encoder.name)
            except IndexUnavailableError as exc:
                log.info("building from scratch: %s", exc)
        by_id = {a.id: a for a in articles}
        old = previous.articles if previous else {}
        added = [a for aid, a in by_id.items() if aid not in old]
        changed = [a for aid, a in by_id.items() if aid in old and old[aid].hash != a.hash]
        removed = [aid for aid in old if aid not in by_id]
        unchanged = len(by_id) - len(added) - len(changed)
        if previous and not (added or changed or removed):
            return BuildReport(
                0, 0, 0, unchanged, len(previous.passages), 0, time.perf_counter() - started, None
            )

        next_id = previous.manifest.next_id if previous else 0
        new_passages: list[Passage] = []
        for article in [*added, *changed]:
            made = make_passages(
                article, first_id=next_id, max_words=config.passage_words, overlap=config.overlap_sentences
            )
            new_passages.extend(made)
            next_id += len(made)
        total = len(new_passages)
        if progress:
            progress(0, total)
        done = 0

        def step(k: int) -> None:
            nonlocal done
            done += k
            if progress:
                progress(done, total)

        vectors = encoder.encode([p.indexed_text for p in new_passages], progress=step)
        new_ids = np.array([p.id for p in new_passages], dtype=np.int64)

        dropped = {aid for aid in removed} | {a.id for a in changed}
        passages = {
            pid: p
            for pid, p in (previous.passages.items() if previous else [])
            if p.article_id not in dropped
        }
        passages.update((p.id, p) for p in new_passages)
        kind = _dense_kind(config, len(passages))
        if previous and previous.dense.kind == kind:
            gone = np.array(
                [pid for pid, p in previous.passages.items() if p.article_id in dropped], np.int64
            )
            dense = previous.dense.updated(remove=gone, add_ids=new_ids, add_vectors=vectors)
        elif previous:
            keep_ids = previous.dense.ids()
            keep_vectors = previous.dense.vectors()
            mask = np.isin(keep_ids, list(passages))
            dense = DenseIndex.build(
                np.concatenate([keep_ids[mask], new_ids]),
                np.concatenate([keep_vectors[mask], vectors]),
                kind=kind,
                hnsw_m=config.hnsw_m,
                ef_search=config.ef_search,
            )
        else:
            dense = DenseIndex.build(
                new_ids, vectors, kind=kind, hnsw_m=config.hnsw_m, ef_search=config.ef_search
            )
        ordered = sorted(passages)
        bm25 = BM25Index.build(np.array(ordered, dtype=np.int64), [passages[i].indexed_text for i in ordered])
        metas = {aid: _meta(a) for aid, a in by_id.items()}
        manifest = Manifest(
            format=FORMAT,
            model=encoder.name,
            dim=encoder.dim,
            dense=kind,
            passages=len(passages),
            articles=len(metas),
            corpus_hash=corpus_hash({aid: a.hash for aid, a in by_id.items()}),
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            next_id=next_id,
        )
        data = IndexData(
            manifest=manifest, path=root, passages=passages, articles=metas, dense=dense, bm25=bm25
        )
        version = write_version(root, data)
        seconds = time.perf_counter() - started
        log.info(
            "index %s: +%d ~%d -%d articles, %d passages embedded in %.1fs",
            version.name,
            len(added),
            len(changed),
            len(removed),
            total,
            seconds,
        )
        return BuildReport(
            len(added), len(changed), len(removed), unchanged, len(passages), total, seconds, version
        )
