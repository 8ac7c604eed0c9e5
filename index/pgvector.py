"""The index in PostgreSQL (`index.backend: postgresql`): passages, their vectors (pgvector, HNSW with
cosine ops) and their terms (index.text.content_stems, the stems BM25 and the answer path use: each
passage's distinct stems, sorted, with their counts beside them; GIN) in tables of the state database, so replicas share it with no folder: every write bumps a version that
engines check before each question.

Tables: `index_meta` (one row: the model and dimension of the vectors — another model means a rebuild —
the passage count and total length BM25 needs, and the version), `index_articles` (each indexed
article's content hash), `index_passages` (id, article, ordinal, title, text, embedding, terms, tfs, length)
and `index_terms` (each stem's document frequency). Lexical search is BM25 (k1 1.5, b 0.75, as bm25s)
computed in SQL; PostgreSQL's `ts_rank` has no IDF and ranks far worse (docs/postgres-index.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from corpus.database import Database, Tx, lock_key
from index.errors import NewsIndexError
from index.hits import Hit
from index.manifest import ArticleMeta
from index.passages import Passage
from index.text import content_stems

HERE = "SELECT to_regclass(format('%I.%I', current_schema(), ?::text))"  # a table of the schema written to
K1, B = 1.5, 0.75  # BM25, as index/sparse/bm25.py
COMMON = 0.02  # a stem in more than this share of passages selects no candidates (it still scores)
CANDIDATES = 2000  # candidates come from the rarest stems, while their passages add up to about this many
BUILD_MEMORY = "2GB"  # maintenance_work_mem for a bulk HNSW build (the graph of 1M passages fits)
BULK = 20_000  # passages written into an empty index beyond which the HNSW index is built once after
WRITE_LOCK = lock_key("newsbot", "index-write")  # one writer at a time (replicas ingesting at once)
EXTENSION_HINT = (
    "the PostgreSQL server lacks pgvector: install it there and run `CREATE EXTENSION vector;` "
    "as a superuser in that database (managed PostgreSQL offers it as an extension named vector)"
)


def _selecting(df: dict[str, int], n: int) -> list[str]:
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


class PgIndexError(NewsIndexError):
    """The database cannot hold the index (no pgvector) or holds one of another model."""


def vector_text(v: np.ndarray) -> str:
    """Return a vector as pgvector's text input."""
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(v, dtype=np.float32)) + "]"


