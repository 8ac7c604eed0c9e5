"""Embedding kernels side by side on this CPU: what could make MiniLM embed passages faster.

    .venv/bin/python benchmarks/embed_kernels.py [--passages 512]

The same real passages (RealTimeQA-gold + Reuters, as scale.py embeds them) through each variant in one
process, after a warm-up: sentence-transformers' fp32 default (the reference), torch with one thread,
torch dynamic int8 (nn.Linear quantised, the VNNI path where the CPU has it), torch.compile, newsbot's
ONNX Runtime fp32 / int8, and OpenVINO running the same ONNX graphs when the `openvino` package is
installed (it is not a dependency: `pip install openvino`). Prints passages/s, the ratio to the reference, and the cosine of each vector to the
reference's (mean, min). newsbot's own choice is `index.encoder.precision: auto` (index/encoders/).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from scale import real_passages  # type: ignore[import-not-found]

from index import EncoderConfig, make_encoder
from index.encoders.batching import resolve_model_path
from index.encoders.onnx import graph


def timed(encode: Callable[[list[str]], np.ndarray], texts: list[str]) -> tuple[float, np.ndarray]:
    encode(texts[:32])  # warm-up (and compilation)
    start = time.perf_counter()
    vectors = encode(texts)
    return len(texts) / (time.perf_counter() - start), vectors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=512)
    args = parser.parse_args()
    import torch
    from sentence_transformers import SentenceTransformer

    texts = [p.indexed_text for p in real_passages()[0][: args.passages]]
    path = resolve_model_path("all-MiniLM-L6-v2")
    model = SentenceTransformer(path, device="cpu")
    threads = torch.get_num_threads()

    def st(m: SentenceTransformer) -> Callable[[list[str]], np.ndarray]:
        return lambda t: m.encode(t, batch_size=32, normalize_embeddings=True)

    variants: dict[str, Callable[[list[str]], np.ndarray]] = {"fp32 (sentence-transformers)": st(model)}

    def one_thread(t: list[str]) -> np.ndarray:
        torch.set_num_threads(1)
        try:
            return st(model)(t)
        finally:
            torch.set_num_threads(threads)

    variants["fp32, 1 thread"] = one_thread
    quantised = SentenceTransformer(path, device="cpu")  # in place: auto_model is a read-only property
    torch.ao.quantization.quantize_dynamic(
        quantised[0].auto_model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
    )
    variants["torch dynamic int8 (Linear)"] = st(quantised)
    compiled = SentenceTransformer(path, device="cpu")
    compiled[0].auto_model.compile(dynamic=True)
    variants["torch.compile fp32"] = st(compiled)
    for precision in ("onnx-fp32", "onnx-int8"):
        variants[f"newsbot {precision}"] = make_encoder(EncoderConfig(precision=precision)).encode
    try:
        import openvino as ov
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
        tokenizer.enable_truncation(256)
        tokenizer.enable_padding()
        cache = Path.home() / ".cache" / "newsbot"
        for variant in ("fp32", "int8"):
            compiled_ov = ov.Core().compile_model(str(graph(Path(path), cache, variant)), "CPU")

            def run(t: list[str], c: object = compiled_ov) -> np.ndarray:
                order = sorted(range(len(t)), key=lambda i: len(t[i]))  # length-sorted, as newsbot's
                out = np.empty((len(t), 384), dtype=np.float32)
                for start in range(0, len(t), 32):
                    rows = order[start : start + 32]
                    enc = tokenizer.encode_batch([t[i] for i in rows])
                    ids = np.array([e.ids for e in enc], dtype=np.int64)
                    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
                    out[rows] = c({"input_ids": ids, "attention_mask": mask})[0]  # type: ignore[operator]
                return out

            variants[f"OpenVINO {variant} (newsbot's ONNX graph)"] = run
    except ImportError as exc:  # optional: not a dependency
        print(f"(OpenVINO not measured: {exc})")

    results = {}
    for name, encode in variants.items():
        try:
            results[name] = timed(encode, texts)
        except Exception as exc:  # a variant this machine cannot run is reported, not fatal
            print(f"({name} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120]})")
    rate0, ref = results["fp32 (sentence-transformers)"]
    print(f"{len(texts)} passages, torch threads {threads}")
    print(f"{'variant':46s} {'passages/s':>10s} {'x fp32':>7s} {'cos mean':>9s} {'cos min':>8s}")
    for name, (rate, vectors) in results.items():
        cos = (np.asarray(vectors, dtype=np.float32) * ref).sum(axis=1)
        print(f"{name:46s} {rate:10.1f} {rate / rate0:7.2f} {cos.mean():9.4f} {cos.min():8.4f}")


if __name__ == "__main__":
    main()
