"""Plain-text rendering of answers for the console (Telegram's HTML lives in bot/telegram/)."""

from __future__ import annotations

from corpus import Article
from index import Answer


def source_line(title: str, date: str | None, url: str) -> str:
    """Return 'Title (date) url'."""
    parts = [title]
    if date:
        parts.append(f"({date})")
    if url:
        parts.append(url)
    return " ".join(parts)


def render_text(answer: Answer, latest: list[Article] | None = None) -> str:
    """Return an answer as console text: answer, supporting sentence, source."""
    if not answer.answered:
        lines = ["I could not find that in the news I have." + (f" {answer.lead}" if answer.lead else "")]
        if latest:
            lines.append("Latest headlines:")
            lines += [f"  - {a.title} ({a.published or 'undated'})" for a in latest]
        return "\n".join(lines)
    if answer.kind in ("smalltalk", "language"):
        return answer.lead or ""
    lines = [f"(Read as: {answer.read_as})"] if answer.read_as else []
    if answer.kind == "headlines":
        lines.append(answer.lead or "Headlines:")
        lines += [f"  - {source_line(s.title, s.date, s.url)}" for s in answer.sources]
        return "\n".join(lines)
    if answer.lead:
        lines.append(answer.lead)
    if answer.answer:
        lines.append(f"Answer: {answer.answer}")
    lines.append(answer.sentence if answer.kind == "summary" else f"“{answer.sentence}”")
    top = answer.sources[0]
    lines.append(f"Source: {source_line(top.title, top.date, top.url)}")
    return "\n".join(lines)
