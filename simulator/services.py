"""NAOqi-compatible services of the virtual Pepper, with the real method names.

Only what Elvie uses is implemented, with NAOqi's signatures (NAOqi 2.5 docs). Each service
records what it was asked to do in the shared RobotState so tests and the desktop UI can see
it. Behaviour that matters for Elvie is emulated faithfully, including the unwelcome parts:
an Autonomous Life state change resets ALBasicAwareness to its default tracking mode
("BodyRotation"), and a tracked person with a body-moving tracking mode makes the base move.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any, Callable

import qi

from .state import Spoken, StateStore, append_bounded

log = logging.getLogger(__name__)

HEARD_EVENT = "Elvie/Heard"
TOUCH_EVENTS = ("FrontTactilTouched", "MiddleTactilTouched", "RearTactilTouched", "HandLeftBackTouched",
                "HandRightBackTouched", "LeftBumperPressed", "RightBumperPressed", "BackBumperPressed")
PERSON_EVENTS = ("ALBasicAwareness/HumanTracked", "ALBasicAwareness/HumanLost", "EngagementZones/PersonApproached")
TRACKING_MODES = ("Head", "BodyRotation", "WholeBody", "MoveContextually")
BASE_MOVING_TRACKING = ("BodyRotation", "WholeBody", "MoveContextually")
ENGAGEMENT_MODES = ("Unengaged", "FullyEngaged", "SemiEngaged")
LIFE_STATES = ("solitary", "interactive", "disabled", "safeguard")
ANNOTATION = re.compile(r"\^(start|run|wait|stop|mode|call|pCall)\(([^)]*)\)|\\\\?\w+=\w+\\\\?")
SECONDS_PER_WORD = 0.33


def plain_text(annotated: str) -> tuple[str, list[str]]:
    """Strip ALAnimatedSpeech annotations; return the spoken text and the animations started."""
    animations = [m.group(2) for m in ANNOTATION.finditer(annotated) if m.group(1) in ("start", "run")]
    return " ".join(ANNOTATION.sub(" ", annotated).split()), animations


class Subscriber:
    """What ALMemory.subscriber(key) returns: an object with a `signal`."""

    def __init__(self) -> None:
        self.signal = qi.Signal("(m)")


class ALMemory:
    def __init__(self, state: StateStore):
        self._state = state
        self._data: dict[str, Any] = {}
        self._subscribers: dict[str, Subscriber] = {}
        self._lock = threading.Lock()

    def subscriber(self, key):
        with self._lock:
            if key not in self._subscribers:
                self._subscribers[key] = Subscriber()
            return self._subscribers[key]

    def getData(self, key):
        with self._lock:
            if key not in self._data:
                raise RuntimeError(f"ALMemory::getData: key '{key}' not found")
            return self._data[key]

    def insertData(self, key, value):
        with self._lock:
            self._data[key] = value

    def removeData(self, key):
        with self._lock:
            self._data.pop(key, None)

    def getDataListName(self):
        with self._lock:
            return sorted(self._data)

    def raiseEvent(self, name, value):
        with self._lock:
            self._data[name] = value
            subscriber = self._subscribers.get(name)
        self._state.update(lambda s: append_bounded(s.events, {"name": name, "value": _jsonable(value),
                                                               "time": time.time()}))
        if name == HEARD_EVENT:  # what the engine understood from the microphone: into the conversation log
            self._state.update(lambda s: append_bounded(s.log, {"who": "visitor", "text": f"(heard) {value}",
                                                                "time": time.time()}))
        if subscriber is not None:
            subscriber.signal(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return value


class ALTextToSpeech:
    LANGUAGES = ("Dutch", "English")

    def __init__(self, state: StateStore, voice: Callable[[str, str], None] | None, time_scale: float):
        self._state = state
        self._voice = voice
        self._time_scale = time_scale
        self._stop = threading.Event()

    def say(self, text, *language):
        lang = language[0] if language else self._state.read(lambda s: s.tts_language)
        self._speak(text, lang, "ALTextToSpeech")

    def _speak(self, raw: str, language: str, service: str) -> None:
        text, animations = plain_text(raw)
        spoken = Spoken(text=text, raw=raw, language=language, service=service, gestures=animations,
                        started=time.time())

        def begin(s):
            s.speaking = True
            s.current_gesture = animations[0] if animations else None
            s.gestures.extend(animations)
            append_bounded(s.spoken, spoken)
            append_bounded(s.log, {"who": "elvie", "text": text, "lang": language, "time": spoken.started,
                                   "gestures": animations})
        self._state.update(begin)
        self._stop.clear()
        if self._voice:
            try:
                self._voice(text, language)
            except Exception:  # noqa: BLE001 - speaking aloud is optional
                log.exception("speaking aloud failed")
        duration = max(0.3, len(text.split()) * SECONDS_PER_WORD) * self._time_scale
        self._stop.wait(duration)

        def end(s):
            s.speaking = False
            s.current_gesture = None
            spoken.ended = time.time()
        self._state.update(end)

    def stopAll(self):
        self._stop.set()

    def setLanguage(self, language):
        if language not in self.LANGUAGES:
            raise RuntimeError(f"ALTextToSpeech::setLanguage: language '{language}' is not installed")
        self._state.update(lambda s: setattr(s, "tts_language", language))

    def getLanguage(self):
        return self._state.read(lambda s: s.tts_language)

    def getAvailableLanguages(self):
        return list(self.LANGUAGES)

    def setVolume(self, volume):
        self._state.update(lambda s: setattr(s, "volume", float(volume)))

    def getVolume(self):
        return self._state.read(lambda s: s.volume)

    def setParameter(self, name, value):
        return None


class ALAnimatedSpeech:
    def __init__(self, tts: ALTextToSpeech, state: StateStore):
        self._tts = tts
        self._state = state
        self._mode = "contextual"

    def say(self, text, *configuration):
        self._tts._speak(text, self._state.read(lambda s: s.tts_language), "ALAnimatedSpeech")

    def setBodyLanguageMode(self, mode):
        self._mode = {0: "disabled", 1: "random", 2: "contextual"}.get(mode, mode)

    def setBodyLanguageModeFromStr(self, mode):
        self._mode = mode

    def getBodyLanguageMode(self):
        return {"disabled": 0, "random": 1, "contextual": 2}.get(self._mode, 2)


class ALMotion:
    BASE_METHODS = ("move", "moveTo", "moveToward", "setWalkTargetVelocity", "navigateTo", "moveInit")

    def __init__(self, state: StateStore):
        self._state = state

    def _record(self, what: str) -> None:
        self._state.update(lambda s: append_bounded(s.motion_commands, what))

    def _base(self, method: str, args) -> bool:
        log.warning("base movement requested: %s%s", method, tuple(args))
        self._state.update(lambda s: s.base_moves.append({"method": method, "args": list(args),
                                                          "time": time.time()}))
        return True

    def move(self, *args):
        return self._base("move", args)

    def moveTo(self, *args):
        return self._base("moveTo", args)

    def moveToward(self, *args):
        return self._base("moveToward", args)

    def setWalkTargetVelocity(self, *args):
        return self._base("setWalkTargetVelocity", args)

    def moveInit(self):
        return self._base("moveInit", ())

    def stopMove(self):
        self._record("stopMove")

    def wakeUp(self):
        self._record("wakeUp")
        self._state.update(lambda s: (setattr(s, "awake", True), setattr(s, "posture", "Stand")))

    def rest(self):
        self._record("rest")
        self._state.update(lambda s: (setattr(s, "awake", False), setattr(s, "posture", "Crouch")))

    def robotIsWakeUp(self):
        return self._state.read(lambda s: s.awake)

    def setAngles(self, names, angles, speed):
        names = [names] if isinstance(names, str) else list(names)
        angles = [angles] * len(names) if isinstance(angles, (int, float)) else list(angles)
        self._record(f"setAngles {names}")

        def apply(s):
            for name, angle in zip(names, angles):
                if name.startswith("Head"):
                    s.head[name] = float(angle)
                else:
                    s.arms[name] = float(angle)
        self._state.update(apply)

    def angleInterpolationWithSpeed(self, names, angles, speed):
        self.setAngles(names, angles, speed)

    def getAngles(self, names, use_sensors):
        names = [names] if isinstance(names, str) else list(names)
        return self._state.read(lambda s: [s.head.get(n, s.arms.get(n, 0.0)) for n in names])

    def setStiffnesses(self, names, stiffness):
        self._record(f"setStiffnesses {names}")

    def setBreathEnabled(self, chain, enabled):
        self._record(f"setBreathEnabled {chain} {bool(enabled)}")

    def setIdlePostureEnabled(self, chain, enabled):
        self._record(f"setIdlePostureEnabled {chain} {bool(enabled)}")

    def setExternalCollisionProtectionEnabled(self, name, enabled):
        self._record(f"setExternalCollisionProtectionEnabled {name} {bool(enabled)}")


class ALRobotPosture:
    POSTURES = ("Stand", "StandInit", "StandZero", "Crouch")

    def __init__(self, state: StateStore):
        self._state = state

    def goToPosture(self, name, speed):
        if name not in self.POSTURES:
            return False
        self._state.update(lambda s: (setattr(s, "posture", name), setattr(s, "awake", True)))
        return True

    def getPosture(self):
        return self._state.read(lambda s: s.posture)

    def getPostureFamily(self):
        return "Standing" if self.getPosture().startswith("Stand") else "Crouching"


class ALBasicAwareness:
    def __init__(self, state: StateStore, memory: ALMemory):
        self._state = state
        self._memory = memory

    def setTrackingMode(self, mode):
        if mode not in TRACKING_MODES:
            raise RuntimeError(f"ALBasicAwareness::setTrackingMode: unknown mode '{mode}'")
        self._state.update(lambda s: setattr(s, "tracking_mode", mode))

    def getTrackingMode(self):
        return self._state.read(lambda s: s.tracking_mode)

    def setEngagementMode(self, mode):
        if mode not in ENGAGEMENT_MODES:
            raise RuntimeError(f"ALBasicAwareness::setEngagementMode: unknown mode '{mode}'")
        self._state.update(lambda s: setattr(s, "engagement_mode", mode))

    def getEngagementMode(self):
        return self._state.read(lambda s: s.engagement_mode)

    def setEnabled(self, enabled):
        self._state.update(lambda s: setattr(s, "awareness_enabled", bool(enabled)))

    def isEnabled(self):
        return self._state.read(lambda s: s.awareness_enabled)

    def startAwareness(self):
        self.setEnabled(True)

    def stopAwareness(self):
        self.setEnabled(False)

    def isAwarenessRunning(self):
        return self.isEnabled()

    def setStimulusDetectionEnabled(self, name, enabled):
        return None

    def reset_to_defaults(self) -> None:
        """What Autonomous Life does on every state change: BasicAwareness back to its defaults."""
        self._state.update(lambda s: (setattr(s, "tracking_mode", "BodyRotation"),
                                      setattr(s, "engagement_mode", "Unengaged")))

    def track(self, human_id: int) -> None:
        mode = self._state.read(lambda s: (s.tracking_mode if s.awareness_enabled else None))
        if mode in BASE_MOVING_TRACKING:
            self._state.update(lambda s: s.base_moves.append({"method": f"ALBasicAwareness tracking ({mode})",
                                                              "args": [human_id], "time": time.time()}))
        self._memory.raiseEvent("ALBasicAwareness/HumanTracked", human_id)


class ALAutonomousLife:
    def __init__(self, state: StateStore, memory: ALMemory, awareness: ALBasicAwareness):
        self._state = state
        self._memory = memory
        self._awareness = awareness

    def getState(self):
        return self._state.read(lambda s: s.autonomous_life)

    def setState(self, state):
        if state not in LIFE_STATES:
            raise RuntimeError(f"ALAutonomousLife::setState: unknown state '{state}'")
        self._state.update(lambda s: setattr(s, "autonomous_life", state))
        self._awareness.reset_to_defaults()
        self._memory.raiseEvent("AutonomousLife/State", state)

    def setAutonomousAbilityEnabled(self, ability, enabled):
        return None

    def getAutonomousAbilityEnabled(self, ability):
        return True


class ALTabletService:
    def __init__(self, state: StateStore):
        self._state = state
        self._loaded: str | None = None

    def loadUrl(self, url):
        self._loaded = url
        return True

    def showWebview(self, *url):
        target = url[0] if url else self._loaded
        if target:
            self._loaded = target
        self._state.update(lambda s: (setattr(s, "tablet_url", target), setattr(s, "tablet_visible", True)))
        return True

    def hideWebview(self):
        self._state.update(lambda s: setattr(s, "tablet_visible", False))
        return True

    def reloadPage(self, bypass_cache):
        self._state.update(lambda s: None)

    def robotIp(self):
        return "127.0.0.1"

    def getWifiStatus(self):
        return "CONNECTED"


_COLOURS = {"white": 0xFFFFFF, "red": 0xFF0000, "green": 0x00FF00, "blue": 0x0000FF, "yellow": 0xFFFF00,
            "magenta": 0xFF00FF, "cyan": 0x00FFFF}


class ALLeds:
    def __init__(self, state: StateStore):
        self._state = state

    def fadeRGB(self, name, *args):
        if len(args) == 2:
            colour = args[0]
            rgb = _COLOURS.get(colour, 0xFFFFFF) if isinstance(colour, str) else int(colour)
        elif len(args) == 4:
            rgb = (int(args[0] * 255) << 16) | (int(args[1] * 255) << 8) | int(args[2] * 255)
        else:
            raise RuntimeError("ALLeds::fadeRGB: expected (name, rgb, duration) or (name, r, g, b, duration)")
        self._state.update(lambda s: s.leds.__setitem__(name, f"#{rgb:06x}"))

    def reset(self, name):
        self._state.update(lambda s: s.leds.pop(name, None))

    def on(self, name):
        self._state.update(lambda s: s.leds.__setitem__(name, "#ffffff"))

    def off(self, name):
        self._state.update(lambda s: s.leds.__setitem__(name, "#000000"))
