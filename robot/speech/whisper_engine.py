"""Whisper (base, CTranslate2 via faster-whisper): free transcripts and scored expected phrases.

The audio is encoded once; then, from the same encoder output:
- `score`: how well each expected phrase explains the audio (mean log-probability of its tokens
  under forced alignment) — the speech-to-intent part, which works where free decoding of Dutch fails,
- `transcribe`: a greedy transcript (temperature 0, bounded length) with guards against the
  repetition loops and stock phrases Whisper produces on silence or noise.
"""
from __future__ import annotations

import re
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dialogue.content.language_pack import content_languages

from .models import ModelError, check_whisper
from .types import Candidate

N_FRAMES = 3000  # Whisper was trained on 30 s windows (100 feature frames a second)
# Stock phrases Whisper says when it hears nothing (subtitle credits and the like).
HALLUCINATIONS = re.compile(r"(ondertiteling|ondertiteld|bedankt voor het kijken|thanks? for watching|subtitles by|"
                            r"amara\.org|ik ben de ondertitelaar|www\.|\.com|♪|\[music\]|\[muziek\])", re.IGNORECASE)


@dataclass(frozen=True)
class Encoded:
    output: object  # ctranslate2.StorageView of the encoder
    frames: int  # real (unpadded) feature frames
    seconds: float
    ms: float = 0.0  # how long encoding took


@dataclass(frozen=True)
class Transcript:
    text: str
    lang: str
    avg_logprob: float
    no_speech_prob: float

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float  # mean log-probability per token (0 is perfect)


def whisper_style(text: str) -> str:
    """Write a phrase the way Whisper writes what it hears ('ja dat klopt' -> 'Ja dat klopt.'):
    scores of lowercase, unpunctuated phrases are far worse for the same audio."""
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] in ".?!":
        return text
    # A word said alone is written as an exclamation, and its "!" is scored with it (a full stop is not):
    # espeak's Dutch "nee" fits "Nee!" far better than "Nee" (-2.8 against -3.7), and among six one-word
    # answers per language, five voices each, the right one came first 25 of 30 times instead of 22 (Dutch).
    return text + ("!" if " " not in text else ".")


