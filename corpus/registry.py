"""Sources added at run time (from the chat, or an OPML file), kept in the database beside config.yaml's."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from corpus.database import now_iso
from corpus.errors import SourceError
from corpus.loaders import SourceConfig
from corpus.store import Store


class AddedSources:
    """The added_sources table: sources an admin added, by name."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[SourceConfig]:
        """Return the added sources, oldest first."""
        with self.store.transaction() as tx:
            rows = tx.execute(
                "SELECT name, type, url, options, priority FROM added_sources ORDER BY added, name"
            )
            found = rows.fetchall()
        out = []
        for name, kind, url, options, priority in found:
            data = {"name": name, "type": kind, "url": url, "priority": priority, **json.loads(options)}
            out.append(SourceConfig.from_flat(data))
        return out

    def add(self, source: SourceConfig, *, taken: Sequence[str] = ()) -> None:
        """Store a URL source; a name already used (here or in `taken`) is a SourceError."""
        if not source.url or source.local:
            raise SourceError(f"source {source.name!r}: only URL sources can be added")
        if source.name in taken:
            raise SourceError(f"a source named {source.name!r} is in config.yaml already")
        options = dataclasses.asdict(source.options)
        with self.store.transaction() as tx:
            if tx.execute("SELECT 1 FROM added_sources WHERE name=?", (source.name,)).fetchone():
                raise SourceError(f"a source named {source.name!r} exists already")
            tx.execute(
                "INSERT INTO added_sources VALUES (?,?,?,?,?,?)",
                (source.name, source.type, source.url, json.dumps(options), source.priority, now_iso()),
            )

    def remove(self, name: str) -> bool:
        """Remove an added source (its articles stay); return False if there was none by that name."""
        with self.store.transaction() as tx:
            return tx.execute("DELETE FROM added_sources WHERE name=?", (name,)).rowcount == 1
