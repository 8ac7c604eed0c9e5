"""The shipped answer weights: readable, checked against the features the code computes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import NewsIndexError
from index.answer.features import CONFIDENCE_FEATURES, RELEVANCE_FEATURES, SPAN_FEATURES
from index.answer.model import WEIGHTS, AnswerModel


def test_the_shipped_weights_load_and_order_their_inputs() -> None:
    model = AnswerModel.load()
    assert model.answer.names == SPAN_FEATURES and model.relevance.names == RELEVANCE_FEATURES
    assert model.confidence.names == CONFIDENCE_FEATURES
    assert 0 < model.bold < 1 and 0 < model.decline < 1 and "RealTimeQA-silver" in model.provenance
    weak = [1.0 if n == "in_question" else 0.0 for n in SPAN_FEATURES]
    strong = [1.0 if n in ("type_fit", "repeated", "passage_cos", "in_title") else 0.0 for n in SPAN_FEATURES]
    assert model.answer.probs([strong])[0] > model.answer.probs([weak])[0]
    sure = [2.0, 2.0, -2.0, 1.0, 2.0]  # logits: a pooled, clear winner over a weak runner-up
    unsure = [-1.0, -1.0, -1.0, 3.0, -1.0]
    assert model.confidence.probs([sure])[0] > model.bold > model.confidence.probs([unsure])[0]


@pytest.mark.parametrize("part", ["relevance", "span", "confidence"])
def test_weights_fitted_on_other_features_are_refused(tmp_path: Path, part: str) -> None:
    data = json.loads(WEIGHTS.read_text())
    data[part]["features"] = [*data[part]["features"][:-1], "something_else"]
    bad = tmp_path / "weights.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(NewsIndexError, match="refit them"):
        AnswerModel.load(bad)
    with pytest.raises(NewsIndexError, match="cannot read"):
        AnswerModel.load(tmp_path / "missing.json")
