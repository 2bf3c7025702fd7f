"""Speech in a real hall: reverberation, other visitors talking, a visitor standing back, and pauses.

Beside `speech.py` (canonical phrases, pink noise) and `spoken_understanding.py` (held-out sentences,
clean and pink noise at 10 dB), this benchmark says what a service-centre hall does to Elvie's ear:

- **hall**: a hard-walled hall's reverberation (sox `reverb`, little high-frequency damping);
- **hall_babble**: the same hall with three other espeak-ng voices talking at once, as other visitors
  would, 5 dB below the visitor;
- **far_field**: a visitor standing back: the hall, and speech peaking at -30 dBFS;
- **names**: today's names said three ways ("mijn naam is X", "X", "ik ben X"; in English "my name is X",
  "X", "I'm X") by four voices, clean and at 10 dB (pink noise); a name taken for another person counts
  as a wrong check-in risk (the dialogue still asks the visitor to confirm the appointment);
- **pauses**: utterances with pauses inside them (a booking code read in groups, a name spelled letter
  by letter, "uh ..."): the endpointer must not cut them; a booking code must still be read.

Sentences are the held-out NLU test split (never trained on, never indexed for speech), each in a
dialogue state where it fits and in its own language: the conversation's language is
`spoken_understanding.py`'s business, this one measures acoustics. At least 100 clips per language
and condition (`--quick`: a quarter).
"""
from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time

import numpy as np

from benchmarks.speech import NAMES, at_snr, mix
from benchmarks.spoken_understanding import (LANGUAGES, ROUTED, UNRELATED, VOICES, Nlu, Turn, _clip, _code_ok,
                                             _details, _name_ok, conversations, hear)
from robot.speech.audio import RATE

CONDITIONS = ("hall", "hall_babble", "far_field")
CLIPS = 100  # per language and condition: a one-point change is one clip
HALL = ("reverb", "80", "20", "100", "100", "20", "0")  # reverberance %, HF damping %, room scale %, ...
BABBLE_SNR_DB = 5.0
FAR_FIELD_PEAK_DBFS = -30.0
NAME_FORMS = {"nl": ("mijn naam is {name}", "{name}", "ik ben {name}"), "en": ("my name is {name}", "{name}", "I'm {name}")}
SPELLING = {"nl": "{a} van {wa}", "en": "{a} as in {wa}"}
LETTER_WORDS = {"A": "Anton", "B": "Bernard", "D": "Dirk", "K": "Karel", "M": "Marie", "N": "Nico", "P": "Pieter",
                "R": "Rudolf", "S": "Simon", "V": "Victor", "W": "Willem"}
FILLERS = {"nl": ("uh", "eh", "uhm"), "en": ("uh", "um", "er")}
PAUSE_S = (0.6, 0.8, 1.0)


def _sox(pcm: bytes, *effect: str) -> bytes:
    raw = ["-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16", "-c", "1"]
    return subprocess.run(["sox", *raw, "-", *raw, "-", *effect], input=pcm, capture_output=True, check=True).stdout


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32)


def _pcm(samples: np.ndarray) -> bytes:
    return np.clip(samples, -32768, 32767).astype("<i2").tobytes()


def _babble(length: int, seed: int) -> np.ndarray:
    """Three other visitors talking at once in the same hall (other voices, both languages)."""
    rng = random.Random(seed)
    total = np.zeros(length, dtype=np.float32)
    for talker in range(3):
        lang = rng.choice(LANGUAGES)
        voice = VOICES[lang][(seed + talker) % len(VOICES[lang])]
        speech = np.concatenate([_samples(_clip(text, lang, voice)) for text in rng.sample(UNRELATED[lang], 3)])
        speech = _samples(_sox(_pcm(speech), *HALL))
        start = rng.randrange(0, max(1, speech.size - length))
        part = np.pad(speech[start:start + length], (0, max(0, length - speech[start:].size)))[:length]
        total += part
    return total


