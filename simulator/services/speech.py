"""ALTextToSpeech and ALAnimatedSpeech: speech that takes time, annotations performed, never spoken."""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from ..clock import Clock
from ..languages import installed_languages
from ..naoqi_api.binding import NaoqiError, NaoqiModule
from ..state import Spoken, StateStore, append_bounded
from . import annotations
from .memory import ALMemory

log = logging.getLogger(__name__)

SECONDS_PER_WORD = 0.33
ANIMATION_SECONDS = 2.0
BODY_LANGUAGE_MODES = ("disabled", "random", "contextual")


class AnimationPlayer:
    """Stock animations started by speech: each runs ANIMATION_SECONDS (scaled) on the robot's clock."""

    def __init__(self, state: StateStore, clock: Clock, time_scale: float):
        self._state = state
        self._clock = clock
        self._time_scale = time_scale
        self._running: dict[str, float] = {}  # animation -> end time
        self._lock = threading.Lock()

    def start(self, name: str) -> None:
        with self._lock:
            self._running[name] = self._clock.now() + ANIMATION_SECONDS * self._time_scale

        def show(s):
            s.current_gesture = name
            s.gestures.append(name)
        self._state.update(show)

    def stop(self, name: str) -> None:
        with self._lock:
            self._running.pop(name, None)
        self._clear(name)

    def wait(self, name: str, interrupt: threading.Event) -> None:
        with self._lock:
            end = self._running.get(name)
        if end is not None:
            self._clock.sleep(end - self._clock.now(), interrupt)
            self.stop(name)

    def stop_all(self) -> None:
        with self._lock:
            names = list(self._running)
            self._running.clear()
        for name in names:
            self._clear(name)

    def _clear(self, name: str) -> None:
        self._state.update(lambda s: setattr(s, "current_gesture", None) if s.current_gesture == name else None)


class Voice:
    """Says annotated text step by step: words take time, pauses pause, commands are performed."""

    def __init__(self, state: StateStore, memory: ALMemory, clock: Clock, time_scale: float,
                 speak_aloud: Callable[[str, str], None] | None, call_service: Callable[[str, str, list], Any]):
        self.state = state
        self.memory = memory
        self.clock = clock
        self.time_scale = time_scale
        self.animations = AnimationPlayer(state, clock, time_scale)
        self.tags = dict(annotations.TAG_ANIMATIONS)  # ALAnimatedSpeech.declareTagForAnimations adds to these
        self._speak_aloud = speak_aloud
        self._call_service = call_service
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.speed = 100.0
        self.pitch = 100.0
        self.volume = 1.0

    def stop_all(self) -> None:
        self._stop.set()
        self.animations.stop_all()

    def say(self, raw: str, language: str, service: str, animated: bool, body_mode: str = "contextual") -> None:
        steps = annotations.parse(raw)
        text = " ".join(s.value for s in steps if s.kind == "say")
        gestures = annotations.started_animations(raw, self.tags) if animated else []
        spoken = Spoken(text=text, raw=raw, language=language, service=service, gestures=gestures,
                        started=self.clock.now())
        with self._lock:  # one sentence at a time, as on the robot
            self._stop.clear()

            def begin(s):
                s.speaking = True
                append_bounded(s.spoken, spoken)
                append_bounded(s.log, {"who": "elvie", "text": text, "lang": language, "time": spoken.started,
                                       "gestures": gestures})
            self.state.update(begin)
            self.memory.raiseEvent("ALTextToSpeech/TextStarted", 1)
            self.memory.raiseEvent("ALTextToSpeech/CurrentSentence", text)
            if self._speak_aloud and text:
                try:
                    self._speak_aloud(text, language)
                except Exception:  # noqa: BLE001 - speaking aloud is optional
                    log.exception("speaking aloud failed")
            speed = self.speed
            try:
                for step in steps:
                    if self._stop.is_set():
                        break
                    speed = self._perform(step, animated, speed)
            finally:
                def end(s):
                    s.speaking = False
                    spoken.ended = self.clock.now()
                self.state.update(end)
                self.memory.raiseEvent("ALTextToSpeech/TextDone", 1)
                self.memory.raiseEvent("ALTextToSpeech/TextStarted", 0)

    def _perform(self, step: annotations.Step, animated: bool, speed: float) -> float:
        kind, value = step.kind, step.value
        if kind == "say":
            seconds = max(0.3, len(value.split()) * SECONDS_PER_WORD) * 100.0 / max(speed, 1.0)
            self.clock.sleep(seconds * self.time_scale, self._stop)
        elif kind == "pau":
            self.clock.sleep(float(value) / 1000.0 * self.time_scale, self._stop)
        elif kind == "rspd":
            return min(400.0, max(50.0, float(value)))
        elif kind == "rst":
            return self.speed
        elif not animated:
            return speed  # ALTextToSpeech leaves ALAnimatedSpeech's commands out of the speech, and does nothing
        elif kind in ("start", "startTag"):
            self.animations.start(self._animation(kind, value))
        elif kind in ("run", "runTag"):
            name = self._animation(kind, value)
            self.animations.start(name)
            self.animations.wait(name, self._stop)
        elif kind in ("wait", "waitTag"):
            self.animations.wait(self._animation(kind, value), self._stop)
        elif kind in ("stop", "stopTag"):
            self.animations.stop(self._animation(kind, value))
        elif kind in ("call", "pCall"):
            self._call(value, wait=kind == "call")
        return speed

    def _animation(self, kind: str, value: str) -> str:
        if kind.endswith("Tag"):
            return self.tags.get(value.lower(), f"tag:{value}")
        return value

    def _call(self, expression: str, wait: bool) -> None:
        try:
            service, method, args = annotations.parse_call(expression)
        except (ValueError, SyntaxError):
            log.warning("ignored malformed ^call(%s)", expression)
            return
        if wait:
            self._call_service(service, method, args)
        else:
            threading.Thread(target=self._call_service, args=(service, method, args), daemon=True).start()


