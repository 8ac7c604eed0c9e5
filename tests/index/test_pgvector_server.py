"""The tests' PostgreSQL server (scripts/postgres.sh: pgserver's PostgreSQL 16 with pgvector) holds what
an index in PostgreSQL needs (issue 33): the `vector` extension, an HNSW index with cosine ops that the
planner uses, and full-text search with a GIN index."""

from __future__ import annotations

import numpy as np

from tests.pg import fresh_schema


def test_the_server_has_pgvector_with_hnsw_cosine_search() -> None:
    import psycopg

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(300, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[42] + 0.05 * rng.normal(size=8).astype(np.float32)
    with fresh_schema() as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public")
        version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
        assert version is not None and tuple(int(p) for p in version[0].split(".")[:2]) >= (0, 5)  # HNSW
        conn.execute("CREATE TABLE passages (id int PRIMARY KEY, embedding public.vector(8), body text)")
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO passages VALUES (%s, %s::public.vector, %s)",
                [
                    (i, str(v.tolist()), f"passage {i} about {'ports' if i % 2 else 'roads'}")
                    for i, v in enumerate(vectors)
                ],
            )
        conn.execute("CREATE INDEX passages_hnsw ON passages USING hnsw (embedding public.vector_cosine_ops)")
        conn.execute("SET hnsw.ef_search = 40")
        conn.execute("SET enable_seqscan = off")
        q = str(query.tolist())
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                "EXPLAIN SELECT id FROM passages ORDER BY embedding OPERATOR(public.<=>) %s::public.vector LIMIT 5",
                (q,),
            ).fetchall()
        )
        assert "passages_hnsw" in plan
        rows = conn.execute(
            "SELECT id, 1 - (embedding OPERATOR(public.<=>) %s::public.vector) FROM passages "
            "ORDER BY embedding OPERATOR(public.<=>) %s::public.vector LIMIT 5",
            (q, q),
        ).fetchall()
        exact = np.argsort(-(vectors @ query / np.linalg.norm(query)))[:5]
        assert rows[0][0] == 42 == exact[0]
        assert abs(rows[0][1] - float(vectors[42] @ query / np.linalg.norm(query))) < 1e-4
        assert len({r[0] for r in rows} & set(exact.tolist())) >= 4  # approximate, but close to exact


def test_the_server_ranks_full_text_matches_with_a_gin_index() -> None:
    import psycopg

    with fresh_schema() as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE passages (id int PRIMARY KEY, body text, "
            "terms tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED)"
        )
        conn.execute("CREATE INDEX passages_terms ON passages USING gin (terms)")
        bodies = [
            "Dockworkers strike shuts the port of Rotterdam",
            "The port reopened after the strike ended",
            "Police seized cocaine in Varna",
        ]
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO passages (id, body) VALUES (%s, %s)", list(enumerate(bodies)))
        rows = conn.execute(
            "SELECT id FROM passages, websearch_to_tsquery('english', %s) q WHERE terms @@ q "
            "ORDER BY ts_rank(terms, q) DESC",
            ("strikes ports",),
        ).fetchall()
        assert sorted(r[0] for r in rows) == [0, 1]
