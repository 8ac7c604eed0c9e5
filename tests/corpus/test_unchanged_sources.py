"""A local source whose files are as they were is not read again (issue 32, item 6): by size and time,
or, when only the times changed, by content; its fingerprint is kept only once its articles are stored."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from corpus import IngestConfig, SourceConfig, Store, ingest_sources
from corpus.fetch import Fetcher
from corpus.loaders import KINDS

PORT = (
    "---\ntitle: Port reopens\ndate: 2024-03-05\n---\nThe port of Varna reopened on Tuesday after a storm.\n"
)
GRAIN = "---\ntitle: Grain exports rise\ndate: 2024-03-06\n---\nGrain exports from Constanta rose again.\n"


def test_an_unchanged_folder_is_not_read_again_a_touched_one_neither_a_changed_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.md").write_text(PORT)
    reads = []
    kind = KINDS["markdown"]

    def counted(config, context):  # type: ignore[no-untyped-def]
        reads.append(config.name)
        return kind.load(config, context)

    monkeypatch.setitem(KINDS, "markdown", dataclasses.replace(kind, load=counted))
    source = [SourceConfig(name="desk", type="markdown", path=str(news))]
    store, fetcher = Store(tmp_path / "db.sqlite3"), Fetcher(IngestConfig())

    def ingest() -> str:
        return ingest_sources(source, store, fetcher, base_dir=tmp_path)[0].describe()

    assert ingest().startswith("desk: 1 added") and len(reads) == 1
    assert ingest() == "desk: not modified" and len(reads) == 1
    os.utime(news / "a.md", ns=(1, 1))  # touched: the same text
    assert ingest() == "desk: not modified" and len(reads) == 1
    (news / "b.md").write_text(GRAIN)
    assert ingest().startswith("desk: 1 added, 0 changed, 0 removed, 1 unchanged") and len(reads) == 2
    (news / "a.md").unlink()
    assert ingest().startswith("desk: 0 added, 0 changed, 1 removed") and len(reads) == 3
    store.close()
    fetcher.close()


def test_a_crash_between_reading_and_storing_reads_the_source_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.txt"
    page.write_text((Path(__file__).parents[2] / "corpus/bundled/selec-news-2018.txt").read_text())
    source = [SourceConfig(name="selec", type="textpage", path=str(page))]
    store, fetcher = Store(tmp_path / "db.sqlite3"), Fetcher(IngestConfig())

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("killed")

    with monkeypatch.context() as m:
        m.setattr(store, "upsert", crash)
        with pytest.raises(RuntimeError):
            ingest_sources(source, store, fetcher, base_dir=tmp_path)
    report = ingest_sources(source, store, fetcher, base_dir=tmp_path)[0]
    assert report.added == 16 and not report.not_modified
    store.close()
    fetcher.close()
