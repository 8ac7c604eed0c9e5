"""Sources beside config.yaml: added by admins (/addsource, `newsbot sources add`) or from an OPML file,
kept in the database; listed, removed and exported as OPML. Thin over corpus.registry and corpus.discover."""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import UsageError
from corpus import SourceConfig, SourceError, discover, read_opml, write_opml
from corpus.canonical import host_of
from corpus.discover import web_url

if TYPE_CHECKING:
    from bot.core.services import Newsbot

_SLUG = re.compile(r"[^a-z0-9.-]+")


def _name_for(title: str, url: str, taken: set[str]) -> str:
    """Return a source name from a title (else the URL's host), made unique with -2, -3… and added to taken."""
    base = (
        _SLUG.sub("-", title.lower()).strip("-")[:40] or _SLUG.sub("-", host_of(url)).strip("-") or "source"
    )
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def add_url(app: Newsbot, url: str, name: str | None = None, *, owner: int | None = None) -> SourceConfig:
    """Find the feed of a URL (the feed itself, the one a page announces, or the page as a listing of
    article links) and add it as a source named after its own title ("desk-news", then "desk-news-2"),
    else its host; `owner`: the user whose own feed it is (its news reaches them only)."""
    found = discover(app.fetcher, url)
    sources = app.all_sources()
    if any(s.url == found.url for s in sources):
        raise SourceError(f"{found.url} is a source already")
    fields = {
        "name": name or _name_for(found.title, found.url, {s.name for s in sources}),
        "type": found.kind,
    }
    pattern = {"link_pattern": found.pattern} if found.kind == "listing" else {}
    source = dataclasses.replace(SourceConfig.from_flat({**fields, "url": found.url, **pattern}), owner=owner)
    app.added_sources.add(source, taken=[s.name for s in app.config.sources])
    return source


def import_opml(
    app: Newsbot, path: Path, *, progress: Callable[[int, int], None] | None = None
) -> tuple[list[str], list[str]]:
    """Add every feed of an OPML file that is not a source yet (import_opml_text)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    return import_opml_text(app, text, progress=progress, name=str(path))


def import_opml_text(
    app: Newsbot, text: str, *, progress: Callable[[int, int], None] | None = None, name: str = "the file"
) -> tuple[list[str], list[str]]:
    """Add every feed of an OPML document that is not a source yet, in one transaction; return (added
    names, why each other outline was skipped). More outlines than ingest.max_import_sources is a
    UsageError; a document that is not OPML a SourceError."""
    feeds = read_opml(text)
    cap = app.config.ingest.max_import_sources
    if len(feeds) > cap:
        raise UsageError(
            f"{name} lists {len(feeds)} feeds, over the limit of {cap} (ingest.max_import_sources)"
        )
    sources = app.all_sources()
    known = {s.url for s in sources}
    taken = {s.name for s in sources}
    new, skipped = [], []
    for done, (title, url, kind) in enumerate(feeds, 1):
        if url in known:
            skipped.append(f"{url}: a source already")
        else:
            try:
                web_url(url)
            except SourceError as exc:
                skipped.append(str(exc))
            else:
                known.add(url)
                new.append(SourceConfig(name=_name_for(title, url, taken), type=kind, url=url))
        if progress is not None:
            progress(done, len(feeds))
    app.added_sources.add_many(new, taken=[s.name for s in app.config.sources])
    return [s.name for s in new], skipped


def export_opml(app: Newsbot) -> str:
    """Return the feed sources (config.yaml's and the added ones) as OPML."""
    feeds = [
        s for s in app.all_sources() if s.type in ("feed", "jsonfeed") and s.owner is None
    ]  # not users' own
    return write_opml([(s.name, s.type, s.url) for s in feeds])


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
        from tqdm import tqdm

        with tqdm(desc="importing", unit="outline", disable=None) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            added, skipped = import_opml(app, Path(args.target), progress=progress)
        print(f"imported {len(added)} feed(s), skipped {len(skipped)}")
        for reason in skipped[:20]:
            print(f"  skipped {reason}")
    else:
        sys.stdout.write(export_opml(app))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `newsbot sources [list | add URL | remove NAME | import FILE.opml | export]`."""
    p = sub.add_parser("sources", help=cmd_sources.__doc__)
    p.add_argument("action", nargs="?", default="list", choices=["list", "add", "remove", "import", "export"])
    p.add_argument("target", nargs="?", help="a URL (add), a name (remove) or an OPML file (import)")
    p.set_defaults(func=cmd_sources)
