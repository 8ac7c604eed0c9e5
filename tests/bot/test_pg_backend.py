"""`index.backend: postgresql` through the CLI, as an operator runs it: replicas with nothing but the same
storage.url (different, empty data_dirs) share the index, a killed ingest leaves whole articles only, and
the local index moves into the tables with `migrate`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.pg import fresh_schema

PORT = ("Harbour of Tallinn reopens", "The harbour of Tallinn reopened on 4 May 2024 after the ice melted.")
GRAIN = ("Grain deal signed in Odesa", "The export deal allows 12 tonnes of grain a day through Odesa.")


def _write(path: Path, n: int, title: str, text: str) -> None:
    with open(path, "a") as out:
        out.write(
            json.dumps({"title": title, "date": "2024-05-03", "url": f"https://n.test/{n}", "text": text})
            + "\n"
        )


def _config(tmp_path: Path, name: str, url: str, source: Path, backend: str = "postgresql") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(folder / "data"),
                "sources": [{"name": "wire", "type": "jsonl", "path": str(source)}],
                "index": {"encoder": {"model": "hashing"}, "backend": backend},
                "storage": {"url": url},
            }
        )
    )
    return path


def _newsbot(config: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSBOT_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(config), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _ask(config: Path, question: str) -> dict:
    done = _newsbot(config, "ask", "--json", stdin=question + "\n")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.name != "config.yaml"]


def test_two_replicas_on_empty_disks_share_the_index_through_the_database(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    _write(source, 0, *PORT)
    with fresh_schema() as url:
        a, b = _config(tmp_path, "a", url, source), _config(tmp_path, "b", url, source)
        done = _newsbot(a, "ingest")
        assert done.returncode == 0, done.stderr[-2000:]
        first = _ask(b, "when did the harbour of Tallinn reopen")  # b never ingested nor indexed
        assert first["answered"] and "4 May 2024" in first["answer"], first
        _write(source, 1, *GRAIN)
        assert _newsbot(b, "ingest").returncode == 0  # an ingest on b ...
        grain = _ask(a, "how many tonnes of grain a day does the export deal allow")  # ... seen by a
        assert "12 tonnes" in grain["answer"], grain
        health = json.loads(_newsbot(a, "health", "--json").stdout)
        assert health["index"]["backend"] == "postgresql" and health["index"]["extension"]
        assert health["index"]["rows"]["index_articles"] == 2 and health["status"] == "healthy"
        assert _files(tmp_path / "a") == [] and _files(tmp_path / "b") == []  # no index files, no SQLite


def test_an_ingest_killed_mid_index_leaves_whole_articles_and_the_next_completes(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    for n in range(3000):
        _write(source, n, f"Port report {n}", f"Ships called at port {n} on Monday. Cranes moved {n} boxes.")
    with fresh_schema() as url:
        import psycopg

        config = _config(tmp_path, "a", url, source)
        env = {k: v for k, v in os.environ.items() if k != "NEWSBOT_DATABASE_URL"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "--config", str(config), "ingest"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        indexed = 0
        with psycopg.connect(url, autocommit=True) as conn:
            deadline = time.monotonic() + 240
            while proc.poll() is None and time.monotonic() < deadline:
                table = conn.execute(  # this test's schema only, not another's on the search path
                    "SELECT to_regclass(format('%I.index_articles', current_schema()))"
                ).fetchone()[0]
                indexed = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table else 0
                if indexed:
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.01)
            proc.wait(30)
            assert 0 < indexed < 3000, f"the kill missed the indexing ({indexed} articles indexed)"
            per_article = conn.execute(
                "SELECT count(*) FROM index_passages GROUP BY article_id HAVING count(*) <> 1"
            ).fetchall()
            orphans = conn.execute(
                "SELECT count(*) FROM index_passages p LEFT JOIN index_articles a USING (article_id) "
                "WHERE a.article_id IS NULL"
            ).fetchone()[0]
            empty = conn.execute(
                "SELECT count(*) FROM index_articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM index_passages p WHERE p.article_id = a.article_id)"
            ).fetchone()[0]
            assert per_article == [] and orphans == 0 and empty == 0  # whole articles: one passage each
            assert _postings_agree(conn)
        done = _newsbot(config, "index")
        assert done.returncode == 0, done.stderr[-2000:]
        with psycopg.connect(url, autocommit=True) as conn:
            articles, passages, distinct = conn.execute(
                "SELECT (SELECT count(*) FROM index_articles), count(*), count(DISTINCT article_id) "
                "FROM index_passages"
            ).fetchone()
            meta = conn.execute("SELECT passages FROM index_meta").fetchone()[0]
            assert _postings_agree(conn)
        assert (articles, passages, distinct, meta) == (3000, 3000, 3000, 3000)  # none lost, none twice


def _postings_agree(conn) -> bool:  # type: ignore[no-untyped-def]
    """Return whether BM25's postings are exactly those of the stored passages' stems."""
    postings, stems = conn.execute(
        "SELECT (SELECT count(*) FROM index_postings), (SELECT coalesce(sum(cardinality(terms)), 0) "
        "FROM index_passages)"
    ).fetchone()
    strays = conn.execute(
        "SELECT count(*) FROM index_postings o LEFT JOIN index_passages p ON p.id = o.passage "
        "WHERE p.id IS NULL OR NOT o.lexeme = ANY(p.terms)"
    ).fetchone()[0]
    return postings == stems > 0 and strays == 0


def test_migrate_copies_the_local_index_into_the_tables_without_embedding_again(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    _write(source, 0, *PORT)
    _write(source, 1, *GRAIN)
    local = _config(tmp_path, "local", "", source, backend="faiss")
    assert _newsbot(local, "ingest").returncode == 0
    with fresh_schema() as url:
        done = _newsbot(local, "migrate", "--to", url)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "2 passages copied" in done.stdout
        shared = _config(tmp_path, "shared", url, source)
        answer = _ask(shared, "how many tonnes of grain a day does the export deal allow")
        assert "12 tonnes" in answer["answer"]
        assert _files(tmp_path / "shared") == []


def test_the_postgresql_backend_over_sqlite_is_refused_naming_the_setting(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    _write(source, 0, *PORT)
    config = _config(tmp_path, "a", f"sqlite:///{tmp_path / 'state.db'}", source)
    done = _newsbot(config, "ask", "hello")
    assert done.returncode != 0 and "index.backend" in done.stderr and "Traceback" not in done.stderr
