"""One loaded speech model for every robot: recognition as a bounded pool.

Whisper base takes ~150 MB and a core per recognition; a fleet loads it once. Each robot's ear gets a
`PooledRecogniser`, a stand-in for the shared recogniser whose slow steps (encode, score, transcribe,
language identification) each take one of the pool's `workers` slots. Visitors speaking at two robots
at once are both served, one after the other on this 2-core machine.

Overload never hangs a robot: a step that cannot get a slot within `patience_s` (or finds more than
`waiting` steps queued already) tells its robot, which says "one moment" (once per utterance); a step
still without a slot after `give_up_s` gives up, and its robot tells the visitor it did not understand
(they say it again) rather than stay silent.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)

SLOW_STEPS = ("encode", "score", "transcribe", "language_of")


class RecognitionOverloaded(RuntimeError):
    """No recognition slot came free in time."""


@dataclass
class PoolFigures:
    steps: int = 0
    delayed: int = 0  # steps that waited past patience_s (the robot said "one moment")
    given_up: int = 0
    waiting: int = 0  # now


class RecognitionPool:
    def __init__(self, recogniser, workers: int = 1, waiting: int = 4, patience_s: float = 1.0,
                 give_up_s: float = 20.0):
        self.recogniser = recogniser
        self.workers = max(1, workers)
        self.max_waiting = max(0, waiting)
        self.patience_s = patience_s
        self.give_up_s = max(give_up_s, patience_s)
        self._slots = threading.BoundedSemaphore(self.workers)
        self._lock = threading.Lock()
        self._warmed = False
        self.figures = PoolFigures()

    def for_robot(self, robot_id: str, on_delay: Callable[[], None] = lambda: None,
                  on_give_up: Callable[[], None] = lambda: None) -> "PooledRecogniser":
        return PooledRecogniser(self, robot_id, on_delay, on_give_up)

    def warm_up(self) -> None:
        with self._lock:
            if self._warmed:
                return
            self._warmed = True
        self.recogniser.warm_up()

    def run(self, step: Callable, delayed: Callable[[], None]):
        """Run one slow step in a slot; `delayed()` when the visitor will have to wait."""
        with self._lock:
            self.figures.waiting += 1
            crowded = self.figures.waiting > self.max_waiting + self.workers
        told = False
        try:
            if crowded:
                delayed()
                told = True
            got = self._slots.acquire(timeout=self.patience_s)
            if not got:
                if not told:
                    delayed()
                with self._lock:
                    self.figures.delayed += 1
                got = self._slots.acquire(timeout=self.give_up_s - self.patience_s)
        finally:
            with self._lock:
                self.figures.waiting -= 1
        if not got:
            with self._lock:
                self.figures.given_up += 1
            raise RecognitionOverloaded(f"no recognition slot within {self.give_up_s:.0f} s")
        try:
            with self._lock:
                self.figures.steps += 1
            return step()
        finally:
            self._slots.release()


class PooledRecogniser:
    """What one robot's speech pipeline sees as its recogniser: the shared one, through the pool."""

    def __init__(self, pool: RecognitionPool, robot_id: str, on_delay: Callable[[], None],
                 on_give_up: Callable[[], None], quiet_s: float = 8.0):
        self._pool = pool
        self.robot_id = robot_id
        self._on_delay = on_delay
        self._on_give_up = on_give_up
        self._quiet_s = quiet_s  # "one moment" at most this often (an utterance is several steps)
        self._told_at = -1e9
        self._gave_up_at = -1e9

    def _delayed(self) -> None:
        now = time.monotonic()
        if now - self._told_at < self._quiet_s:
            return
        self._told_at = now
        log.info("recognition busy: robot %s asks its visitor for a moment", self.robot_id)
        try:
            self._on_delay()
        except Exception:  # noqa: BLE001 - saying "one moment" must not break recognition
            log.exception("could not say 'one moment'")

    def warm_up(self) -> None:
        self._pool.warm_up()

    def __getattr__(self, name: str):
        target = getattr(self._pool.recogniser, name)
        if name not in SLOW_STEPS:
            return target

        def pooled(*args, **kwargs):
            try:
                return self._pool.run(lambda: target(*args, **kwargs), self._delayed)
            except RecognitionOverloaded:
                now = time.monotonic()
                if now - self._gave_up_at >= self._quiet_s:  # an utterance's later steps give up too
                    self._gave_up_at = now
                    log.warning("recognition overloaded: robot %s gives up on an utterance", self.robot_id)
                    self._on_give_up()
                raise

        return pooled