class WhisperRecogniser:
    def __init__(self, model_dir: Path | None = None, threads: int = 2, beam_size: int = 1, score_workers: int = 2,
                 languages: tuple[str, ...] | None = None):
        """`threads` for encoding and transcribing; `score_workers` phrases scored at once, one thread
        each — a phrase's score barely gets faster with a second thread (its cost is attending over the
        whole 30 s window), so on 2 cores two phrases at a time is ~40 % faster than one after another."""
        import ctranslate2
        from faster_whisper import WhisperModel

        folder = check_whisper() if model_dir is None else Path(model_dir)
        if not (folder / "model.bin").exists():
            raise ModelError(f"no Whisper model in {folder}; run `elvie models prepare`")
        started = time.monotonic()
        try:
            self.model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads,
                                      local_files_only=True)
            self._scorer = self.model.model if score_workers <= 1 else ctranslate2.models.Whisper(
                str(folder), device="cpu", compute_type="int8", inter_threads=score_workers,
                intra_threads=max(1, threads // score_workers))
        except Exception as exc:  # noqa: BLE001 - a broken model must be a clear start-up error
            raise ModelError(f"the Whisper model in {folder} cannot be loaded ({type(exc).__name__}: {exc}); "
                             "delete the folder and run `elvie models prepare`") from None
        self.load_seconds = time.monotonic() - started
        self.languages = languages or content_languages()  # Whisper base is multilingual: whichever locales/ has
        self.tokenizer = self.model.hf_tokenizer
        self.beam_size = beam_size
        self.score_workers = max(1, score_workers)
        self._pool = ThreadPoolExecutor(max_workers=self.score_workers, thread_name_prefix="whisper-score")
        self._lock = threading.Lock()  # one recognition step at a time (they would only slow each other)
        self._period = self.tokenizer.encode(".", add_special_tokens=False).ids[-1]
        self._ids = {name: self.tokenizer.token_to_id(name) for name in
                     ("<|startoftranscript|>", "<|transcribe|>", "<|notimestamps|>", "<|startofprev|>")}

    def warm_up(self) -> None:
        """One pass of every step on silence: the first encoding after loading takes ~100 ms longer
        (and the first scores ~20 ms), which the first visitor should not wait for."""
        encoded = self.encode(np.zeros(16000, dtype=np.float32))
        self.score(encoded, [Candidate("ok", lang, "affirm") for lang in self.languages])
        self.transcribe(encoded, self.languages[0])

    def _prefix(self, lang: str) -> list[int]:
        return [self._ids["<|startoftranscript|>"], self.tokenizer.token_to_id(f"<|{lang}|>"),
                self._ids["<|transcribe|>"], self._ids["<|notimestamps|>"]]

    def _window(self, audio: np.ndarray) -> tuple[np.ndarray, int]:
        """Log-mel features of a 30 s window (padded or cut) and how many frames hold the audio.
        CTranslate2 also encodes shorter windows (20 s: a third faster), but the Dutch phrase scores
        then drop: nl intent accuracy clean 96 -> 88 % at 20 and 25 s (robot/speech/README.md)."""
        features = self.model.feature_extractor(audio.astype(np.float32))
        frames = min(features.shape[-1], N_FRAMES)
        return np.pad(features, ((0, 0), (0, max(0, N_FRAMES - features.shape[-1]))))[:, :N_FRAMES], frames

    def encode(self, audio: np.ndarray) -> Encoded:
        started = time.monotonic()
        features, frames = self._window(audio)
        with self._lock:
            output = self.model.encode(features)
        return Encoded(output=output, frames=frames, seconds=audio.size / 16000,
                       ms=(time.monotonic() - started) * 1000)

    def score(self, encoded: Encoded, candidates: list[Candidate] | tuple[Candidate, ...],
              good_enough=None) -> list[Scored]:
        """Each candidate's fit to the audio, best first; `score_workers` at a time, in the given order
        (`good_enough(scored so far)` may stop it between rounds)."""
        scored: list[Scored] = []
        todo = list(candidates)
        with self._lock:
            while todo:
                if scored and good_enough is not None and good_enough(scored):
                    break
                batch, todo = todo[:self.score_workers], todo[self.score_workers:]
                results = self._pool.map(lambda candidate: self._score_one(encoded, candidate), batch)
                scored += [item for item in results if item is not None]
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def _score_one(self, encoded: Encoded, candidate: Candidate) -> Scored | None:
        tokens = self.tokenizer.encode(" " + whisper_style(candidate.text), add_special_tokens=False).ids
        if not tokens:
            return None
        result = self._scorer.align(encoded.output, self._prefix(candidate.lang), [tokens], encoded.frames)
        probs = np.clip(np.asarray(result[0].text_token_probs, dtype=np.float64), 1e-9, 1.0)
        if len(probs) > 1 and tokens[-1] == self._period:
            probs = probs[:-1]  # the added full stop helps the fit but is not part of what was said
        return Scored(candidate, float(np.mean(np.log(probs))))

    def language_of(self, audio: np.ndarray, languages: tuple[str, ...]) -> str | None:
        """Whisper's own language identification, among `languages` only (~0.4 s: it always encodes a
        30 s window). The benchmarks use it to show how far Whisper itself tells the languages apart;
        the conversation decides its language from cheaper evidence (robot/language_policy.py)."""
        import ctranslate2

        features, _ = self._window(audio)
        with self._lock:
            ranked = self.model.model.detect_language(ctranslate2.StorageView.from_array(features[None]))[0]
        probabilities = {token.strip("<|>"): p for token, p in ranked}
        known = {lang: probabilities.get(lang, 0.0) for lang in languages}
        return max(known, key=known.get) if any(known.values()) else None

    def transcribe(self, encoded: Encoded, lang: str, prompt: str | None = None) -> Transcript:
        prefix = self._prefix(lang)
        if prompt:
            prompt_ids = self.tokenizer.encode(" " + prompt.strip(), add_special_tokens=False).ids[-120:]
            prefix = [self._ids["<|startofprev|>"]] + prompt_ids + prefix
        max_tokens = int(12 + encoded.seconds * 6)
        with self._lock:
            result = self.model.model.generate(encoded.output, [prefix], beam_size=self.beam_size,
                                               max_length=len(prefix) + max_tokens, return_scores=True,
                                               return_no_speech_prob=True, no_repeat_ngram_size=3,
                                               suppress_blank=True)[0]
        tokens = [t for t in result.sequences_ids[0] if t < self.tokenizer.token_to_id("<|endoftext|>")]
        text = self.tokenizer.decode(tokens).strip()
        avg_logprob = float(result.scores[0]) if result.scores else -10.0  # CTranslate2 normalises by length
        if self._hallucinated(text):
            text = ""
        return Transcript(text=text, lang=lang, avg_logprob=avg_logprob, no_speech_prob=float(result.no_speech_prob))

    @staticmethod
    def _hallucinated(text: str) -> bool:
        if not text:
            return False
        if HALLUCINATIONS.search(text):
            return True
        data = text.encode("utf-8")
        if len(data) > 24 and len(data) / len(zlib.compress(data)) > 2.4:  # repetition loop
            return True
        words = text.lower().split()
        return len(words) >= 6 and len(set(words)) <= len(words) / 3
