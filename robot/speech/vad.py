"""Endpointing with a real voice activity detector: Silero VAD (ONNX, shipped with faster-whisper).

The endpointer turns a stream of 16 kHz frames into utterances: speech starts when the VAD is
confident for a moment, and ends after `end_silence_s` of non-speech (or at `max_utterance_s`).
A little audio before the start is kept (pre-roll), so first syllables are not lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import RATE, dbfs

CHUNK = 512  # samples per VAD step at 16 kHz (32 ms)
PAUSE_CHUNKS = 5  # ~160 ms of non-speech: a pause (fading last sounds are still inside it)
CONTEXT = 64


def _chunks(seconds: float) -> int:
    return max(1, round(seconds * RATE / CHUNK))


def silero_path() -> Path:
    import faster_whisper

    return Path(faster_whisper.__file__).resolve().parent / "assets" / "silero_vad_v6.onnx"


class SileroVad:
    """Speech probability per 32 ms chunk, keeping the model's state between calls."""

    def __init__(self, path: Path | None = None):
        import onnxruntime

        path = path or silero_path()
        if not path.exists():
            from .models import ModelError
            raise ModelError(f"the Silero VAD model is missing ({path}); reinstall faster-whisper with `make setup`")
        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        self.session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"],
                                                    sess_options=options)
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def __call__(self, chunk: np.ndarray) -> float:
        frame = np.concatenate([self._context, chunk.astype(np.float32)])[None, :]
        out, self._h, self._c = self.session.run(None, {"input": frame, "h": self._h, "c": self._c})
        self._context = chunk[-CONTEXT:].astype(np.float32)
        return float(np.asarray(out).reshape(-1)[0])


@dataclass(frozen=True)
class EndpointSettings:
    threshold: float = 0.5  # speech probability that starts/continues speech
    end_threshold: float = 0.35  # below this a chunk counts as silence
    min_speech_s: float = 0.15  # shorter bursts (a cough, a click) are ignored
    end_silence_s: float = 0.5  # this much silence ends the utterance (without an end-of-turn model)
    # With the end-of-turn model (end_of_turn.py): after `short_silence_s` it is asked whether the turn
    # is complete; "complete" (probability >= `complete_threshold`) ends it there, "incomplete" (someone
    # reading out a code, spelling, hesitating) waits up to `max_silence_s`. It is asked again at
    # `end_silence_s`, with more of the pause to go on.
    short_silence_s: float = 0.2
    complete_threshold: float = 0.5
    max_silence_s: float = 1.2
    max_utterance_s: float = 12.0  # nobody speaks longer to a receptionist; cut there
    pre_roll_s: float = 0.3  # audio kept from before the detected start


@dataclass(frozen=True)
class Segment:
    """A finished stretch of speech."""

    audio: np.ndarray  # float32, 16 kHz, including pre-roll and trailing silence
    speech_s: float
    level_dbfs: float  # level of the voiced chunks
    cut: bool  # ended by max_utterance_s
    voiced_parts: int = 0  # voiced pieces collected (to match an early encoding to its segment)
    voiced: np.ndarray | None = None  # the voiced chunks alone (to carry on with in `Endpointer.resume`)
    trailing_silence_s: float = 0.0  # the silence that ended it: the visitor's voice ended this long before
    unread_s: float = 0.0  # audio fed after its end that the endpointer has not read yet


