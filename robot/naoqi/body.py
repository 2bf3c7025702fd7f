"""Pepper's body over NAOqi: speech with gestures, eyes, tablet, head, senses and microphone.

One backend for the real Pepper and the virtual one. What it does and why:
- Speech: ALAnimatedSpeech with the response's gesture timed to the words; ALTextToSpeech for
  the language and volume.
- Engagement: ALBasicAwareness with tracking mode "Head" — the base never turns or steps back
  (in the pilot, stepping back when greeted made visitors feel unwelcome). Autonomous Life
  resets BasicAwareness on every state change, so the settings are re-applied each time.
- Motion: head and arms only; base movement is never requested unless explicitly allowed.
- Senses: head, hand and bumper touches (rough handling is detected here), a person arriving,
  and the simulator's typed text, as VisitorEvents for the engine.
- Microphone: ALAudioDevice remote audio, front microphone, 16 kHz mono; buffers are handed
  to the speech pipeline without blocking NAOqi's callback.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

import qi

from dialogue.content.language_pack import language_pack
from robot.events import VisitorEvent
from robot.gestures import annotate
from robot.rough_handling import RoughHandlingDetector

from .connection import RobotConnection, RobotUnavailable

log = logging.getLogger(__name__)

EYE_COLOURS = {"idle": 0xFFFFFF, "listening": 0x2060FF, "thinking": 0xFFB000, "speaking": 0x40FF80,
               "error": 0xFF2020}
TOUCH_EVENTS = {"FrontTactilTouched": "head_front", "MiddleTactilTouched": "head_middle",
                "RearTactilTouched": "head_rear", "HandLeftBackTouched": "hand_left",
                "HandRightBackTouched": "hand_right", "LeftBumperPressed": "bumper_left",
                "RightBumperPressed": "bumper_right", "BackBumperPressed": "bumper_back"}
PERSON_EVENTS = {"EngagementZones/PersonApproached": "person_arrived", "ALBasicAwareness/HumanLost": "person_left"}
TYPED_TEXT_EVENT = "Elvie/TypedText"
LIFE_STATE_EVENT = "AutonomousLife/State"
AUDIO_MODULE = "ElvieAudio"
FRONT_MICROPHONE = 3  # ALAudioDevice channel flag: front microphone only
AUDIO_RATE = 16000
EYE_FADE_S = 0.2


def _log_failure(what: str):
    def check(future) -> None:
        if future.hasError():
            log.warning("%s failed on the robot: %s", what, future.error())
    return check


class AudioSink:
    """The qi service NAOqi calls with microphone buffers (remote audio)."""

    def __init__(self, on_audio: Callable[[bytes], None]):
        self._on_audio = on_audio
        self.buffers = 0

    @qi.bind(qi.Void, (qi.Int32, qi.Int32, qi.Dynamic, qi.Buffer))
    def processRemote(self, nb_channels, nb_samples, timestamp, buffer):  # noqa: N802 - NAOqi's name
        self.buffers += 1
        try:
            self._on_audio(bytes(buffer))  # must only enqueue: this runs on NAOqi's thread
        except Exception:  # noqa: BLE001 - never raise into NAOqi
            log.exception("audio buffer dropped")


class NaoqiBody:
    def __init__(self, connection: RobotConnection, tablet_url: str | None = None, volume: float = 0.7):
        self.connection = connection
        self.tablet_url = tablet_url
        self.volume = volume
        self._on_event: Callable[[VisitorEvent], None] = lambda event: None
        self._on_audio: Callable[[bytes], None] | None = None
        self._links: list[tuple[object, int]] = []
        self._subscribers: list[object] = []  # keep ALMemory subscriber proxies alive
        self._audio_service_id: int | None = None
        self._language: str | None = None
        self._engaged = False
        self._rough = RoughHandlingDetector()
        self._lock = threading.Lock()
        self.ready = threading.Event()
        connection.on_connected(self._set_up)
        connection.on_lost(self._lost)

    # ------------------------------------------------------------------ lifecycle
    def start(self, on_event: Callable[[VisitorEvent], None], on_audio: Callable[[bytes], None] | None = None,
              wait: bool = True, attempts: int | None = None) -> None:
        self._on_event = on_event
        self._on_audio = on_audio
        if wait:
            self.connection.connect_with_retry(attempts=attempts)
        else:
            threading.Thread(target=self.connection.connect_with_retry, name="robot-connect", daemon=True).start()

    def close(self) -> None:
        self._unsubscribe_all()
        self.connection.close()

    def _lost(self, reason: str) -> None:
        self.ready.clear()
        self._links.clear()
        self._subscribers.clear()
        self._audio_service_id = None
        self._language = None
        self._on_event(VisitorEvent("robot_lost", {"reason": reason}))

    def _set_up(self) -> None:
        """Everything to do after (re)connecting: posture, awareness, senses, microphone, tablet."""
        c = self.connection
        motion = c.service("ALMotion")
        motion.wakeUp()
        c.service("ALRobotPosture").goToPosture("Stand", 0.5)
        motion.setBreathEnabled("Arms", True)
        self._apply_awareness()
        c.service("ALTextToSpeech").setVolume(self.volume)
        self._language = None
        for key, sensor in TOUCH_EVENTS.items():
            self._subscribe(key, lambda value, sensor=sensor, key=key: self._touched(key, sensor, value))
        for key, kind in PERSON_EVENTS.items():
            self._subscribe(key, lambda value, kind=kind: self._on_event(VisitorEvent(kind, {})))
        self._subscribe(TYPED_TEXT_EVENT, lambda text: self._on_event(VisitorEvent("typed_text",
                                                                                   {"text": str(text)})))
        self._subscribe(LIFE_STATE_EVENT, self._life_state_changed)
        if self._on_audio is not None:
            self._start_audio()
        if self.tablet_url:
            self.show_tablet(self.tablet_url)
        self.eyes("idle")
        self.ready.set()
        self._on_event(VisitorEvent("robot_connected", {"url": c.settings.url}))

    def _subscribe(self, key: str, callback: Callable) -> None:
        subscriber = self.connection.service("ALMemory").subscriber(key)
        link = subscriber.signal.connect(callback)
        self._subscribers.append(subscriber)
        self._links.append((subscriber, link))

    def _unsubscribe_all(self) -> None:
        for subscriber, link in self._links:
            try:
                subscriber.signal.disconnect(link)
            except Exception:  # noqa: BLE001
                pass
        self._links.clear()
        self._subscribers.clear()
        session = self.connection.session
        if session is not None:
            try:
                self.connection.service("ALAudioDevice").unsubscribe(AUDIO_MODULE)
            except Exception:  # noqa: BLE001
                pass
            if self._audio_service_id is not None:
                try:
                    session.unregisterService(self._audio_service_id)
                except Exception:  # noqa: BLE001
                    pass
        self._audio_service_id = None

    # ------------------------------------------------------------------ senses
    def _touched(self, key: str, sensor: str, value) -> None:
        try:
            pressed = float(value) > 0.5
        except (TypeError, ValueError):
            pressed = bool(value)
        if not pressed:
            return
        self._on_event(VisitorEvent("touch", {"sensor": sensor}))
        with self._lock:
            reason = self._rough.touched(key, time.monotonic())
        if reason:
            self._on_event(VisitorEvent("rough_handling", {"reason": reason, "sensor": sensor}))

    def _life_state_changed(self, state) -> None:
        # Autonomous Life resets BasicAwareness: put "Head" tracking back at once.
        threading.Thread(target=self._apply_awareness, name="awareness", daemon=True).start()
        self._on_event(VisitorEvent("life_state", {"state": str(state)}))

    def _apply_awareness(self) -> None:
        try:
            awareness = self.connection.service("ALBasicAwareness")
            awareness.setEnabled(True)
            awareness.setTrackingMode("Head")
            awareness.setEngagementMode("FullyEngaged" if self._engaged else "SemiEngaged")
        except (RobotUnavailable, RuntimeError) as exc:
            log.warning("could not set awareness: %s", exc)

    def _start_audio(self) -> None:
        session = self.connection.session
        sink = AudioSink(self._on_audio)
        self._audio_sink = sink
        name = AUDIO_MODULE
        try:
            self._audio_service_id = session.registerService(name, sink)
        except RuntimeError as exc:
            log.error("could not register the audio module %s: %s", name, exc)
            return
        audio = self.connection.service("ALAudioDevice")
        audio.setClientPreferences(name, AUDIO_RATE, FRONT_MICROPHONE, 0)
        audio.subscribe(name)

    # ------------------------------------------------------------------ actions
    def speak(self, text: str, lang: str, gesture: str | None = None) -> None:
        """Say `text` (blocking until spoken) with the gesture timed to the words."""
        pack = language_pack(lang)
        language = pack.naoqi_language if pack is not None else "English"
        if language != self._language:
            self.connection.service("ALTextToSpeech").setLanguage(language)
            self._language = language
        self.connection.service("ALAnimatedSpeech").say(annotate(text, gesture))

    def stop_speaking(self) -> None:
        try:
            self.connection.service("ALTextToSpeech").stopAll()
        except (RobotUnavailable, RuntimeError) as exc:
            log.warning("could not stop speech: %s", exc)

    def show_tablet(self, url: str) -> None:
        self.tablet_url = url
        self.connection.service("ALTabletService").showWebview(url)

    def eyes(self, mode: str) -> None:
        """Fade the eyes to the mode's colour without waiting: ALLeds.fadeRGB blocks for the fade's
        duration on the robot, which would delay the words that follow."""
        colour = EYE_COLOURS.get(mode, EYE_COLOURS["idle"])
        fade = self.connection.service("ALLeds").fadeRGB("FaceLeds", colour, EYE_FADE_S, _async=True)
        fade.addCallback(_log_failure("eyes"))

    def engage(self, engaged: bool) -> None:
        """FullyEngaged while a visitor talks to her: she keeps looking at them, never turns away."""
        self._engaged = engaged
        self._apply_awareness()

    def look_at_tablet(self) -> None:
        self.connection.service("ALMotion").setAngles(["HeadPitch"], [0.35], 0.15)

    def publish(self, key: str, value) -> None:
        """Raise an ALMemory event (Elvie/Heard, Elvie/ContentProblems: for whoever watches the robot's memory)."""
        self.connection.service("ALMemory").raiseEvent(key, value)
