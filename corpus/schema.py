"""The corpus tables (articles, source_state) as versioned migrations, for SQLite and PostgreSQL."""

from __future__ import annotations

from corpus.database import Migration

COMPONENT = "corpus"
TABLES = ("articles", "source_state", "added_sources")  # what `newsbot migrate` copies
MIGRATIONS = [
    Migration(
        1,
        """
        CREATE TABLE IF NOT EXISTS articles (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            source TEXT NOT NULL,
            url TEXT NOT NULL DEFAULT '',
            published TEXT,
            hash TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            updated TEXT NOT NULL,
            body_hash TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
        CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
        CREATE INDEX IF NOT EXISTS articles_body_hash ON articles(body_hash);
        CREATE TABLE IF NOT EXISTS source_state (
            name TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            last_success TEXT,
            last_attempt TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt TEXT
        )
        """,
    ),
    Migration(
        2,
        """
        CREATE TABLE IF NOT EXISTS added_sources (
            name TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            url TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            priority INTEGER NOT NULL DEFAULT 0,
            added TEXT NOT NULL
        )
        """,
    ),  # sources added from the chat (/addsource) or an OPML file, beside those in config.yaml
    Migration(3, "ALTER TABLE articles ADD COLUMN image TEXT NOT NULL DEFAULT ''"),  # lead images for alerts
    Migration(4, "ALTER TABLE added_sources ADD COLUMN owner BIGINT"),  # a user's own feed (NULL: everyone's)
]
