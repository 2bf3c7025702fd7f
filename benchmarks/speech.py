"""Spoken benchmark: synthetic visitors (espeak-ng voices, speeds, pitches) in noise, through the
speech pipeline to the intent.

Clips are made with espeak-ng (three voices per language, each with its own speed and pitch; every
phrase at every noise level is said by two of them, in turn) and mixed with pink noise (sox) at
clean, 20, 10 and 5 dB SNR, measured against the active-speech level. Each clip goes through the
real pipeline (Silero VAD endpointing, Whisper, expected-phrase scoring) with the expectation of its
dialogue state (the same builder the engine uses). Free transcripts are parsed by the trained Rasa NLU model (or, if none is
trained, a keyword baseline). Reported per language and SNR: intent accuracy, language
identification (of the utterances a language was decided for; first turns, which have no
conversation language yet, also on their own), utterances not heard at all, name recognition,
recognition latency and real-time factor; plus the spoken turn through the whole stack: end of
speech -> Elvie's first word.

Synthetic speech only: accuracy on real visitors' speech is not measured by this.
"""
from __future__ import annotations

import hashlib
import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from robot.speech.audio import RATE, read_wav

CACHE = Path(__file__).resolve().parents[1] / "var" / "speech-clips"
SNRS = (None, 20, 10, 5)  # None = clean
VOICES = {"nl": [("m1", 150, 45), ("f2", 165, 60), ("m3", 135, 35), ("f4", 175, 70)],
          "en": [("m1", 155, 45), ("f2", 170, 60), ("m3", 140, 35), ("f4", 180, 70)]}
NAMES = ("Fatima el Amrani", "Jan de Vries", "Mehmet Yilmaz", "Katarzyna Nowak", "Emily Clarke", "Shanti Ramdin",
         "Piotr Kowalczyk", "Anouk van der Berg", "Mohamed Bouzid", "James Smith")


@dataclass(frozen=True)
class Phrase:
    text: str
    lang: str
    intent: str
    expecting: str | None  # dialogue state the phrase is said in
    name: str | None = None


PHRASES = [
    # "hallo elvie" is left out: espeak-ng's Dutch renders the name so that no recogniser hears it.
    Phrase("hallo", "nl", "greet", None), Phrase("goedemorgen", "nl", "greet", None),
    Phrase("ik heb een afspraak", "nl", "check_in", None), Phrase("ik heb geen afspraak", "nl", "no_appointment", None),
    Phrase("ik wil een medewerker spreken", "nl", "request_human", None),
    Phrase("ja", "nl", "affirm", "confirm"), Phrase("ja dat klopt", "nl", "affirm", "confirm"),
    Phrase("nee", "nl", "deny", "confirm"), Phrase("nee dat klopt niet", "nl", "deny", "confirm"),
    Phrase("nee die heb ik niet", "nl", "missing_document", "document"),
    Phrase("mijn naam is Fatima el Amrani", "nl", "inform_name", "name", "Fatima el Amrani"),
    Phrase("mijn naam is Jan de Vries", "nl", "inform_name", "name", "Jan de Vries"),
    Phrase("Mehmet Yilmaz", "nl", "inform_name", "name", "Mehmet Yilmaz"),
    Phrase("hello", "en", "greet", None), Phrase("good morning", "en", "greet", None),
    Phrase("I have an appointment", "en", "check_in", None),
    Phrase("I don't have an appointment", "en", "no_appointment", None),
    Phrase("I want to talk to a person", "en", "request_human", None),
    Phrase("yes", "en", "affirm", "confirm"), Phrase("yes that's right", "en", "affirm", "confirm"),
    Phrase("no", "en", "deny", "confirm"), Phrase("no that's not right", "en", "deny", "confirm"),
    Phrase("no I don't have it", "en", "missing_document", "document"),
    Phrase("my name is Emily Clarke", "en", "inform_name", "name", "Emily Clarke"),
    Phrase("my name is Katarzyna Nowak", "en", "inform_name", "name", "Katarzyna Nowak"),
    Phrase("James Smith", "en", "inform_name", "name", "James Smith"),
]
EQUIVALENT = {("document", "deny"): "missing_document"}  # "no" to "do you have it?" means it is missing


def _clip(phrase: Phrase, voice: tuple[str, int, int]) -> bytes:
    from robot.speech.tts import espeak_clip

    variant, speed, pitch = voice
    key = hashlib.sha1(f"{phrase.text}|{phrase.lang}|{voice}".encode()).hexdigest()[:16]
    path = CACHE / f"{phrase.lang}-{key}.pcm"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(espeak_clip(phrase.text, phrase.lang, variant, speed, pitch))
    return path.read_bytes()


