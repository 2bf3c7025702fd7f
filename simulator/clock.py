"""Time for the virtual Pepper: the real clock, or a fake one tests advance by hand.

Everything that takes time on the robot (speech, joint interpolation, base moves, battery drain)
reads `now()` and waits with `sleep()`, so a test can run a 4-second `angleInterpolation` by
advancing a FakeClock instead of sleeping.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float, interrupt: threading.Event | None = None) -> bool:
        """Wait `seconds` of this clock's time; True if `interrupt` was set first."""
        ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, interrupt: threading.Event | None = None) -> bool:
        if interrupt is None:
            time.sleep(max(0.0, seconds))
            return False
        return interrupt.wait(max(0.0, seconds))


class FakeClock:
    """A clock that only moves when `advance()` is called; sleepers wake when their time comes."""

    def __init__(self, start: float = 1000.0):
        self._now = start
        self._changed = threading.Condition()
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        with self._changed:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._changed:
            self._now += seconds
            self._changed.notify_all()
        for listener in list(self._listeners):
            listener()

    def on_advance(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def sleepers_wake(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def sleep(self, seconds: float, interrupt: threading.Event | None = None) -> bool:
        with self._changed:
            until = self._now + max(0.0, seconds)
            while self._now < until:
                if interrupt is not None and interrupt.is_set():
                    return True
                self._changed.wait(0.01)
        return bool(interrupt is not None and interrupt.is_set())


class ScaledClock:
    """Real time running `factor` times faster: a 20-second head scan takes a second."""

    def __init__(self, factor: float):
        self.factor = float(factor)
        self._origin = time.monotonic()

    def now(self) -> float:
        return self._origin + (time.monotonic() - self._origin) * self.factor

    def sleep(self, seconds: float, interrupt: threading.Event | None = None) -> bool:
        real = max(0.0, seconds) / self.factor
        if interrupt is None:
            time.sleep(real)
            return False
        return interrupt.wait(real)
