"""What the tablet shows, pushed from the engine to every open tablet page.

The view is plain data (screen id, language, labels, subtitles, "what I heard", the
listening/thinking/speaking indicator and screen data). Each change bumps the version;
pages follow it through server-sent events or polling, and a reloaded page resumes the
current state at once.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from dialogue.content.language_pack import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class TabletView:
    screen: str = "welcome"
    lang: str = DEFAULT_LANGUAGE
    subtitle: str = ""  # what Elvie is saying / said last
    heard: str = ""  # what Elvie understood the visitor to say (to see and correct)
    heard_source: str = ""  # "speech" or "typed"
    indicator: str = "idle"  # idle | listening | thinking | speaking
    data: dict[str, Any] = field(default_factory=dict)
    session: str = ""  # changes with every new visitor
    warning: str = ""  # e.g. the idle time-out warning
    version: int = 0
    updated: float = 0.0


class TabletState:
    def __init__(self, lang: str = DEFAULT_LANGUAGE):
        self.view = TabletView(lang=lang)
        self._changed = asyncio.Event()
        self._waiters: set[asyncio.Future] = set()

    def update(self, **changes: Any) -> TabletView:
        self.view = replace(self.view, version=self.view.version + 1, updated=time.time(), **changes)
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.set_result(self.view)
        self._waiters.clear()
        return self.view

    def reset(self, lang: str, session: str) -> TabletView:
        return self.update(screen="welcome", lang=lang, subtitle="", heard="", heard_source="", indicator="idle",
                           data={}, session=session, warning="")

    async def changed_after(self, version: int, timeout: float) -> TabletView:
        """Wait until the view is newer than `version` (or the timeout passes)."""
        if self.view.version > version:
            return self.view
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except asyncio.TimeoutError:
            return self.view
        finally:
            self._waiters.discard(waiter)

    def as_dict(self, labels: dict[str, str]) -> dict[str, Any]:
        data = asdict(self.view)
        data["labels"] = labels
        return data
