"""Reading the index tables of index/pgvector.py: nearest passages by vector (HNSW), BM25 over the
postings, passages with their stems, document frequencies. Every read is one autocommit statement
(Database.reading): no transaction of its own, one round trip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from corpus.database import Database, Tx
from index.hits import Hit
from index.passages import Passage
from index.text import content_stems

K1, B = 1.5, 0.75  # BM25, as index/sparse/bm25.py
COMMON = 0.02  # a stem in more than this share of passages selects no candidates (it still scores)
CANDIDATES = 2000  # candidates come from the rarest stems, while their passages add up to about this many

# BM25 from the postings (lexeme, passage, tf, length), read from their key alone: candidates are the
# passages of the rarer stems, each scored over all the question's stems. (Adding the common stems'
# weights to the best 200 candidates only was no faster at 100k: docs/postgres-index.md.)
BM25_SQL = (
    "WITH c AS (SELECT passage FROM index_postings WHERE lexeme = ANY(?::text[])) "
    "SELECT p.passage, sum(q.idf * p.tf / (p.tf + ? * (1 - ? + ? * p.length / ?))) AS score "
    "FROM unnest(?::text[], ?::float8[]) AS q(lexeme, idf) "
    "JOIN index_postings p ON p.lexeme = q.lexeme AND p.passage IN (SELECT passage FROM c) "
    "GROUP BY p.passage ORDER BY score DESC, p.passage LIMIT ?"
)


class Stored(NamedTuple):
    """A passage as the index holds it: its text and its distinct stems."""

    passage: Passage
    stems: frozenset[str]


def selecting(df: Mapping[str, int], n: int) -> list[str]:
    """Return the stems whose passages are scored: the rarest first, while their document frequencies add
    up to at most CANDIDATES (the rarest always), none in more than COMMON of the passages unless all are."""
    ordered = sorted(df, key=lambda s: (df[s], s))
    chosen: list[str] = []
    total = 0
    for stem in ordered:
        if chosen and (total + df[stem] > CANDIDATES or df[stem] > COMMON * n):
            break
        chosen.append(stem)
        total += df[stem]
    return chosen


def vector_text(v: np.ndarray) -> str:
    """Return a vector as pgvector's text input."""
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(v, dtype=np.float32)) + "]"


