"""The speech pipeline: microphone frames in, SpeechEvents out.

`feed()` is called from the audio callback (NAOqi's processRemote, the simulator's web socket)
and only enqueues: all work happens on the pipeline's own thread — endpointing with the VAD,
then understanding (Whisper, or Vosk where a Vosk model is installed for the language).
Half-duplex: while Elvie speaks frames are dropped, so she never transcribes herself; during a
short tail after (her voice dying away in the hall) they only fill the endpointer's pre-roll: they
cannot start an utterance, but a visitor who answers at once keeps their first syllable.
`reset()` drops everything buffered (a visitor's audio never outlives their conversation).
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from dialogue.content.language_pack import content_languages

from .audio import to_float
from .end_of_turn import EndOfTurn
from .models import ModelError, check_vosk, installed_vosk_languages
from .types import Expectation, NotHeard, Recognised, SpeechEnded, SpeechError, SpeechEvent, SpeechStarted, Utterance
from .understanding import Understanding, UnderstandingSettings
from .unfinished import sounds_unfinished
from .vad import EndpointSettings, Endpointer, SileroVad

log = logging.getLogger(__name__)
# States whose answers are read out or spelled in groups ("Q M, 7 3, 0 3"; "de V van Victor"): only
# the longer silence ends a turn there. Whisper base does not write spelling as spelling ("N van Nico"
# -> "En Maniko"), so the transcript cannot tell (acoustic benchmark: spelled names were all cut).
PATIENT_STATES = frozenset({"booking_code", "name"})


@dataclass(frozen=True)
class SpeechSettings:
    """Everything about listening that can be tuned."""

    endpoint: EndpointSettings = field(default_factory=EndpointSettings)  # VAD thresholds, end silence (≤ 0.6 s)
    end_of_turn_model: bool = True  # smart-turn decides when a pause ends the turn (False: silence alone)
    understanding: UnderstandingSettings = field(default_factory=UnderstandingSettings)  # accept/reject rules
    languages: tuple[str, ...] = field(default_factory=content_languages)  # the folders under locales/
    threads: int = 2  # CPU threads for Whisper
    score_workers: int = 2  # expected phrases scored at once (one thread each)
    beam_size: int = 1  # greedy: bounded latency; larger beams gained little on short phrases
    queue_seconds: float = 30.0  # audio buffered while recognition runs; older audio is dropped


class SpeechPipeline:
    def __init__(self, on_event: Callable[[SpeechEvent], None], settings: SpeechSettings = SpeechSettings(),
                 whisper=None):
        from .whisper_engine import WhisperRecogniser

        self.settings = settings
        self.on_event = on_event
        self.recogniser = whisper or WhisperRecogniser(threads=settings.threads, beam_size=settings.beam_size,
                                                       score_workers=settings.score_workers,
                                                       languages=settings.languages)
        self.understanding = Understanding(self.recogniser, settings.understanding)
        self.vosk: dict[str, object] = {}
        for lang in installed_vosk_languages():
            if lang in settings.languages:
                from .vosk_engine import VoskRecogniser, VoskUnderstanding
                self.vosk[lang] = VoskUnderstanding(VoskRecogniser(check_vosk(lang), lang))
        self.endpointer = Endpointer(SileroVad(), settings.endpoint,
                                     EndOfTurn.if_installed() if settings.end_of_turn_model else None)
        # Encoding (the slow part of recognition) starts as soon as speech pauses, while the endpointer
        # waits to see whether the pause is the end: most of it is done by the time the turn ends.
        self._encoder = self._new_encoder()
        self._encoder_closed = False
        self._early: tuple[int, object] | None = None  # (voiced chunks when started, future Encoded)
        self._held: tuple[int, SpeechEvent] | None = None  # (voiced chunks, result) of a segment taken back
        self.endpointer.on_pause = self._encode_early
        self.expectation: Expectation | None = None
        self.language: str | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=int(settings.queue_seconds * 16000 / 1365) + 1)
        self._muted_until = 0.0
        self._muted = False
        self._generation = 0  # bumped by reset(): stale audio is dropped
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ control (any thread)
    @staticmethod
    def _new_encoder() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech-encode")

    def _open_encoder(self) -> None:
        """After stop() the encoder thread is gone: started again (or recognise_pcm), make a new one."""
        if self._encoder_closed:
            self._encoder = self._new_encoder()
            self._encoder_closed = False

    def start(self) -> "SpeechPipeline":
        self._open_encoder()
        self._stop.clear()
        self._encoder.submit(self.recogniser.warm_up)  # before the first visitor, not during
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()
        return self

    def _encode_early(self, audio, voiced_chunks: int) -> None:
        self._forget_early()  # speech went on after the last pause: that encoding is of no use
        self._open_encoder()
        self._early = (voiced_chunks, self._encoder.submit(self.recogniser.encode, audio))

    def _start_listening(self) -> None:
        """A fresh endpointer, and no encoding or result of what it heard before."""
        self.endpointer.reset()
        self._forget_early()
        self._held = None

    def _forget_early(self) -> None:
        early, self._early = self._early, None
        if early is not None:
            early[1].cancel()  # if it has not started yet

    def stop(self) -> None:
        self._stop.set()
        self._encoder.shutdown(wait=False)
        self._encoder_closed = True
        try:
            self._queue.put_nowait((None, None, False, 0.0))
        except queue.Full:
            pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def feed(self, pcm: bytes) -> None:
        """Never blocks: called on the audio driver's thread."""
        if self._muted:
            return
        in_tail = time.monotonic() < self._muted_until  # heard as pre-roll only (see Endpointer.feed)
        try:
            self._queue.put_nowait((self._generation, pcm, in_tail, time.monotonic()))
        except queue.Full:
            log.warning("speech queue full; dropping audio")

    def mute(self) -> None:
        self._muted = True

    def unmute(self, tail_s: float = 0.3) -> None:
        self._muted_until = time.monotonic() + tail_s
        self._muted = False
        self._generation += 1  # anything queued while speaking is stale

    def muted_for(self) -> float:
        """Seconds until speech can start an utterance again (inf while Elvie speaks, 0 when listening)."""
        if self._muted:
            return float("inf")
        return max(0.0, self._muted_until - time.monotonic())

    def reset(self) -> None:
        """Forget all buffered audio (end of a conversation), the encoding of a half-heard utterance too."""
        self._generation += 1
        self._forget_early()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._reset_endpointer = True

    def set_expectation(self, expectation: Expectation | None) -> None:
        self.expectation = expectation
        self.endpointer.patient = expectation is not None and expectation.kind in PATIENT_STATES

    def set_language(self, lang: str | None) -> None:
        self.language = lang

    # ------------------------------------------------------------------ work (pipeline thread)
    def _run(self) -> None:
        generation = self._generation
        self._reset_endpointer = False
        while not self._stop.is_set():
            try:
                item_generation, pcm, in_tail, arrived = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if pcm is None:
                break
            if item_generation != self._generation or self._reset_endpointer or generation != self._generation:
                generation = self._generation
                self._reset_endpointer = False
                self._start_listening()
                if item_generation != self._generation:
                    continue
            try:
                for event in self.process(pcm, may_start=not in_tail, arrived=arrived):
                    self.on_event(event)
            except ModelError as exc:
                self.on_event(SpeechError(str(exc)))
            except Exception as exc:  # noqa: BLE001 - the ear must keep listening
                log.exception("speech processing failed")
                self.on_event(SpeechError(f"{type(exc).__name__}: {exc}"))

    def process(self, pcm: bytes, may_start: bool = True, arrived: float | None = None) -> list[SpeechEvent]:
        """Endpoint and understand; returns events (used by the thread and by recognise_pcm).
        `arrived`: when the audio's last sample came in (now, by default)."""
        arrived = time.monotonic() if arrived is None else arrived
        events: list[SpeechEvent] = []
        audio = to_float(pcm)
        while True:
            started, segment = self.endpointer.read(audio, may_start)
            audio = audio[:0]
            if started:
                events.append(SpeechStarted())
            if segment is None:
                return events
            events += self._turn_end(segment, arrived - segment.unread_s - segment.trailing_silence_s)

    def _turn_end(self, segment, voice_ended: float) -> list[SpeechEvent]:
        """Understand a finished segment; one that sounds unfinished ("ik heb, uh") is taken back, and
        the turn goes on if the visitor does within the longer silence (robot/speech/unfinished.py)."""
        ended = time.monotonic()
        result = self._understand(segment, ended, voice_ended)
        if self._sounds_unfinished(result, segment):
            self.endpointer.resume(segment)
            self._held = (segment.voiced_parts, result)
            return []
        return [SpeechEnded(ended, segment.speech_s, voice_ended), result]

    def _sounds_unfinished(self, result: SpeechEvent, segment) -> bool:
        if segment.cut or self.endpointer.patient:
            return False
        if segment.trailing_silence_s >= self.settings.endpoint.max_silence_s - 1e-6:
            return False  # it has had the longer silence already
        if isinstance(result, NotHeard):
            return result.reason == "no_words"  # a filler alone ("uhm"): the visitor may go on
        utterance = getattr(result, "utterance", None)
        return utterance is not None and sounds_unfinished(utterance.transcript, utterance.lang)

    def _understand(self, segment, ended: float, voice_ended: float) -> SpeechEvent:
        held, self._held = self._held, None
        if held is not None and held[0] == segment.voiced_parts:  # taken back, and nothing more was said
            return self._timed(held[1], {}, ended, voice_ended)
        lang = self.language
        early, self._early = self._early, None
        encoded, waited = None, {}
        if early is not None and early[0] == segment.voiced_parts:  # no speech after the pause it was made at
            started = time.monotonic()
            try:
                encoded = early[1].result(timeout=5)
                waited = {"encode_wait_ms": (time.monotonic() - started) * 1000}
            except Exception:  # noqa: BLE001 - fall back to encoding now
                encoded = None
        if lang in self.vosk:
            pcm = (np.clip(segment.audio, -1, 1) * 32767).astype("<i2").tobytes()
            result = self.vosk[lang].understand(pcm, self.expectation)
        else:
            result = self.understanding.understand(segment.audio, segment.level_dbfs, self.expectation, lang,
                                                   encoded=encoded)
        return self._timed(result, waited, ended, voice_ended)

    @staticmethod
    def _timed(result, waited: dict, ended: float, voice_ended: float) -> SpeechEvent:
        if isinstance(result, NotHeard):
            return result
        if isinstance(result, Recognised):
            result = result.utterance
        timings = {**waited, **result.timings, "end_of_turn_ms": (ended - voice_ended) * 1000,
                   "recognition_ms": (time.monotonic() - ended) * 1000}
        return Recognised(Utterance(**{**result.__dict__, "timings": timings}), voice_ended)

    def recognise_pcm(self, pcm: bytes, trailing_silence_s: float = 1.0) -> list[SpeechEvent]:
        """The whole buffer through VAD and understanding, synchronously (tests, benchmarks, files)."""
        self._start_listening()
        padded = pcm + bytes(int(trailing_silence_s * 16000) * 2)
        events = self.process(padded)
        for segment in self.endpointer.flush():  # the buffer ended inside a pause the endpointer still waited on
            ended = time.monotonic()
            result = self._understand(segment, ended, ended - segment.trailing_silence_s)
            events += [SpeechEnded(ended, segment.speech_s, ended - segment.trailing_silence_s), result]
        return events
