"""HTML to plain text (feed summaries), and article extraction from pages with trafilatura."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from corpus.dates import parse_date

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "section",
    "article",
}
_SKIP = {"script", "style", "noscript", "template", "iframe", "svg"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Return the text of an HTML fragment, paragraphs separated by blank lines."""
    if "<" not in markup:
        return html.unescape(markup).strip()
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


class Extracted(NamedTuple):
    """What trafilatura found on an article page."""

    title: str
    text: str
    date: object
    url: str
    image: str = ""  # og:image, when the page names one


def extract_article(markup: str, url: str) -> Extracted | None:
    """Return the main text, title and date of an article page, or None if it has no article."""
    import trafilatura

    doc = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    title = (data.get("title") or "").strip()
    if not text or not title:
        return None
    lines = text.split("\n")
    if lines and lines[0].strip() == title:  # trafilatura repeats the headline as the first line
        text = "\n".join(lines[1:]).strip()
    image = str(data.get("image") or "")
    return Extracted(
        title, text.replace("\n", "\n\n"), parse_date(data.get("date")), data.get("url") or url, image
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def page_links(markup: str, base_url: str, *, pattern: str = "", limit: int = 50) -> list[str]:
    """Return the distinct same-site links of a listing page (matching `pattern`, a regex), in order."""
    parser = _Links()
    parser.feed(markup)
    host = urlsplit(base_url).netloc
    wanted = re.compile(pattern) if pattern else None
    out: list[str] = []
    for href in parser.hrefs:
        url = urljoin(base_url, href).split("#")[0]
        if urlsplit(url).netloc != host or url.rstrip("/") == base_url.rstrip("/") or url in out:
            continue
        if wanted and not wanted.search(url):
            continue
        out.append(url)
        if len(out) >= limit:
            break
    return out