class PgSearch:
    """The reads of PgIndex (its database, HNSW ef_search)."""

    db: Database
    ef_search: int

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        """Return the k passages nearest the (normalised) query by cosine, through the HNSW index."""
        q = vector_text(query)
        with self.db.reading() as tx:
            tx.execute(f"SET hnsw.ef_search = {max(int(self.ef_search), k)}")
            rows = tx.execute(
                "SELECT id, 1 - (embedding <=> ?::vector) FROM index_passages ORDER BY embedding <=> ?::vector LIMIT ?",
                (q, q, k),
            ).fetchall()
        return [Hit(int(i), float(s)) for i, s in rows]

    def cosines(self, query: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        """Return the query's cosine to each of these passages (those the index holds)."""
        if not len(ids):
            return {}
        with self.db.reading() as tx:
            rows = tx.execute(
                "SELECT id, 1 - (embedding <=> ?::vector) FROM index_passages WHERE id = ANY(?)",
                (vector_text(query), [int(i) for i in ids]),
            ).fetchall()
        return {int(i): float(s) for i, s in rows}

    def totals(self) -> tuple[int, int]:
        """Return the passage count and their total length (in stems), as BM25 needs them."""
        with self.db.reading() as tx:
            n, length = tx.execute("SELECT passages, length FROM index_meta").fetchone()
        return int(n), int(length)

    def lexical_search(
        self,
        query: str | Sequence[str],
        k: int,
        *,
        df: Mapping[str, int] | None = None,
        totals: tuple[int, int] | None = None,
    ) -> list[Hit]:
        """Return the k passages with the best BM25 score for the query's stems (a text, or its stems);
        candidates are the passages holding one of its rarer stems. `df` and `totals`: the stems'
        document frequencies and totals(), where the caller has them."""
        wanted = sorted(set(content_stems(query) if isinstance(query, str) else query))
        if not wanted:
            return []
        n, length = totals or self.totals()
        known = {s: d for s, d in (df or self.document_frequency(wanted)).items() if d > 0 and s in wanted}
        if not known or not n:
            return []
        idf = {s: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for s, d in known.items()}
        params = (selecting(known, n), K1, B, B, max(length / n, 1.0), list(idf), list(idf.values()), k)
        with self.db.reading() as tx:
            rows = tx.execute(BM25_SQL, params).fetchall()
        return [Hit(int(i), float(s)) for i, s in rows]

    def document_frequency(self, stems: Sequence[str]) -> dict[str, int]:
        """Return in how many passages each stem occurs."""
        with self.db.reading() as tx:
            found = self._df(tx, stems)
        return {s: int(found.get(s, 0)) for s in stems}

    @staticmethod
    def _df(tx: Tx, stems: Sequence[str]) -> dict[str, int]:
        rows = tx.execute(
            "SELECT lexeme, ndoc FROM index_terms WHERE lexeme = ANY(?)", (list(stems),)
        ).fetchall()
        return {s: int(n) for s, n in rows}

    def holding(self, stems: Sequence[str], ids: Sequence[int]) -> dict[int, int]:
        """Return which of these stems (at most 63) each of these passages holds, as a bit mask (bit i:
        stems[i]), computed by the server from the passages' stems."""
        if not len(ids) or not stems:
            return {}
        if len(stems) > 63:
            raise ValueError(f"at most 63 stems, not {len(stems)}")
        with self.db.reading() as tx:
            rows = tx.execute(
                "SELECT id, (SELECT coalesce(sum(1::bigint << (i - 1)::int), 0) FROM unnest(?::text[]) "
                "WITH ORDINALITY AS s(stem, i) WHERE s.stem = ANY(p.terms)) FROM index_passages p "
                "WHERE id = ANY(?)",
                (list(stems), [int(i) for i in ids]),
            ).fetchall()
        return {int(i): int(m) for i, m in rows}

    def vocabulary(self) -> list[str]:
        """Return every stem indexed, sorted."""
        with self.db.reading() as tx:
            rows = tx.execute("SELECT lexeme FROM index_terms WHERE ndoc > 0 ORDER BY lexeme").fetchall()
        return [r[0] for r in rows]

    def stored(
        self, ids: Sequence[int], *, known: Mapping[str, int] | None = None
    ) -> tuple[dict[int, Stored], dict[str, int]]:
        """Return the passages of these ids (those the index holds) with their stems, and the document
        frequency of each of their stems not in `known` (none read when None): what reading them for an
        answer needs."""
        if not len(ids):
            return {}, {}
        with self.db.reading() as tx:
            rows = tx.execute(
                "SELECT id, article_id, ordinal, title, body, terms FROM index_passages WHERE id = ANY(?)",
                ([int(i) for i in ids],),
            ).fetchall()
            found = {
                int(r[0]): Stored(
                    Passage(id=int(r[0]), article_id=r[1], ordinal=r[2], title=r[3], text=r[4]),
                    frozenset(r[5]),
                )
                for r in rows
            }
            new = (
                []
                if known is None
                else sorted({s for v in found.values() for s in v.stems if s not in known})
            )
            df = self._df(tx, new) if new else {}
        return found, {s: df.get(s, 0) for s in new}

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Return the passages of these ids (those the index holds)."""
        found, _ = self.stored(ids)
        return {pid: item.passage for pid, item in found.items()}

    def passage_ids(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Return the articles (sorted), where each one's passages start in the id array, and the passage
        ids grouped by article in order: arrays, so that a million passages cost ~16 MB in a replica."""
        with self.db.reading() as tx:
            return self._passage_ids(tx)

    @staticmethod
    def _passage_ids(tx: Tx) -> tuple[list[str], np.ndarray, np.ndarray]:
        names: list[str] = []
        counts: list[int] = []
        chunks: list[np.ndarray] = []
        rows = tx.execute(
            "SELECT article_id, array_agg(id ORDER BY ordinal) FROM index_passages "
            "GROUP BY article_id ORDER BY article_id"
        )
        for aid, ids in rows:
            names.append(aid)
            counts.append(len(ids))
            chunks.append(np.asarray(ids, dtype=np.int64))
        starts = np.zeros(len(names) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        pids = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
        return names, starts, pids
