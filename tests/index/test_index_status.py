"""What the engine says about its index (status), and how a build recovers from each way it can break:
another format or dimension, a damaged CURRENT, a full disk, an index that lags the store."""

from __future__ import annotations

import errno
import json
import logging
from pathlib import Path

import pytest

from corpus import make_article
from index import (
    Engine,
    IndexConfig,
    IndexMismatchError,
    IndexWriteError,
    SearchConfig,
    build_index,
    content_stems,
)
from index.dense.faiss import DenseIndex
from index.encoders.hashing import HashingEncoder
from index.storage import CURRENT, current_path

CFG = IndexConfig()


def _articles(n: int = 3) -> list:
    return [
        make_article(
            title=f"Story {i}",
            body=f"The minister said on Monday that story {i} about topic{i} would further the talks.",
            source="s",
            url=f"https://n.test/{i}",
        )
        for i in range(n)
    ]


def _hashes(articles: list) -> dict[str, str]:
    return {a.id: a.hash for a in articles}


class WideHashing(HashingEncoder):
    """The default hashing encoder's name with 768-d vectors (an index built for another model)."""

    def __init__(self) -> None:
        super().__init__(dim=768)
        self.name = HashingEncoder().name


def test_bm25_terms_are_the_tokenizer_terms(tmp_path: Path) -> None:
    articles = _articles()
    build_index(articles, tmp_path, HashingEncoder(), CFG)
    data = Engine(tmp_path, HashingEncoder(), SearchConfig()).data
    texts = [p.indexed_text for p in data.passages.values()]
    assert set(data.vocabulary()) == {t for text in texts for t in content_stems(text)}
    # "said" and "further" are stopwords of index.text (bm25s's own list keeps them): df 0, as for evidence
    assert data.document_frequency(["said", "further", "minist"]) == {"said": 0, "further": 0, "minist": 3}


def test_an_index_of_an_older_format_is_rebuilt_with_a_clear_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    articles = _articles()
    build_index(articles, tmp_path, HashingEncoder(), CFG)
    manifest = current_path(tmp_path) / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": 2}))
    engine = Engine(tmp_path, HashingEncoder(), SearchConfig())
    with pytest.raises(
        IndexMismatchError, match=r"format 2, this newsbot reads 3; run `newsbot index --rebuild`"
    ):
        engine.reload()
    with caplog.at_level(logging.WARNING):
        report = build_index(articles, tmp_path, HashingEncoder(), CFG)
    assert report.added == 3 and report.version is not None
    assert "rebuilding the whole index" in caplog.text and "format 2" in caplog.text
    assert engine.status(_hashes(articles)).ok


def test_an_index_of_another_dimension_is_reported_and_rebuilt(tmp_path: Path) -> None:
    articles = _articles()
    build_index(articles, tmp_path, WideHashing(), CFG)
    engine = Engine(tmp_path, HashingEncoder(), SearchConfig())
    status = engine.status(_hashes(articles))
    assert not status.ok and "768-dimensional vectors but the encoder makes 384" in status.detail
    assert "newsbot index --rebuild" in status.describe()
    report = build_index(articles, tmp_path, HashingEncoder(), CFG)  # not "up to date": rebuilt
    assert report.version is not None and report.embedded == 3
    assert engine.status(_hashes(articles)).dim == 384
    assert engine.ask("what did the minister say about story 1").answered


@pytest.mark.parametrize("damage", ["loop", "directory", "dangling"])
def test_a_damaged_current_is_reported_and_rebuild_recovers(tmp_path: Path, damage: str) -> None:
    articles = _articles()
    build_index(articles, tmp_path, HashingEncoder(), CFG)
    link = tmp_path / CURRENT
    link.unlink()
    if damage == "loop":
        (tmp_path / "other").symlink_to(CURRENT)
        link.symlink_to("other")
    elif damage == "directory":
        link.mkdir()
        (link / "manifest.json").write_text("{}")
    else:
        link.symlink_to("v-gone")
    status = Engine(tmp_path, HashingEncoder(), SearchConfig()).status(_hashes(articles))
    assert not status.ok and "CURRENT" in status.detail and "newsbot index --rebuild" in status.detail
    report = build_index(articles, tmp_path, HashingEncoder(), CFG, rebuild=True)
    assert report.version is not None
    fresh = Engine(tmp_path, HashingEncoder(), SearchConfig())
    assert fresh.status(_hashes(articles)).ok and fresh.ask("story 2 topic2").answered


def test_a_full_disk_leaves_the_previous_version_serving_and_the_lag_visible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _articles(3)
    build_index(articles, tmp_path, HashingEncoder(), CFG)
    before = current_path(tmp_path)

    def full(self: DenseIndex, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(DenseIndex, "save", full)
    more = _articles(6)
    with pytest.raises(IndexWriteError, match=r"No space left on device.*previous one still serves"):
        build_index(more, tmp_path, HashingEncoder(), CFG, rebuild=True)
    assert current_path(tmp_path) == before and not list(tmp_path.glob("build-*"))
    status = Engine(tmp_path, HashingEncoder(), SearchConfig()).status(_hashes(more))
    assert (
        status.ok
        and status.lags
        and status.not_indexed == 3
        and "3 articles not indexed" in status.describe()
    )
    monkeypatch.undo()
    build_index(more, tmp_path, HashingEncoder(), CFG)
    assert not Engine(tmp_path, HashingEncoder(), SearchConfig()).status(_hashes(more)).lags


def test_status_counts_articles_changed_or_removed_since_indexing(tmp_path: Path) -> None:
    articles = _articles(4)
    build_index(articles, tmp_path, HashingEncoder(), CFG)
    hashes = _hashes(articles[:3])  # one removed from the store
    hashes[articles[0].id] = "edited"  # one changed
    status = Engine(tmp_path, HashingEncoder(), SearchConfig()).status(hashes)
    assert (status.not_indexed, status.not_stored, status.articles) == (1, 1, 4)


def test_an_index_with_older_terms_lags_until_it_is_re_tokenized(tmp_path: Path) -> None:
    arts = _articles()
    build_index(arts, tmp_path, HashingEncoder(), CFG)
    meta = current_path(tmp_path) / "main" / "bm25" / "meta.json"
    fields = json.loads(meta.read_text())
    meta.write_text(meta.read_text().replace(fields["tokenizer"], "index.text.content_stems/0"))
    status = Engine(tmp_path, HashingEncoder(), SearchConfig()).status(_hashes(arts))
    assert status.ok and status.old_terms and status.lags
    assert "older definition" in status.describe() and "not indexed" not in status.describe()
    report = build_index(arts, tmp_path, HashingEncoder(), CFG)
    assert report.embedded == 0
    assert not Engine(tmp_path, HashingEncoder(), SearchConfig()).status(_hashes(arts)).lags
