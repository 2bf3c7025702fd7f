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
from .clock import Clock, FakeClock, RealClock
from .languages import installed_languages
from .naoqi_api.binding import NaoqiModule, bind
from .services import (SENSORS, Abilities, ALAnimatedSpeech, ALAutonomousBlinking, ALAutonomousLife,
                       ALBackgroundMovement, ALBasicAwareness, ALBattery, ALEngagementZones, ALLeds,
                       ALListeningMovement, ALMemory, ALMotion, ALPeoplePerception, ALRobotPosture,
                       ALSpeakingMovement, ALSpeechRecognition, ALTabletService, ALTextToSpeech, ALTouch, Body, Voice)
from .state import StateStore, append_bounded

log = logging.getLogger(__name__)

TICK_SECONDS = 0.2  # how often the real clock moves joints, base and battery into the observable state
TYPED_TEXT_EVENT = "Elvie/TypedText"  # the simulator's keyboard stands in for recognised speech


@dataclass(frozen=True)
class SimulatorSettings:
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    time_scale: float = 1.0  # speech duration factor (tests use a small one)
    speak_aloud: bool = False  # speak with pyttsx3/espeak-ng
    echo: bool = False  # Elvie's own speech reaches the microphone
    realtime_audio: bool = True
    clock: Clock | None = None  # None: the real clock; tests may pass a FakeClock
    user: str | None = None  # NAOqi 2.9 mode: tcps with this user and password (None: NAOqi 2.5, plain tcp)
    password: str | None = None
    recogniser_factory: object = None  # ALSpeechRecognition's word scorer; None: robot/speech's Whisper


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

    def personMovesCloser(self):
        self._robot.person_moves_closer()

    def tabletTouch(self, x, y):
        self._robot.tablet.touch(float(x), float(y))

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
        self.clock: Clock = settings.clock or RealClock()
        self.state = StateStore()
        self.session: qi.Session | None = None
        self._service_ids: list[int] = []
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None
        self._stopping = threading.Event()
        self._person: int | None = None
        self.microphone = Microphone(lambda: self.session, realtime=settings.realtime_audio)
        self.services: dict[str, NaoqiModule] = {}
        self.gate = None

    @property
    def url(self) -> str:
        if not self.session:
            raise RuntimeError("the virtual robot is not running")
        return self.gate.url if self.gate is not None else self.session.endpoints()[0]

    def start(self) -> "VirtualPepper":
        qi.logging.setLevel(qi.logging.ERROR)
        settings = self.settings
        naoqi29 = settings.user is not None
        if naoqi29 and not settings.password:
            raise ValueError("NAOqi 2.9 mode needs a password as well as a user")
        session = qi.Session()
        listen = "tcp://127.0.0.1:0" if naoqi29 else f"tcp://{settings.host}:{settings.port}"
        try:
            session.listenStandalone(listen)
            if naoqi29:
                from .naoqi29 import TlsAuthGate

                backend_port = int(session.endpoints()[0].rsplit(":", 1)[1])
                self.gate = TlsAuthGate(settings.host, settings.port, backend_port, settings.user,
                                        settings.password or "")
        except (RuntimeError, OSError) as exc:
            session.close()
            raise OSError(f"cannot listen on {settings.host}:{settings.port} for the virtual robot "
                          f"(port in use?): {exc}") from None
        self.session = session
        self._build()
        for service in self.services.values():
            self._service_ids.append(session.registerService(service.SERVICE, bind(service)))
        self._service_ids.append(session.registerService("ElvieSimulator", ElvieSimulator(self)))
        if isinstance(self.clock, FakeClock):
            self.clock.on_advance(self.tick)
        else:
            self._ticker = threading.Thread(target=self._tick_forever, name="virtual-pepper-clock", daemon=True)
            self._ticker.start()
        self.tick()
        log.info("virtual Pepper listening on %s", self.url)
        return self

    def _build(self) -> None:
        state, clock, scale = self.state, self.clock, self.settings.time_scale
        speak_aloud = self._voice if (self.settings.speak_aloud or self.settings.echo) else None
        self.memory = ALMemory(state, lambda: self.session)
        voice = Voice(state, self.memory, clock, scale, speak_aloud, self._call_service)
        self.body = Body(state, self.memory, clock, scale)
        abilities = Abilities(state)
        self.awareness = ALBasicAwareness(state, self.memory, abilities, self.body)
        self.zones = ALEngagementZones(self.memory)
        self.people = ALPeoplePerception(state, self.memory, self.zones)
        self.touch_sensors = ALTouch(self.memory)
        self.battery = ALBattery(state, self.memory, clock)
        self.tablet = ALTabletService(state, clock)
        recognition = ALSpeechRecognition(state, self.memory, self.microphone,
                                          **({"scorer_factory": self.settings.recogniser_factory}
                                             if self.settings.recogniser_factory else {}))
        for service in (self.memory, ALTextToSpeech(voice), ALAnimatedSpeech(voice), ALMotion(self.body),
                        ALRobotPosture(self.body), ALLeds(state, clock), self.awareness,
                        ALAutonomousLife(state, self.memory, self.awareness, abilities, clock), self.tablet,
                        self.people, self.zones, ALAutonomousBlinking(abilities), ALBackgroundMovement(abilities),
                        ALListeningMovement(abilities), ALSpeakingMovement(abilities), self.battery,
                        self.touch_sensors, ALAudioDevice(self.microphone, state), recognition):
            self.services[service.SERVICE] = service

    def stop(self) -> None:
        self._stopping.set()
        recognition = self.services.get("ALSpeechRecognition")
        if recognition is not None:
            recognition.close()
        self.microphone.stop()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        if self.session is not None:
            for service_id in self._service_ids:
                try:
                    self.session.unregisterService(service_id)
                except Exception:  # noqa: BLE001
                    pass
            self._service_ids.clear()
            self.session.close()
            self.session = None
        if self.gate is not None:
            self.gate.close()
            self.gate = None

    # -- time passes
    def tick(self) -> None:
        """Joints, base and battery as they are now, into the observable state."""
        self.battery.tick()
        self.body.publish()

    def _tick_forever(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the clock must keep ticking
                log.exception("virtual Pepper tick failed")

    # -- things that happen to the robot
    def touch(self, sensor: str) -> None:
        if sensor not in SENSORS:
            raise ValueError(f"unknown sensor '{sensor}'; known: {', '.join(SENSORS)}")
        self._log("sensor", sensor)
        self.touch_sensors.sense(sensor, True)
        self.touch_sensors.sense(sensor, False)

    def push(self) -> None:
        """A visitor pushes the robot: the base bumpers fire, hard and repeatedly."""
        self._log("sensor", "push")
        for sensor in ("bumper_back", "bumper_left", "bumper_right"):
            self.touch_sensors.sense(sensor, True)
            self.touch_sensors.sense(sensor, False)

    def person_arrives(self, distance: float = 1.2) -> int:
        self._log("sensor", "person arrives")
        person = self.people.arrive(distance)
        with self._lock:
            self._person = person
        self.awareness.track(person, self.people.people()[person])
        return person

    def person_moves_closer(self, step: float = 0.5) -> None:
        with self._lock:
            person = self._person
        if person is None:
            return
        x, y, _ = self.people.people()[person]
        distance = max(0.4, (x * x + y * y) ** 0.5 - step)
        self._log("sensor", f"person moves closer ({distance:.1f} m)")
        self.people.move(person, distance)

    def person_leaves(self) -> None:
        with self._lock:
            person, self._person = self._person, None
        self._log("sensor", "person leaves")
        if person is None:
            self.memory.raiseEvent("ALBasicAwareness/HumanLost", -1)
            return
        self.awareness.lose(person)
        self.people.leave(person)

    def type_text(self, text: str) -> None:
        self._log("visitor", text)
        self.memory.raiseEvent(TYPED_TEXT_EVENT, text)

    def set_life_state(self, state: str) -> None:
        self.services["ALAutonomousLife"].setState(state)

    def _call_service(self, service: str, method: str, args: list):
        """^call(...) in ALAnimatedSpeech: a real qi call, as the robot makes it."""
        try:
            return getattr(self.session.service(service), method)(*args)
        except Exception as exc:  # noqa: BLE001 - a bad ^call must not break the sentence
            log.warning("^call(%s.%s) failed: %s", service, method, exc)
            return None

    def _log(self, who: str, text: str) -> None:
        self.state.update(lambda s: append_bounded(s.log, {"who": who, "text": text, "time": time.time()}))

    def _voice(self, text: str, language: str) -> None:
        lang = installed_languages().get(language, language)
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
