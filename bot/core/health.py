"""`newsbot health`: is the store readable, the index loadable, and are the sources fetching?"""

from __future__ import annotations

from typing import Any

from bot.core.services import Newsbot
from index import NewsIndexError
from index.encoders import encoder_name
from index.storage import current_path, load_version


def check(app: Newsbot) -> dict[str, Any]:
    """Return a report with status "healthy", "broken" (store or index unusable) or "degraded"."""
    report: dict[str, Any] = {}
    broken = False
    try:
        detail = app.store.db.check()
        articles = app.store.count()
        report["store"] = {"ok": detail == "ok" and articles > 0, "articles": articles, "detail": detail}
        if articles == 0 and detail == "ok":
            report["store"]["detail"] = "no articles: check the sources (`newsbot ingest` says what fails)"
        broken = not report["store"]["ok"]
    except Exception as exc:
        report["store"], broken = {"ok": False, "detail": str(exc)}, True
    try:
        data = load_version(
            current_path(app.config.index_path),
            model=encoder_name(app.config.index.encoder),
            ef_search=app.config.index.ef_search,
            bm25_numba_from=app.config.search.bm25_numba_from,
        )
        report["index"] = {"ok": True, "passages": data.manifest.passages, "created": data.manifest.created}
    except NewsIndexError as exc:
        report["index"], broken = {"ok": False, "detail": str(exc)}, True
    health = {h.name: h for h in app.sources.all()}
    report["sources"] = {
        s.name: {"last_success": h.last_success, "failures": h.failures, "last_error": h.last_error}
        if (h := health.get(s.name))
        else {"last_success": None, "failures": 0, "last_error": None}
        for s in app.config.sources
    }
    report["deliveries"] = app.outbox.counts()
    failing = any(state["failures"] for state in report["sources"].values())
    report["status"] = "broken" if broken else "degraded" if failing else "healthy"
    return report
