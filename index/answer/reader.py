"""The trained reader: a span model that reads the question with a sentence and scores every span of it as
the answer, against "no answer here".

all-MiniLM-L6-v2's encoder with a start/end head, fine-tuned on span-annotated questions (qa-spans: SQuAD
1.1 / 2.0 dev, SQuADShifts) and then on RealTimeQA-silver news questions dated before 2025
(benchmarks/train_qa_reader.py). It ships as an int8 ONNX graph with its tokenizer in index/answer/reader/
and runs on ONNX Runtime (no torch). Input: "[CLS] question [SEP] text [SEP]"; a span scores the start
logit of its first token plus the end logit of its last; "no answer" scores the [CLS] token's two logits.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from index.errors import NewsIndexError

PACKAGED = Path(__file__).with_name("reader")
MAX_QUESTION_TOKENS = 48
MAX_TOKENS = 256  # question and text together, as in training
LONGEST = 30  # tokens in an answer span


class ReaderError(NewsIndexError):
    """The reader's files are missing or unreadable."""


class Logits(NamedTuple):
    """The reader's view of one text: start and end logits of its tokens, each token's character range in
    the text, and the no-answer score."""

    start: np.ndarray
    end: np.ndarray
    offsets: tuple[tuple[int, int], ...]
    null: float

    def score(self, first: int, last: int) -> float | None:
        """Return the score of the characters [first, last) as the answer (None: no token there)."""
        tokens = [k for k, (a, b) in enumerate(self.offsets) if a < last and b > first]
        if not tokens:
            return None
        return float(self.start[tokens[0]] + self.end[tokens[-1]])

    def best(self, longest: int = LONGEST) -> tuple[float, int, int] | None:
        """Return the likeliest span as (score, first character, end character); None for an empty text."""
        n = len(self.offsets)
        if not n:
            return None
        total = self.start[:, None] + self.end[None, :]
        band = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), k=longest)
        total = np.where(band, total, -np.inf)
        a, b = np.unravel_index(int(np.argmax(total)), total.shape)
        return float(total[a, b]), self.offsets[a][0], self.offsets[b][1]


class Reader:
    """Scores spans of texts for a question with the shipped span model, one forward pass per question; the
    session loads on first use and is shared by threads."""

    def __init__(self, folder: Path = PACKAGED, *, threads: int = 1) -> None:
        for name in ("reader.onnx", "tokenizer.json"):
            if not (folder / name).is_file():
                raise ReaderError(f"the reader is incomplete: {folder / name} is missing; reinstall newsbot")
        self.folder = folder
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cls = self._sep = 0

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                tokenizer.no_padding()
                tokenizer.no_truncation()
                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                # one thread a read: the bot reads for several questions at once (50 users on 2 cores:
                # 40 answers/s with one thread, 34 with two; benchmarks/bot_latency.py, docs/reader.md)
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                try:
                    session = ort.InferenceSession(
                        str(self.folder / "reader.onnx"), options, providers=["CPUExecutionProvider"]
                    )
                except Exception as exc:
                    raise ReaderError(f"cannot load the reader {self.folder / 'reader.onnx'}: {exc}") from exc
                self._cls, self._sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
                self._tokenizer, self._session = tokenizer, session
            return self._session, self._tokenizer

    def tokens(self, text: str) -> int:
        """Return how many tokens the reader reads the text as."""
        return len(self._load()[1].encode(text, add_special_tokens=False).ids)

    def read(self, question: str, texts: Sequence[str]) -> list[Logits]:
        """Return the logits of each text for the question (same order). Texts are read together, as many
        to a row as fit in the model's input ("[CLS] question [SEP] text text … [SEP]": the question is
        read once, not once per text); a text longer than the input is read up to it. Each text's no-answer
        score is its row's."""
        if not texts:
            return []
        session, tokenizer = self._load()
        q_ids = tokenizer.encode(question, add_special_tokens=False).ids[:MAX_QUESTION_TOKENS]
        room = MAX_TOKENS - len(q_ids) - 3
        encoded = []
        for text in texts:
            w = tokenizer.encode(text, add_special_tokens=False)
            encoded.append((w.ids[:room], tuple(w.offsets[:room])))
        rows: list[list[int]] = []  # each row: the texts' tokens one after another
        place: list[tuple[int, int]] = []  # each text: its row and where its tokens start in the row's text
        for ids_, _ in encoded:
            if not rows or len(rows[-1]) + len(ids_) > room:
                rows.append([])
            place.append((len(rows) - 1, len(rows[-1])))
            rows[-1].extend(ids_)
        first = len(q_ids) + 2
        width = first + max(len(r) for r in rows) + 1
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for i, r in enumerate(rows):
            row = [self._cls, *q_ids, self._sep, *r, self._sep]
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
            types[i, first : len(row)] = 1
        (logits,) = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        out = []
        for (row, at), (_, offs) in zip(place, encoded, strict=True):
            lo, hi = first + at, first + at + len(offs)
            out.append(
                Logits(
                    start=logits[row, lo:hi, 0].astype(np.float64),
                    end=logits[row, lo:hi, 1].astype(np.float64),
                    offsets=offs,
                    null=float(logits[row, 0, 0] + logits[row, 0, 1]),
                )
            )
        return out


@functools.cache
def shipped_reader() -> Reader:
    """Return the packaged reader (one ONNX session per process)."""
    return Reader()
