"""Background work the engine owns: every task is kept, its failure logged, and all of it cancelled and
awaited on stop (nothing fire-and-forget outlives the engine)."""
from __future__ import annotations

import asyncio
import logging
from typing import Coroutine

log = logging.getLogger(__name__)


class OwnedTasks:
    def __init__(self) -> None:
        self._running: set[asyncio.Task] = set()
        self._watched: list[asyncio.Task] = []  # long-lived ones (the idle watch): their end means trouble

    def spawn(self, work: Coroutine, name: str, long_lived: bool = False) -> asyncio.Task:
        task = asyncio.create_task(work, name=name)
        self._running.add(task)
        task.add_done_callback(self._finished)
        if long_lived:
            self._watched.append(task)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed: %r", task.get_name(), task.exception())

    def named(self, name: str) -> asyncio.Task | None:
        return next((task for task in [*self._watched, *self._running] if task.get_name() == name), None)

    def ended_long_lived(self) -> asyncio.Task | None:
        """A long-lived task that is no longer running (the engine is not whole without it)."""
        return next((task for task in self._watched if task.done()), None)

    async def close(self) -> None:
        tasks = list(self._running) + [t for t in self._watched if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._running.clear()
        self._watched.clear()
