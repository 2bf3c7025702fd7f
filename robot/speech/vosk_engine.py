"""Vosk (Kaldi) for languages whose Vosk model is installed: streaming, partial results, grammars.

A grammar makes Vosk choose among the expected phrases — fast and exact when the visitor says
one of them, but it forces anything else onto a phrase, and reports confidence 1.0 for words
that were not said. So a grammar result is only accepted when a free (grammar-less) decoding of
the same audio agrees with it; otherwise the free result is used.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from .models import ModelError
from .types import Candidate, Expectation, NotHeard, Utterance

UNKNOWN = "[unk]"


@dataclass(frozen=True)
class VoskResult:
    text: str
    confidence: float
    partials: tuple[str, ...] = ()


class VoskRecogniser:
    def __init__(self, model_path: Path, lang: str, sample_rate: int = 16000):
        import vosk

        vosk.SetLogLevel(-2)
        if not (Path(model_path) / "am").exists():
            raise ModelError(f"{model_path} is not a Vosk model folder; add one with "
                             f"`elvie models add-vosk PATH --lang {lang}`")
        try:
            self.model = vosk.Model(str(model_path))
        except Exception as exc:  # noqa: BLE001 - Vosk raises a bare Exception for broken models
            raise ModelError(f"the Vosk model in {model_path} cannot be loaded ({exc}); reinstall it") from None
        self.lang = lang
        self.sample_rate = sample_rate
        self._lock = threading.Lock()

    def _recognizer(self, grammar: list[str] | None):
        import vosk

        if grammar:
            recognizer = vosk.KaldiRecognizer(self.model, self.sample_rate,
                                              json.dumps(list(grammar) + [UNKNOWN], ensure_ascii=False))
        else:
            recognizer = vosk.KaldiRecognizer(self.model, self.sample_rate)
        recognizer.SetWords(True)
        return recognizer

    def recognise(self, pcm: bytes, grammar: list[str] | None = None, chunk_bytes: int = 3200) -> VoskResult:
        """Stream the audio through Vosk (partials collected as they come) and return the final result."""
        with self._lock:
            recognizer = self._recognizer(grammar)
            partials: list[str] = []
            texts: list[str] = []
            confidences: list[float] = []
            for start in range(0, len(pcm), chunk_bytes):
                if recognizer.AcceptWaveform(pcm[start:start + chunk_bytes]):
                    self._collect(json.loads(recognizer.Result()), texts, confidences)
                else:
                    partial = json.loads(recognizer.PartialResult()).get("partial", "")
                    if partial and (not partials or partials[-1] != partial):
                        partials.append(partial)
            self._collect(json.loads(recognizer.FinalResult()), texts, confidences)
        text = " ".join(t for t in texts if t).replace(UNKNOWN, "").strip()
        confidence = sum(confidences) / len(confidences) if confidences else 0.0
        return VoskResult(text=" ".join(text.split()), confidence=confidence, partials=tuple(partials))

    @staticmethod
    def _collect(result: dict, texts: list[str], confidences: list[float]) -> None:
        texts.append(result.get("text", ""))
        confidences.extend(word.get("conf", 0.0) for word in result.get("result", []) or [])


class VoskUnderstanding:
    """Grammar from the expected phrases, verified against free decoding."""

    def __init__(self, recogniser: VoskRecogniser, agreement: float = 70.0):
        self.recogniser = recogniser
        self.agreement = agreement

    def understand(self, pcm: bytes, expectation: Expectation | None) -> Utterance | NotHeard:
        free = self.recogniser.recognise(pcm)
        phrases = [c for c in (expectation.candidates if expectation else ()) if c.lang == self.recogniser.lang]
        constrained = self.recogniser.recognise(pcm, grammar=sorted({c.text for c in phrases})) if phrases else None
        return self.decide(free, constrained, phrases)

    def decide(self, free: VoskResult, constrained: VoskResult | None,
               phrases: list[Candidate]) -> Utterance | NotHeard:
        """The expected phrase the grammar found if the free decoding says it too; else the free result.

        (Vosk's grammar is a bag of words, so its result must be exactly one expected phrase. Lattice
        scores were tried as a second confirmation and dropped: for the same clip they varied too much
        with chunking and alternatives to be compared — benchmarks/vosk_bias.py.)"""
        if constrained is not None:
            match = next((c for c in phrases if c.text == constrained.text), None)
            if match is not None and free.text and fuzz.ratio(constrained.text, free.text) >= self.agreement:
                return Utterance(text=match.text, lang=match.lang, confidence=constrained.confidence,
                                 intent=match.intent, entities=dict(match.entities),
                                 alternatives=((free.text, free.confidence),))
        if not free.text:
            return NotHeard("no_words")
        return Utterance(text=free.text, lang=self.recogniser.lang, confidence=free.confidence)