class Endpointer:
    """Feed float32 16 kHz audio; get Segments back when utterances end."""

    def __init__(self, vad: SileroVad, settings: EndpointSettings = EndpointSettings(), end_of_turn=None):
        self.vad = vad
        self.settings = settings
        self.end_of_turn = end_of_turn  # EndOfTurn, or None: turns end on `end_silence_s` of silence
        # Set while Elvie waits for something read out in groups (a booking code): smart-turn takes a
        # pause between groups for the end (measured: 62 % of them), so only `max_silence_s` ends it.
        self.patient = False
        self.on_pause = None  # callable(audio so far, voiced chunk count)
        self.reset()

    def resume(self, segment: Segment) -> None:
        """Take back a segment that sounded unfinished ("ik heb, uh", "de V van Victor"): it goes on as
        the utterance in progress, and only `max_silence_s` of silence (counted from its voice's end)
        ends it now. Speech that follows within that is part of the same turn."""
        self._active, self._held = True, True
        self._speech = [segment.audio]
        self._voiced = [segment.voiced] if segment.voiced is not None and segment.voiced.size else []
        self._voiced_parts = segment.voiced_parts - len(self._voiced)  # (the voiced audio is one piece now)
        self._silence = round(segment.trailing_silence_s * RATE / CHUNK)
        self._complete = False

    @property
    def voiced_chunks(self) -> int:
        return self._voiced_parts + len(self._voiced)

    def reset(self) -> None:
        self.vad.reset()
        self._pending = np.zeros(0, dtype=np.float32)
        self._pre = np.zeros(0, dtype=np.float32)
        self._active = False
        self._speech: list[np.ndarray] = []
        self._voiced: list[np.ndarray] = []
        self._silence = 0
        self._run = 0  # consecutive voiced chunks before start
        self._complete = False  # the end-of-turn model's view at the last question in this pause
        self._held = False  # a resumed segment: only max_silence_s ends it
        self._voiced_parts = 0  # voiced pieces of a resumed segment (its voiced audio is one piece now)

    @property
    def in_speech(self) -> bool:
        return self._active

    def feed(self, audio: np.ndarray, may_start: bool = True) -> tuple[bool, list[Segment]]:
        """Returns (speech started during this audio, every segment finished in it)."""
        started, segment = self.read(audio, may_start)
        done = []
        while segment is not None:
            done.append(segment)
            again, segment = self.read(np.zeros(0, dtype=np.float32), may_start)
            started = started or again
        return started, done

    def read(self, audio: np.ndarray, may_start: bool = True) -> tuple[bool, Segment | None]:
        """Returns (speech started during this audio, the segment that finished, if one did). Reading
        stops at the end of a segment, so the caller can decide about it (see `resume`) before the
        rest of the audio is read: call again with no audio to go on.

        When speech pauses (~160 ms of non-speech), `on_pause(audio so far)` is called: the pipeline
        uses it to start encoding while the endpointer waits to see whether the silence lasts.
        `may_start=False` (the echo tail after Elvie speaks): the audio only fills the pre-roll, so a
        visitor who answers while her voice dies away keeps the first syllable, but the tail alone
        (her own echo) never starts an utterance.
        """
        s = self.settings
        started = False
        self._pending = np.concatenate([self._pending, audio])
        pre_roll = int(s.pre_roll_s * RATE)
        while self._pending.size >= CHUNK:
            chunk, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
            probability = self.vad(chunk)
            if not self._active:
                self._pre = np.concatenate([self._pre, chunk])[-(pre_roll + CHUNK * 8):]
                self._run = self._run + 1 if probability >= s.threshold and may_start else 0
                if self._run * CHUNK / RATE >= s.min_speech_s:
                    self._active, started = True, True
                    self._speech = [self._pre.copy()]
                    self._voiced = [self._pre[-self._run * CHUNK:]]
                    self._silence = 0
                continue
            self._speech.append(chunk)
            if probability >= s.end_threshold:
                self._voiced.append(chunk)
                self._silence = 0
            else:
                self._silence += 1
                if self._silence == PAUSE_CHUNKS and self.on_pause is not None:
                    self.on_pause(np.concatenate(self._speech), self.voiced_chunks)
            length = sum(part.size for part in self._speech) / RATE
            if self._turn_over() or length >= s.max_utterance_s:
                return started, self._finish(cut=length >= s.max_utterance_s)
        return started, None

    def _turn_over(self) -> bool:
        """Has the silence so far ended the turn?"""
        s = self.settings
        silence = self._silence * CHUNK / RATE
        if self._silence == 0:
            self._complete = False
            return False
        if self.patient or self._held:
            return silence >= s.max_silence_s
        if self.end_of_turn is None:
            return silence >= s.end_silence_s
        if self._silence in (_chunks(s.short_silence_s), _chunks(s.end_silence_s)):
            self._complete = self.end_of_turn.complete(np.concatenate(self._speech)) >= s.complete_threshold
        return (self._complete and silence >= s.short_silence_s) or silence >= s.max_silence_s

    def _finish(self, cut: bool) -> Segment:
        audio = np.concatenate(self._speech)
        voiced = np.concatenate(self._voiced) if self._voiced else np.zeros(0, dtype=np.float32)
        segment = Segment(audio=audio, speech_s=voiced.size / RATE, level_dbfs=dbfs(voiced), cut=cut,
                          voiced_parts=self.voiced_chunks, voiced=voiced,
                          trailing_silence_s=self._silence * CHUNK / RATE, unread_s=self._pending.size / RATE)
        self._active, self._speech, self._voiced, self._silence, self._run = False, [], [], 0, 0
        self._complete, self._held, self._voiced_parts = False, False, 0
        self._pre = np.zeros(0, dtype=np.float32)
        return segment

    def flush(self) -> list[Segment]:
        """End any utterance in progress (e.g. at the end of a file)."""
        if self._active and self._speech:
            return [self._finish(cut=False)]
        return []
