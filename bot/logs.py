"""Logging set-up: plain or JSON lines on stderr, with secrets redacted from every record."""

from __future__ import annotations

import json
import logging
import sys
import time

QUIET = ("httpx", "sentence_transformers", "transformers", "faiss", "bm25s", "apscheduler", "aiohttp.access")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (and the exception, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class Redact(logging.Filter):
    """Replaces a secret (the bot token) in every record, exception text included."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "[REDACTED]"), None
        if record.exc_info and record.exc_info[1] is not None and self.secret in str(record.exc_info[1]):
            text = logging.Formatter().formatException(record.exc_info).replace(self.secret, "[REDACTED]")
            record.msg = f"{record.msg}\n{text}"
            record.exc_info, record.exc_text = None, None
        return True


def setup(level: str, fmt: str) -> None:
    """Send logs to stderr in the chosen format; quiet chatty libraries."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def redact(secret: str) -> None:
    """Redact `secret` from everything any root handler writes from now on."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, Redact) and f.secret == secret for f in handler.filters):
            handler.addFilter(Redact(secret))


class DropRaised(logging.Filter):
    """Drops records carrying one of these exceptions: the caller reports them itself, in one line."""

    def __init__(self, *kinds: type[BaseException]) -> None:
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], self.kinds))


def drop_raised(*kinds: type[BaseException]) -> None:
    """Keep records of these exceptions (and their tracebacks) out of every root handler."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(DropRaised(*kinds))
