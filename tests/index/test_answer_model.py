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
    named = dict.fromkeys(CONFIDENCE_FEATURES, 0.0)
    sure = {**named, "pooled": 2.0, "single": 2.0, "runner_up": -2.0, "relevance": 2.0, "coverage": 0.9}
    sure |= {"typed_pick": 1.0, "typed_coverage": 0.9, "typed_score": 1.0, "agreed": 1.0}
    unsure = {**named, "pooled": -1.0, "single": -1.0, "runner_up": -1.0, "texts": 3.0, "coverage": 0.3}
    assert model.confidence.probs([list(sure.values())])[0] > model.bold
    assert model.confidence.probs([list(unsure.values())])[0] < model.bold


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
