"""ALSpeechRecognition on the virtual Pepper's microphone, with Elvie's own recogniser.

While subscribed (and not paused), microphone audio goes through robot/speech's endpointer
(Silero VAD); `SpeechDetected` is raised when speech starts and stops, and each finished
utterance is scored against the vocabulary with the Whisper recogniser: `WordRecognized` =
[word, confidence] (best first; ["", 0.0]... is not raised: NAOqi raises nothing below the
threshold either). With word spotting on, a vocabulary word inside a longer sentence counts;
off, the transcript must be the word itself.
"""
from __future__ import annotations

import logging
import math
import queue
import threading
from typing import Any, Callable, Protocol

import numpy as np

from ..languages import installed_languages
from ..naoqi_api.binding import NaoqiError
from ..state import StateStore
from .memory import ALMemory
from .people import _Extractor

log = logging.getLogger(__name__)

PARAMETERS = {"Sensitivity": 0.5, "NbHypotheses": 1.0, "Threshold": 0.0}


class WordScorer(Protocol):
    """Scores an utterance against vocabulary words: [(word, confidence 0..1)], best first."""

    def __call__(self, audio: np.ndarray, words: list[str], lang: str, word_spotting: bool) -> list[tuple[str, float]]:
        ...


def whisper_scorer() -> WordScorer:
    """robot/speech's Whisper recogniser: forced-alignment score of each word, as a probability."""
    from robot.speech.types import Candidate
    from robot.speech.whisper_engine import WhisperRecogniser

    recogniser = WhisperRecogniser(score_workers=1)

    def score(audio, words, lang, word_spotting):
        encoded = recogniser.encode(audio)
        scored = recogniser.score(encoded, [Candidate(w, lang, w) for w in words])
        results = [(s.candidate.text, float(math.exp(s.score))) for s in scored]
        if word_spotting:
            transcript = recogniser.transcribe(encoded, lang).text.lower()
            results = [(w, max(c, 0.9 if w.lower() in transcript else c)) for w, c in results]
        return sorted(results, key=lambda r: -r[1])
    return score


def silero_endpointer():
    from robot.speech.vad import Endpointer, SileroVad

    return Endpointer(SileroVad())


