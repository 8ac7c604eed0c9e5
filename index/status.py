"""What `health` is told about the index: can it serve, which version, and does it hold the store's text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from index.errors import IndexMissingError, NewsIndexError
from index.snapshot import IndexData
from index.text import TOKENIZER


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexStatus:
    """The served index as the engine sees it, compared with the store's articles."""

    ok: bool  # it loads for this encoder (model and dimension) and can answer
    detail: str = ""  # why not, with the command that fixes it
    version: str = ""
    created: str = ""
    passages: int = 0
    articles: int = 0
    dim: int = 0
    not_indexed: int = 0  # store articles missing from the index, or indexed with an older text
    not_stored: int = 0  # indexed articles the store no longer holds
    old_terms: bool = False  # its BM25 terms follow an older definition (index.text.TOKENIZER)
    missing: bool = False  # there is no index yet (a first start): nothing is broken, it is to be built

    @property
    def lags(self) -> bool:
        """Return True when the index does not hold exactly the store's articles, or holds them in terms
        of an older definition (`newsbot index` re-tokenizes them, nothing re-embedded)."""
        return bool(self.not_indexed or self.not_stored or self.old_terms)

    def describe(self) -> str:
        """Return one line for `newsbot health` and /stats."""
        if not self.ok:
            return f"index: BROKEN: {self.detail}"
        line = f"index: version {self.version}, {self.passages} passages of {self.articles} articles ({self.dim}-d)"
        if self.not_indexed or self.not_stored:
            line += (
                f"; LAGS the store: {self.not_indexed} articles not indexed, {self.not_stored} no longer stored "
                "(run `newsbot index`)"
            )
        if self.old_terms:
            line += "; its terms follow an older definition (run `newsbot index`: nothing is re-embedded)"
        return line


def inspect(load: Callable[[], IndexData], store_hashes: Mapping[str, str] | None = None) -> IndexStatus:
    """Load the served index with `load` and compare its articles with the store's (id → text hash)."""
    try:
        data = load()
    except IndexMissingError as exc:
        return IndexStatus(ok=False, detail=str(exc), missing=True)
    except (NewsIndexError, OSError) as exc:
        return IndexStatus(ok=False, detail=str(exc))
    indexed = {aid: meta.hash for aid, meta in data.articles.items()}
    hashes = store_hashes if store_hashes is not None else indexed
    return IndexStatus(
        ok=True,
        version=data.path.name,
        created=data.manifest.created,
        passages=data.manifest.passages,
        articles=len(indexed),
        dim=data.manifest.dim,
        not_indexed=sum(indexed.get(aid) != h for aid, h in hashes.items()),
        not_stored=sum(aid not in hashes for aid in indexed),
        old_terms=hasattr(data, "bm25") and data.bm25.tokenizer != TOKENIZER,  # PostgreSQL: stems as now
    )
