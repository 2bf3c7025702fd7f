"""Small typed events at the boundaries between senses, engine, dialogue and body."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class VisitorEvent:
    """Something the robot noticed: a touch, a person, rough handling, typed text, connection changes.

    kind: "touch" (payload: sensor), "rough_handling" (reason), "person_arrived", "person_left",
    "typed_text" (text), "robot_connected", "robot_lost", "life_state" (state).
    """

    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    t: float = field(default_factory=time.monotonic)
