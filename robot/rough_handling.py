"""Notice rough handling from the robot's touch sensors.

Pepper's tactile sensors only report touched / released, so "force" is read from what
rough handling looks like: many touches in a short time (a child slapping the head or
hands), any bumper hit (the base is at knee height: kicks and pushes), and several bumpers
at once (being pushed). A gentle pat on the head is not rough.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

BUMPERS = ("LeftBumperPressed", "RightBumperPressed", "BackBumperPressed")


@dataclass(frozen=True)
class RoughHandlingSettings:
    window_s: float = 3.0  # touches counted within this window ...
    max_touches: int = 4  # ... more than this many is rough
    push_window_s: float = 0.5  # two different bumpers within this time: being pushed


class RoughHandlingDetector:
    def __init__(self, settings: RoughHandlingSettings = RoughHandlingSettings()):
        self.settings = settings
        self._touches: deque[float] = deque()
        self._bumpers: deque[tuple[float, str]] = deque()

    def touched(self, sensor: str, t: float) -> str | None:
        """Register a press (value 1.0) of `sensor` at monotonic time t; return a reason if it is rough."""
        s = self.settings
        if sensor in BUMPERS:
            self._bumpers.append((t, sensor))
            while self._bumpers and t - self._bumpers[0][0] > s.push_window_s:
                self._bumpers.popleft()
            if len({name for _, name in self._bumpers}) >= 2:
                self._bumpers.clear()
                return "pushed"
            return "bumper"
        self._touches.append(t)
        while self._touches and t - self._touches[0] > s.window_s:
            self._touches.popleft()
        if len(self._touches) > s.max_touches:
            self._touches.clear()
            return "many_touches"
        return None
