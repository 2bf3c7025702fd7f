"""Serving until Ctrl-C or SIGTERM: the shared tail of every long-running `elvie` command
(`stop = stop_requested()`, announce readiness, `await stop.wait()`)."""
from __future__ import annotations

import asyncio
import signal


def stop_requested() -> asyncio.Event:
    """An event set when the process is asked to stop (SIGINT / SIGTERM).

    Call it before announcing that the service is ready: a Ctrl-C right after the announcement then
    stops it cleanly instead of interrupting whatever runs at that moment."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop

