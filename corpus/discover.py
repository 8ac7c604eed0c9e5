"""Finding a site's feed (RSS, Atom or JSON Feed, by its HTML's <link rel="alternate">) and OPML, the
format feed readers exchange subscription lists in."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import quoteattr

from corpus.canonical import split_url
from corpus.errors import InvalidURL, SourceError
from corpus.fetch import Fetcher, FetchResult
from corpus.htmltext import page_links

FEED_TYPES = {
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/feed+json": "jsonfeed",
    "application/json": "jsonfeed",
}


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link" and "alternate" in a.get("rel", "").lower().split() and a.get("href"):
            kind = FEED_TYPES.get(a.get("type", "").lower().split(";")[0].strip())
            if kind:
                self.found.append((kind, a["href"]))


class Feed(NamedTuple):
    """What a URL is a source as: a feed ("feed" or "jsonfeed"), or a "listing" page of article links
    (`pattern`: the regex its article links match); its URL and its own title ("" if none)."""

    kind: str
    url: str
    title: str
    pattern: str = ""


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_ARTICLE_PATH = re.compile(r"^/([\w.-]+)/(?:.*[-_]\w+.*|\d[\w/-]*)$")  # /news/port-reopens, /news/2024/...


def guess_listing(markup: str, url: str) -> str:
    """Return the pattern of a listing page's article links: the first path segment that at least three
    of its same-site links share before a slug or a date ("/news/…"), or "" when there is none."""
    counts: dict[str, int] = {}
    for link in page_links(markup, url, limit=200):
        m = _ARTICLE_PATH.match(urlsplit(link).path)
        if m:
            counts[m[1]] = counts.get(m[1], 0) + 1
    if not counts:
        return ""
    segment, n = max(counts.items(), key=lambda kv: kv[1])
    return f"/{re.escape(segment)}/" if n >= 3 else ""


def feed_title(result: FetchResult, kind: str) -> str:
    """Return the title a feed gives itself (RSS/Atom <title>, JSON Feed "title"), or ""."""
    try:
        if kind == "jsonfeed":
            title = json.loads(result.body).get("title", "")
        else:
            import feedparser

            title = feedparser.parse(result.body).feed.get("title", "")
    except (ValueError, AttributeError):
        return ""
    return " ".join(str(title).split())[:100] if isinstance(title, str) else ""


def feed_kind(result: FetchResult) -> str | None:
    """Return "feed" or "jsonfeed" when a response is a feed itself, else None."""
    head = result.body[:2048].lstrip().lower()
    if head.startswith(b"{"):
        try:
            version = str(json.loads(result.body).get("version", ""))
        except (ValueError, AttributeError):
            return None
        return "jsonfeed" if version.startswith("https://jsonfeed.org/version/") else None
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return None


def web_url(url: str) -> str:
    """Return url if it is an http(s) URL with a host that can be parsed, else raise SourceError saying
    what is wrong (a source is only ever stored with such a URL)."""
    try:
        parts = split_url(url)
    except InvalidURL as exc:
        raise SourceError(str(exc)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{url[:200]!r} is not an http(s) address of a site")
    return url


def discover(fetcher: Fetcher, url: str) -> Feed:
    """Return the feed at a URL, or the one a page announces (fetched for its title), or the page as a
    listing when it links to articles under one path; SourceError if none of these, or if the page names
    a feed that is not an http(s) URL (file:, javascript:, a broken host)."""
    result = fetcher.get(web_url(url))
    kind = feed_kind(result)
    if kind:
        return Feed(kind, result.url, feed_title(result, kind))
    parser = _Alternates()
    parser.feed(result.body[:1_000_000].decode("utf-8", errors="replace"))
    for kind, href in parser.found:
        try:
            found = web_url(urljoin(result.url, href.strip()))
        except ValueError:  # urljoin of "http://[::1/feed"
            raise SourceError(f"{url}: the page names a feed that cannot be added: {href[:200]!r}") from None
        except SourceError as exc:
            raise SourceError(f"{url}: the page names a feed that cannot be added: {exc}") from None
        feed = fetcher.get(found)
        return Feed(feed_kind(feed) or kind, feed.url, feed_title(feed, feed_kind(feed) or kind))
    markup = result.body[:1_000_000].decode("utf-8", errors="replace")
    pattern = guess_listing(markup, result.url)
    if pattern:
        title = _TITLE.search(markup)
        name = " ".join(html.unescape(title[1]).split())[:100] if title else ""
        return Feed("listing", result.url, name, pattern)
    raise SourceError(
        f"{url}: no RSS, Atom or JSON Feed there, the page names none, and it links to no articles"
    )


OPML_KINDS = {"json": "jsonfeed", "jsonfeed": "jsonfeed"}  # an outline's type attribute; others: "feed"


def read_opml(text: str) -> list[tuple[str, str, str]]:
    """Return (title, feed URL, kind) of every outline with an xmlUrl, nested ones included; the kind is
    "jsonfeed" for type="json" (what write_opml writes for one), else "feed"."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise SourceError(f"not an OPML file: {exc}") from exc
    if root.tag.lower() != "opml":
        raise SourceError("not an OPML file: its root is not <opml>")
    return [
        (
            o.get("text") or o.get("title") or o.get("xmlUrl", ""),
            o.get("xmlUrl", "").strip(),
            OPML_KINDS.get((o.get("type") or "").lower(), "feed"),
        )
        for o in root.iter("outline")
        if o.get("xmlUrl")
    ]


def write_opml(feeds: list[tuple[str, str, str]], *, title: str = "newsbot sources") -> str:
    """Return an OPML 2.0 document of (name, kind, URL) feeds."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{title}</title></head>",
        "  <body>",
    ]
    for name, kind, url in feeds:
        kind_attr = "rss" if kind == "feed" else "json"
        lines.append(
            f"    <outline type={quoteattr(kind_attr)} text={quoteattr(name)} title={quoteattr(name)} "
            f"xmlUrl={quoteattr(url)}/>"
        )
    lines += ["  </body>", "</opml>"]
    return "\n".join(lines) + "\n"
