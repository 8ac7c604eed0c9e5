"""The Article record that crosses package boundaries."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from corpus.dates import sane_date

_WS = re.compile(r"[ \t\r\f\v]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # not the blanks \t \n \v \f \r


def normalize_text(text: str) -> str:
    """Return text in NFC with runs of blanks collapsed, blank lines trimmed and control characters (NUL
    among them: PostgreSQL refuses it in text) dropped."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text).replace("\u00a0", " "))
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def slugify(text: str, limit: int = 60) -> str:
    """Return a URL fragment made of the lowercase words of text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "article"


def article_id(source: str, key: str) -> str:
    """Return the stable id of the article that `source` knows by `key` (its URL or title)."""
    return hashlib.sha1(f"{source}\x00{key}".encode()).hexdigest()[:16]


def content_hash(title: str, body: str, published: dt.date | None, url: str) -> str:
    """Return a digest of everything that changes what the article says or links to."""
    day = published.isoformat() if published else ""
    payload = "\x00".join((title, body, day, url))
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One news article, as parsed from a source and kept in the store."""

    id: str
    title: str
    body: str
    source: str
    url: str = ""
    published: dt.date | None = None
    hash: str = field(default="")
    image: str = ""  # the lead image's URL (feed enclosure, og:image), shown with alerts; not in the hash

    def __post_init__(self) -> None:
        if not self.hash:
            object.__setattr__(self, "hash", content_hash(self.title, self.body, self.published, self.url))

    @property
    def text(self) -> str:
        """Return the title and body together, as searched."""
        return f"{self.title}\n\n{self.body}"


def make_article(
    *,
    title: str,
    body: str,
    source: str,
    url: str = "",
    published: dt.date | None = None,
    key: str | None = None,
    image: str = "",
) -> Article:
    """Build an Article with normalised text and an id derived from its URL (or title); a date outside
    1900 – a year from now is dropped."""
    title = normalize_text(title).replace("\n", " ")
    body = normalize_text(body)
    url, image = _CONTROL.sub("", url), _CONTROL.sub("", image)
    key = key or url or title
    if key.startswith(("http://", "https://")):
        from corpus.canonical import canonical_url

        ident = article_id("url", canonical_url(key))  # one id per story URL, whichever source has it
    else:
        ident = article_id(source, key)
    return Article(
        id=ident,
        title=title,
        body=body,
        source=source,
        url=url,
        published=sane_date(published),
        image=image if image.startswith(("https://", "http://")) else "",
    )