def _noise(seconds: float, seed: int) -> np.ndarray:
    """Pink noise from sox (rate before -n, see speech-findings), cached per length."""
    length = int(seconds * RATE)
    path = CACHE / f"pink-{seed}.wav"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["sox", "-r", str(RATE), "-c", "1", "-n", "-b", "16", str(path), "synth", "30", "pinknoise"],
                       check=True, capture_output=True)
    noise = np.frombuffer(read_wav(path), dtype="<i2").astype(np.float32)
    start = random.Random(seed).randrange(0, max(1, noise.size - length))
    return noise[start:start + length]


def mix(clip: bytes, snr_db: float | None, seed: int, lead_s: float = 0.4, tail_s: float = 1.0) -> bytes:
    speech = np.frombuffer(clip, dtype="<i2").astype(np.float32)
    padded = np.concatenate([np.zeros(int(lead_s * RATE)), speech, np.zeros(int(tail_s * RATE))])
    if snr_db is None:
        noise = np.random.default_rng(seed).normal(0, 2.0, padded.size)  # a quiet mic's hiss
    else:
        noise = at_snr(speech, _noise(padded.size / RATE, seed % 3), snr_db, padded.size)
    return np.clip(padded + noise, -32768, 32767).astype("<i2").tobytes()


def at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float, length: int) -> np.ndarray:
    """`noise`, cut or padded to `length`, scaled to `snr_db` below the speech's active level (the
    padded clip's silence would make any noise look quieter than it sounds)."""
    active = speech[np.abs(speech) > 0.05 * np.max(np.abs(speech))]
    speech_rms = float(np.sqrt(np.mean(active ** 2)))
    noise = np.pad(noise, (0, max(0, length - noise.size)))[:length]  # rounding of the length
    noise_rms = float(np.sqrt(np.mean(noise ** 2))) or 1.0
    return noise * (speech_rms / (10 ** (snr_db / 20)) / noise_rms)


def _intent_parser():
    """Rasa NLU (the trained model) for free transcripts; the keyword baseline if no model exists."""
    try:
        from dialogue.training import model_path

        path = model_path()
        if path.exists():
            import asyncio

            from benchmarks.nlu import _quiet_rasa
            _quiet_rasa()
            from rasa.core.agent import Agent
            agent = Agent.load(str(path))

            def parse(text: str, lang: str):
                result = asyncio.run(agent.parse_message(text))
                return (result.get("intent") or {}).get("name"), {e["entity"]: e["value"]
                                                                  for e in result.get("entities") or []}
            return parse, "rasa"
    except Exception:  # noqa: BLE001 - fall back to the baseline rather than no benchmark
        pass
    from benchmarks.nlu import KeywordBaseline, load_split

    train, _ = load_split()
    baseline = KeywordBaseline([example for lang in train for example in train[lang]])
    return (lambda text, lang: (baseline.predict(text), {})), "keyword"


def _expectation(phrase: Phrase, conversation_lang: str | None):
    from robot.engine.expectations import build

    details = {"names": list(NAMES)} if phrase.expecting == "name" else {}
    return build(phrase.expecting, details, conversation_lang)


def run(quick: bool = False) -> dict:
    from robot.speech.pipeline import SpeechPipeline

    pipeline = SpeechPipeline(lambda event: None)
    parse, parser_name = _intent_parser()
    voices = {lang: v[:2] if quick else v[:3] for lang, v in VOICES.items()}
    snrs = (None, 10) if quick else SNRS
    rows = []
    for p, phrase in enumerate(PHRASES):
        for v, voice in enumerate(voices[phrase.lang]):
            clip = _clip(phrase, voice)
            for n, snr in enumerate(snrs):
                if not quick and (p + v + n) % len(voices[phrase.lang]) == 0:
                    continue  # each phrase at each noise level by two of the three voices, in turn
                rows.append(_row(pipeline, parse, phrase, voice, mix(clip, snr, seed=v * 7 + len(phrase.text)), snr))
    result: dict = {"speech_clips": len(rows), "speech_intent_parser": parser_name,
                    "speech_whisper_load_s": round(pipeline.recogniser.load_seconds, 2), **_summary(rows)}
    if not SKIP_STACK:
        result.update(_spoken_turns(quick))
    if DETAILS:
        for r in rows:
            if not (r["intent_ok"] and r["lang_ok"]):
                print(f"MISS {r['lang']} {r['snr']:>5} {r['voice']}: {r['phrase']!r} -> {r['heard']!r} "
                      f"({r['got_intent']}, {r['got_lang']})", file=sys.stderr)
    return result