def in_condition(clip: bytes, condition: str, seed: int) -> bytes:
    """A clean clip as heard in the hall, with other visitors, or from further away."""
    padded = _samples(mix(clip, None, seed))  # lead-in, tail and a quiet microphone's hiss
    wet = _samples(_sox(_pcm(padded), *HALL))
    if condition == "hall":
        return _pcm(wet)
    if condition == "hall_babble":
        return _pcm(wet + at_snr(_samples(clip), _babble(wet.size, seed), BABBLE_SNR_DB, wet.size))
    if condition == "far_field":
        peak = float(np.max(np.abs(wet))) or 1.0
        quiet = wet * (32768 * 10 ** (FAR_FIELD_PEAK_DBFS / 20) / peak)
        return _pcm(quiet + np.random.default_rng(seed).normal(0, 2.0, quiet.size))
    raise ValueError(f"unknown condition {condition!r}")


def _sentence_turns(lang: str, quick: bool) -> list[Turn]:
    turns, _ = conversations(lang, quick=False, dev=False)
    return turns[:CLIPS // 4 if quick else CLIPS]


def _intents(pipeline, nlu, quick: bool) -> tuple[dict, list[float]]:
    from robot.engine.expectations import build

    result, times = {}, []
    for lang in LANGUAGES:
        turns = _sentence_turns(lang, quick)
        names = sorted({t.name for t in turns if t.name} | set(NAMES))
        for condition in CONDITIONS:
            ok, not_heard, too_quiet = 0, 0, 0
            for index, turn in enumerate(turns):
                print(f"[acoustics] {lang} {condition} {index}/{len(turns)}", file=sys.stderr, flush=True)
                pipeline.set_expectation(build(turn.state, _details(turn.state, names, index), lang, LANGUAGES))
                pipeline.set_language(lang)
                heard = hear(pipeline, nlu, turn, in_condition(_clip(turn.text, lang, turn.voice), condition, index))
                times.append(heard.ms)
                got = ROUTED.get((turn.state, heard.intent), heard.intent)
                expected = ROUTED.get((turn.state, turn.intent), turn.intent)
                if turn.code and not _code_ok(turn.code, heard.text):
                    got = None
                if turn.name and not _name_ok(turn.name, heard.name):
                    got = None
                ok += got == expected
                not_heard += heard.not_heard is not None
                too_quiet += heard.not_heard == "too_quiet"
            n = len(turns) or 1
            result[f"acoustic_intent_accuracy_{lang}_{condition}_pct"] = round(100 * ok / n, 1)
            result[f"acoustic_not_heard_{lang}_{condition}_pct"] = round(100 * not_heard / n, 1)
            result[f"acoustic_cant_hear_{lang}_{condition}_pct"] = round(100 * too_quiet / n, 1)
    return result, times


def _names(pipeline, nlu, quick: bool) -> dict:
    from robot.engine.expectations import build

    result: dict = {}
    wrong_person = 0
    for lang in LANGUAGES:
        for condition in (None, 10):
            ok, n = 0, 0
            for i, name in enumerate(NAMES[:3] if quick else NAMES):
                for j, form in enumerate(NAME_FORMS[lang]):
                    for k, voice in enumerate(VOICES[lang][:1] if quick else VOICES[lang]):
                        turn = Turn(form.format(name=name), form.format(name=name), lang, "inform_name", "name", name,
                                    None, voice, 0)
                        pipeline.set_expectation(build("name", {"names": list(NAMES)}, lang, LANGUAGES))
                        pipeline.set_language(lang)
                        heard = hear(pipeline, nlu, turn, mix(_clip(turn.text, lang, voice), condition, seed=i + j + k))
                        taken = heard.intent in ("inform_name", "nlu_fallback", None) and heard.name
                        right = bool(taken) and _name_ok(name, heard.name)
                        ok += right
                        n += 1
                        if taken and not right and any(_name_ok(other, heard.name) for other in NAMES if other != name):
                            wrong_person += 1
            result[f"acoustic_name_accuracy_{lang}_{'clean' if condition is None else '10db'}_pct"] = round(100 * ok / n, 1)
            result["acoustic_name_clips"] = result.get("acoustic_name_clips", 0) + n
    result["acoustic_names_taken_for_another_person_count"] = wrong_person
    return result


def _with_pauses(lang: str, index: int) -> tuple[list[str], str, str | None]:
    """(spoken parts, said between pauses; the state it is said in; the booking code, if any)."""
    rng = random.Random(f"pauses-{lang}-{index}")
    kind = index % 3
    if kind == 0:
        code = "".join(rng.choice("ABDKMNPRSVW") for _ in range(2)) + "".join(rng.choice("0123456789") for _ in range(4))
        return [" ".join(code[:2]), " ".join(code[2:4]), " ".join(code[4:])], "booking_code", code
    if kind == 1:
        letters = rng.sample(sorted(LETTER_WORDS), 3)
        return [SPELLING[lang].format(a=a, wa=LETTER_WORDS[a]) for a in letters], "name", None
    opening = {"nl": "ik heb", "en": "I have"}[lang]
    rest = {"nl": "een afspraak om tien uur", "en": "an appointment at ten"}[lang]
    return [opening, rng.choice(FILLERS[lang]), rest], None, None


def _pauses(pipeline, nlu, quick: bool) -> dict:
    """False cut-offs: an utterance with pauses inside that is taken for a finished turn before its last part."""
    from robot.engine.expectations import build
    from robot.speech.types import SpeechEnded

    result: dict = {}
    cut_total, n_total = 0, 0
    for lang in LANGUAGES:
        cut, codes_read, codes = 0, 0, 0
        count = CLIPS // 4 if quick else CLIPS
        for index in range(count):
            parts, state, code = _with_pauses(lang, index)
            voice = VOICES[lang][index % len(VOICES[lang])]
            gap = np.zeros(int(PAUSE_S[index % len(PAUSE_S)] * RATE), dtype=np.float32)
            pieces = []
            for part in parts:
                pieces += [_voiced(_samples(_clip(part, lang, voice))), gap]
            audio = mix(_pcm(np.concatenate(pieces[:-1])), None, seed=index)
            pipeline.set_expectation(build(state, {"names": list(NAMES)}, lang, LANGUAGES))
            pipeline.set_language(lang)
            # Recognised too: a segment whose transcript sounds unfinished is taken back (robot/speech/unfinished.py)
            events = pipeline.recognise_pcm(audio, trailing_silence_s=2.0)
            cut += sum(isinstance(e, SpeechEnded) for e in events) > 1
            if code:
                codes += 1
                heard = [e.utterance.text for e in events if hasattr(e, "utterance")]
                codes_read += bool(heard) and _code_ok(code, " ".join(heard))
        result[f"acoustic_false_cutoffs_{lang}_pct"] = round(100 * cut / count, 1)
        result[f"acoustic_codes_read_with_pauses_{lang}_pct"] = round(100 * codes_read / (codes or 1), 1)
        cut_total, n_total = cut_total + cut, n_total + count
    result["acoustic_false_cutoffs_pct"] = round(100 * cut_total / (n_total or 1), 1)
    result["acoustic_pause_clips"] = n_total
    return result


def _voiced(samples: np.ndarray) -> np.ndarray:
    """A clip without espeak-ng's trailing silence (~0.35 s), so a pause is as long as it says."""
    loud = np.flatnonzero(np.abs(samples) > 0.02 * 32768)
    return samples[:int(loud[-1]) + RATE // 20] if loud.size else samples


def run(quick: bool = False) -> dict:
    from robot.speech.pipeline import SpeechPipeline

    started = time.monotonic()
    pipeline = SpeechPipeline(lambda event: None)
    nlu = Nlu()
    try:
        result, times = _intents(pipeline, nlu, quick)
        result.update(_names(pipeline, nlu, quick))
        result.update(_pauses(pipeline, nlu, quick))
    finally:
        pipeline.stop()
    result["acoustic_clips_per_language_and_condition"] = CLIPS // 4 if quick else CLIPS
    result["acoustic_recognition_p50_ms"] = round(statistics.median(times), 1) if times else 0.0
    result["acoustic_recognition_p95_ms"] = round(sorted(times)[int(0.95 * (len(times) - 1))], 1) if times else 0.0
    for lang in LANGUAGES:
        result[f"acoustic_not_heard_{lang}_pct"] = round(statistics.mean(
            result[f"acoustic_not_heard_{lang}_{c}_pct"] for c in CONDITIONS), 1)
    result["acoustic_duration_s"] = round(time.monotonic() - started, 1)
    return result


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2, ensure_ascii=False))
