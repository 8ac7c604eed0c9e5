"""A sentence-transformers model run by ONNX Runtime: fp32, or with int8 weights (VNNI kernels).

The graph (transformer, mean pooling, L2 normalisation) is exported once from the model folder with torch
and cached beside the data; every later start loads it without importing torch or transformers. The int8
variant quantises the MatMul weights per channel (onnxruntime's dynamic quantisation): on this EPYC
(AVX-512 VNNI, no AMX) ~1.8x the throughput of sentence-transformers fp32, at cosine ~0.99 to it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np

from index.encoders import EncoderConfig
from index.encoders.batching import BatchedEncoder, resolve_model_path
from index.errors import EncoderError

log = logging.getLogger(__name__)
Variant = Literal["fp32", "int8"]


def _model_key(model_dir: Path) -> str:
    """Return a short hash of the model folder's weights and config (a new model gets a new export)."""
    digest = hashlib.sha1()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "1_Pooling/config.json"):
        path = model_dir / name
        if path.is_file():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:12]


def _check_pooling(model_dir: Path) -> None:
    pooling = model_dir / "1_Pooling" / "config.json"
    if pooling.is_file() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens", False):
        raise EncoderError(f"the ONNX encoder supports mean-pooling models only; {model_dir} pools otherwise")


def export(model_dir: Path, out: Path) -> None:
    """Write the fp32 graph of the model at model_dir to out (torch and transformers needed here only)."""
    import torch
    from transformers import AutoModel

    from index.encoders.sentence_transformers import quiet_transformers

    quiet_transformers()

    class Pooled(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    model = Pooled(AutoModel.from_pretrained(str(model_dir)).eval())
    ids = torch.ones((2, 8), dtype=torch.long)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")  # processes exporting at once: last wins
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow in transformers
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids)),
            str(tmp),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "b", 1: "s"},
                "attention_mask": {0: "b", 1: "s"},
                "embedding": {0: "b"},
            },
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, out)


def quantize(fp32: Path, out: Path) -> None:
    """Write the int8 variant of an exported graph: MatMul weights quantised per channel."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")  # processes exporting at once: last wins
    logging.disable(logging.WARNING)  # the quantiser logs a line per tensor, and advice, on the root logger
    try:
        quantize_dynamic(
            str(fp32),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
        )
    finally:
        logging.disable(logging.NOTSET)
    os.replace(tmp, out)


def graph(model_dir: Path, cache_dir: Path, variant: Variant) -> Path:
    """Return the cached graph of the model in this variant, exporting (and quantising) it first if needed."""
    folder = cache_dir / f"onnx-{_model_key(model_dir)}"
    fp32, int8 = folder / "model.fp32.onnx", folder / "model.int8.onnx"
    wanted = fp32 if variant == "fp32" else int8
    if wanted.is_file():
        return wanted
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not fp32.is_file():
            log.info("exporting %s to ONNX (once) in %s", model_dir.name, folder)
            export(model_dir, fp32)
        if variant == "int8" and not int8.is_file():
            quantize(fp32, int8)
    except Exception as exc:
        raise EncoderError(f"cannot export the model {model_dir} to ONNX in {folder}: {exc}") from exc
    return wanted


class OnnxEncoder(BatchedEncoder):
    """Encodes with ONNX Runtime: one forward pass at a time, small concurrent calls micro-batched."""

    def __init__(self, config: EncoderConfig, *, variant: Variant, cache_dir: Path) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderError(f"precision onnx-{variant} needs onnxruntime and tokenizers ({exc})") from exc
        super().__init__(config)
        self.variant = variant
        self._cache_dir = cache_dir
        self._exact: OnnxEncoder | None = None
        model_dir = Path(resolve_model_path(config.model))
        if not (model_dir / "tokenizer.json").is_file():
            raise EncoderError(
                f"cannot load embedding model {config.model!r} offline: no tokenizer.json in it"
            )
        _check_pooling(model_dir)
        path = graph(model_dir, cache_dir, variant)
        settings = model_dir / "sentence_bert_config.json"
        max_tokens = (
            json.loads(settings.read_text()).get("max_seq_length", 256) if settings.is_file() else 256
        )
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(int(max_tokens))
        self._tokenizer.enable_padding()
        self._path = path
        self._ort = ort  # imported above, where its absence is reported
        self._session: Any = None  # an onnxruntime.InferenceSession once loaded (_load)
        self._lock = threading.Lock()  # one forward pass at a time
        self._exact_lock = threading.Lock()  # making the fp32 variant does not wait for forward passes
        pooling = model_dir / "1_Pooling" / "config.json"
        dim = json.loads(pooling.read_text()).get("word_embedding_dimension") if pooling.is_file() else None
        self.dim = int(dim) if dim else int(self._forward(["dimension probe"]).shape[1])

    def _load(self) -> Any:
        """Return the ONNX Runtime session, created on first use: a serving process whose questions go
        to the fp32 variant (exact) never loads the int8 one it indexes with."""
        ort = self._ort
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self.config.threads > 0:
            options.intra_op_num_threads = self.config.threads
        # idle threads sleep instead of spinning: a question then costs 27-29 ms of CPU, not 42 (and no
        # more wall time), which concurrent questions and the bot's event loop use; batches embed as fast
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(str(self._path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a truncated or foreign file in the cache
            raise EncoderError(
                f"cannot load the ONNX graph {self._path}: {exc}; delete that file and it is exported again"
            ) from exc
        log.info("encoder %s loaded (onnx %s)", self.config.model, self.variant)
        return session

    def exact(self) -> OnnxEncoder:
        """Return the fp32 variant of this encoder (itself when it is one), made once: int8 quantises
        activations over the whole batch, so a text's int8 vector depends on the texts batched with it
        (cosine ~0.986 for one phrase in two batches); an fp32 vector does not."""
        if self.variant == "fp32":
            return self
        with self._exact_lock:
            if self._exact is None:
                self._exact = OnnxEncoder(self.config, variant="fp32", cache_dir=self._cache_dir)
            return self._exact

    def _forward(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        with self._lock:
            if self._session is None:
                self._session = self._load()
            (vectors,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)
