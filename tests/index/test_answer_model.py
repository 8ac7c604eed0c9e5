"""The shipped answer weights: readable, checked against the features the code computes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import NewsIndexError
from index.answer.features import ANSWER_FEATURES, RELEVANCE_FEATURES
from index.answer.model import WEIGHTS, AnswerModel


def test_the_shipped_weights_load_and_order_their_inputs() -> None:
    model = AnswerModel.load()
    assert model.answer.names == ANSWER_FEATURES and model.relevance.names == RELEVANCE_FEATURES
    assert 0 < model.bold < 1 and 0 < model.decline < 1 and "RealTimeQA-silver" in model.provenance
    weak = [0.0] * len(ANSWER_FEATURES)
    strong = [1.0 if n in ("typed", "margin", "sentence_cos", "coverage") else 0.0 for n in ANSWER_FEATURES]
    assert model.answer.probs([strong])[0] > model.answer.probs([weak])[0]


def test_weights_fitted_on_other_features_are_refused(tmp_path: Path) -> None:
    data = json.loads(WEIGHTS.read_text())
    data["answer"]["features"] = [*data["answer"]["features"][:-1], "something_else"]
    bad = tmp_path / "weights.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(NewsIndexError, match="refit them"):
        AnswerModel.load(bad)
    with pytest.raises(NewsIndexError, match="cannot read"):
        AnswerModel.load(tmp_path / "missing.json")
