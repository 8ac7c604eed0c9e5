"""A local news site on 127.0.0.1 for ingestion tests: feeds, pages, listings and misbehaviour."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers: a body, or a handler that writes the whole response itself."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    trickle_s: float = 0.0  # a slowloris: the body one byte at a time, this long apart


class NewsSite:
    """Routes by path; counts requests and remembers the conditional headers it received."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.not_modified = 0
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append((self.path, dict(self.headers)))
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay_s:
                    time.sleep(route.delay_s)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    site.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    if not route.trickle_s:
                        self.wfile.write(route.body)
                    for i in range(len(route.body) if route.trickle_s else 0):
                        self.wfile.write(route.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(route.trickle_s)

        return Handler


@contextmanager
def serve(site: NewsSite) -> Iterator[NewsSite]:
    """Serve the site on a free port until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def rss(items: list[dict[str, str]], title: str = "Desk news") -> bytes:
    """Return an RSS 2.0 document with the given items (title, link, description, pubDate)."""
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{escape(i['link'])}</link><guid>{escape(i['link'])}</guid>"
        f"<description><![CDATA[{i['description']}]]></description><pubDate>{i.get('pubDate', 'Tue, 05 Mar 2024 10:00:00 GMT')}</pubDate>"
        + (
            f'<enclosure url="{escape(i["image"])}" type="image/jpeg" length="1000"/>'
            if i.get("image")
            else ""
        )
        + "</item>"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.test/</link><description>d</description>{entries}</channel></rss>"
    ).encode()


def atom(entries: list[dict[str, str]]) -> bytes:
    """Return an Atom document (title, link, content, updated)."""
    body = "".join(
        f'<entry><title>{e["title"]}</title><link href="{e["link"]}"/><id>{e["link"]}</id>'
        f'<updated>{e.get("updated", "2024-04-02T09:00:00Z")}</updated><content type="html"><![CDATA[{e["content"]}]]></content></entry>'
        for e in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        f"<id>urn:a</id><updated>2024-04-02T09:00:00Z</updated>{body}</feed>"
    ).encode()


def article_page(title: str, date: str, paragraphs: list[str]) -> bytes:
    """Return a news article page with navigation and footer chrome around the text."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title} | Desk</title><meta property='article:published_time' content='{date}'>"
        f"</head><body><nav><a href='/'>Home</a> | <a href='/news/'>News</a></nav><article><h1>{title}</h1>{body}"
        "</article><footer>Copyright Desk 2024. All rights reserved.</footer></body></html>"
    ).encode()
