"""`precision: auto`: measure each way of running the model on this machine, once, and keep the fastest
that stays close to fp32.

Machines differ (one had AMX and ran bf16 1.9x faster than fp32; this EPYC runs bf16 at 0.7x and int8
at ~1.8x), so nothing is decided by a fixed rule: each variant embeds the same texts twice, its speed is
timed and its vectors compared with sentence-transformers fp32. A variant qualifies when its cosine to
fp32 is at least MIN_MEAN_COS on average and MIN_COS for every text (benchmarks/encoders.py checks that
this keeps article recall and answers within half a point on real news). The choice is cached in
cache_dir/precision.json with the machine's signature; another CPU or model measures again.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from index.encoders import Encoder, EncoderConfig

log = logging.getLogger(__name__)
MIN_MEAN_COS = 0.99
MIN_COS = 0.97
VARIANTS = ("fp32", "bf16", "onnx-fp32", "onnx-int8")
_TEXTS = [  # news-like text of the lengths passages have (a sentence to a ~100-word window)
    "The central bank left interest rates unchanged on Thursday, citing slowing inflation.",
    "Police in the capital arrested three suspects after a seizure of 11 kg of heroin at the border crossing.",
    "The ministers of justice and home affairs met in Tirana to discuss cooperation against organised crime, "
    "migrant smuggling and trafficking in firearms, and agreed on a joint action plan for the coming year.",
    "Floods swept through the valley overnight, cutting power to 45,000 homes. Rescue teams used boats to reach "
    "villages where the water had risen above the first floor, and the regional governor declared a state "
    "of emergency as forecasters warned of more rain over the weekend.",
    "Shares of the carmaker fell 8 percent after it cut its forecast for the year, blaming weaker demand in "
    "China and the cost of new tariffs. Analysts said the company would struggle to meet its targets for "
    "electric vehicles, and its chief executive told investors that prices would rise in the autumn. The "
    "announcement came a day after a rival reported record profits for the quarter, helped by strong sales "
    "of hybrid models in Europe and North America.",
    "Who won the election?",
    "The festival announced its line-up on Monday: the headliners will play on the main stage in July.",
    "Scientists said the spacecraft landed near the moon's south pole, making the country the fourth to "
    "land on the lunar surface and the first to reach that region, where ice may lie in shadowed craters.",
] * 4


class Measurement(NamedTuple):
    """How one variant ran on this machine."""

    variant: str
    texts_per_s: float
    mean_cos: float
    min_cos: float

    @property
    def qualifies(self) -> bool:
        return self.mean_cos >= MIN_MEAN_COS and self.min_cos >= MIN_COS


def machine_signature(model: str) -> str:
    """Return what the choice depends on: the model, the CPU and its vector extensions."""
    name, flags = platform.processor() or "", ""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name") and not name.strip():
                    name = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    wanted = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8")
                    flags = ",".join(f for f in line.split(":", 1)[1].split() if f in wanted)
    except OSError:
        pass
    return f"{model}|{name}|{flags}|{platform.machine()}"


def _speed(encoder: Encoder, texts: list[str]) -> tuple[float, np.ndarray]:
    encoder.encode(texts[:8], progress=lambda n: None)  # warm up
    best = float("inf")
    vectors = np.zeros(0)
    for _ in range(2):
        start = time.perf_counter()
        vectors = encoder.encode(texts, progress=lambda n: None)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best, vectors


def _has_bf16() -> bool:
    try:
        from index.encoders.sentence_transformers import bf16_supported

        return bf16_supported()
    except ImportError:  # no torch: the ONNX variants only
        return False


def measure(
    config: EncoderConfig, cache_dir: Path, variants: tuple[str, ...] = VARIANTS
) -> list[Measurement]:
    """Return each variant's speed and closeness to fp32 on this machine (variants that cannot run here
    are left out)."""
    from index.encoders import build_encoder

    out: list[Measurement] = []
    reference: np.ndarray | None = None
    for variant in ("fp32", *[v for v in variants if v != "fp32"]):
        if variant == "bf16" and not _has_bf16():
            log.info("precision bf16 cannot run here: this CPU lacks bf16")
            continue
        try:
            encoder = build_encoder(config, variant, cache_dir)
        except Exception as exc:  # onnxruntime missing, bf16 unsupported...: that variant is out
            log.info("precision %s cannot run here: %s", variant, exc)
            continue
        if variant == "bf16" and not getattr(encoder, "bf16", False):
            continue  # the CPU lacks bf16: the encoder fell back to fp32
        speed, vectors = _speed(encoder, _TEXTS)
        if reference is None:
            reference = vectors
        cos = (vectors * reference).sum(axis=1)
        out.append(Measurement(variant, speed, float(cos.mean()), float(cos.min())))
    return out


def choose(config: EncoderConfig, cache_dir: Path) -> str:
    """Return the fastest qualifying variant for this machine, measuring once and caching the choice."""
    path = cache_dir / "precision.json"
    signature = machine_signature(config.model)
    try:
        cached = json.loads(path.read_text())
        if cached.get("signature") == signature and cached.get("choice") in VARIANTS:
            return str(cached["choice"])
    except (OSError, ValueError, AttributeError):
        pass
    found = measure(config, cache_dir)
    qualified = [m for m in found if m.qualifies] or [Measurement("fp32", 0.0, 1.0, 1.0)]
    best = max(qualified, key=lambda m: m.texts_per_s)
    log.info(
        "precision auto: %s (%s)",
        best.variant,
        ", ".join(f"{m.variant} {m.texts_per_s:.0f}/s cos {m.mean_cos:.4f}/{m.min_cos:.4f}" for m in found),
    )
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        record = {"signature": signature, "choice": best.variant, "measured": [m._asdict() for m in found]}
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(record, indent=1))
        os.replace(tmp, path)  # processes calibrating at once never leave a half-written file
    except OSError as exc:
        log.warning("cannot cache the precision choice in %s: %s", path, exc)
    return best.variant
