"""The log filter masks registered values (visitors' names, the tablet key) also inside tracebacks."""
from __future__ import annotations

import io
import logging

from core.logs import RedactingFilter, forget_sensitive, register_sensitive


def test_a_traceback_quoting_a_name_or_the_key_is_masked():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        register_sensitive(["Emily Clarke", "k3y-Of-This-Start"])
        try:
            raise ValueError("no appointment for Emily Clarke with k3y-Of-This-Start")
        except ValueError:
            logger.exception("touch for %s failed", "Emily Clarke")
    finally:
        logger.removeHandler(handler)
        forget_sensitive()
    written = stream.getvalue()
    assert "Traceback" in written and "ValueError" in written  # still useful to a developer
    assert "Emily" not in written and "k3y-Of-This-Start" not in written
    assert "ValueError: no appointment for [redacted] with [redacted]" in written
