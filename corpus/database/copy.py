"""Copy tables between databases (`newsbot migrate --to postgresql://…`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from corpus.database.base import Database
from corpus.errors import StoreError

BATCH = 1000


def copy_tables(
    source: Database,
    target: Database,
    tables: Sequence[str],
    *,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every row of `tables` into the same, empty tables of `target`, in one target transaction
    (all or nothing); return the rows copied per table. Identity counters on the target move past the
    copied ids."""
    copied: dict[str, int] = {}
    with source.transaction() as src, target.transaction() as dst:
        for table in tables:
            if dst.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
                raise StoreError(f"{target.url}: table {table} already has rows; copy into an empty database")
        for table in tables:
            cursor = src.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            copied[table] = 0
            while rows := cursor.fetchmany(BATCH):
                dst.executemany(insert, rows)
                copied[table] += len(rows)
                if progress is not None:
                    progress(table, len(rows))
            if target.dialect == "postgresql" and "id" in columns:
                sequence = dst.execute("SELECT pg_get_serial_sequence(?, 'id')", (table,)).fetchone()[0]
                if sequence:
                    dst.execute(
                        f"SELECT setval(?::regclass, (SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)",
                        (sequence,),
                    )
    return copied
