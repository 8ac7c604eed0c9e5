"""`newsbot stats`, `health` and `migrate`: what an operator runs against a deployment's store and index.
Thin over bot.core.health, corpus.database and the index manifest; registered by bot/cli.py."""

from __future__ import annotations

import argparse
import json
import sys

from bot.core.services import Newsbot
from index import NewsIndexError


def cmd_stats(app: Newsbot, args: argparse.Namespace) -> int:
    """Print counts of articles and passages and the index version."""
    from index import current_manifest

    print(f"articles: {app.store.count()}")
    for h in app.sources.all():
        state = "ok" if not h.failures else f"{h.failures} failure(s) in a row, last: {h.last_error}"
        backoff = f", next try {h.next_attempt}" if h.next_attempt else ""
        print(f"source {h.name}: last success {h.last_success or 'never'}; {state}{backoff}")
    print("deliveries: " + (", ".join(f"{k} {v}" for k, v in sorted(app.outbox.counts().items())) or "none"))
    pg = app.pg_index
    if pg is not None:
        rows = pg.counts()
        print(
            f"passages: {rows['index_passages']}\nindex: PostgreSQL, version {pg.version()}, "
            f"{rows['index_articles']} articles, {rows['index_terms']} terms (pgvector {pg.extension()})"
        )
        return 0
    try:
        version, manifest = current_manifest(app.config.index_path)
        print(
            f"passages: {manifest.passages}\nindex: version {version}, built {manifest.created} "
            f"({manifest.model}, {manifest.dense})"
        )
    except NewsIndexError as exc:
        print(f"index: {exc}")
    return 0


def cmd_health(app: Newsbot, args: argparse.Namespace) -> int:
    """Check the store, the index and the sources; exit 0 healthy, 1 broken, 3 degraded (a source failing,
    or an index that lags the store)."""
    from bot.core.health import check

    report = check(app)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"status: {report['status']}")
        print("store: " + ", ".join(f"{k} {v}" for k, v in report["store"].items()))
        print(report["index"]["detail"])
        print("deliveries: " + (", ".join(f"{k} {v}" for k, v in report["deliveries"].items()) or "none"))
        for name, state in report["sources"].items():
            print(f"source {name}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in state.items()))
    return {"healthy": 0, "broken": 1, "degraded": 3}[report["status"]]


def cmd_migrate(app: Newsbot, args: argparse.Namespace) -> int:
    """Copy the configured database (articles, subscriptions, outbox, source health, stats) into another."""
    from tqdm import tqdm

    from bot.core import schema as bot_schema
    from bot.core.state import BotState
    from corpus import Store, open_database, schema
    from corpus.database import redact_url
    from corpus.database.copy import copy_tables

    with open_database(args.to) as target:
        BotState(Store(target))  # the target gets every table at the current schema version
        with tqdm(desc="copying", unit="row", file=sys.stderr, dynamic_ncols=True) as bar:
            copied = copy_tables(
                app.store.db,
                target,
                [*schema.TABLES, *bot_schema.TABLES],
                progress=lambda table, n: bar.update(n),
            )
    print(", ".join(f"{table} {n}" for table, n in copied.items()))
    print(
        f"copied {app.store.db.url} into {redact_url(args.to)}; to use it, set storage.url in "
        f"config.yaml or NEWSBOT_DATABASE_URL (the index directory stays where it is)"
    )
    return _migrate_index(app, args.to)


def _migrate_index(app: Newsbot, url: str) -> int:
    """Fill a PostgreSQL target's index tables from the local index (for index.backend: postgresql)."""
    from tqdm import tqdm

    from corpus import open_database
    from index import PgIndex, PgIndexError, current_manifest
    from index.pgbuild import copy_local_index

    if app.config.index.backend != "faiss":
        return 0  # the index already lives in the source database's tables: `newsbot index` fills the target
    try:
        _version, manifest = current_manifest(app.config.index_path)
    except NewsIndexError as exc:
        print(f"no local index copied ({exc}); `newsbot index` builds one in the target", file=sys.stderr)
        return 0
    with open_database(url) as target:
        if target.dialect != "postgresql":
            return 0
        try:
            pg = PgIndex(target, model=manifest.model, dim=manifest.dim)
            with tqdm(desc="index", unit="article", file=sys.stderr, dynamic_ncols=True) as bar:
                n = copy_local_index(
                    app.config.index_path, pg, progress=lambda done, total: bar.update(done - bar.n)
                )
        except PgIndexError as exc:
            print(f"newsbot: the index was not copied: {exc}", file=sys.stderr)
            return 1
    print(f"index: {n} passages copied into the target's index tables (for `index.backend: postgresql`)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `newsbot stats`, `newsbot health [--json]` and `newsbot migrate --to URL`."""
    sub.add_parser("stats", help=cmd_stats.__doc__).set_defaults(func=cmd_stats)
    p = sub.add_parser("health", help=cmd_health.__doc__)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_health)
    p = sub.add_parser("migrate", help=cmd_migrate.__doc__)
    p.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host/db (empty tables)")
    p.set_defaults(func=cmd_migrate)
