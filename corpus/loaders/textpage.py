"""Split a scraped news page in plain text into articles at its headlines."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.article import Article, make_article, slugify
from corpus.dates import first_full_date
from corpus.errors import SourceError
from corpus.loaders.kind import Context, SourceKind

if TYPE_CHECKING:
    from corpus.loaders import SourceConfig

_READ_MORE = re.compile(r"\[\s*read more\s*\]|\bread more\s*[»›>]+", re.I)
_TERMINAL = tuple(".!?…:;,")
_CLOSERS = "\"'”’»)]"

MAX_HEADLINE_CHARS = 200


def is_navigation(line: str) -> bool:
    """Return True for site chrome: menus ("Home | Careers | ..."), breadcrumbs ("» Home"), "Home ::"."""
    stripped = line.strip()
    return (
        stripped.count("|") >= 2
        or stripped.startswith(("»", "›", "«"))
        or stripped.endswith("::")
        or stripped.lower() in {"home", "menu", "share", "print", "top"}
    )


def is_headline(line: str) -> bool:
    """Return True for a line that reads as a headline: short, capitalised, no closing punctuation."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= MAX_HEADLINE_CHARS
        and (stripped[0].isupper() or stripped[0].isdigit())
        and not stripped.rstrip(_CLOSERS).endswith(_TERMINAL)
        and len(stripped.split()) >= 2
    )


def split_page(text: str) -> list[tuple[str, str]]:
    """Return (headline, body) pairs; navigation, preamble and "[read more]" links are dropped.

    A headline is a headline-like line followed by at least one body line; body lines are kept
    as paragraphs in order. Articles without a body are dropped.
    """
    lines = [_READ_MORE.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not is_navigation(line)]
    articles: list[tuple[str, list[str]]] = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if is_headline(line) and following and not is_headline(following):
            articles.append((line, []))
        elif articles:
            articles[-1][1].append(line)
    return [(title, "\n\n".join(body)) for title, body in articles if body]


def load_textpage(path: Path, *, source: str, url: str = "") -> list[Article]:
    """Load the articles of one plain-text news page file; dates come from each article's text."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"source {source!r}: cannot read {path}: {exc}") from exc
    return articles_from_page(text, source=source, url=url, where=str(path))


def articles_from_page(text: str, *, source: str, url: str = "", where: str = "") -> list[Article]:
    """Return the articles of a plain-text news page."""
    pairs = split_page(text)
    if not pairs:
        raise SourceError(f"source {source!r}: no articles found in {where or url or 'the page'}")
    articles = []
    for title, body in pairs:
        link = f"{url}#{slugify(title)}" if url else ""
        articles.append(
            make_article(
                title=title,
                body=body,
                source=source,
                url=link,
                published=first_full_date(body),
                key=title,
            )
        )
    return articles


def load(config: SourceConfig, context: Context) -> list[Article]:
    """Read the page from its path (a snapshot) or fetch it from its URL."""
    if config.local:
        context.check_size(config, context.path(config))
        return load_textpage(context.path(config), source=config.name, url=config.url)
    from corpus.loaders.web import decode, fetch

    result = fetch(config, context)
    articles = articles_from_page(decode(result), source=config.name, url=config.url)
    context.remember(result.validators)
    return articles


KIND = SourceKind(
    name="textpage", reads=("path", "url"), load=load, help="a plain-text news page, split at its headlines"
)
