"""Index builds, incremental updates, atomic swaps and clear errors (fast hashing encoder)."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from corpus import make_article
from index import (
    Engine,
    IndexBusyError,
    IndexConfig,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    QuestionError,
    SearchConfig,
    build_index,
)
from index.dense.faiss import DenseIndex
from index.encoders.hashing import HashingEncoder
from index.sparse.bm25 import BM25Index, tokenize
from index.storage import CURRENT, current_path, load_layout
from index.text import TOKENIZER
from index.writer import build_lock


def _articles(n: int = 3, edit: str = "") -> list:
    return [
        make_article(
            title=f"Story {i}",
            body=f"Body of story {i} about topic{i} and more. {edit if i == 0 else ''}",
            source="s",
            url=f"https://n.test/{i}",
        )
        for i in range(n)
    ]


def test_incremental_update_embeds_only_what_changed(tmp_path: Path) -> None:
    enc, cfg = HashingEncoder(), IndexConfig()
    first = build_index(_articles(3), tmp_path, enc, cfg)
    assert (first.added, first.embedded, first.passages) == (3, 3, 3)
    again = build_index(_articles(3), tmp_path, enc, cfg)
    assert again.version is None and again.embedded == 0
    changed = build_index(_articles(4, edit="New sentence about elections."), tmp_path, enc, cfg)
    assert (changed.added, changed.changed, changed.removed, changed.embedded) == (1, 1, 0, 2)
    removed = build_index(_articles(2, edit="New sentence about elections."), tmp_path, enc, cfg)
    assert (removed.removed, removed.embedded, removed.passages) == (2, 0, 2)
    engine = Engine(tmp_path, enc, SearchConfig(min_confidence=0.0))
    ids = {p.article_id for p in engine.data.passages.values()}
    assert ids == {a.id for a in _articles(2)}
    ids, _ = load_layout(current_path(tmp_path)).live_vectors(ef_search=800)
    assert sorted(ids) == sorted(engine.data.passages)


def test_an_index_with_an_older_term_definition_is_rebuilt_without_re_embedding(tmp_path: Path) -> None:
    enc, cfg = HashingEncoder(), IndexConfig()
    articles = [
        make_article(
            title="Visit",
            body="SELEC’s director visited Sofia. The centre organised a workshop on defence with Michèle Ramis.",
            source="s",
            url="https://n.test/v",
        )
    ]
    build_index(articles, tmp_path, enc, cfg)
    meta = current_path(tmp_path) / "main" / "bm25" / "meta.json"
    version = TOKENIZER.rpartition("/")[2]
    old = meta.read_text().replace(f'content_stems/{version}"', 'content_stems"  ')  # as version 1 wrote it
    meta.write_text(old)  # (the same size: the manifest checks each file's size)
    assert load_layout(current_path(tmp_path)).tokenizer == "index.text.content_stems"
    again = build_index(articles, tmp_path, enc, cfg)
    assert again.version is not None and again.compacted and again.embedded == 0
    assert load_layout(current_path(tmp_path)).tokenizer == TOKENIZER
    assert build_index(articles, tmp_path, enc, cfg).version is None  # up to date now
    engine = Engine(tmp_path, enc, SearchConfig(min_confidence=0.0))
    assert engine.data.bm25_search("SELEC's director", 5)  # a straight apostrophe finds the curly one
    # an American spelling finds the British one (TOKENIZER 4)
    assert engine.data.bm25_search("organized center defense", 5)
    assert not engine.data.bm25_search("organ", 5)
    assert engine.data.bm25_search("Michele", 5)  # a name typed without its accent (TOKENIZER 5)


def test_small_updates_go_to_the_delta_and_stay_searchable(tmp_path: Path) -> None:
    enc, cfg = HashingEncoder(), IndexConfig(compact_fraction=0.5)
    arts = _articles(20)
    first = build_index(arts, tmp_path, enc, cfg)
    assert first.compacted
    main_file = current_path(tmp_path) / "main" / "dense.faiss"
    extra = make_article(
        title="Volcano erupts",
        body="A volcano named Etnaxyz erupted at dawn.",
        source="s",
        url="https://n.test/volcano",
    )
    edited = [
        extra,
        *_articles(20, edit="Storm floods the harbour of Zorgtown.")[:-1],
    ]  # one edit, one removal
    update = build_index(edited, tmp_path, enc, cfg)
    assert (update.added, update.changed, update.removed, update.embedded, update.compacted) == (
        1,
        1,
        1,
        2,
        False,
    )
    version = current_path(tmp_path)
    assert (version / "main" / "dense.faiss").stat().st_ino == main_file.stat().st_ino  # hard link: reused
    data = Engine(tmp_path, enc, SearchConfig()).data
    assert (data.manifest.delta_passages, data.manifest.tombstones) == (2, 2)
    q = enc.encode(["Etnaxyz volcano"])[0]
    assert data.passages[data.dense_search(q, 1)[0].id].title == "Volcano erupts"
    assert data.passages[data.bm25_search("Zorgtown harbour storm", 1)[0].id].title == "Story 0"
    gone = {a.id for a in _articles(20)[-1:]}
    assert not any(data.passages[h.id].article_id in gone for h in data.bm25_search("story topic19", 50))
    old_story0 = [
        h
        for h in data.bm25_search("Body of story 0 about topic0", 50)
        if data.passages[h.id].title == "Story 0"
    ]
    assert len(old_story0) == 1  # the edited article's old passage is a tombstone
    big = [
        make_article(title=f"Extra {i}", body=f"Extra story {i}.", source="s", url=f"https://n.test/x{i}")
        for i in range(15)
    ]
    assert build_index(
        [*edited, *big], tmp_path, enc, cfg
    ).compacted  # past compact_fraction: rebuilt from vectors
    data = Engine(tmp_path, enc, SearchConfig()).data
    assert (data.manifest.delta_passages, data.manifest.tombstones, data.manifest.main_passages) == (0, 0, 35)


def test_answers_come_from_the_right_article(hashing_engine: Engine) -> None:
    answer = hashing_engine.ask(
        "When was the joint heroin investigation between Bulgaria and Turkey finalized?"
    )
    assert answer.answered
    assert "heroin" in answer.sources[0].title
    assert answer.answer == "August 10th 2018"
    assert answer.to_dict()["sources"][0]["date"] == "2018-08-10"


def test_follow_up_asks_about_the_article_first(hashing_engine: Engine) -> None:
    engine = hashing_engine
    french = next(a for a in engine.data.articles.values() if "French" in a.title)
    answer = engine.ask("When did the visit happen?", article_id=french.id)
    assert answer.sources[0].article_id == french.id
    assert answer.answer == "July 10th 2018"


def test_question_validation(hashing_engine: Engine) -> None:
    engine = hashing_engine
    for bad in ["", "   \n\t", "\x00\x01\x02", "?!?"]:
        with pytest.raises(QuestionError, match="empty"):
            engine.ask(bad)
    with pytest.raises(QuestionError, match="too long"):
        engine.ask("why " * 30_000)
    garbage = bytes(range(256)).decode("latin-1") + " heroin"
    assert engine.ask(garbage).question.endswith("heroin")


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "none", HashingEncoder(), SearchConfig())
    with pytest.raises(IndexMissingError, match="newsbot index"):
        engine.ask("anything")


def test_corrupt_or_mismatched_index_says_how_to_rebuild(tmp_path: Path) -> None:
    build_index(_articles(3), tmp_path, HashingEncoder(), IndexConfig())
    version = current_path(tmp_path)
    with pytest.raises(IndexMismatchError, match=r"newsbot index --rebuild"):
        Engine(tmp_path, HashingEncoder(dim=64), SearchConfig()).reload()
    with open(version / "main" / "dense.faiss", "r+b") as handle:
        handle.truncate(100)
    with pytest.raises(
        IndexCorruptError, match=r"main/dense\.faiss is missing or truncated.*newsbot index --rebuild"
    ):
        Engine(tmp_path, HashingEncoder(), SearchConfig()).reload()
    (version / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorruptError, match="unreadable manifest"):
        Engine(tmp_path, HashingEncoder(), SearchConfig()).reload()
    report = build_index(
        _articles(3), tmp_path, HashingEncoder(), IndexConfig()
    )  # a corrupt index is rebuilt
    assert report.embedded == 3
    Engine(tmp_path, HashingEncoder(), SearchConfig()).reload()


class _Exploding(HashingEncoder):
    def encode(self, texts, *, progress=None):  # type: ignore[no-untyped-def]
        if len(texts) > 1:
            raise RuntimeError("killed mid-build")
        return super().encode(texts, progress=progress)


def test_a_failed_build_leaves_the_previous_index_serving(tmp_path: Path) -> None:
    build_index(_articles(3), tmp_path, HashingEncoder(), IndexConfig())
    before = current_path(tmp_path)
    engine = Engine(tmp_path, HashingEncoder(), SearchConfig(min_confidence=0.0))
    with pytest.raises(RuntimeError):
        build_index(_articles(6), tmp_path, _Exploding(), IndexConfig())
    assert current_path(tmp_path) == before
    assert engine.ask("story topic1").answered
    # a half-written version left by a killed process is ignored and cleaned up by the next build
    shutil.copytree(before, tmp_path / "build-v-crashed")
    build_index(_articles(4), tmp_path, HashingEncoder(), IndexConfig())
    assert not (tmp_path / "build-v-crashed").exists()
    assert os.readlink(tmp_path / CURRENT) != before.name
    assert engine.reload() is True


def test_only_one_build_at_a_time(tmp_path: Path) -> None:
    with build_lock(tmp_path), pytest.raises(IndexBusyError):
        build_index(_articles(1), tmp_path, HashingEncoder(), IndexConfig())


def test_hnsw_index_answers_like_flat(tmp_path: Path) -> None:
    arts = _articles(30)
    enc = HashingEncoder()
    build_index(arts, tmp_path / "flat", enc, IndexConfig(dense="flat"))
    build_index(arts, tmp_path / "hnsw", enc, IndexConfig(dense="hnsw"))
    flat = Engine(tmp_path / "flat", enc, SearchConfig()).data.dense
    hnsw = Engine(tmp_path / "hnsw", enc, SearchConfig()).data.dense
    assert hnsw.kind == "hnsw"
    q = enc.encode(["story topic7"])
    exact, approx = flat.search(q, 3)[0], hnsw.search(q, 3)[0]
    assert exact[0].id == approx[0].id == 7  # ties below the first hit may come in any order
    np.testing.assert_allclose([h.score for h in exact], [h.score for h in approx], rtol=1e-5)
    np.testing.assert_allclose(np.sort(flat.ids()), np.sort(hnsw.ids()))


def test_fusion_setting_changes_the_ranking_source(hashing_engine: Engine) -> None:
    engine = hashing_engine
    lexical_only = Engine(engine.root, engine.encoder, dataclasses.replace(engine.config, dense_weight=0.0))
    q = "heroin Istanbul"
    data = engine.data
    fused, _ = lexical_only.retrieve(data, q, engine.encoder.encode([q])[0])
    assert [h.id for h in fused] == [h.id for h in data.bm25.search(q, engine.config.candidates)]


def test_search_settings_reach_the_loaded_index(tmp_path: Path) -> None:
    """bm25_numba_from and ef_search are documented settings: each must change what is loaded."""
    enc = HashingEncoder()
    build_index(_articles(3), tmp_path, enc, IndexConfig(dense="hnsw"))
    plain = Engine(tmp_path, enc, SearchConfig()).data
    numba = Engine(tmp_path, enc, SearchConfig(bm25_numba_from=1), index=IndexConfig(ef_search=7)).data
    assert plain.bm25.backend == "numpy" and numba.bm25.backend == "numba"
    assert plain.dense.ef_search == IndexConfig().ef_search and numba.dense.ef_search == 7
    assert [h.id for h in numba.bm25_search("topic1", 3)] == [h.id for h in plain.bm25_search("topic1", 3)]


def test_loaded_bm25_scores_as_bm25s_does(tmp_path: Path) -> None:
    """The numpy scoring of a loaded index gives bm25s's own results, score for score."""
    from index.sparse.bm25 import _bm25s

    texts = [f"story {i} about topic{i % 4} and the harbour of town{i % 3}" for i in range(40)]
    ids = np.arange(100, 140)
    BM25Index.build(ids, texts).save(tmp_path)
    loaded = BM25Index.load(tmp_path, mmap=True)
    reference = _bm25s().BM25.load(str(tmp_path), show_progress=False, verbosity=0)
    assert loaded.backend == "numpy"
    for query in ["topic1 harbour", "town2 story topic3 topic3", "harbour", "nothing known"]:
        terms = [t for t in tokenize([query])[0] if t in loaded.vocabulary()]
        got = [(h.id, round(h.score, 5)) for h in loaded.search(query, 10)]
        if not terms:
            assert got == []
            continue
        rows, scores = reference.retrieve([terms], k=10, show_progress=False, n_threads=1)
        want = [(int(ids[r]), round(float(s), 5)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
        assert [s for _, s in got] == [s for _, s in want] and got  # the same scores, best first
        every = reference.get_scores(terms)  # equal scores: any of them in bm25s, by passage id here
        assert all(abs(every[pid - 100] - score) < 1e-4 for pid, score in got)
        assert got == sorted(got, key=lambda h: (-h[1], h[0]))


def test_searches_use_one_openmp_thread_after_a_build() -> None:
    """A build may use every core; the searches after it run on one thread (see index/dense/faiss.py)."""
    import faiss

    vectors = np.random.default_rng(0).standard_normal((300, 8)).astype(np.float32)
    DenseIndex.build(np.arange(300), vectors, kind="hnsw", hnsw_m=4, ef_construction=8, ef_search=8)
    assert faiss.omp_get_max_threads() == 1
