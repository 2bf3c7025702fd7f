"""Logging for every Elvie process: one configurable directory, no personal data.

Code must never log visitor names, dates of birth or booking codes. As a second line of
defence, `register_sensitive()` lets the parts that handle such values (the Qmatic client's
callers, the dialogue) announce them; a filter on every handler masks them in log records.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path

DEFAULT_LOG_DIR = "var/log"
_MASK = "[redacted]"
_lock = threading.Lock()
_sensitive: set[str] = set()
_pattern: re.Pattern[str] | None = None


def log_dir() -> Path:
    """The one directory Elvie writes logs to (ELVIE_LOG_DIR, default var/log)."""
    return Path(os.environ.get("ELVIE_LOG_DIR", DEFAULT_LOG_DIR))


def register_sensitive(values) -> None:
    """Mask these strings (names, booking codes, ...) wherever they appear in a log record."""
    global _pattern
    words = {str(v).strip() for v in values if v and len(str(v).strip()) >= 3}
    if not words:
        return
    with _lock:
        _sensitive.update(words)
        ordered = sorted(_sensitive, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(w) for w in ordered), re.IGNORECASE)


def forget_sensitive() -> None:
    global _pattern
    with _lock:
        _sensitive.clear()
        _pattern = None


def redact(text: str) -> str:
    pattern = _pattern
    return pattern.sub(_MASK, text) if pattern else text


class RedactingFilter(logging.Filter):
    """Masks registered values in the message and in an attached traceback (an exception's text may
    quote what it failed on)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _pattern is not None:
            record.msg = redact(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
        return True


def setup_logging(component: str, level: str | None = None, to_console: bool = True) -> Path:
    """Log to <log dir>/<component>.log (and stderr). Returns the log file path."""
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{component}.log"
    root = logging.getLogger()
    root.setLevel(level or os.environ.get("ELVIE_LOG_LEVEL", "INFO"))
    for handler in list(root.handlers):
        root.removeHandler(handler)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.FileHandler(path, encoding="utf-8")]
    if to_console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(fmt)
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    return path
