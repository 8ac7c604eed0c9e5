"""The index in PostgreSQL (index/pgvector.py) on a real pgvector server: passages written in the
caller's transaction, HNSW cosine search, full-text search over any of the question's words, one model
per database."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from corpus import make_article
from corpus.database import Database, open_database
from index.encoders.hashing import HashingEncoder
from index.passages import make_passages
from index.pgvector import PgIndex, PgIndexError
from index.sparse.bm25 import BM25Index
from index.text import content_stems
from tests.pg import fresh_schema

ARTICLES = [
    (
        "Dockworkers strike shuts the port of Rotterdam",
        "Dockworkers walked out on Monday. Cranes stood idle.",
    ),
    ("Police seize cocaine in Varna", "Border police seized 40 kilograms of cocaine at the port of Varna."),
    ("Bridge over the Miel opens", "The mayor opened the bridge. It cost 40 million euros."),
]


@pytest.fixture
def db() -> Iterator[Database]:
    with fresh_schema() as url:
        database = open_database(url, pool_size=2)
        try:
            yield database
        finally:
            database.close()


def _passages() -> tuple[list, np.ndarray]:
    passages = []
    for title, body in ARTICLES:
        article = make_article(title=title, body=body, source="desk")
        passages += make_passages(article, first_id=len(passages) + 1, max_words=5, overlap=0)
    encoder = HashingEncoder(dim=64)
    return passages, encoder.encode([p.indexed_text for p in passages])


def test_passages_are_searched_by_vector_and_by_words(db: Database) -> None:
    index = PgIndex(db, model="hashing:64", dim=64)
    index.ensure()
    passages, vectors = _passages()
    with db.transaction() as tx:
        PgIndex.replace(tx, sorted({p.article_id for p in passages}), passages, vectors)
    assert index.count() == len(passages)
    for i in (0, len(passages) - 1):
        [best, *_] = index.dense_search(vectors[i], 3)
        assert best.id == passages[i].id and best.score == pytest.approx(1.0, abs=1e-4)
    found = index.lexical_search("how much cocaine was seized?", 5)
    texts = index.passages([h.id for h in found])
    assert found and all("cocaine" in (texts[h.id].title + texts[h.id].text).lower() for h in found)
    assert index.lexical_search("the of and", 5) == []  # stopwords only


def test_a_rewritten_article_replaces_its_passages_and_a_failed_write_leaves_none(db: Database) -> None:
    index = PgIndex(db, model="hashing:64", dim=64)
    index.ensure()
    passages, vectors = _passages()
    first = passages[0].article_id
    mine = [i for i, p in enumerate(passages) if p.article_id == first]
    assert len(mine) >= 2
    with db.transaction() as tx:
        PgIndex.replace(tx, [first], [passages[i] for i in mine], vectors[mine])
    with db.transaction() as tx:  # the article changed: one passage now
        PgIndex.replace(tx, [first], passages[:1], vectors[:1])
    assert index.count() == 1
    with pytest.raises(RuntimeError), db.transaction() as tx:
        PgIndex.replace(tx, [p.article_id for p in passages], passages, vectors)
        raise RuntimeError("crash before the articles' commit")
    assert index.count() == 1  # rolled back with the transaction that stores the articles
    with db.transaction() as tx:  # BM25's document frequencies and lengths follow every rewrite
        kept = dict(tx.execute("SELECT lexeme, ndoc FROM index_terms WHERE ndoc > 0").fetchall())
        recount = dict(
            tx.execute("SELECT u, count(*) FROM index_passages p, unnest(p.terms) u GROUP BY 1").fetchall()
        )
        meta = tx.execute("SELECT passages, length FROM index_meta").fetchone()
        real = tx.execute("SELECT count(*), sum(length) FROM index_passages").fetchone()
        postings = sorted(map(tuple, tx.execute("SELECT * FROM index_postings").fetchall()))
        expected = sorted(
            map(
                tuple,
                tx.execute(
                    "SELECT t.lexeme, p.id, t.tf, p.length FROM index_passages p, unnest(p.terms, p.tfs) t(lexeme, tf)"
                ).fetchall(),
            )
        )
    assert kept == recount and tuple(meta) == tuple(real) and real[1] > 0
    assert postings == expected and postings  # the inverted index BM25 reads follows every rewrite too


def test_lexical_search_ranks_by_bm25_a_rare_word_first(db: Database) -> None:
    index = PgIndex(db, model="hashing:64", dim=64)
    index.ensure()
    texts = [f"The port of town {i} was busy with ships today." for i in range(30)]
    texts += ["The port of Varna reported ships and a seizure of cocaine today."]
    passages = [
        make_passages(make_article(title=f"Port {i}", body=t, source="desk"), first_id=i + 1)[0]
        for i, t in enumerate(texts)
    ]
    with db.transaction() as tx:
        PgIndex.replace(tx, [], passages, HashingEncoder(dim=64).encode([p.text for p in passages]))
    [best, *rest] = index.lexical_search("ships cocaine port", 5)
    assert best.id == passages[-1].id and all(best.score > h.score for h in rest)


def test_a_database_built_with_another_model_asks_for_a_rebuild(db: Database) -> None:
    PgIndex(db, model="hashing:64", dim=64).ensure()
    with pytest.raises(PgIndexError, match=r"built with hashing:64 .*newsbot index --rebuild"):
        PgIndex(db, model="all-MiniLM-L6-v2", dim=384).ensure()


def test_sqlite_is_refused_with_the_setting_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = open_database(tmp_path / "state.db")
    try:
        with pytest.raises(PgIndexError, match=r"storage\.url"):
            PgIndex(database, model="m", dim=4)
    finally:
        database.close()


def test_a_first_build_writes_rows_then_builds_the_hnsw_index_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import IndexConfig, pgbuild

    monkeypatch.setattr(pgbuild, "BULK", 2)  # this small build counts as a bulk one
    index = PgIndex(db, model="hashing:64", dim=64)
    articles = [make_article(title=t, body=b, source="desk") for t, b in ARTICLES]
    created: list[str] = []
    real_bulk = index.bulk

    def watched():  # type: ignore[no-untyped-def]
        created.append("bulk")
        return real_bulk()

    monkeypatch.setattr(index, "bulk", watched)
    report = pgbuild.update_pg_index(index, articles, HashingEncoder(dim=64), IndexConfig())
    assert created == ["bulk"] and report.added == 3 and report.passages == index.count() > 0
    with db.transaction() as tx:
        hnsw = tx.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'index_passages_hnsw'"
        ).fetchone()
    assert hnsw and "hnsw" in hnsw[0]
    again = pgbuild.update_pg_index(index, articles, HashingEncoder(dim=64), IndexConfig())
    assert created == ["bulk"] and again.added == 0 and again.version is None  # nothing to do, no bulk


def test_a_replica_holds_which_article_has_which_passage_and_reads_the_rest_on_demand(db: Database) -> None:
    from index.manifest import ArticleMeta
    from index.pgdata import PgIndexData

    index = PgIndex(db, model="hashing:64", dim=64)
    index.ensure()
    passages, vectors = _passages()
    aids = sorted({p.article_id for p in passages})
    metas = [
        ArticleMeta(id=a, title=a, url=f"https://n.test/{a}", published=None, source="desk", hash="h")
        for a in aids
    ]
    with db.transaction() as tx:
        PgIndex.replace(tx, aids, passages, vectors, metas)
    data = PgIndexData.load(index)
    assert len(data.passages) == len(passages) and sorted(data.passages) == sorted(p.id for p in passages)
    for p in passages:
        assert p.id in data.passages and data.passages.article_of(p.id) == p.article_id
        assert data.passages[p.id].text == p.text
    for a in aids:
        assert data.passages.ids_of(a) == [
            p.id for p in sorted(passages, key=lambda p: p.ordinal) if p.article_id == a
        ]
    assert 10_000 not in data.passages and "x" not in data.passages and data.passages.ids_of("nope") == []
    with pytest.raises(KeyError):
        data.passages.article_of(10_000)
    assert set(data.articles) == set(aids) and data.version == index.version()


def test_a_replica_loads_a_version_as_of_one_instant_while_another_writes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.manifest import ArticleMeta

    index = PgIndex(db, model="hashing:64", dim=64)
    index.ensure()
    passages, vectors = _passages()
    first = passages[0].article_id
    mine = [i for i, p in enumerate(passages) if p.article_id == first]
    other = [i for i, p in enumerate(passages) if p.article_id != first]

    def meta(aid: str) -> ArticleMeta:
        return ArticleMeta(id=aid, title=aid, url="https://n.test/", published=None, source="desk", hash="h")

    with db.transaction() as tx:
        PgIndex.replace(tx, [first], [passages[i] for i in mine], vectors[mine], [meta(first)])
    read_articles = PgIndex._articles

    def articles_then_a_write(tx):  # type: ignore[no-untyped-def]
        found = read_articles(tx)
        with db.transaction() as writer:  # another replica's ingest commits between the two reads
            aids = sorted({passages[i].article_id for i in other})
            PgIndex.replace(
                writer, aids, [passages[i] for i in other], vectors[other], [meta(a) for a in aids]
            )
        return found

    monkeypatch.setattr(PgIndex, "_articles", staticmethod(articles_then_a_write))
    version, articles, (names, _starts, pids), _ = index.snapshot()
    assert set(articles) == {first} and names == [first] and len(pids) == len(mine)
    assert version == 1 and index.version() == 2  # the write is there, for the next load


def test_bm25_in_sql_scores_as_the_file_backend_does(db: Database) -> None:
    index = PgIndex(db, model="hashing:64", dim=64)
    index.ensure()
    words = "port ships cocaine seized police border bridge mayor euros strike cranes workers".split()
    rng = np.random.default_rng(7)
    texts = [" ".join(rng.choice(words, size=int(rng.integers(3, 12)))) for _ in range(60)]
    passages = [
        make_passages(make_article(title=f"Item {i}", body=t, source="desk"), first_id=i + 1)[0]
        for i, t in enumerate(texts)
    ]
    with db.transaction() as tx:
        PgIndex.replace(tx, [], passages, HashingEncoder(dim=64).encode([p.text for p in passages]))
    reference = BM25Index.build(np.array([p.id for p in passages]), [p.indexed_text for p in passages])
    for question in ("cocaine seized at the port", "which bridge did the mayor open", "strike"):
        got = index.lexical_search(question, 60)
        stems = set(content_stems(question))
        df = index.document_frequency(sorted(stems))
        rarest = min((s for s in stems if df[s]), key=lambda s: (df[s], s))  # at 60 passages it alone selects
        holds = {p.id for p in passages if rarest in content_stems(p.indexed_text)}
        want = [h for h in reference.search(question, 60) if h.id in holds]
        assert got and [h.id for h in got] == [h.id for h in want]
        assert [h.score for h in got] == pytest.approx([h.score for h in want], rel=1e-5)


def test_an_index_written_before_the_postings_gets_them_from_its_passages(db: Database) -> None:
    index = PgIndex(db, model="hashing:64", dim=64)
    index.ensure()
    passages, vectors = _passages()
    with db.transaction() as tx:
        PgIndex.replace(tx, [], passages, vectors)
        tx.execute("DROP TABLE index_postings")  # as the previous release left it
    index.ensure()
    found = index.lexical_search("how much cocaine was seized?", 5)
    texts = index.passages([h.id for h in found])
    assert found and all("cocaine" in (texts[h.id].title + texts[h.id].text).lower() for h in found)
    assert index.counts()["index_postings"] == sum(len(set(content_stems(p.indexed_text))) for p in passages)


def test_the_engine_answers_from_the_tables_as_from_the_files(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from pathlib import Path

    from corpus.loaders.textpage import load_textpage
    from index import Engine, IndexConfig, SearchConfig, build_index, pgbuild
    from index.pgdata import PgIndexData
    from tests.conftest import BUNDLED

    articles = load_textpage(Path(BUNDLED), source="selec")
    encoder = HashingEncoder()
    build_index(articles, tmp_path / "index", encoder, IndexConfig())
    index = PgIndex(db, model=encoder.name, dim=encoder.dim)
    pgbuild.update_pg_index(index, articles, encoder, IndexConfig())
    files = Engine(tmp_path / "index", encoder, SearchConfig())
    tables = Engine(tmp_path / "unused", encoder, SearchConfig(), pg=index)
    for engine in (files, tables):
        engine.today = lambda: dt.date(2018, 10, 15)  # type: ignore[method-assign]
    assert isinstance(tables.data, PgIndexData) and not (tmp_path / "unused").exists()
    questions = [
        "when did SELEC visit CARICC",
        "who coordinates the anti-fraud task force",
        "how much cocaine was seized",
        "who is the Director General of SELEC",
        "which ministers met in Bucharest",
    ]
    place = {
        (p.article_id, p.ordinal): p.id for p in map(tables.data.passages.__getitem__, tables.data.passages)
    }
    same = {
        pid: place[(files.data.passages[pid].article_id, files.data.passages[pid].ordinal)]
        for pid in files.data.passages
    }
    for question in questions:
        qvec = encoder.encode([question])[0]
        ids = np.array([h.id for h in files.data.dense_search(qvec, 40)])
        theirs = np.array([same[int(i)] for i in ids])
        stems = sorted(set(content_stems(question)))
        assert (tables.data.holding(stems, theirs) == files.data.holding(stems, ids)).all()
        assert tables.data.cosines(qvec, theirs) == pytest.approx(files.data.cosines(qvec, ids), abs=1e-5)
        assert tables.data.document_frequency(stems) == files.data.document_frequency(stems)
        a, b = files.ask(question), tables.ask(question)  # later sources may differ: ties break by id
        assert (a.answer, a.sentence, a.sources[:1]) == (b.answer, b.sentence, b.sources[:1]), question
