"""Sources added at run time (from the chat, or an OPML file), kept in the database beside config.yaml's."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence

from corpus.database import now_iso
from corpus.discover import web_url
from corpus.errors import SourceError
from corpus.loaders import SourceConfig
from corpus.store import Store

log = logging.getLogger(__name__)


class AddedSources:
    """The added_sources table: sources an admin added, by name."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[SourceConfig]:
        """Return the added sources, oldest first."""
        with self.store.transaction() as tx:
            rows = tx.execute(
                "SELECT name, type, url, options, priority, owner FROM added_sources ORDER BY added, name"
            )
            found = rows.fetchall()
        out = []
        for name, kind, url, options, priority, owner in found:
            data = {
                "name": name,
                "type": kind,
                "url": url,
                "priority": priority,
                **json.loads(options),
                "trusted": False,  # a source added at run time never speaks with config.yaml's authority
            }
            source = SourceConfig.from_flat(data)
            out.append(dataclasses.replace(source, owner=owner) if owner is not None else source)
        return out

    def beside(self, configured: Sequence[SourceConfig]) -> list[SourceConfig]:
        """Return the configured sources, then the added ones. An added source whose name the configured
        ones took since is renamed (NAME-added, logged), never hidden."""
        names = {s.name for s in configured}
        stored = self.all()
        taken = names | {s.name for s in stored}
        added = []
        for source in stored:
            if source.name in names:
                base, name, n = f"{source.name}-added", f"{source.name}-added", 2
                while name in taken:
                    name, n = f"{base}-{n}", n + 1
                log.warning(
                    "added source %s renamed %s: config.yaml has a source of that name", source.name, name
                )
                self.rename(source.name, name)
                source = dataclasses.replace(source, name=name)
                taken.add(name)
            added.append(source)
        return [*configured, *added]

    def add(self, source: SourceConfig, *, taken: Sequence[str] = ()) -> None:
        """Store a URL source; a name already used (here or in `taken`) or a URL that is not http(s) is a
        SourceError."""
        self.add_many([source], taken=taken)

    def add_many(self, sources: Sequence[SourceConfig], *, taken: Sequence[str] = ()) -> None:
        """Store URL sources in one transaction (all or none), each checked as add() does."""
        rows = []
        for source in sources:
            if not source.url or source.local:
                raise SourceError(f"source {source.name!r}: only URL sources can be added")
            web_url(source.url)
            if source.name in taken:
                raise SourceError(f"a source named {source.name!r} is in config.yaml already")
            options = json.dumps(dataclasses.asdict(source.options))
            rows.append(
                (source.name, source.type, source.url, options, source.priority, now_iso(), source.owner)
            )
        with self.store.transaction() as tx:
            for row in rows:
                if tx.execute("SELECT 1 FROM added_sources WHERE name=?", (row[0],)).fetchone():
                    raise SourceError(f"a source named {row[0]!r} exists already")
                tx.execute(
                    "INSERT INTO added_sources (name, type, url, options, priority, added, owner) "
                    "VALUES (?,?,?,?,?,?,?)",
                    row,
                )

    def rename(self, old: str, new: str) -> None:
        """Give an added source another name (its articles keep theirs)."""
        with self.store.transaction() as tx:
            tx.execute("UPDATE added_sources SET name=? WHERE name=?", (new, old))

    def remove(self, name: str) -> bool:
        """Remove an added source (its articles stay); return False if there was none by that name."""
        with self.store.transaction() as tx:
            return tx.execute("DELETE FROM added_sources WHERE name=?", (name,)).rowcount == 1
