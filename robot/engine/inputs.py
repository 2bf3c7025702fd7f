"""What can start a turn, and what a turn produced.

Every way a visitor reaches Elvie — speech, typing, a tablet tap, a sensor — becomes one of
these inputs; the engine handles them one at a time and returns a TurnResult (the data
`elvie converse --json` prints).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from robot.events import VisitorEvent


@dataclass(frozen=True)
class TextInput:
    text: str
    source: str = "typed"  # "speech" | "typed"
    lang: str | None = None  # known from speech language identification
    confidence: float | None = None
    intent: str | None = None  # set when speech matched an expected phrase
    entities: dict[str, Any] = field(default_factory=dict)
    ended_at: float | None = None  # monotonic time the visitor stopped speaking
    timings_ms: dict[str, float] = field(default_factory=dict)  # recognition stages (speech only)
    # speech only: each recognition source's view of the language (robot/language_policy.py decides)
    language_votes: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class TouchInput:
    button: str
    value: str | None = None


@dataclass(frozen=True)
class SensorInput:
    event: VisitorEvent


@dataclass(frozen=True)
class NotHeardInput:
    reason: str  # "too_quiet" | "no_words"


Input = TextInput | TouchInput | SensorInput | NotHeardInput


@dataclass
class TurnResult:
    turn: int
    input: str  # "say" | "touch" | "sensor" | "audio" | "not_heard"
    lang: str
    intent: str | None = None
    confidence: float | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    say: list[str] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)
    screen: str | None = None
    gestures: list[str] = field(default_factory=list)
    qmatic: list[dict[str, Any]] = field(default_factory=list)
    ticket: str | None = None
    handover: bool = False
    heard: str | None = None
    session_ended: bool = False
    error: str | None = None
    # What Elvie said while the answer was slow in coming ("one moment, I'm looking it up"): apart from
    # `say`/`responses`, which are the answer itself, since whether it is needed depends on timing.
    meanwhile: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # the turn's stage events (robot/engine/turn_events.py)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
