"""`newsbot health`: is the store readable, does the index serve and hold the store's articles, are the
sources fetching? The index is judged by the engine that answers (its model, dimension and version)."""

from __future__ import annotations

from typing import Any

from bot.core.services import Newsbot
from index import IndexStatus, NewsIndexError
from index.pgvector import EXTENSION_HINT


def _postgres(app: Newsbot) -> dict[str, Any]:
    """Return the index tables' row counts and the pgvector version (None: `CREATE EXTENSION vector`)."""
    try:
        pg = app.pg_index
        assert pg is not None
        return {"extension": pg.extension(), "rows": pg.counts()}
    except Exception as exc:  # the database is down: the store check says so too
        return {"extension": None, "rows": {}, "error": str(exc)}


def check(app: Newsbot) -> dict[str, Any]:
    """Return a report with status "healthy", "broken" (store or index unusable) or "degraded" (a source
    failing, or an index that lags the store)."""
    report: dict[str, Any] = {}
    hashes: dict[str, str] | None = None
    try:
        detail = app.store.db.check()
        hashes = app.store.hashes()
        report["store"] = {"ok": detail == "ok" and bool(hashes), "articles": len(hashes), "detail": detail}
        if not hashes and detail == "ok":
            report["store"]["detail"] = "no articles: check the sources (`newsbot ingest` says what fails)"
    except Exception as exc:
        report["store"] = {"ok": False, "detail": str(exc)}
    try:
        status = app.engine.status(hashes)
    except NewsIndexError as exc:  # the encoder cannot be loaded
        status = IndexStatus(ok=False, detail=str(exc))
    report["index"] = {
        "ok": status.ok,
        "version": status.version,
        "passages": status.passages,
        "articles": status.articles,
        "dim": status.dim,
        "not_indexed": status.not_indexed,
        "not_stored": status.not_stored,
        "detail": status.describe(),
        "backend": app.config.index.backend,
    }
    if app.config.index.backend == "postgresql":
        report["index"].update(_postgres(app))
        if not report["index"]["extension"]:
            report["index"]["ok"] = False
            status = IndexStatus(ok=False, detail=EXTENSION_HINT)
            report["index"]["detail"] = status.describe()
    health = {h.name: h for h in app.sources.all()}
    report["sources"] = {
        s.name: {"last_success": h.last_success, "failures": h.failures, "last_error": h.last_error}
        if (h := health.get(s.name))
        else {"last_success": None, "failures": 0, "last_error": None}
        for s in app.config.sources
    }
    report["deliveries"] = app.outbox.counts()
    broken = not report["store"]["ok"] or not status.ok
    degraded = status.lags or any(state["failures"] for state in report["sources"].values())
    report["status"] = "broken" if broken else "degraded" if degraded else "healthy"
    return report
