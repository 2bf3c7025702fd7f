"""The body as the engine calls it: typed, off the event loop, and never raising. A robot fault is
logged and the call reports False; the tablet keeps working until the robot is back."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

from robot.naoqi.connection import RobotUnavailable

from .ports import Body

log = logging.getLogger(__name__)


class SafeBody:
    def __init__(self, body: Body | None):
        self.body = body

    async def _call(self, name: str, method: Callable[..., Any] | None, *args) -> Any:
        if method is None:
            return False
        try:
            return await asyncio.to_thread(method, *args)
        except (RobotUnavailable, RuntimeError) as exc:
            log.warning("robot %s failed: %s", name, exc)
            return False

    async def engage(self, engaged: bool) -> None:
        await self._call("engage", self.body and self.body.engage, engaged)

    async def eyes(self, mode: str) -> None:
        await self._call("eyes", self.body and self.body.eyes, mode)

    async def speak(self, text: str, lang: str, gesture: str | None) -> bool:
        """True when it was said."""
        return await self._call("speak", self.body and self.body.speak, text, lang, gesture) is not False

    async def stop_speaking(self) -> None:
        await self._call("stop_speaking", self.body and self.body.stop_speaking)

    async def publish(self, key: str, value: Any) -> None:
        await self._call("publish", self.body and self.body.publish, key, value)
