"""What the engine needs from the world, as typed ports: the robot's body, the dialogue, the ear and a clock.

The engine is built from these (robot/app.py wires the real ones: NaoqiBody, RasaClient, Ear, RealClock);
its tests build it from fakes and a fake clock (tests/robot/test_engine_pipeline.py).
"""
from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dialogue.content.model import Content

    from .dialogue_client import ParsedTurn


class Body(Protocol):
    """The robot (or the virtual one). Called off the event loop; may raise RobotUnavailable."""

    def engage(self, engaged: bool) -> None: ...
    def eyes(self, mode: str) -> None: ...  # "idle" | "listening" | "thinking" | "speaking"
    def speak(self, text: str, lang: str, gesture: str | None = None) -> bool | None: ...  # False: not said
    def stop_speaking(self) -> None: ...
    def publish(self, key: str, value: Any) -> None: ...


class Dialogue(Protocol):
    """Rasa, one tracker per conversation id. Raises DialogueUnavailable when it cannot answer."""

    async def send(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]: ...
    async def set_slot(self, sender: str, name: str, value: Any) -> None: ...
    async def parsed_turn(self, sender: str) -> "ParsedTurn": ...
    async def wipe(self, sender: str) -> None: ...


class EarPort(Protocol):
    """The speech pipeline as the engine steers it (robot/engine/ear.py)."""

    def expect(self, expecting: str | None, details: dict | None, lang: str | None,
               content: "Content | None") -> None: ...
    def mute(self) -> None: ...
    def unmute(self, tail_s: float) -> None: ...
    def reset(self) -> None: ...


class Clock(Protocol):
    def monotonic(self) -> float: ...
    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
