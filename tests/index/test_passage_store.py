"""Passages read on demand from a main segment on disk, with the delta and tombstones on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.passage_store import ARTICLES, ROWS, MainPassages, PassageStore, read_passages, write_passages
from index.passages import Passage


def _passages() -> list[Passage]:
    out = []
    for a in range(3):
        for n in range(4):
            pid = 10 * a + n
            text = f'Article {a} passage {n}: café {"ü" * n} "quoted"\nsecond line'
            out.append(Passage(id=pid, article_id=f"art-{a}", ordinal=n, title=f"Title {a}", text=text))
    return out


def test_written_passages_read_back_one_by_one(tmp_path: Path) -> None:
    passages = _passages()
    write_passages(tmp_path, reversed(passages))  # rows are found by id, whatever the file order
    main = MainPassages(tmp_path, cache=2)
    store = PassageStore(main, [], frozenset())
    assert len(store) == len(passages)
    assert sorted(store) == [p.id for p in passages]
    for p in passages:
        assert store[p.id] == p
        assert store.article_of(p.id) == p.article_id
    assert [p.ordinal for p in store.of_article("art-1")] == [0, 1, 2, 3]
    assert store.of_article("art-1")[2] == passages[6]
    assert store.of_article("nowhere") == []
    assert 5 not in store and 11 in store
    with pytest.raises(KeyError):
        store[5]


def test_tombstones_hide_and_delta_adds(tmp_path: Path) -> None:
    passages = _passages()
    write_passages(tmp_path, passages)
    added = Passage(id=40, article_id="art-1", ordinal=4, title="Title 1", text="A later passage.")
    store = PassageStore(MainPassages(tmp_path), [added], frozenset({11, 12, 999}))
    assert len(store) == len(passages) - 2 + 1
    assert 11 not in store and 40 in store
    with pytest.raises(KeyError):
        store.article_of(12)
    assert [p.id for p in store.of_article("art-1")] == [10, 13, 40]
    assert store.ids_of("art-1") == [10, 13, 40]  # ids alone, in the same order
    early = Passage(id=41, article_id="art-1", ordinal=1, title="Title 1", text="An inserted passage.")
    mixed = PassageStore(MainPassages(tmp_path), [added, early], frozenset({11, 12}))
    assert mixed.ids_of("art-1") == [10, 41, 13, 40]  # by ordinal across main and delta
    assert set(store) == {p.id for p in passages} - {11, 12} | {40}
    assert dict(store.items())[40] == added


def test_a_version_without_row_files_is_scanned(tmp_path: Path) -> None:
    passages = _passages()
    write_passages(tmp_path, passages)
    (tmp_path / ROWS).unlink()
    (tmp_path / ARTICLES).unlink()
    store = PassageStore(MainPassages(tmp_path), [], frozenset())
    assert [store[p.id] for p in passages] == passages
    assert [p.id for p in store.of_article("art-2")] == [20, 21, 22, 23]
    assert read_passages(tmp_path / "passages.jsonl") == passages


def test_an_empty_segment(tmp_path: Path) -> None:
    write_passages(tmp_path, [])
    store = PassageStore(MainPassages(tmp_path), [], frozenset())
    assert len(store) == 0 and list(store) == [] and store.of_article("x") == []
    assert 0 not in store
