"""Per-chat settings (/settings): time zone, link previews, and the hour of the daily digest."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import NamedTuple

from corpus import Store


class ChatSettings(NamedTuple):
    """One chat's choices (defaults where it made none)."""

    digest: bool = False
    tz: str = "UTC"
    previews: bool = False
    digest_hour: int | None = None  # local hour; None: telegram.digest_hour


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the IANA time zone called name; ValueError names it (shortened) when it is not one of the
    zones the system or tzdata lists, so a folder ("Europe") or an over-long name never reaches the files."""
    if name not in _zones():
        shown = name if len(name) <= 40 else name[:40] + "…"
        raise ValueError(f"unknown time zone {shown!r} (an IANA name such as Europe/Sofia)")
    return zoneinfo.ZoneInfo(name)


class Settings:
    """The chat_settings table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, chat_id: int) -> ChatSettings:
        """Return a chat's settings."""
        with self.store.transaction() as tx:
            row = tx.execute(
                "SELECT digest, tz, previews, digest_hour FROM chat_settings WHERE chat_id=?", (chat_id,)
            ).fetchone()
        return ChatSettings(bool(row[0]), row[1], bool(row[2]), row[3]) if row else ChatSettings()

    def update(
        self,
        chat_id: int,
        *,
        tz: str | None = None,
        digest_hour: int | None = None,
    ) -> ChatSettings:
        """Set a chat's time zone or digest hour (previews: toggle_previews; the digest switch:
        Outbox.set_digest); return all its settings."""
        if tz is not None:
            zone(tz)
        if digest_hour is not None and not 0 <= digest_hour <= 23:
            raise ValueError("the digest hour is between 0 and 23")
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO chat_settings (chat_id) VALUES (?) ON CONFLICT DO NOTHING", (chat_id,))
            for column, value in (("tz", tz), ("digest_hour", digest_hour)):
                if value is not None:
                    tx.execute(f"UPDATE chat_settings SET {column}=? WHERE chat_id=?", (value, chat_id))
        return self.get(chat_id)

    def shift_hour(self, chat_id: int, delta: int, default_hour: int) -> None:
        """Move a chat's digest hour by delta, wrapping around midnight (one statement: presses in a row add up)."""
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO chat_settings (chat_id) VALUES (?) ON CONFLICT DO NOTHING", (chat_id,))
            tx.execute(
                "UPDATE chat_settings SET digest_hour = (COALESCE(digest_hour, ?) + ? + 24) % 24 WHERE chat_id=?",
                (default_hour, delta, chat_id),
            )

    def toggle_previews(self, chat_id: int) -> None:
        """Turn a chat's link previews on or off (one statement)."""
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO chat_settings (chat_id) VALUES (?) ON CONFLICT DO NOTHING", (chat_id,))
            tx.execute("UPDATE chat_settings SET previews = 1 - previews WHERE chat_id=?", (chat_id,))

    def due(self, chats: list[int], now: dt.datetime, default_hour: int) -> list[int]:
        """Return those chats whose local digest hour is now's hour in their time zone."""
        out = []
        for chat_id in chats:
            s = self.get(chat_id)
            local = now.astimezone(zone(s.tz))
            if local.hour == (default_hour if s.digest_hour is None else s.digest_hour):
                out.append(chat_id)
        return out
