"""Precision variants of the real model (torch fp32, ONNX fp32 and int8) and `precision: auto`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import Engine, SearchConfig
from index.encoders import EncoderConfig, build_encoder, calibrate, default_cache_dir, exact, make_encoder
from index.encoders import onnx as onnx_encoder
from index.encoders.calibrate import Measurement
from index.errors import EncoderError

TEXTS = [
    "when did SELEC visit CARICC",
    "On October 12th, 2018 the Director General of SELEC had an official visit to CARICC in Almaty.",
    "Floods cut power to 45,000 homes overnight and the governor declared a state of emergency.",
]


@pytest.mark.model
def test_onnx_variants_agree_with_torch_fp32_and_load_without_exporting_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = default_cache_dir()
    reference = build_encoder(EncoderConfig(), "fp32", cache).encode(TEXTS)
    fp32 = build_encoder(EncoderConfig(), "onnx-fp32", cache).encode(TEXTS)
    int8 = build_encoder(EncoderConfig(), "onnx-int8", cache)
    assert (fp32 * reference).sum(axis=1).min() > 0.9999
    assert (int8.encode(TEXTS) * reference).sum(axis=1).min() > 0.98
    assert np.allclose(np.linalg.norm(int8.encode(TEXTS), axis=1), 1.0, atol=1e-4)

    def no_export(*args: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_encoder, "export", no_export)
    monkeypatch.setattr(onnx_encoder, "quantize", no_export)
    again = build_encoder(EncoderConfig(), "onnx-int8", cache)
    assert np.allclose(again.encode(TEXTS[:1]), int8.encode(TEXTS[:1]), atol=1e-5)


def test_auto_takes_the_fastest_variant_close_to_fp32_and_measures_once_per_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []

    def measure(config: EncoderConfig, cache_dir: Path) -> list[Measurement]:
        runs.append(config.model)
        return [
            Measurement("fp32", 50.0, 1.0, 1.0),
            Measurement("bf16", 90.0, 0.95, 0.90),  # fast but too far from fp32
            Measurement("onnx-fp32", 55.0, 1.0, 1.0),
            Measurement("onnx-int8", 80.0, 0.992, 0.985),
        ]

    monkeypatch.setattr(calibrate, "measure", measure)
    config = EncoderConfig(model="some-model")
    assert calibrate.choose(config, tmp_path) == "onnx-int8"
    assert calibrate.choose(config, tmp_path) == "onnx-int8" and len(runs) == 1  # cached
    record = json.loads((tmp_path / "precision.json").read_text())
    assert record["choice"] == "onnx-int8" and len(record["measured"]) == 4
    monkeypatch.setattr(calibrate, "machine_signature", lambda model: f"{model}|another CPU")
    calibrate.choose(config, tmp_path)
    assert len(runs) == 2  # another machine measures again


def test_an_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="precision: 'fast' is not one of auto, fp32"):
        EncoderConfig(precision="fast")  # type: ignore[arg-type]


def test_the_test_encoder_needs_no_calibration(tmp_path: Path) -> None:
    encoder = make_encoder(EncoderConfig(model="hashing:64"), cache_dir=tmp_path)
    assert encoder.encode(TEXTS).shape == (3, 64) and not (tmp_path / "precision.json").exists()


@pytest.mark.model
def test_a_phrase_gets_one_vector_whatever_it_is_batched_with() -> None:
    """int8 quantises activations per batch; the engine embeds the phrases it compares in fp32."""
    int8 = build_encoder(EncoderConfig(), "onnx-int8", default_cache_dir())
    alone = int8.encode(["11"])[0]
    batched = int8.encode(["11", "XIV Meeting of the Steering Group of the Priority area"])[0]
    fp32 = exact(int8)
    assert fp32 is exact(int8) and exact(fp32) is fp32
    alone = fp32.encode(["11"])[0]
    batched = fp32.encode(["11", "XIV Meeting of the Steering Group of the Priority area"])[0]
    assert float(alone @ batched) > 0.99999
    engine = Engine(Path("unused"), int8, SearchConfig())
    assert float(engine.phrases.encode(["11"])[0] @ alone) > 0.99999


@pytest.mark.model
def test_a_serving_engine_asks_in_fp32_and_never_loads_the_int8_model() -> None:
    int8 = build_encoder(EncoderConfig(), "onnx-int8", default_cache_dir())
    engine = Engine(Path("unused"), int8, SearchConfig())
    alone = engine.encoder.encode([TEXTS[0]])[0]
    batched = engine.encoder.encode(TEXTS)[0]
    assert engine.encoder is exact(int8) and float(alone @ batched) > 0.99999
    assert int8._session is None  # loaded only when something is indexed (memory: ~100 MB)
    assert float(int8.encode([TEXTS[0]])[0] @ alone) > 0.98


@pytest.mark.model
def test_a_corrupt_cached_graph_names_the_file_to_delete(tmp_path: Path) -> None:
    build_encoder(EncoderConfig(), "onnx-fp32", tmp_path)  # exports into tmp_path
    (graph,) = tmp_path.glob("onnx-*/model.fp32.onnx")
    graph.write_bytes(b"not a graph")
    broken = build_encoder(EncoderConfig(), "onnx-fp32", tmp_path)
    with pytest.raises(EncoderError, match="delete that file"):
        broken.encode(["a question"])
