"""Serving until Ctrl-C or SIGTERM: the shared tail of every long-running `elvie` command."""
from __future__ import annotations

import asyncio
import signal


async def wait_for_stop() -> None:
    """Return when the process is asked to stop (SIGINT / SIGTERM)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
