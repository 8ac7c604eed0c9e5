"""Telegram HTML for answers, headlines and notifications; escaping and 4096-character splitting."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from bot.core.stories import Sibling
from corpus import Article
from index import Answer, Source

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")


def esc(text: object) -> str:
    """Return text escaped for Telegram's HTML parse mode."""
    return html.escape(str(text), quote=True)


def visible_length(markup: str) -> int:
    """Return the length Telegram counts for HTML: tags dropped, entities one character, UTF-16 units."""
    plain = html.unescape(_TAG.sub("", markup))
    return len(plain.encode("utf-16-le")) // 2


def link(title: str, url: str) -> str:
    """Return an <a> link, or the escaped title alone when there is no http(s) URL."""
    if url.startswith(("http://", "https://")):
        return f'<a href="{esc(url)}">{esc(title)}</a>'
    return esc(title)


def source_html(source: Source) -> str:
    """Return '📰 Title — outlet, date' with the title as a link."""
    about = ", ".join(x for x in (source.outlet, source.date or "") if x)
    return f"📰 {link(source.title, source.url)}" + (f" — {esc(about)}" if about else "")


def answer_html(answer: Answer, also: Sequence[Sibling] = ()) -> str:
    """Return a reply: the short answer in bold (or the lead: "Yes —"; in italics, "No exact answer…"), the
    supporting sentence and the source (and the other outlets of its story); headlines as a list; small
    talk as it is."""
    if answer.kind in ("smalltalk", "language"):
        return esc(answer.lead or "")
    parts = [f"<i>Read as: {esc(answer.read_as)}</i>"] if answer.read_as else []
    if answer.kind == "headlines":
        lines = [esc(answer.lead or "Headlines:")]
        lines += [
            f"• {link(s.title, s.url)}" + (f" — {esc(s.date)}" if s.date else "") for s in answer.sources
        ]
        parts.append("\n".join(lines))
        return "\n\n".join(parts)
    if answer.lead:  # "Yes —" is an answer; "No exact answer, but…" must not look like one
        parts.append(f"<i>{esc(answer.lead)}</i>" if answer.kind == "found" else f"<b>{esc(answer.lead)}</b>")
    if answer.kind == "summary":
        parts.append(esc(answer.sentence))
        parts.append(source_html(answer.sources[0]))
        return "\n\n".join(parts)
    if answer.answer:
        parts.append(f"<b>{esc(answer.answer)}</b>")
    parts.append(f"“{esc(answer.sentence)}”")
    parts.append(source_html(answer.sources[0]))
    if also:
        parts.append(
            "Also reported by: " + ", ".join(link(s.source, s.url) if s.url else esc(s.source) for s in also)
        )
    return "\n\n".join(parts)


def more_sources_html(sources: list[Source]) -> str:
    """Return further sources with their snippets."""
    blocks = [f"{source_html(s)}\n<i>{esc(s.snippet)}</i>" for s in sources]
    return "More sources:\n\n" + "\n\n".join(blocks)


def headlines_html(articles: list[Article], heading: str, outlets: Mapping[str, int] | None = None) -> str:
    """Return a list of headlines with dates and links (and how many other outlets told each story)."""
    lines = [esc(heading)]
    for a in articles:
        date = f" — {a.published.isoformat()}" if a.published else ""
        more = (outlets or {}).get(a.id, 0)
        lines.append(
            f"• {link(a.title, a.url)}{date}"
            + (f" (+{more} more outlet{'s' if more > 1 else ''})" if more else "")
        )
    return "\n".join(lines)


def declined_html(latest: list[Article], reason: str | None = None) -> str:
    """Return the polite 'not in the news I have' (and why, when known: "The news I have never mentions
    Japan."), with the latest headlines as suggestions."""
    text = "I couldn't find that in the news I have." + (f" {esc(reason)}" if reason else "")
    if latest:
        text += "\n\n" + headlines_html(latest, "Here is what I do know about — the latest headlines:")
    return text


def notification_html(article: Article, lead: str) -> str:
    """Return a new-article notification: title, outlet and date, lead, link, and the reply hint."""
    date = " · ".join(
        x for x in (article.source, article.published.isoformat() if article.published else "") if x
    )
    date = f"\n{esc(date)}" if date else ""
    return (
        f"🆕 <b>{esc(article.title)}</b>{date}\n\n{esc(lead)}\n\n{link('Read the article', article.url)}"
        "\n\n<i>Reply to this message to ask about this article.</i>"
    )


def split_html(markup: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split markup into messages of at most `limit` visible characters, at block boundaries.

    Blocks (separated by blank lines) are kept whole and well-formed; a block too long on its own is
    sent as escaped plain text cut at spaces, so no tag or entity is ever cut in two.
    """
    chunks: list[str] = []
    current = ""
    for block in markup.split("\n\n"):
        pieces = (
            [block]
            if visible_length(block) <= limit
            else _cut_plain(html.unescape(_TAG.sub("", block)), limit)
        )
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if visible_length(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _cut_plain(text: str, limit: int) -> list[str]:
    out = []
    while text:
        if len(text.encode("utf-16-le")) // 2 <= limit:
            out.append(esc(text))
            break
        cut = limit
        while len(text[:cut].encode("utf-16-le")) // 2 > limit:
            cut -= 1
        space = text.rfind(" ", 0, cut)
        cut = space if space > limit // 2 else cut
        out.append(esc(text[:cut]))
        text = text[cut:].lstrip()
    return [esc_chunk for esc_chunk in out if esc_chunk]
