"""The virtual Pepper: NAOqi services hosted on a real qi session.

Elvie's robot backend connects to it exactly as to a real Pepper (`tcp://host:port`).
Besides the NAOqi services it hosts `ElvieSimulator`, a control service for the desktop UI
and tests (press a sensor, push the robot, a person arrives, type or play audio).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass

import qi

from .audio import ALAudioDevice, Microphone
from .services import (TOUCH_EVENTS, ALAnimatedSpeech, ALAutonomousLife, ALBasicAwareness, ALLeds, ALMemory,
                       ALMotion, ALRobotPosture, ALTabletService, ALTextToSpeech)
from .state import StateStore, append_bounded

log = logging.getLogger(__name__)

SENSORS = {  # UI/sensor id -> ALMemory event
    "head_front": "FrontTactilTouched", "head_middle": "MiddleTactilTouched", "head_rear": "RearTactilTouched",
    "head_touch": "MiddleTactilTouched", "hand_left": "HandLeftBackTouched", "hand_right": "HandRightBackTouched",
    "bumper_left": "LeftBumperPressed", "bumper_right": "RightBumperPressed", "bumper_back": "BackBumperPressed",
}
TYPED_TEXT_EVENT = "Elvie/TypedText"  # the simulator's keyboard stands in for recognised speech


@dataclass(frozen=True)
class SimulatorSettings:
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    time_scale: float = 1.0  # speech duration factor (tests use a small one)
    speak_aloud: bool = False  # speak with pyttsx3/espeak-ng
    echo: bool = False  # Elvie's own speech reaches the microphone
    realtime_audio: bool = True


class ElvieSimulator:
    """Control service for the UI and tests; not part of NAOqi."""

    def __init__(self, robot: "VirtualPepper"):
        self._robot = robot

    def touch(self, sensor):
        self._robot.touch(sensor)

    def push(self):
        self._robot.push()

    def personArrives(self):
        self._robot.person_arrives()

    def personLeaves(self):
        self._robot.person_leaves()

    def typeText(self, text):
        self._robot.type_text(text)

    @qi.bind(qi.Void, [qi.Buffer])
    def feedAudio(self, pcm):  # noqa: N802 - a qi method name
        self._robot.microphone.feed(bytes(pcm))

    def snapshot(self):
        return json.dumps(self._robot.state.snapshot())


class VirtualPepper:
    def __init__(self, settings: SimulatorSettings = SimulatorSettings()):
        self.settings = settings
        self.state = StateStore()
        self.session: qi.Session | None = None
        self._service_ids: list[int] = []
        self._human_id = 0
        self._lock = threading.Lock()
        self.microphone = Microphone(lambda: self.session, realtime=settings.realtime_audio)

    @property
    def url(self) -> str:
        if not self.session:
            raise RuntimeError("the virtual robot is not running")
        return self.session.endpoints()[0]

    def start(self) -> "VirtualPepper":
        qi.logging.setLevel(qi.logging.ERROR)
        session = qi.Session()
        try:
            session.listenStandalone(f"tcp://{self.settings.host}:{self.settings.port}")
        except RuntimeError as exc:
            raise OSError(f"cannot listen on {self.settings.host}:{self.settings.port} for the virtual robot "
                          f"(port in use?): {exc}") from None
        self.session = session
        voice = self._voice if (self.settings.speak_aloud or self.settings.echo) else None
        self.memory = ALMemory(self.state)
        tts = ALTextToSpeech(self.state, voice, self.settings.time_scale)
        awareness = ALBasicAwareness(self.state, self.memory)
        self.awareness = awareness
        services = {
            "ALMemory": self.memory,
            "ALTextToSpeech": tts,
            "ALAnimatedSpeech": ALAnimatedSpeech(tts, self.state),
            "ALMotion": ALMotion(self.state),
            "ALRobotPosture": ALRobotPosture(self.state),
            "ALBasicAwareness": awareness,
            "ALAutonomousLife": ALAutonomousLife(self.state, self.memory, awareness),
            "ALTabletService": ALTabletService(self.state),
            "ALLeds": ALLeds(self.state),
            "ALAudioDevice": ALAudioDevice(self.microphone, self.state),
            "ElvieSimulator": ElvieSimulator(self),
        }
        self._services = services
        for name, service in services.items():
            self._service_ids.append(session.registerService(name, service))
        log.info("virtual Pepper listening on %s", self.url)
        return self

    def stop(self) -> None:
        self.microphone.stop()
        if self.session is not None:
            for service_id in self._service_ids:
                try:
                    self.session.unregisterService(service_id)
                except Exception:  # noqa: BLE001
                    pass
            self._service_ids.clear()
            self.session.close()
            self.session = None

    # -- things that happen to the robot
    def touch(self, sensor: str) -> None:
        event = SENSORS.get(sensor, sensor)
        if event not in TOUCH_EVENTS:
            raise ValueError(f"unknown sensor '{sensor}'; known: {', '.join(SENSORS)}")
        self._log("sensor", sensor)
        self.memory.raiseEvent(event, 1.0)
        self.memory.raiseEvent(event, 0.0)

    def push(self) -> None:
        """A visitor pushes the robot: the base bumpers fire, hard and repeatedly."""
        self._log("sensor", "push")
        for event in ("BackBumperPressed", "LeftBumperPressed", "RightBumperPressed"):
            self.memory.raiseEvent(event, 1.0)
            self.memory.raiseEvent(event, 0.0)

    def person_arrives(self) -> None:
        with self._lock:
            self._human_id += 1
            human = self._human_id
        self._log("sensor", "person arrives")
        self.memory.raiseEvent("EngagementZones/PersonApproached", human)
        self.awareness.track(human)

    def person_leaves(self) -> None:
        self._log("sensor", "person leaves")
        self.memory.raiseEvent("ALBasicAwareness/HumanLost", self._human_id)

    def type_text(self, text: str) -> None:
        self._log("visitor", text)
        self.memory.raiseEvent(TYPED_TEXT_EVENT, text)

    def set_life_state(self, state: str) -> None:
        self._services["ALAutonomousLife"].setState(state)

    def _log(self, who: str, text: str) -> None:
        self.state.update(lambda s: append_bounded(s.log, {"who": who, "text": text, "time": time.time()}))

    def _voice(self, text: str, language: str) -> None:
        lang = "nl" if language == "Dutch" else "en"
        try:
            from robot.speech.tts import synthesise
            pcm = synthesise(text, lang)
        except Exception:  # noqa: BLE001 - no voice is not a robot failure
            log.exception("text-to-speech failed")
            return
        if self.settings.echo:
            self.microphone.echo(pcm)
        if self.settings.speak_aloud:
            from robot.speech.tts import play
            play(pcm)
