"""Build or incrementally update the index from the store's articles.

An update embeds only new and changed articles. They go to the delta segment, and passages of
changed or removed articles become tombstones, so the main segment (FAISS + BM25) is reused as
is. When delta and tombstones outgrow `compact_fraction` of the main segment, everything is
compacted into a new main segment (from stored vectors: nothing is re-embedded).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import ChainMap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from corpus import Article
from index.config import IndexConfig
from index.dense.faiss import DenseIndex, DenseKind
from index.encoders import Encoder
from index.errors import IndexMissingError, IndexUnavailableError
from index.passages import Passage, make_passages
from index.sparse.bm25 import BM25Index
from index.storage import FORMAT, ArticleMeta, Layout, Manifest, corpus_hash, current_path, load_layout
from index.text import TOKENIZER
from index.writer import build_lock, write_version

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
    compacted: bool = False  # True when the main segment was (re)built


def _meta(a: Article) -> ArticleMeta:
    day = a.published.isoformat() if a.published else None
    return ArticleMeta(id=a.id, title=a.title, url=a.url, published=day, source=a.source, hash=a.hash)


def _dense_kind(config: IndexConfig, passages: int) -> DenseKind:
    if config.dense != "auto":
        return config.dense
    return "hnsw" if passages >= config.hnsw_threshold else "flat"


def _embed(encoder: Encoder, passages: list[Passage], progress: Progress | None) -> np.ndarray:
    total, done = len(passages), 0
    if progress:
        progress(0, total)

    def step(k: int) -> None:
        nonlocal done
        done += k
        if progress:
            progress(done, total)

    return encoder.encode([p.indexed_text for p in passages], progress=step)


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

    The previous version keeps serving until the new one is complete; with rebuild=True (or when
    the previous version is missing, corrupt or built with another model) all is re-embedded.
    """
    started = time.perf_counter()
    with build_lock(root):
        previous: Layout | None = None
        if not rebuild:
            try:
                previous = load_layout(current_path(root), model=encoder.name, dim=encoder.dim)
            except IndexMissingError:
                log.info("no index in %s yet: building it", root)
            except IndexUnavailableError as exc:
                log.warning("rebuilding the whole index: %s", str(exc).split("; ")[0])
        by_id = {a.id: a for a in articles}
        old = previous.articles if previous else {}
        added = [a for aid, a in by_id.items() if aid not in old]
        changed = [a for aid, a in by_id.items() if aid in old and old[aid].hash != a.hash]
        removed = [aid for aid in old if aid not in by_id]
        unchanged = len(by_id) - len(added) - len(changed)
        retokenize = previous is not None and previous.tokenizer != TOKENIZER  # terms defined anew
        if previous and not (added or changed or removed or retokenize):
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
        vectors = _embed(encoder, new_passages, progress)
        new_ids = np.array([p.id for p in new_passages], dtype=np.int64)

        dropped_articles = set(removed) | {a.id for a in changed}
        known: ChainMap[int, Passage] = ChainMap({p.id: p for p in new_passages})
        dropped: set[int] = set()
        if previous:  # which passages go, found without reading their text
            known.maps.append(previous.passages)  # type: ignore[arg-type]  # read-only here
            dropped = {
                pid for pid in previous.passages if previous.passages.article_of(pid) in dropped_articles
            }
        live = set(known) - dropped
        kind = _dense_kind(config, len(live))
        metas = {aid: _meta(a) for aid, a in by_id.items()}

        main_size = previous.manifest.main_passages if previous else 0
        delta_ids = previous.delta_ids - dropped if previous else set()
        tombstones = (set(previous.tombstones) | (dropped - previous.delta_ids)) if previous else set()
        grow = len(delta_ids) + len(new_passages) + len(tombstones)
        compact = (
            previous is None
            or previous.manifest.dense != kind
            or grow > config.compact_fraction * max(main_size, 1)
            or retokenize
        )

        if compact:
            ids, vecs = (
                previous.live_vectors(ef_search=config.ef_search)
                if previous
                else (np.zeros(0, np.int64), np.zeros((0, encoder.dim), np.float32))
            )
            mask = np.isin(ids, list(live)) if len(ids) else np.zeros(0, bool)
            all_ids = np.concatenate([ids[mask], new_ids])
            all_vecs = (
                np.concatenate([vecs[mask], vectors])
                if len(all_ids)
                else np.zeros((0, encoder.dim), np.float32)
            )
            dense = DenseIndex.build(
                all_ids,
                all_vecs,
                kind=kind,
                hnsw_m=config.hnsw_m,
                ef_construction=config.hnsw_ef_construction,
                ef_search=config.ef_search,
            )
            ordered = [known[i] for i in sorted(live)]
            bm25 = BM25Index.build(
                np.array([p.id for p in ordered], dtype=np.int64), [p.indexed_text for p in ordered]
            )
            main: tuple[list[Passage], DenseIndex, BM25Index] | Path = (
                ordered,
                dense,
                bm25,
            )
            delta: tuple[list[Passage], np.ndarray] = ([], np.zeros((0, encoder.dim), np.float32))
            tombstones, main_count = set(), len(ordered)
        else:
            assert previous is not None
            kept = sorted(delta_ids)
            delta_passages = [previous.passages[i] for i in kept] + new_passages
            delta_vectors = np.concatenate([previous.delta_vectors_of(kept), vectors])
            main, delta, main_count = previous.path, (delta_passages, delta_vectors), main_size

        manifest = Manifest(
            format=FORMAT,
            model=encoder.name,
            dim=encoder.dim,
            dense=kind,
            passages=len(live),
            articles=len(metas),
            corpus_hash=corpus_hash({aid: a.hash for aid, a in by_id.items()}),
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            next_id=next_id,
            main_passages=main_count,
            delta_passages=len(delta[0]),
            tombstones=len(tombstones),
        )
        version = write_version(
            root, manifest=manifest, articles=metas, main=main, delta=delta, tombstones=tombstones
        )
        seconds = time.perf_counter() - started
        log.info(
            "index %s: +%d ~%d -%d articles, %d passages embedded in %.1fs%s",
            version.name,
            len(added),
            len(changed),
            len(removed),
            len(new_passages),
            seconds,
            " (compacted)" if compact else "",
        )
        return BuildReport(
            len(added),
            len(changed),
            len(removed),
            unchanged,
            len(live),
            len(new_passages),
            seconds,
            version,
            compact,
        )
