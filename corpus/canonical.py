"""Canonical article URLs: the same story behind tracking parameters or fragments is one URL."""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from corpus.errors import InvalidURL

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "ga_")
_TRACKING = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "ref",
    "ref_src",
    "cmpid",
    "ocid",
    "smid",
    "sr_share",
    "at_medium",
    "at_campaign",
    "rss",
    "feature",
}


def split_url(url: str) -> SplitResult:
    """Return the parts of a URL whose host and port can be read, or raise InvalidURL saying why
    (urllib raises ValueError for "http://[::1/a", and again on reading the port of "http://x:99999/")."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises for a port out of range or not a number)
    except ValueError as exc:
        raise InvalidURL(f"invalid URL {url[:200]!r}: {exc}") from None
    return parts


def host_of(url: str) -> str:
    """Return the URL's lowercase host, or "" for none or an invalid URL."""
    try:
        return split_url(url).hostname or ""
    except InvalidURL:
        return ""


def canonical_url(url: str) -> str:
    """Return url with a lowercase scheme and host, no default port, no fragment, no tracking
    parameters, sorted query, and no trailing slash on the path (except the root); InvalidURL for a URL
    that cannot be parsed."""
    parts = split_url(url)
    if parts.scheme not in ("http", "https"):
        return url.strip()
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(sorted(query)), ""))