class PgIndex:
    """The index tables of a PostgreSQL database, for one embedding model."""

    def __init__(self, db: Database, *, model: str, dim: int, ef_search: int = 100) -> None:
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
            tx.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            tx.execute(
                "CREATE TABLE IF NOT EXISTS index_meta (model TEXT NOT NULL, dim INTEGER NOT NULL, "
                "passages BIGINT NOT NULL DEFAULT 0, length BIGINT NOT NULL DEFAULT 0, "
                "version BIGINT NOT NULL DEFAULT 0, next_id BIGINT NOT NULL DEFAULT 1)"
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
                "CREATE TABLE IF NOT EXISTS index_articles (article_id TEXT PRIMARY KEY, hash TEXT NOT NULL, "
                "title TEXT NOT NULL, url TEXT NOT NULL, published TEXT, source TEXT NOT NULL)"
            )
            tx.execute(
                "CREATE TABLE IF NOT EXISTS index_passages ("
                "id BIGINT PRIMARY KEY, article_id TEXT NOT NULL, ordinal INTEGER NOT NULL, "
                f"title TEXT NOT NULL, body TEXT NOT NULL, embedding vector({self.dim}) NOT NULL, "
                "terms TEXT[] NOT NULL, tfs SMALLINT[] NOT NULL, length INTEGER NOT NULL)"
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

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Write many passages into empty tables faster: the HNSW index is dropped, then built once over
        all of them (with a larger maintenance_work_mem) — a crash in between leaves exact search, and
        the next ensure() builds the index again."""
        with self.db.transaction() as tx:
            tx.execute("DROP INDEX IF EXISTS index_passages_hnsw")
        try:
            yield
        finally:
            with self.db.transaction() as tx:
                tx.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
                tx.execute(
                    "CREATE INDEX IF NOT EXISTS index_passages_hnsw ON index_passages "
                    "USING hnsw (embedding vector_cosine_ops)"
                )

    def drop(self) -> None:
        """Remove the index tables (`newsbot index --rebuild`, or another model)."""
        with self.db.transaction() as tx:
            for table in ("index_terms", "index_passages", "index_articles", "index_meta"):
                tx.execute(f"DROP TABLE IF EXISTS {table}")

    # -- writing -------------------------------------------------------------------------------------

    def articles(self) -> dict[str, ArticleMeta]:
        """Return what answers cite of each indexed article (its hash included)."""
        with self.db.transaction() as tx:
            return self._articles(tx)

    def snapshot(self) -> tuple[int, dict[str, ArticleMeta], tuple[list[str], np.ndarray, np.ndarray]]:
        """Return the version, the articles and the passage ids as of one instant (one repeatable-read
        transaction: a write committed meanwhile is seen by none of them or by all)."""
        with self.db.transaction() as tx:
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            version = int(tx.execute("SELECT version FROM index_meta").fetchone()[0])
            return version, self._articles(tx), self._passage_ids(tx)

    @staticmethod
    def _articles(tx: Tx) -> dict[str, ArticleMeta]:
        rows = tx.execute(
            "SELECT article_id, title, url, published, source, hash FROM index_articles"
        ).fetchall()
        return {
            r[0]: ArticleMeta(id=r[0], title=r[1], url=r[2], published=r[3], source=r[4], hash=r[5])
            for r in rows
        }

    @staticmethod
    def next_ids(tx: Tx, n: int) -> int:
        """Reserve n passage ids; return the first."""
        return int(
            tx.execute(
                "UPDATE index_meta SET next_id = next_id + ? RETURNING next_id - ?", (n, n)
            ).fetchone()[0]
        )

    @staticmethod
    def replace(
        tx: Tx,
        article_ids: Sequence[str],
        passages: Sequence[Passage],
        vectors: np.ndarray,
        articles: Sequence[ArticleMeta] = (),
    ) -> None:
        """Within the caller's transaction (one writer at a time): drop the articles' passages, store the
        new ones with their articles (what answers cite of them), keep BM25's document frequencies and lengths in step, and
        bump the version engines watch."""
        if len(passages) != len(vectors):
            raise ValueError(f"{len(passages)} passages but {len(vectors)} vectors")
        tx.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
        gone = list(article_ids)
        if gone:
            tx.execute(
                "UPDATE index_terms t SET ndoc = t.ndoc - c.n FROM (SELECT s AS lexeme, count(*) AS n "
                "FROM index_passages p, unnest(p.terms) s WHERE p.article_id = ANY(?) GROUP BY s) c "
                "WHERE t.lexeme = c.lexeme",
                (gone,),
            )
            tx.execute(
                "UPDATE index_meta SET passages = passages - c.n, length = length - c.l FROM (SELECT count(*) AS n, "
                "coalesce(sum(length), 0) AS l FROM index_passages WHERE article_id = ANY(?)) c",
                (gone,),
            )
            tx.execute("DELETE FROM index_passages WHERE article_id = ANY(?)", (gone,))
            tx.execute("DELETE FROM index_articles WHERE article_id = ANY(?)", (gone,))
        rows = []
        for p, v in zip(passages, vectors, strict=True):
            stems = content_stems(p.indexed_text)
            counts = sorted(Counter(stems).items())
            terms, tfs = [t for t, _ in counts], [min(n, 32767) for _, n in counts]
            rows.append(
                (p.id, p.article_id, p.ordinal, p.title, p.text, vector_text(v), terms, tfs, len(stems))
            )
        if rows:
            tx.executemany(
                "INSERT INTO index_passages (id, article_id, ordinal, title, body, embedding, terms, tfs, length) "
                "VALUES (?, ?, ?, ?, ?, ?::vector, ?, ?, ?)",
                rows,
            )
            new = [r[0] for r in rows]
            tx.execute(
                "INSERT INTO index_terms (lexeme, ndoc) SELECT s, count(*) FROM index_passages p, "
                "unnest(p.terms) s WHERE p.id = ANY(?) GROUP BY s "
                "ON CONFLICT (lexeme) DO UPDATE SET ndoc = index_terms.ndoc + excluded.ndoc",
                (new,),
            )
            tx.execute(
                "UPDATE index_meta SET passages = passages + ?, length = length + ?",
                (len(rows), sum(r[8] for r in rows)),
            )
        if articles:
            tx.executemany(
                "INSERT INTO index_articles (article_id, hash, title, url, published, source) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET hash = excluded.hash, "
                "title = excluded.title, url = excluded.url, published = excluded.published, "
                "source = excluded.source",
                [(a.id, a.hash, a.title, a.url, a.published, a.source) for a in articles],
            )
        tx.execute("UPDATE index_meta SET version = version + 1")

    # -- reading -------------------------------------------------------------------------------------

    def version(self) -> int:
        """Return the index's version (bumped by every write); -1 when the database holds no index."""
        with self.db.transaction() as tx:
            if tx.execute(HERE, ("index_meta",)).fetchone()[0] is None:
                return -1
            row = tx.execute("SELECT version FROM index_meta").fetchone()
        return int(row[0]) if row else -1

    def built_with(self) -> tuple[str, int] | None:
        """Return the model and dimension the stored vectors were made with (None: no index yet)."""
        with self.db.transaction() as tx:
            if tx.execute(HERE, ("index_meta",)).fetchone()[0] is None:
                return None
            row = tx.execute("SELECT model, dim FROM index_meta").fetchone()
        return (row[0], int(row[1])) if row else None

    def extension(self) -> str | None:
        """Return the installed pgvector version, or None when the extension is not created."""
        with self.db.transaction() as tx:
            row = tx.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        """Return the row counts of the index tables (0 where a table is missing)."""
        out = {}
        with self.db.transaction() as tx:
            for table in ("index_articles", "index_passages", "index_terms"):
                exists = tx.execute(HERE, (table,)).fetchone()[0] is not None
                out[table] = int(tx.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) if exists else 0
        return out

    def count(self) -> int:
        """Return how many passages the index holds."""
        with self.db.transaction() as tx:
            return int(tx.execute("SELECT passages FROM index_meta").fetchone()[0])

    def dense_search(self, query: np.ndarray, k: int) -> list[Hit]:
        """Return the k passages nearest the (normalised) query by cosine, through the HNSW index."""
        with self.db.transaction() as tx:
            tx.execute(f"SET LOCAL hnsw.ef_search = {max(int(self.ef_search), k)}")
            q = vector_text(query)
            rows = tx.execute(
                "SELECT id, 1 - (embedding <=> ?::vector) FROM index_passages ORDER BY embedding <=> ?::vector LIMIT ?",
                (q, q, k),
            ).fetchall()
        return [Hit(int(i), float(s)) for i, s in rows]

    def cosines(self, query: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        """Return the query's cosine to each of these passages (those the index holds)."""
        if not len(ids):
            return {}
        with self.db.transaction() as tx:
            rows = tx.execute(
                "SELECT id, 1 - (embedding <=> ?::vector) FROM index_passages WHERE id = ANY(?)",
                (vector_text(query), [int(i) for i in ids]),
            ).fetchall()
        return {int(i): float(s) for i, s in rows}

    def lexical_search(self, query: str | Sequence[str], k: int) -> list[Hit]:
        """Return the k passages with the best BM25 score for the query's stems (a text, or its stems);
        candidates are the passages holding one of its rarer stems."""
        wanted = sorted(set(content_stems(query) if isinstance(query, str) else query))
        if not wanted:
            return []
        with self.db.transaction() as tx:
            n, length = tx.execute("SELECT passages, length FROM index_meta").fetchone()
            df = dict(
                tx.execute(
                    "SELECT lexeme, ndoc FROM index_terms WHERE lexeme = ANY(?) AND ndoc > 0", (wanted,)
                ).fetchall()
            )
            if not df or not n:
                return []
            avgdl = max(length / n, 1.0)
            idf = {s: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for s, d in df.items()}
            rare = _selecting(df, n)
            rows = tx.execute(  # each candidate's tf of a question stem: tfs at the stem's place in terms
                "SELECT id, score FROM (SELECT p.id, (SELECT sum(q.idf * p.tfs[i] / (p.tfs[i] + ? * (1 - ? + ? * "
                "p.length / ?))) FROM unnest(?::text[], ?::float8[]) AS q(lexeme, idf), "
                "LATERAL array_position(p.terms, q.lexeme) AS i WHERE i IS NOT NULL) AS score "
                "FROM index_passages p WHERE p.terms && ?::text[]) c ORDER BY score DESC, id LIMIT ?",
                (K1, B, B, avgdl, list(idf), list(idf.values()), rare, k),
            ).fetchall()
        return [Hit(int(i), float(s)) for i, s in rows]

    def stems_of(self, ids: Sequence[int]) -> dict[int, set[str]]:
        """Return each passage's stems."""
        if not len(ids):
            return {}
        with self.db.transaction() as tx:
            rows = tx.execute(
                "SELECT id, terms FROM index_passages WHERE id = ANY(?)", ([int(i) for i in ids],)
            ).fetchall()
        return {int(i): set(s) for i, s in rows}

    def document_frequency(self, stems: Sequence[str]) -> dict[str, int]:
        """Return in how many passages each stem occurs."""
        with self.db.transaction() as tx:
            found = dict(
                tx.execute(
                    "SELECT lexeme, ndoc FROM index_terms WHERE lexeme = ANY(?)", (list(stems),)
                ).fetchall()
            )
        return {s: int(found.get(s, 0)) for s in stems}

    def vocabulary(self) -> list[str]:
        """Return every stem indexed, sorted."""
        with self.db.transaction() as tx:
            return [
                r[0]
                for r in tx.execute(
                    "SELECT lexeme FROM index_terms WHERE ndoc > 0 ORDER BY lexeme"
                ).fetchall()
            ]

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Return the passages of these ids (those the index holds)."""
        if not len(ids):
            return {}
        with self.db.transaction() as tx:
            rows = tx.execute(
                "SELECT id, article_id, ordinal, title, body FROM index_passages WHERE id = ANY(?)",
                ([int(i) for i in ids],),
            ).fetchall()
        return {
            int(r[0]): Passage(id=int(r[0]), article_id=r[1], ordinal=r[2], title=r[3], text=r[4])
            for r in rows
        }

    def passage_ids(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Return the articles (sorted), where each one's passages start in the id array, and the passage
        ids grouped by article in order: arrays, so that a million passages cost ~16 MB in a replica."""
        with self.db.transaction() as tx:
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
