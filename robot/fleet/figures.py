"""What the fleet status page and /metrics show of each robot: counts and states, never visitor data.

Each robot's engine reports every TurnResult here (a turn listener); only the kind of turn, whether it
checked someone in, handed over, was not understood or failed, and how long it took are kept. Counts are
"today's" on the deployment's wall clock (an injectable clock: tests turn the day over without waiting).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

NOT_UNDERSTOOD_INTENTS = ("nlu_fallback", "out_of_scope")
LATENCY_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class DayCounts:
    day: date
    conversations: int = 0
    check_ins: int = 0
    handovers: int = 0
    not_understood: int = 0
    errors: int = 0
    turns: int = 0


@dataclass
class RobotFigures:
    """One robot's figures; written from its engine's loop, read by the status page and /metrics."""

    robot_id: str
    location: str
    now: Callable[[], datetime] = datetime.now
    today: DayCounts = field(init=False)
    restarts: int = 0
    connected: bool = False
    running: bool = False
    battery_percent: int | None = None
    state: str = "starting"  # idle | in conversation | handover | starting | restarting
    latencies: list[tuple[str, float]] = field(default_factory=list)  # (turn kind, seconds), drained by /metrics
    _conversation: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.today = DayCounts(self.now().date())

    def _counts(self) -> DayCounts:
        day = self.now().date()
        if day != self.today.day:
            self.today = DayCounts(day)
        return self.today

    def record(self, result, conversation_id: str) -> None:
        """One turn's outcome (a TurnResult); the conversation id only tells a new conversation apart."""
        with self._lock:
            counts = self._counts()
            counts.turns += 1
            if result.input in ("say", "touch", "audio") and conversation_id != self._conversation:
                self._conversation = conversation_id
                counts.conversations += 1
            if result.ticket:
                counts.check_ins += 1
            if result.handover:
                counts.handovers += 1
            if result.input == "not_heard" or result.intent in NOT_UNDERSTOOD_INTENTS:
                counts.not_understood += 1
            if result.error:
                counts.errors += 1
            total_ms = result.timings_ms.get("total")
            if total_ms is not None and result.input in ("say", "touch", "audio"):
                self.latencies.append((result.input, total_ms / 1000))
                del self.latencies[:-10000]

    def error(self) -> None:
        """A fault outside a turn (the engine crashed, its robot could not be reached)."""
        with self._lock:
            self._counts().errors += 1

    def snapshot(self) -> dict:
        with self._lock:
            counts = self._counts()
            return {"robot": self.robot_id, "location": self.location, "connected": self.connected,
                    "running": self.running, "battery_percent": self.battery_percent, "state": self.state,
                    "restarts": self.restarts, "day": counts.day.isoformat(),
                    "conversations": counts.conversations, "check_ins": counts.check_ins,
                    "handovers": counts.handovers, "not_understood": counts.not_understood,
                    "errors": counts.errors, "turns": counts.turns}

    def take_latencies(self) -> list[tuple[str, float]]:
        with self._lock:
            taken, self.latencies = self.latencies, []
            return taken


def monotonic_age(since: float) -> float:
    return time.monotonic() - since
