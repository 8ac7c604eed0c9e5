"""Bring the index in PostgreSQL up to date with the stored articles (`index.backend: postgresql`): the
new and changed articles are cut into passages and embedded outside any transaction, then written a
batch at a time, each batch in one transaction (a crash leaves whole batches, never half an article),
with the articles' hashes so the next run picks up where it stopped."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from corpus import Article
from index.builder import BuildReport
from index.config import IndexConfig
from index.encoders import Encoder
from index.manifest import ArticleMeta
from index.passages import Passage, make_passages
from index.pgvector import BULK, PgIndex
from index.storage import Layout, current_path, load_layout

BATCH = 256  # articles a transaction


def _meta(a: Article) -> ArticleMeta:
    return ArticleMeta(
        id=a.id,
        title=a.title,
        url=a.url,
        published=a.published.isoformat() if a.published else None,
        source=a.source,
        hash=a.hash,
    )


def update_pg_index(
    index: PgIndex,
    articles: Iterable[Article],
    encoder: Encoder,
    config: IndexConfig,
    *,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Write the passages of new and changed articles, drop those of removed ones; `rebuild` starts from
    empty tables (another model, or `newsbot index --rebuild`)."""
    started = time.perf_counter()
    if rebuild:
        index.drop()
    index.ensure()
    indexed = {aid: meta.hash for aid, meta in index.articles().items()}
    current = {a.id: a for a in articles}
    todo = [a for a in current.values() if indexed.get(a.id) != a.hash]
    gone = [aid for aid in indexed if aid not in current]
    added = sum(a.id not in indexed for a in todo)
    bulk = index.bulk() if not indexed and len(todo) * 2 > BULK else nullcontext()  # ~2 passages an article
    with bulk:
        embedded = _write(index, todo, encoder, config, progress)
    if gone:
        _store(index, gone, [], np.zeros((0, encoder.dim), np.float32), [])
    return BuildReport(
        added=added,
        changed=len(todo) - added,
        removed=len(gone),
        unchanged=len(current) - len(todo),
        passages=index.count(),
        embedded=embedded,
        seconds=time.perf_counter() - started,
        version=Path(f"postgresql-v{index.version()}") if todo or gone or rebuild else None,
    )


def _store(
    index: PgIndex,
    article_ids: list[str],
    passages: list[Passage],
    vectors: np.ndarray,
    articles: list[ArticleMeta],
) -> None:
    """Replace these articles' passages in one transaction, numbered from fresh ids."""
    with index.db.transaction() as tx:
        first = PgIndex.next_ids(tx, len(passages)) if passages else 0
        numbered = [dataclasses.replace(p, id=first + i) for i, p in enumerate(passages)]
        PgIndex.replace(tx, article_ids, numbered, vectors, articles)


def _write(
    index: PgIndex,
    todo: list[Article],
    encoder: Encoder,
    config: IndexConfig,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Embed and write the articles a batch at a time; return the passages embedded."""
    embedded = done = 0
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        passages = [
            p
            for a in batch
            for p in make_passages(
                a, first_id=0, max_words=config.passage_words, overlap=config.overlap_sentences
            )
        ]
        vectors = (
            encoder.encode([p.indexed_text for p in passages])
            if passages
            else np.zeros((0, encoder.dim), np.float32)
        )
        embedded += len(passages)
        _store(index, [a.id for a in batch], passages, vectors, [_meta(a) for a in batch])
        done += len(batch)
        if progress is not None:
            progress(done, len(todo))
    return embedded


def copy_local_index(
    root: Path, index: PgIndex, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Fill the (emptied) index tables from the local index's CURRENT version — its passages and vectors as
    they are, nothing re-embedded (`newsbot migrate --to URL`); return the passages copied. The tables must
    be for the local index's model (PgIndex(model=, dim=) as its manifest says)."""
    layout = load_layout(current_path(root), model=index.model, dim=index.dim)
    ids, vectors = layout.live_vectors(ef_search=64)
    row = {int(i): n for n, i in enumerate(ids)}
    index.drop()
    index.ensure()
    with index.bulk() if len(ids) > BULK else nullcontext():
        return _copy(index, layout, sorted(layout.articles), vectors, row, progress)


def _copy(
    index: PgIndex,
    layout: Layout,
    article_ids: list[str],
    vectors: np.ndarray,
    row: dict[int, int],
    progress: Callable[[int, int], None] | None,
) -> int:
    copied = 0
    for start in range(0, len(article_ids), BATCH):
        batch = article_ids[start : start + BATCH]
        passages = [p for aid in batch for p in layout.passages.of_article(aid)]
        chosen = vectors[[row[p.id] for p in passages]] if passages else vectors[:0]
        _store(index, batch, passages, chosen, [layout.articles[aid] for aid in batch])
        copied += len(passages)
        if progress is not None:
            progress(start + len(batch), len(article_ids))
    return copied