class ALSpeechRecognition(_Extractor):
    SERVICE = "ALSpeechRecognition"
    EVENTS = ("WordRecognized", "LastWordRecognized", "SpeechDetected", "ALSpeechRecognition/Status",
              "ALSpeechRecognition/IsRunning", "ALSpeechRecognition/ActiveListening")
    KEYS = EVENTS

    def __init__(self, state: StateStore, memory: ALMemory, microphone,
                 scorer_factory: Callable[[], WordScorer] = whisper_scorer,
                 endpointer_factory: Callable[[], Any] = silero_endpointer):
        super().__init__()
        self._state = state
        self._memory = memory
        self._microphone = microphone
        self._scorer_factory = scorer_factory
        self._endpointer_factory = endpointer_factory
        self._scorer: WordScorer | None = None
        self._endpointer = None
        self._language = "English"
        self._vocabulary: list[str] = []
        self._word_spotting = False
        self._parameters = dict(PARAMETERS)
        self._audio_expression = True
        self._visual_expression = True
        self._queue: queue.Queue = queue.Queue(maxsize=200)
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- NAOqi API
    def setLanguage(self, language):
        if language not in installed_languages():
            raise NaoqiError(f"ALSpeechRecognition::setLanguage\n\tLanguage \"{language}\" is not installed. "
                             f"Installed: {', '.join(installed_languages())}")
        self._language = language

    def getLanguage(self):
        return self._language

    def getAvailableLanguages(self):
        return list(installed_languages())

    def setVocabulary(self, words, word_spotting):
        if not words:
            raise NaoqiError("ALSpeechRecognition::setVocabulary\n\tthe vocabulary is empty")
        if self._subscribers and not self._paused:
            raise NaoqiError("ALSpeechRecognition::setVocabulary\n\tthe engine is running: call pause(True) "
                             "before changing the vocabulary")
        self._vocabulary = [str(w) for w in words]
        self._word_spotting = bool(word_spotting)
        self._publish()

    def setWordListAsVocabulary(self, words):
        self.setVocabulary(words, False)

    def loadVocabulary(self, path):
        raise NaoqiError(f"ALSpeechRecognition::loadVocabulary\n\tfile not found: {path}")

    def setParameter(self, name, value):
        if name not in self._parameters:
            raise NaoqiError(f"ALSpeechRecognition::setParameter\n\tunknown parameter \"{name}\"")
        self._parameters[name] = float(value)

    def getParameter(self, name):
        if name not in self._parameters:
            raise NaoqiError(f"ALSpeechRecognition::getParameter\n\tunknown parameter \"{name}\"")
        return self._parameters[name]

    def setAudioExpression(self, on):
        self._audio_expression = bool(on)

    def getAudioExpression(self):
        return self._audio_expression

    def setVisualExpression(self, on):
        self._visual_expression = bool(on)

    def subscribe(self, name, period=500, precision=1.0):
        if not self._vocabulary:
            raise NaoqiError("ALSpeechRecognition::subscribe\n\tno vocabulary: call setVocabulary first")
        super().subscribe(name, period, precision)
        self._start()

    def unsubscribe(self, name):
        super().unsubscribe(name)
        if not self._subscribers:
            self._stop()

    def pause(self, status):
        super().pause(status)
        self._memory.raiseEvent("ALSpeechRecognition/Status", "Idle" if status else "ListenOn")
        self._publish()

    # -- listening (helpers, not qi methods)
    def _start(self) -> None:
        with self._lock:
            if self._worker is not None:
                return
            self._worker = threading.Thread(target=self._listen, name="speech-recognition", daemon=True)
            self._worker.start()
        self._microphone.add_listener(self._heard)
        self._memory.raiseEvent("ALSpeechRecognition/IsRunning", True)
        self._memory.raiseEvent("ALSpeechRecognition/Status", "ListenOn")
        self._publish()

    def _stop(self) -> None:
        self._microphone.remove_listener(self._heard)
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            self._queue.put(None)
            worker.join(timeout=5)
        self._memory.raiseEvent("ALSpeechRecognition/IsRunning", False)
        self._memory.raiseEvent("ALSpeechRecognition/Status", "Idle")
        self._publish()

    def close(self) -> None:
        if self._worker is not None:
            self._stop()

    def _heard(self, pcm: bytes) -> None:
        if not self._paused:
            try:
                self._queue.put_nowait(pcm)
            except queue.Full:
                pass

    def _listen(self) -> None:
        try:
            if self._endpointer is None:
                self._endpointer = self._endpointer_factory()
            if self._scorer is None:
                self._scorer = self._scorer_factory()
        except Exception as exc:  # noqa: BLE001 - a missing model stops recognition, not the robot
            log.error("speech recognition unavailable: %s", exc)
            self._memory.raiseEvent("ALSpeechRecognition/Status", "Idle")
            with self._lock:
                self._worker = None
            return
        while True:
            pcm = self._queue.get()
            if pcm is None:
                return
            audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
            was_speaking = self._endpointer.in_speech
            started, segments = self._endpointer.feed(audio)
            if started and not was_speaking:
                self._memory.raiseEvent("SpeechDetected", 1)
                self._memory.raiseEvent("ALSpeechRecognition/Status", "SpeechDetected")
            for segment in segments:
                self._memory.raiseEvent("SpeechDetected", 0)
                self._memory.raiseEvent("ALSpeechRecognition/Status", "Processing")
                self._recognise(segment.audio)
                self._memory.raiseEvent("ALSpeechRecognition/Status", "ListenOn")

    def _recognise(self, audio: np.ndarray) -> None:
        try:
            lang = installed_languages()[self._language]
            results = self._scorer(audio, list(self._vocabulary), lang, self._word_spotting)
        except Exception:  # noqa: BLE001
            log.exception("recognition failed")
            return
        threshold = self._parameters["Threshold"]
        hypotheses = max(1, int(self._parameters["NbHypotheses"]))
        kept = [(w, c) for w, c in results if c >= threshold][:hypotheses]
        if not kept:
            return
        payload: list = []
        for word, confidence in kept:
            payload += [word, round(confidence, 4)]
        self._memory.raiseEvent("WordRecognized", payload)
        self._memory.insertData("LastWordRecognized", payload)
        self._state.update(lambda s: s.recognition.__setitem__("last", payload))

    def _publish(self) -> None:
        info = {"language": self._language, "vocabulary": list(self._vocabulary), "word_spotting": self._word_spotting,
                "running": self._worker is not None, "paused": self._paused}
        self._state.update(lambda s: s.recognition.update(info))
