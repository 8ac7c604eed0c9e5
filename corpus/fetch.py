"""HTTP for news sources: timeouts, a User-Agent, conditional GET, a size limit, retries with
backoff, and no requests to local or private addresses unless allowed."""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

from corpus.canonical import split_url
from corpus.errors import InvalidURL, SourceError
from corpus.settings import above, at_least

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestConfig:
    """How and how often sources are fetched (the `ingest:` section of config.yaml)."""

    interval_minutes: float = 30.0  # the running bot ingests this often (0: only on /ingest)
    failure_backoff_s: float = 60.0  # a source failing twice in a row waits this, doubling each time

    user_agent: str = "newsbot/0.1 (+https://github.com/newsbot)"
    timeout_s: float = 15.0
    max_bytes: int = 5_000_000
    retries: int = 2
    backoff_s: float = 1.0
    max_redirects: int = 5
    allow_private_addresses: bool = False  # allow localhost/private hosts (tests, intranets)
    source_budget_s: float = 120.0  # a listing or full-text feed stops following pages after this long
    max_import_sources: int = 10_000  # the most feeds one OPML import adds
    alert_backlog: bool = False  # alert what a new source holds when first read (its backlog)

    def __post_init__(self) -> None:
        above(self, timeout_s=0.0, source_budget_s=0.0)
        at_least(
            self,
            interval_minutes=0,
            failure_backoff_s=0,
            max_bytes=1,
            retries=0,
            backoff_s=0,
            max_redirects=0,
            max_import_sources=1,
        )


class Validators(NamedTuple):
    """What a conditional GET sends back: the last ETag and Last-Modified."""

    etag: str | None = None
    last_modified: str | None = None


class FetchResult(NamedTuple):
    """A fetched document, or not_modified=True after a 304."""

    url: str
    status: int
    body: bytes
    content_type: str
    validators: Validators
    not_modified: bool = False


class FetchError(SourceError):
    """A URL could not be fetched (the message says why); `permanent` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def check_url(url: str, *, allow_private: bool) -> str | None:
    """Refuse non-HTTP schemes, and hosts resolving to local/private addresses unless allowed; return the
    checked address to connect to (None when private addresses are allowed: no check, no pinning), so that
    a second DNS answer (rebinding to 127.0.0.1) is never used."""
    try:
        parts = split_url(url)
    except InvalidURL as exc:
        raise FetchError(str(exc), permanent=True) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs are fetched", permanent=True)
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: no host", permanent=True)
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise FetchError(f"{url}: cannot resolve {host}: {exc.strerror}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise FetchError(
                f"{url}: {host} is a local or private address ({address}); set "
                "ingest.allow_private_addresses to fetch it",
                permanent=True,
            )
    return str(infos[0][4][0])


def pinned(url: str, address: str | None) -> tuple[str, dict[str, str], dict[str, str]]:
    """Return (URL with the host replaced by address, Host header, TLS server name) for a checked address."""
    if address is None:
        return url, {}, {}
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    headers = {"Host": parts.netloc.rpartition("@")[2]}
    extensions = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), headers, extensions


class Fetcher:
    """A small synchronous HTTP client for ingestion (it runs in worker threads)."""

    def __init__(self, config: IngestConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        import httpx  # here, not at import: httpx pulls in its CLI (click, rich), 0.2 s of a one-shot ask

        self._httpx = httpx
        self.config = config
        self._client = httpx.Client(
            timeout=httpx.Timeout(config.timeout_s),
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def get(self, url: str, validators: Validators | None = None) -> FetchResult:
        """GET url (conditionally), retrying transient failures with exponential backoff."""
        attempt = 0
        while True:
            try:
                return self._get_once(url, validators or Validators())
            except FetchError as exc:
                if exc.permanent or attempt >= self.config.retries:
                    raise
                delay = self.config.backoff_s * 2**attempt
                log.info("retrying %s in %.1fs: %s", url, delay, exc)
                time.sleep(delay)
                attempt += 1

    def _get_once(self, url: str, validators: Validators) -> FetchResult:
        headers = {}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        current = url
        deadline = time.monotonic() + 2 * self.config.timeout_s  # the whole request, redirects and body
        for _ in range(self.config.max_redirects + 1):
            address = check_url(current, allow_private=self.config.allow_private_addresses)
            target, host, extensions = pinned(current, address)
            try:
                with self._client.stream(
                    "GET", target, headers={**headers, **host}, extensions=extensions
                ) as response:
                    location = response.headers.get("location")
                    if response.status_code in (301, 302, 303, 307, 308) and location:
                        try:
                            current = urljoin(current, location)
                        except ValueError as exc:  # a Location such as "http://[::1/"
                            raise FetchError(
                                f"{current}: redirected to an invalid URL: {exc}", permanent=True
                            ) from None
                        continue
                    return self._read(current, response, deadline)
            except self._httpx.TimeoutException as exc:
                raise FetchError(f"{current}: timed out after {self.config.timeout_s:g}s") from exc
            except self._httpx.HTTPError as exc:
                raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from exc
        raise FetchError(f"{url}: more than {self.config.max_redirects} redirects", permanent=True)

    def _read(self, url: str, response: httpx.Response, deadline: float) -> FetchResult:
        found = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
        if response.status_code == 304:
            return FetchResult(url, 304, b"", "", found, not_modified=True)
        if response.status_code >= 400:
            permanent = response.status_code not in RETRY_STATUSES
            raise FetchError(f"{url}: HTTP {response.status_code}", permanent=permanent)
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.config.max_bytes:
            raise FetchError(
                f"{url}: {declared} bytes is over the {self.config.max_bytes}-byte limit", permanent=True
            )
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > self.config.max_bytes:
                raise FetchError(f"{url}: body over the {self.config.max_bytes}-byte limit", permanent=True)
            if time.monotonic() > deadline:  # a trickle of bytes never trips the per-read timeout
                raise FetchError(
                    f"{url}: still sending after {2 * self.config.timeout_s:g}s (twice ingest.timeout_s)",
                    permanent=True,
                )
        return FetchResult(
            url, response.status_code, bytes(body), response.headers.get("content-type", ""), found
        )
