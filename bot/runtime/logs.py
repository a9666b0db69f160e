"""Logging for `gigbot run`: one format, secrets redacted, noisy libraries kept quiet.

Hazard: httpx logs every request URL at INFO, and the Bot API URL contains the token
(`.../bot<token>/sendMessage`); PTB at DEBUG logs request parameters and whole updates,
and aiosqlite every statement's parameters: all carry users' texts. They are held at a
level where they say neither.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"
# A token's shape, for tokens that are not ours (a misconfigured URL, a pasted log line).
_TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
# Third-party loggers and the lowest level they may speak at.
_QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    "telegram": logging.INFO,
    "apscheduler": logging.WARNING,
    "tornado": logging.WARNING,
    # aiosqlite at DEBUG prints every statement with its parameters (users' answers).
    "aiosqlite": logging.INFO,
}


class Redactor(logging.Filter):
    """Replace secrets (the token, the webhook secret) in messages and tracebacks."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """The text with every secret replaced by <redacted>."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self.scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True


def setup_logging(level: str, secrets: Iterable[str | None]) -> logging.Handler:
    """Log to stderr at `level`, with secrets redacted; return the handler."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    numeric = logging.getLevelName(level)
    root.setLevel(numeric)
    for name, floor in _QUIET.items():
        logging.getLogger(name).setLevel(max(numeric, floor))
    return handler