class ALTextToSpeech(NaoqiModule):
    SERVICE = "ALTextToSpeech"
    DEFAULTS = {"Voice": "naoenu"}
    PARAMETERS = {"speed": 100.0, "pitchShift": 1.0, "doubleVoice": 0.0, "doubleVoiceLevel": 0.0,
                  "doubleVoiceTimeShift": 0.0, "volume": 100.0}

    def __init__(self, voice: Voice):
        super().__init__()
        self._voice = voice
        self._state = voice.state
        self._parameters = dict(self.PARAMETERS)
        self._dictionary: dict[str, str] = {}

    def say(self, text, language=None):
        language = language or self._state.read(lambda s: s.tts_language)
        self._voice.say(text, language, self.SERVICE, animated=False)

    def sayToFile(self, text, filename):
        raise NaoqiError("ALTextToSpeech::sayToFile\n\tthe virtual robot has no file system to write to")

    def stopAll(self):
        self._voice.stop_all()

    def setLanguage(self, language):
        if language not in installed_languages():
            raise NaoqiError(f"ALTextToSpeech::setLanguage\n\tLanguage \"{language}\" is not installed. "
                             f"Installed languages: {', '.join(installed_languages())}")
        self._state.update(lambda s: setattr(s, "tts_language", language))
        self.emit("languageTTS", language)

    def getLanguage(self):
        return self._state.read(lambda s: s.tts_language)

    def getAvailableLanguages(self):
        return list(installed_languages())

    def getSupportedLanguages(self):
        return list(installed_languages())

    def locale(self):
        return {"Dutch": "nl_NL", "English": "en_US"}[self.getLanguage()]

    def setVolume(self, volume):
        if not 0.0 <= volume <= 1.0:
            raise NaoqiError("ALTextToSpeech::setVolume\n\tvolume must be between 0.0 and 1.0")
        self._state.update(lambda s: setattr(s, "volume", float(volume)))

    def getVolume(self):
        return self._state.read(lambda s: s.volume)

    def setParameter(self, name, value):
        if name not in self._parameters:
            raise NaoqiError(f"ALTextToSpeech::setParameter\n\tunknown parameter \"{name}\"")
        self._parameters[name] = float(value)
        if name == "speed":
            self._voice.speed = float(value)

    def getParameter(self, name):
        if name not in self._parameters:
            raise NaoqiError(f"ALTextToSpeech::getParameter\n\tunknown parameter \"{name}\"")
        return self._parameters[name]

    def resetSpeed(self):
        self.setParameter("speed", 100.0)

    def reset(self):
        self._parameters = dict(self.PARAMETERS)
        self._voice.speed = 100.0

    def getAvailableVoices(self):
        return ["naoenu", "naonln"]

    def addToDictionary(self, *args):
        self._dictionary[args[0] if len(args) == 2 else args[1]] = args[-1] if len(args) == 2 else args[3]
        return True

    def deleteFromDictionary(self, *args):
        return self._dictionary.pop(args[-1] if len(args) == 1 else args[1], None) is not None


class ALAnimatedSpeech(NaoqiModule):
    SERVICE = "ALAnimatedSpeech"

    def __init__(self, voice: Voice):
        super().__init__()
        self._voice = voice
        self._mode = "contextual"
        self._body_talk = True
        self._packages: list[str] = []

    def say(self, text, configuration=None):
        mode = self._mode
        if isinstance(configuration, dict) and configuration.get("bodyLanguageMode") in BODY_LANGUAGE_MODES:
            mode = configuration["bodyLanguageMode"]
        language = self._voice.state.read(lambda s: s.tts_language)
        self._voice.say(text, language, self.SERVICE, animated=True, body_mode=mode)

    def sayWithoutInstructions(self, text, *rest):
        self._voice.say(annotations.spoken_text(text), self._voice.state.read(lambda s: s.tts_language),
                        self.SERVICE, animated=False)

    def setBodyLanguageMode(self, mode):
        if not 0 <= int(mode) < len(BODY_LANGUAGE_MODES):
            raise NaoqiError(f"ALAnimatedSpeech::setBodyLanguageMode\n\tunknown mode {mode}")
        self._mode = BODY_LANGUAGE_MODES[int(mode)]

    def setBodyLanguageModeFromStr(self, mode):
        if mode not in BODY_LANGUAGE_MODES:
            raise NaoqiError(f"ALAnimatedSpeech::setBodyLanguageModeFromStr\n\tunknown mode \"{mode}\"")
        self._mode = mode

    def getBodyLanguageMode(self):
        return BODY_LANGUAGE_MODES.index(self._mode)

    def getBodyLanguageModeToStr(self):
        return self._mode

    def setBodyLanguageEnabled(self, enabled):
        self._mode = "contextual" if enabled else "disabled"

    def isBodyLanguageEnabled(self):
        return self._mode != "disabled"

    def setBodyTalkEnabled(self, enabled):
        self._body_talk = bool(enabled)

    def isBodyTalkEnabled(self):
        return self._body_talk

    def declareAnimationsPackage(self, package):
        self._packages.append(package)

    def declareTagForAnimations(self, tags_to_animations):
        for tag, names in dict(tags_to_animations).items():
            if names:
                self._voice.tags[str(tag).lower()] = list(names)[0]

    def addTagsToWords(self, tags_to_words):
        self.store("TagsToWords", dict(tags_to_words))
