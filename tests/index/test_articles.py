"""The article model: features read from the index, the one move it makes, its weights file."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from corpus import make_article
from index import Engine, IndexConfig, NewsIndexError, SearchConfig, build_index
from index.answer.model import Logistic
from index.articles import ARTICLE_FEATURES, WEIGHTS, ArticleRanker, article_features, first_article, leader
from index.encoders.hashing import HashingEncoder
from index.hits import Hit
from index.sparse.bm25 import BM25Index
from index.text import content_stems


def _ranker(margin: float = 0.0, **weights: float) -> ArticleRanker:
    n = len(ARTICLE_FEATURES)
    w = np.zeros(n + 1)
    for name, value in weights.items():
        w[1 + ARTICLE_FEATURES.index(name)] = value
    return ArticleRanker(Logistic(ARTICLE_FEATURES, np.zeros(n), np.ones(n), w), margin)


def test_first_article_moves_one_passage_and_keeps_the_rest_in_place() -> None:
    fused = [Hit(1, 0.9), Hit(2, 0.8), Hit(3, 0.7), Hit(4, 0.6), Hit(5, 0.5)]
    article = {1: "a", 2: "b", 3: "a", 4: "c", 5: "c"}.__getitem__
    order = ["a", "b", "c"]
    moved = first_article(fused, order[leader(np.array([0.1, 0.2, 3.0]), 0.0)], article)
    assert [h.id for h in moved] == [4, 1, 2, 3, 5]  # c's best passage leads; nothing else moves
    assert first_article(fused, order[leader(np.array([5.0, 0.2, 3.0]), 0.0)], article) == fused
    assert leader(np.array([0.1, 0.2, 1.0]), 1.0) == 0  # a lead of 0.9 is within the margin
    assert leader(np.array([0.1, 0.2, 1.2]), 1.0) == 2


def _index(tmp_path: Path) -> Path:
    arts = [
        make_article(
            title="Harbour news",
            body="The harbour of Zorgtown reopened. Ferries sail again. The mayor Lina Brook cut a ribbon.",
            source="s",
            url="https://n.test/harbour",
        ),
        make_article(
            title="Ferry strike",
            body="Ferries stopped in Kelby as crews went on strike over pay.",
            source="s",
            url="https://n.test/strike",
        ),
        *(
            make_article(
                title=f"Story {i}", body=f"Story {i} about the market.", source="s", url=f"https://n.test/{i}"
            )
            for i in range(6)
        ),
    ]
    build_index(arts, tmp_path, HashingEncoder(), IndexConfig(compact_fraction=0.5))
    late = make_article(
        title="Zorgtown mayor",
        body="Lina Brook, the mayor of Zorgtown, opened a ferry museum.",
        source="s",
        url="https://n.test/museum",
    )
    build_index([*arts, late], tmp_path, HashingEncoder(), IndexConfig(compact_fraction=0.5))
    return tmp_path


def test_features_read_the_question_terms_each_article_holds_from_the_index(tmp_path: Path) -> None:
    engine = Engine(_index(tmp_path), HashingEncoder(), SearchConfig())
    data = engine.data
    assert data.manifest.delta_passages > 0  # the museum article is in the delta: both segments are read
    question = "Who is the mayor of Zorgtown whose ferries sail?"
    qvec = engine.encoder.encode([question])[0]
    idf = engine.question_terms(data, question).idf
    order, rows = article_features(data, engine.candidates(data, question, qvec), qvec, idf, limit=3)
    assert len(order) == 3 and all(len(r) == len(ARTICLE_FEATURES) for r in rows)
    column = ARTICLE_FEATURES.index
    assert [r[column("first_article")] for r in rows] == [1.0, 0.5, 1 / 3]
    for aid, row in zip(order, rows, strict=True):
        text = " ".join(p.indexed_text for p in data.passages_of(aid))
        held = set(content_stems(text))
        expected = sum(v for s, v in idf.items() if s in held) / sum(idf.values())
        assert row[column("article_terms")] == pytest.approx(expected)  # as the text says, unparsed
        assert row[column("length")] == pytest.approx(np.log1p(len(data.passages_of(aid))))
    assert max(r[column("article_terms_gap")] for r in rows) == 0.0


def test_the_model_picks_the_first_article_unless_its_lead_is_within_the_margin(tmp_path: Path) -> None:
    root = _index(tmp_path)
    question = "ferries Zorgtown market"
    last_first = _ranker(first_article=-10.0)  # prefers the last article it compares
    engine = Engine(root, HashingEncoder(), SearchConfig(rerank_articles=4), ranker=last_first)
    data = engine.data
    qvec = engine.encoder.encode([question])[0]
    plain, _ = Engine(root, HashingEncoder(), SearchConfig(rerank_articles=0)).retrieve(data, question, qvec)
    articles = list(dict.fromkeys(data.passages.article_of(h.id) for h in plain))
    assert len(articles) > 4
    fused, _ = engine.retrieve(data, question, qvec)
    assert fused[0] == next(h for h in plain if data.passages.article_of(h.id) == articles[3])
    assert fused[1:] == [h for h in plain if h != fused[0]]  # nothing else moves
    cautious = dataclasses.replace(last_first, margin=100.0)
    engine = Engine(root, HashingEncoder(), SearchConfig(rerank_articles=4), ranker=cautious)
    assert engine.retrieve(data, question, qvec)[0] == plain


def test_shipped_weights_load_and_a_bad_file_names_itself(tmp_path: Path) -> None:
    ranker = ArticleRanker.load(WEIGHTS)
    assert ranker.model.names == ARTICLE_FEATURES and ranker.margin >= 0
    assert "before 2025-07-01" in ranker.provenance  # fitted on the training split only
    saved = tmp_path / "w.json"
    _ranker(0.5, cosine=1.0).save(saved)
    assert ArticleRanker.load(saved).margin == 0.5
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(NewsIndexError, match=r"broken\.json"):
        ArticleRanker.load(broken)
    data = json.loads(saved.read_text())
    data["articles"]["features"] = ["cosine"]
    saved.write_text(json.dumps(data))
    with pytest.raises(NewsIndexError, match=r"train_articles\.py"):
        ArticleRanker.load(saved)


@pytest.mark.parametrize("ids", [[10, 11, 12, 13], [13, 10, 12, 11]])  # the second: rows not in id order
def test_bm25_says_which_passages_hold_a_term_in_either_id_order(ids: list[int]) -> None:
    texts = ["ferry strike in Kelby", "harbour reopened", "the ferry sails", "market prices"]
    index = BM25Index.build(np.array(ids), texts)
    asked = np.array([13, 12, 11, 10, 99])  # 99: no such passage
    stem = content_stems("ferry")[0]
    expected = [any(i == pid and "ferry" in t for pid, t in zip(ids, texts, strict=True)) for i in asked]
    held = index.holding([stem, "zzz"], asked)
    assert held[0].tolist() == expected and not held[1].any()
