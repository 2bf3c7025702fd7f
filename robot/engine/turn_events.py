"""A turn's stages and what happens in them, as typed events (in the manner of Home Assistant's assist
pipeline): each has a type, the stage, the milliseconds since the turn began, and a little data.

A turn runs its stages one way, in this order: language (what the input says, in which language),
dialogue (Rasa's answer), perform (tablet and body), listen (what Elvie expects next). A stage that
fails raises its own error type; the engine records it and the visitor is never left without an answer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Stage(str, Enum):
    LANGUAGE = "language"
    DIALOGUE = "dialogue"
    PERFORM = "perform"
    LISTEN = "listen"


class TurnEventType(str, Enum):
    TURN_START = "turn-start"
    STAGE_START = "stage-start"
    STAGE_END = "stage-end"
    MEANWHILE = "meanwhile"  # "one moment" while the dialogue's answer is slow
    FIRST_WORD = "first-word"
    ERROR = "error"
    TURN_END = "turn-end"


@dataclass(frozen=True)
class TurnEvent:
    type: TurnEventType
    turn: int
    ms: float  # since the turn began
    stage: Stage | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type.value, "turn": self.turn, "ms": round(self.ms, 1),
                **({"stage": self.stage.value} if self.stage else {}), **self.data}


class StageError(Exception):
    """A stage could not do its work; `code` is what the turn result reports."""

    stage: Stage
    code: str = "error"


class DialogueStageError(StageError):
    stage = Stage.DIALOGUE
    code = "dialogue_unavailable"


class PerformStageError(StageError):
    stage = Stage.PERFORM
    code = "perform_failed"


class ListenStageError(StageError):
    stage = Stage.LISTEN
    code = "listen_failed"
