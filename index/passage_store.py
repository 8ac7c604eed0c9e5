"""Passages read on demand, so a served index holds its text on disk and not in Python objects.

A main segment writes `passages.jsonl` (one JSON object a line, the text users see) and beside it
`passages.rows.npy`: one int64 row per line, (passage id, byte offset, ordinal, article number), with
`passages.articles.json` naming each article number. Serving maps the JSONL file (mmap) and parses a
line only when a passage is read; a version written before the row files existed is scanned once
when it loads. The delta segment is small and stays in memory.
"""

from __future__ import annotations

import functools
import json
import mmap
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from index.passages import Passage

ROWS = "passages.rows.npy"
ARTICLES = "passages.articles.json"
TEXT = "passages.jsonl"


def _line(p: Passage) -> bytes:
    record = {"id": p.id, "article_id": p.article_id, "ordinal": p.ordinal, "title": p.title, "text": p.text}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


def write_passages(directory: Path, passages: Iterable[Passage]) -> None:
    """Write passages.jsonl and its row files into directory."""
    lines = []
    with open(directory / TEXT, "wb") as out:
        for p in passages:
            line = _line(p)
            out.write(line)
            lines.append((p.id, p.ordinal, p.article_id, len(line)))
    rows, articles = _rows(lines)
    np.save(directory / ROWS, rows)
    (directory / ARTICLES).write_text(json.dumps(articles))


def _rows(lines: Iterable[tuple[int, int, str, int]]) -> tuple[np.ndarray, list[str]]:
    """Return the row file's table, (id, byte offset, ordinal, article number) in file order, and the
    article ids by number, from each line's (id, ordinal, article id, length in bytes)."""
    rows, number, offset = [], {}, 0
    for pid, ordinal, article_id, size in lines:
        rows.append((pid, offset, ordinal, number.setdefault(article_id, len(number))))
        offset += size
    return np.array(rows, dtype=np.int64).reshape(-1, 4), list(number)


def read_passages(path: Path) -> list[Passage]:
    """Read a whole passages.jsonl (the small delta segment)."""
    with open(path, encoding="utf-8") as handle:
        return [Passage(**json.loads(line)) for line in handle]


def _scan(path: Path) -> tuple[np.ndarray, list[str]]:
    """Rows and article numbers of a passages.jsonl that has no row files (an older version)."""
    lines = []
    with open(path, "rb") as handle:
        for line in handle:
            d = json.loads(line)
            lines.append((d["id"], d["ordinal"], d["article_id"], len(line)))
    return _rows(lines)


class MainPassages:
    """A main segment's passages: row arrays in memory (32 bytes a passage), text mapped from disk."""

    def __init__(self, directory: Path, *, cache: int = 4096) -> None:
        path = directory / TEXT
        if (directory / ROWS).is_file():
            rows = np.load(directory / ROWS, allow_pickle=False).reshape(-1, 4)
            self._articles: list[str] = json.loads((directory / ARTICLES).read_text())
        else:
            rows, self._articles = _scan(path)
        size = path.stat().st_size
        ends = np.append(rows[1:, 1], size)  # rows are in file order: a line ends where the next begins
        order = np.argsort(rows[:, 0], kind="stable")
        self.ids = np.ascontiguousarray(rows[order, 0])
        self._offsets = np.ascontiguousarray(rows[order, 1])
        self._ends = np.ascontiguousarray(ends[order])
        self._ordinals = np.ascontiguousarray(rows[order, 2])
        self._article_rows = np.ascontiguousarray(rows[order, 3])
        with open(path, "rb") as handle:
            self._map: mmap.mmap | bytes = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            )
        self._base = int(self.ids[0]) if len(self.ids) else 0  # row of an id: a table, not a search
        span = int(self.ids[-1]) - self._base + 1 if len(self.ids) else 0
        self._row_of = np.full(span, -1, dtype=np.int32)
        self._row_of[self.ids - self._base] = np.arange(len(self.ids), dtype=np.int32)
        self._by_article: dict[str, np.ndarray] | None = None
        self.passage = functools.lru_cache(maxsize=cache)(self._parse)

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, pid: int) -> int:
        """Return the row of a passage id, or -1 when this segment does not hold it."""
        i = pid - self._base
        return int(self._row_of[i]) if 0 <= i < len(self._row_of) else -1

    def _parse(self, row: int) -> Passage:
        raw = self._map[int(self._offsets[row]) : int(self._ends[row])]
        return Passage(**json.loads(raw))

    def article_of(self, row: int) -> str:
        return self._articles[int(self._article_rows[row])]

    def rows_of(self, article_id: str) -> np.ndarray:
        """Return the rows of an article's passages in order."""
        if self._by_article is None:
            order = np.lexsort((self._ordinals, self._article_rows))
            bounds = np.searchsorted(self._article_rows[order], np.arange(len(self._articles) + 1))
            self._by_article = {a: order[bounds[i] : bounds[i + 1]] for i, a in enumerate(self._articles)}
        return self._by_article.get(article_id, np.zeros(0, np.int64))

    def ordinals(self, rows: np.ndarray) -> np.ndarray:
        """Return the ordinal of each row's passage in its article."""
        return self._ordinals[rows]


class PassageStore(Mapping[int, Passage]):
    """The live passages of a version (main segment + delta - tombstones) by id, read on demand."""

    def __init__(self, main: MainPassages, delta: Iterable[Passage], tombstones: frozenset[int]) -> None:
        self.main = main
        self.delta = {p.id: p for p in delta if p.id not in tombstones}
        self._delta_of: dict[str, list[Passage]] = {}  # article id -> its delta passages
        for p in self.delta.values():
            self._delta_of.setdefault(p.article_id, []).append(p)
        self._dead = tombstones
        dead = self._dead_ids = np.array(sorted(tombstones), dtype=np.int64)
        self._alive = main.ids[~np.isin(main.ids, dead)] if len(dead) else main.ids
        self._len = len(self._alive) + len(self.delta)

    def _main_row(self, pid: int) -> int:
        return -1 if pid in self._dead else self.main.row(pid)

    def __getitem__(self, pid: int) -> Passage:
        if pid in self.delta:
            return self.delta[pid]
        row = self._main_row(pid)
        if row < 0:
            raise KeyError(pid)
        return self.main.passage(row)

    def __contains__(self, pid: object) -> bool:
        return isinstance(pid, int | np.integer) and (pid in self.delta or self._main_row(int(pid)) >= 0)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[int]:
        yield from (int(i) for i in self._alive)
        yield from self.delta

    def article_of(self, pid: int) -> str:
        """Return the article id of a live passage (no text is read)."""
        if pid in self.delta:
            return self.delta[pid].article_id
        row = self._main_row(pid)
        if row < 0:
            raise KeyError(pid)
        return self.main.article_of(row)

    def ids_of(self, article_id: str) -> list[int]:
        """Return the ids of an article's live passages in order, the lead first (no text is read)."""
        rows = self.main.rows_of(article_id)  # in order
        ids = self.main.ids[rows]
        if self._dead:
            live = ~np.isin(ids, self._dead_ids)
            rows, ids = rows[live], ids[live]
        added = self._delta_of.get(article_id)
        if not added:
            return ids.tolist()
        main = zip(self.main.ordinals(rows).tolist(), ids.tolist(), strict=True)
        pairs = [*main, *((p.ordinal, p.id) for p in added)]
        return [pid for _, pid in sorted(pairs)]

    def of_article(self, article_id: str) -> list[Passage]:
        """Return an article's live passages in order."""
        return [self[pid] for pid in self.ids_of(article_id)]
