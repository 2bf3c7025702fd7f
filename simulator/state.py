"""The virtual Pepper's observable state: what it said, how it moved, what it shows.

Services update it; the desktop UI and tests read it. Every change bumps `version` and
notifies listeners (the UI's event stream), so nothing has to poll.
"""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable


@dataclass
class Spoken:
    text: str  # the plain text, annotations removed
    raw: str  # as sent (ALAnimatedSpeech may carry ^start(...) animation tags)
    language: str
    service: str  # ALTextToSpeech or ALAnimatedSpeech
    gestures: list[str]
    started: float
    ended: float | None = None


@dataclass
class RobotState:
    posture: str = "Crouch"
    awake: bool = False
    autonomous_life: str = "solitary"
    tracking_mode: str = "BodyRotation"
    engagement_mode: str = "Unengaged"
    awareness_enabled: bool = True
    head: dict[str, float] = field(default_factory=lambda: {"HeadYaw": 0.0, "HeadPitch": 0.0})
    arms: dict[str, float] = field(default_factory=dict)
    leds: dict[str, str] = field(default_factory=dict)  # group -> "#rrggbb"
    joints: dict[str, float] = field(default_factory=dict)  # every joint's angle now (rad)
    base_pose: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # x, y (m), theta (rad), world frame
    base_moving: bool = False
    posture_target: str | None = None
    abilities: dict[str, bool] = field(default_factory=lambda: {
        "AutonomousBlinking": True, "BackgroundMovement": True, "BasicAwareness": True,
        "ListeningMovement": True, "SpeakingMovement": True})
    people: list[dict[str, Any]] = field(default_factory=list)  # id, position [x, y, z], distance
    battery: int = 100
    tablet: dict[str, Any] = field(default_factory=dict)  # mode (webview/image/video), url, image, dialog, ...
    recognition: dict[str, Any] = field(default_factory=dict)  # ALSpeechRecognition: language, vocabulary, last
    tablet_url: str | None = None
    tablet_visible: bool = False
    tts_language: str = "English"
    volume: float = 0.6
    speaking: bool = False
    current_gesture: str | None = None
    spoken: list[Spoken] = field(default_factory=list)
    gestures: list[str] = field(default_factory=list)  # every animation started, in order
    base_moves: list[dict[str, Any]] = field(default_factory=list)  # must stay empty
    motion_commands: list[str] = field(default_factory=list)
    audio_subscribers: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # ALMemory events raised (last 200)
    log: list[dict[str, Any]] = field(default_factory=list)  # conversation log for the UI (last 200)


class StateStore:
    """Thread-safe holder of RobotState with change notification."""

    def __init__(self) -> None:
        self._state = RobotState()
        self._lock = threading.RLock()
        self._listeners: list[Callable[[int], None]] = []
        self.version = 0

    def update(self, change: Callable[[RobotState], Any]) -> Any:
        with self._lock:
            result = change(self._state)
            self.version += 1
            version = self.version
        for listener in list(self._listeners):
            try:
                listener(version)
            except Exception:  # noqa: BLE001 - a UI listener must never break the robot
                pass
        return result

    def read(self, reader: Callable[[RobotState], Any]) -> Any:
        with self._lock:
            return reader(self._state)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            data = asdict(self._state)
            data["version"] = self.version
            data["time"] = time.time()
        return data

    def listen(self, listener: Callable[[int], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None


def append_bounded(items: list, item: Any, limit: int = 200) -> None:
    items.append(item)
    if len(items) > limit:
        del items[: len(items) - limit]
