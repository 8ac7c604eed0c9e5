"""The index in PostgreSQL (`index.backend: postgresql`): passages, their vectors (pgvector, HNSW with
cosine ops) and their terms (index.text.content_stems, the stems BM25 and the answer path use: each
passage's distinct stems, sorted, with their counts beside them) in tables of the state database, so
replicas share it with no folder: every write bumps a version that engines check before each question.

Tables: `index_meta` (one row: the model and dimension of the vectors — another model means a rebuild —
the passage count and total length BM25 needs, and the version), `index_articles` (each indexed
article's content hash), `index_passages` (id, article, ordinal, title, text, embedding, terms, tfs, length),
`index_terms` (each stem's document frequency) and `index_postings` (stem, passage, tf, length: an inverted
index, read from its key alone). Lexical search is BM25 (k1 1.5, b 0.75, as bm25s) computed in SQL
(index.pgsearch); PostgreSQL's `ts_rank` has no IDF and ranks far worse (docs/postgres-index.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from corpus.database import Database, Tx, lock_key
from index.errors import NewsIndexError
from index.manifest import ArticleMeta
from index.passages import Passage
from index.pgsearch import PgSearch, vector_text
from index.text import content_stems

HERE = "SELECT to_regclass(format('%I.%I', current_schema(), ?::text))"  # a table of the schema written to
BUILD_MEMORY = "2GB"  # maintenance_work_mem for a bulk HNSW build (the graph of 1M passages fits)
BULK = 20_000  # passages written into an empty index beyond which the HNSW index is built once after
WRITE_LOCK = lock_key("newsbot", "index-write")  # one writer at a time (replicas ingesting at once)
POSTINGS_KEY = (  # BM25 reads (lexeme -> passage, tf, length) from this index alone
    "CREATE UNIQUE INDEX IF NOT EXISTS index_postings_key ON index_postings (lexeme, passage) "
    "INCLUDE (tf, length)"
)
POSTINGS_OF = (  # the postings of the passages that match `where`, from their terms and tfs
    "INSERT INTO index_postings (lexeme, passage, tf, length) SELECT t.lexeme, p.id, t.tf, p.length "
    "FROM index_passages p, unnest(p.terms, p.tfs) AS t(lexeme, tf) WHERE {where}"
)
EXTENSION_HINT = (
    "the PostgreSQL server lacks pgvector: install it there and run `CREATE EXTENSION vector;` "
    "as a superuser in that database (managed PostgreSQL offers it as an extension named vector)"
)


class PgIndexError(NewsIndexError):
    """The database cannot hold the index (no pgvector) or holds one of another model."""


class PgIndex(PgSearch):
    """The index tables of a PostgreSQL database, for one embedding model (reads: index.pgsearch)."""

    def __init__(self, db: Database, *, model: str, dim: int, ef_search: int = 100) -> None:
        if db.dialect != "postgresql":
            raise PgIndexError(
                f"index.backend postgresql needs storage.url to be a PostgreSQL URL, not {db.url}"
            )
        self.db, self.model, self.dim, self.ef_search = db, model, dim, ef_search
        self._seen = False  # index_meta was found in this schema: version() need not look for it again

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
            tx.execute("DROP INDEX IF EXISTS index_passages_terms")  # BM25 reads the postings now
            if tx.execute(HERE, ("index_postings",)).fetchone()[0] is None:
                tx.execute(
                    "CREATE TABLE index_postings (lexeme TEXT NOT NULL, passage BIGINT NOT NULL, "
                    "tf SMALLINT NOT NULL, length INTEGER NOT NULL)"
                )
                tx.execute(POSTINGS_OF.format(where="TRUE"))  # an index written before the postings
            tx.execute(POSTINGS_KEY)
            tx.execute(
                "CREATE INDEX IF NOT EXISTS index_passages_hnsw ON index_passages "
                "USING hnsw (embedding vector_cosine_ops)"
            )

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Write many passages into empty tables faster: the HNSW index is dropped, then built once over
        all of them (with a larger maintenance_work_mem) — a crash in between leaves exact search, and
        the next ensure() builds the index again. So is the postings' key."""
        with self.db.transaction() as tx:
            tx.execute("DROP INDEX IF EXISTS index_passages_hnsw")
            tx.execute("DROP INDEX IF EXISTS index_postings_key")
        try:
            yield
        finally:
            with self.db.transaction() as tx:
                tx.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
                tx.execute(POSTINGS_KEY)
                tx.execute(
                    "CREATE INDEX IF NOT EXISTS index_passages_hnsw ON index_passages "
                    "USING hnsw (embedding vector_cosine_ops)"
                )
            with self.db.reading() as tx:  # index-only scans of the postings need the visibility map
                tx.execute("VACUUM (ANALYZE) index_postings")
                tx.execute("ANALYZE index_passages")

    def drop(self) -> None:
        """Remove the index tables (`newsbot index --rebuild`, or another model)."""
        with self.db.transaction() as tx:
            for table in ("index_postings", "index_terms", "index_passages", "index_articles", "index_meta"):
                tx.execute(f"DROP TABLE IF EXISTS {table}")

    # -- writing -------------------------------------------------------------------------------------

    def articles(self) -> dict[str, ArticleMeta]:
        """Return what answers cite of each indexed article (its hash included)."""
        with self.db.transaction() as tx:
            return self._articles(tx)

    def snapshot(
        self,
    ) -> tuple[int, dict[str, ArticleMeta], tuple[list[str], np.ndarray, np.ndarray], tuple[int, int]]:
        """Return the version, the articles, the passage ids and totals() as of one instant (one
        repeatable-read transaction: a write committed meanwhile is seen by none of them or by all)."""
        with self.db.transaction() as tx:
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            version, n, length = tx.execute("SELECT version, passages, length FROM index_meta").fetchone()
            return int(version), self._articles(tx), self._passage_ids(tx), (int(n), int(length))

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
            tx.execute(
                "DELETE FROM index_postings o USING (SELECT unnest(terms) AS lexeme, id FROM index_passages "
                "WHERE article_id = ANY(?)) g WHERE o.lexeme = g.lexeme AND o.passage = g.id",
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
            tx.execute(POSTINGS_OF.format(where="p.id = ANY(?)"), (new,))
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
        with self.db.reading() as tx:  # asked before every question: one round trip once the table is seen
            if not self._seen and tx.execute(HERE, ("index_meta",)).fetchone()[0] is None:
                return -1
            try:
                row = tx.execute("SELECT version FROM index_meta").fetchone()
            except Exception:  # dropped since (`index --rebuild` under way), or the database failed
                if tx.execute(HERE, ("index_meta",)).fetchone()[0] is None:
                    return -1
                raise
        self._seen = True
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
            for table in ("index_articles", "index_passages", "index_terms", "index_postings"):
                exists = tx.execute(HERE, (table,)).fetchone()[0] is not None
                out[table] = int(tx.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) if exists else 0
        return out

    def count(self) -> int:
        """Return how many passages the index holds."""
        with self.db.transaction() as tx:
            return int(tx.execute("SELECT passages FROM index_meta").fetchone()[0])
