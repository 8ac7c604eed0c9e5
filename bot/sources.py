"""Sources beside config.yaml: added by admins (/addsource, `newsbot sources add`) or from an OPML file,
kept in the database; listed, removed and exported as OPML. Thin over corpus.registry and corpus.discover."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.errors import UsageError
from corpus import SourceConfig, SourceError, discover, read_opml, write_opml

if TYPE_CHECKING:
    from bot.core.services import Newsbot


def _name_for(url: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9.-]+", "-", (urlsplit(url).hostname or "source").lower()).strip("-") or "source"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def add_url(app: Newsbot, url: str, name: str | None = None) -> SourceConfig:
    """Find the feed of a URL (the feed itself, or the one a page announces) and add it as a source."""
    kind, feed = discover(app.fetcher, url)
    taken = {s.name for s in app.all_sources()}
    if any(s.url == feed for s in app.all_sources()):
        raise SourceError(f"{feed} is a source already")
    source = SourceConfig(name=name or _name_for(feed, taken), type=kind, url=feed)
    app.added_sources.add(source, taken=[s.name for s in app.config.sources])
    return source


def import_opml(app: Newsbot, path: Path) -> tuple[list[str], list[str]]:
    """Add every feed of an OPML file that is not a source yet; return (added names, skipped URLs)."""
    try:
        feeds = read_opml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    added, skipped = [], []
    for title, url in feeds:
        known = {s.url for s in app.all_sources()}
        if url in known or not url.startswith(("http://", "https://")):
            skipped.append(url)
            continue
        taken = {s.name for s in app.all_sources()}
        slug = re.sub(r"[^a-z0-9.-]+", "-", title.lower()).strip("-")[:40]
        name = _name_for(url, taken) if not slug or slug in taken else slug
        app.added_sources.add(
            SourceConfig(name=name, type="feed", url=url), taken=[s.name for s in app.config.sources]
        )
        added.append(name)
    return added, skipped


def export_opml(app: Newsbot) -> str:
    """Return the feed sources (config.yaml's and the added ones) as OPML."""
    return write_opml([(s.name, s.type, s.url) for s in app.all_sources() if s.type in ("feed", "jsonfeed")])


def cmd_sources(app: Newsbot, args: argparse.Namespace) -> int:
    """List the sources, or add/remove one, or import/export OPML."""
    if args.action == "list":
        configured = {s.name for s in app.config.sources}
        for s in app.all_sources():
            origin = "config.yaml" if s.name in configured else "added"
            print(f"{s.name}: {s.type} {s.url or s.path} ({origin})")
    elif args.action == "add":
        source = add_url(app, args.target)
        print(f"added {source.name}: {source.type} {source.url}")
    elif args.action == "remove":
        if not app.added_sources.remove(args.target):
            raise UsageError(f"no added source named {args.target!r} (config.yaml's are edited there)")
        print(f"removed {args.target} (its articles stay)")
    elif args.action == "import":
        added, skipped = import_opml(app, Path(args.target))
        print(f"imported {len(added)} feed(s), skipped {len(skipped)} already known or not http(s)")
    else:
        sys.stdout.write(export_opml(app))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `newsbot sources [list | add URL | remove NAME | import FILE.opml | export]`."""
    p = sub.add_parser("sources", help=cmd_sources.__doc__)
    p.add_argument("action", nargs="?", default="list", choices=["list", "add", "remove", "import", "export"])
    p.add_argument("target", nargs="?", help="a URL (add), a name (remove) or an OPML file (import)")
    p.set_defaults(func=cmd_sources)
