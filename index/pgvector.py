"""The index in PostgreSQL (issue 33, first part): passages, their vectors (pgvector, HNSW with cosine
ops) and a full-text column (tsvector, GIN) in tables of the state database, written in the caller's
transaction (the one that stores the articles), searched by SQL. Not yet what the engine reads: the
FAISS + BM25 folder still serves answers.

Tables: `index_meta` (one row: the model and the dimension the vectors were made with — another model
means a rebuild — and the passage count and total length BM25 needs), `index_passages` (id, article,
ordinal, title, text, embedding, terms, length) and `index_terms` (each stem's document frequency).
Lexical search is BM25 (k1 1.5, b 0.75, as bm25s) computed in SQL from those, not `ts_rank`, which has
no IDF and ranks far worse (benchmarks/pg_recall.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from corpus.database import Database, Tx
from index.errors import NewsIndexError
from index.hits import Hit
from index.passages import Passage

K1, B = 1.5, 0.75  # BM25, as index/sparse/bm25.py
COMMON = 0.02  # a stem in more than this share of passages selects no candidates (it still scores)

EXTENSION_HINT = (
    "the PostgreSQL server lacks pgvector: install it there and run `CREATE EXTENSION vector;` "
    "as a superuser in that database (managed PostgreSQL offers it as an extension named vector)"
)


class PgIndexError(NewsIndexError):
    """The database cannot hold the index (no pgvector) or holds one of another model."""


def _vector(v: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(v, dtype=np.float32)) + "]"


class PgIndex:
    """The passages of a PostgreSQL database's index, for one embedding model."""

    def __init__(self, db: Database, *, model: str, dim: int, ef_search: int = 64) -> None:
        if db.dialect != "postgresql":
            raise PgIndexError(
                f"index.backend postgresql needs storage.url to be a PostgreSQL URL, not {db.url}"
            )
        self.db, self.model, self.dim, self.ef_search = db, model, dim, ef_search

    def ensure(self) -> None:
        """Create the extension (if allowed), the tables and their indexes; refuse another model's."""
        with self.db.transaction() as tx:
            if not tx.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
                available = tx.execute(
                    "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
                ).fetchone()
                if not available:
                    raise PgIndexError(EXTENSION_HINT)
        try:
            with self.db.transaction() as tx:
                tx.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except Exception as exc:  # no right to create it: say what the administrator must run
            raise PgIndexError(f"{EXTENSION_HINT} ({exc})") from exc
        with self.db.transaction() as tx:
            tx.execute(
                "CREATE TABLE IF NOT EXISTS index_meta (model TEXT NOT NULL, dim INTEGER NOT NULL, "
                "passages BIGINT NOT NULL DEFAULT 0, length BIGINT NOT NULL DEFAULT 0)"
            )
            row = tx.execute("SELECT model, dim FROM index_meta").fetchone()
            if row is None:
                tx.execute("INSERT INTO index_meta (model, dim) VALUES (?, ?)", (self.model, self.dim))
            elif tuple(row) != (self.model, self.dim):
                raise PgIndexError(
                    f"the database's index was built with {row[0]} ({row[1]} dimensions), not {self.model}: "
                    "run `newsbot index --rebuild`"
                )
            tx.execute(
                "CREATE TABLE IF NOT EXISTS index_passages ("
                "id BIGINT PRIMARY KEY, article_id TEXT NOT NULL, ordinal INTEGER NOT NULL, "
                f"title TEXT NOT NULL, body TEXT NOT NULL, embedding vector({self.dim}) NOT NULL, "
                "terms tsvector GENERATED ALWAYS AS "
                "(to_tsvector('english', title || ' ' || body)) STORED, length INTEGER NOT NULL DEFAULT 0)"
            )
            tx.execute(
                "CREATE TABLE IF NOT EXISTS index_terms (lexeme TEXT PRIMARY KEY, ndoc BIGINT NOT NULL)"
            )
            tx.execute("CREATE INDEX IF NOT EXISTS index_passages_article ON index_passages (article_id)")
            tx.execute("CREATE INDEX IF NOT EXISTS index_passages_terms ON index_passages USING gin (terms)")
            tx.execute(
                "CREATE INDEX IF NOT EXISTS index_passages_hnsw ON index_passages "
                "USING hnsw (embedding vector_cosine_ops)"
            )

    @staticmethod
    def replace(tx: Tx, article_ids: Sequence[str], passages: Sequence[Passage], vectors: np.ndarray) -> None:
        """Within the caller's transaction: drop the articles' passages, store the new ones, and keep the
        document frequencies and lengths BM25 reads in step."""
        if len(passages) != len(vectors):
            raise ValueError(f"{len(passages)} passages but {len(vectors)} vectors")
        if article_ids:
            gone = list(article_ids)
            tx.execute(
                "UPDATE index_terms t SET ndoc = t.ndoc - c.n FROM (SELECT u.lexeme, count(*) AS n "
                "FROM index_passages p, unnest(p.terms) u WHERE p.article_id = ANY(?) GROUP BY u.lexeme) c "
                "WHERE t.lexeme = c.lexeme",
                (gone,),
            )
            tx.execute(
                "UPDATE index_meta SET passages = passages - c.n, length = length - c.l FROM "
                "(SELECT count(*) AS n, coalesce(sum(length), 0) AS l FROM index_passages WHERE article_id = ANY(?)) c",
                (gone,),
            )
            tx.execute("DELETE FROM index_passages WHERE article_id = ANY(?)", (gone,))
        if not passages:
            return
        tx.executemany(
            "INSERT INTO index_passages (id, article_id, ordinal, title, body, embedding) "
            "VALUES (?, ?, ?, ?, ?, ?::vector)",
            [
                (p.id, p.article_id, p.ordinal, p.title, p.text, _vector(v))
                for p, v in zip(passages, vectors, strict=True)
            ],
        )
        new = [p.id for p in passages]
        tx.execute(
            "UPDATE index_passages p SET length = (SELECT coalesce(sum(array_length(u.positions, 1)), 0) "
            "FROM unnest(p.terms) u) WHERE p.id = ANY(?)",
            (new,),
        )
        tx.execute(
            "INSERT INTO index_terms (lexeme, ndoc) SELECT u.lexeme, count(*) FROM index_passages p, "
            "unnest(p.terms) u WHERE p.id = ANY(?) GROUP BY u.lexeme "
            "ON CONFLICT (lexeme) DO UPDATE SET ndoc = index_terms.ndoc + excluded.ndoc",
            (new,),
        )
        tx.execute(
            "UPDATE index_meta SET passages = passages + c.n, length = length + c.l FROM "
            "(SELECT count(*) AS n, coalesce(sum(length), 0) AS l FROM index_passages WHERE id = ANY(?)) c",
            (new,),
        )

    def count(self) -> int:
        """Return how many passages the index holds."""
        with self.db.transaction() as tx:
            return int(tx.execute("SELECT passages FROM index_meta").fetchone()[0])

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        """Return the k passages nearest the (normalised) query by cosine, through the HNSW index."""
        with self.db.transaction() as tx:
            tx.execute(f"SET LOCAL hnsw.ef_search = {max(int(self.ef_search), k)}")
            rows = tx.execute(
                "SELECT id, 1 - (embedding <=> ?::vector) AS score FROM index_passages "
                "ORDER BY embedding <=> ?::vector LIMIT ?",
                (_vector(query), _vector(query), k),
            ).fetchall()
        return [Hit(int(i), float(s)) for i, s in rows]

    def lexical_search(self, query: str, k: int) -> list[Hit]:
        """Return the k passages with the best BM25 score for the query's stems (PostgreSQL's english
        stemming and stopwords); candidates are the passages holding one of its rarer stems."""
        with self.db.transaction() as tx:
            n, length = tx.execute("SELECT passages, length FROM index_meta").fetchone()
            stems = tx.execute(
                "SELECT q.lexeme, coalesce(t.ndoc, 0) FROM unnest(to_tsvector('english', ?)) q "
                "LEFT JOIN index_terms t ON t.lexeme = q.lexeme",
                (query,),
            ).fetchall()
            stems = [(lexeme, df) for lexeme, df in stems if df > 0]
            if not stems or not n:
                return []
            avgdl = max(length / n, 1.0)
            idf = {lexeme: float(np.log(1 + (n - df + 0.5) / (df + 0.5))) for lexeme, df in stems}
            rare = [lexeme for lexeme, df in stems if df <= COMMON * n] or [lexeme for lexeme, _ in stems]
            either = " | ".join("'" + w.replace("'", "''") + "'" for w in rare)
            rows = tx.execute(
                "SELECT p.id, sum(q.idf * u.tf * ? / (u.tf + ? * (1 - ? + ? * p.length / ?))) AS score "
                "FROM index_passages p, to_tsquery('english', ?) want, "
                "LATERAL (SELECT lexeme, array_length(positions, 1) AS tf FROM unnest(p.terms)) u, "
                "unnest(?::text[], ?::float8[]) AS q(lexeme, idf) "
                "WHERE p.terms @@ want AND u.lexeme = q.lexeme GROUP BY p.id ORDER BY score DESC, p.id LIMIT ?",
                (K1 + 1, K1, B, B, avgdl, either, list(idf), list(idf.values()), k),
            ).fetchall()
        return [Hit(int(i), float(s)) for i, s in rows]

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Return the passages of these ids (those the index holds)."""
        if not ids:
            return {}
        with self.db.transaction() as tx:
            rows = tx.execute(
                "SELECT id, article_id, ordinal, title, body FROM index_passages WHERE id = ANY(?)",
                (list(ids),),
            ).fetchall()
        return {
            int(r[0]): Passage(id=int(r[0]), article_id=r[1], ordinal=r[2], title=r[3], text=r[4])
            for r in rows
        }
