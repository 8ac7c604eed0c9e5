"""Errors raised by the bot package (the application layer: config, CLI, Telegram).

Hierarchy::

    BotError                base of everything raised here
    ├── ConfigError         config.yaml is missing, malformed, or has an unknown or mistyped key
    ├── UsageError          a command was called wrongly (a missing question, an unreadable questions file)
    └── TokenError          TELEGRAM_BOT_TOKEN is missing or malformed

Errors of the packages below (corpus.CorpusError, index.NewsIndexError) pass through unchanged.
"""

from __future__ import annotations


class BotError(Exception):
    """Base class for bot errors."""


class ConfigError(BotError):
    """The configuration cannot be used; the message names the key."""


class TokenError(BotError):
    """The bot token is missing or malformed."""


class UsageError(BotError):
    """A command was called wrongly; the message says how to call it."""