def _row(pipeline, parse, phrase: Phrase, voice, audio: bytes, snr: int | None) -> dict:
    """One clip through the ear: what was heard, understood and how fast."""
    from robot.speech.types import NotHeard, Recognised

    # The first turn of a conversation has no language yet; later turns keep the visitor's.
    conversation_lang = None if phrase.expecting is None else phrase.lang
    pipeline.set_expectation(_expectation(phrase, conversation_lang))
    pipeline.set_language(conversation_lang)
    started = time.monotonic()
    events = pipeline.recognise_pcm(audio, trailing_silence_s=0.0)
    elapsed = time.monotonic() - started
    heard = next((e for e in events if isinstance(e, (Recognised, NotHeard))), None)
    intent, lang, name, latency = None, None, None, None
    if isinstance(heard, Recognised):
        utterance = heard.utterance
        lang = utterance.lang
        latency = utterance.timings.get("recognition_ms")
        if utterance.intent:
            intent, entities = utterance.intent, dict(utterance.entities)
        else:
            intent, entities = parse(utterance.text, utterance.lang)
        name = entities.get("person_name")
    intent = EQUIVALENT.get((phrase.expecting, intent), intent)
    heard_text = heard.utterance.text if isinstance(heard, Recognised) else type(heard).__name__
    return {"phrase": phrase.text, "voice": voice[0], "heard": heard_text, "got_intent": intent,
            "got_lang": lang, "lang": phrase.lang, "first_turn": conversation_lang is None,
            "snr": "clean" if snr is None else f"{snr}db",
            "intent_ok": intent == phrase.intent, "lang_ok": lang == phrase.lang,
            "name_ok": (name or "").lower() == (phrase.name or "").lower() if phrase.name else None,
            "latency_ms": latency, "rtf": elapsed / (len(audio) / 2 / RATE),
            "decided_by_phrase": isinstance(heard, Recognised) and bool(heard.utterance.intent)}


def _summary(rows: list[dict]) -> dict:
    result: dict = {}
    for lang in sorted({r["lang"] for r in rows}):
        for snr in ("clean", "20db", "10db", "5db"):
            subset = [r for r in rows if r["lang"] == lang and r["snr"] == snr]
            if not subset:
                continue
            result[f"speech_intent_accuracy_{lang}_{snr}_pct"] = round(100 * statistics.mean(r["intent_ok"] for r in subset), 1)
            names = [r["name_ok"] for r in subset if r["name_ok"] is not None]
            if names:
                result[f"speech_name_accuracy_{lang}_{snr}_pct"] = round(100 * statistics.mean(names), 1)
        said = [r for r in rows if r["lang"] == lang]
        decided = [r for r in said if r["got_lang"] is not None]
        result[f"speech_lang_id_accuracy_{lang}_pct"] = round(100 * statistics.mean(r["lang_ok"] for r in decided), 1)
        result[f"speech_not_heard_{lang}_pct"] = round(100 * (1 - len(decided) / len(said)), 1)
    # Language identification is scored on the utterances a language was decided for; an utterance not
    # heard at all ("sorry, I didn't catch that") is a recognition miss, counted in intent accuracy.
    decided = [r for r in rows if r["got_lang"] is not None]
    result["speech_lang_id_accuracy_pct"] = round(100 * statistics.mean(r["lang_ok"] for r in decided), 1)
    first = [r for r in decided if r["first_turn"]]
    result["speech_lang_id_first_turn_accuracy_pct"] = round(100 * statistics.mean(r["lang_ok"] for r in first), 1)
    latencies = sorted(r["latency_ms"] for r in rows if r["latency_ms"] is not None)
    if latencies:
        result["speech_end_to_text_p50_ms"] = round(latencies[len(latencies) // 2], 1)
        result["speech_end_to_text_p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))], 1)
    result["speech_rtf"] = round(statistics.mean(r["rtf"] for r in rows), 3)
    result["speech_decided_by_expected_phrase_pct"] = round(100 * statistics.mean(r["decided_by_phrase"] for r in rows), 1)
    return result


DETAILS = "--details" in sys.argv
SKIP_STACK = "--no-stack" in sys.argv


def _spoken_turns(quick: bool) -> dict:
    """End of speech -> first spoken word, through the whole stack (engine, Rasa, actions, virtual robot)."""
    try:
        from benchmarks.stack import spoken_turn_latencies
    except ImportError:
        return {}
    return spoken_turn_latencies(quick)


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
