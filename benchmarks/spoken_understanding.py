"""Spoken understanding that generalises: the held-out sentences, spoken and typed, in running conversations.

The sentences are the NLU test split (dialogue/tests/nlu_test_<lang>.yml): varied everyday phrasings
of every intent that Rasa is never trained on and that speech never uses to build what it expects
(sentences that also occur in the training data are left out and counted). They are never tuned on:
`--dev` runs the same measurement on a slice of the training sentences instead, with that slice
taken out of the speech side's candidate index, which is what thresholds are tuned against.

Each language's sentences are shuffled into running conversations of six turns. Every sentence is
said in a dialogue state where a visitor could say it (a "nee" after a yes/no question, a name
when Elvie asked for one, a goodbye in any state, ...), rotating over those states, so every state
is visited. Each is said by one of four espeak-ng voices (speed and pitch of their own), clean and
in pink noise at 10 dB SNR, through the real speech pipeline with that state's expectation and the
conversation's language as it stands — the language decided turn by turn by the same
`ConversationLanguage` the engine uses. The same sentences are then typed in the same conversations
and parsed by the same trained Rasa NLU, so spoken and typed are compared on one run.

What the dialogue does with an intent decides whether it counts: in the states that expect a name,
a booking code, a time or a service, a sentence NLU cannot place goes to that state's lookup (the
rules' nlu_fallback routes), and in the document checklist "no" means the document is missing.

Also measured: utterances of clearly audible speech answered with "I can't hear you"
(`cant_hear`), turns answered in the wrong language, and noise or unrelated speech (pink and brown
noise, reversed speech, sentences about something else) that became an intent.
Synthetic speech only: accuracy on real visitors' speech is not measured by this.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from benchmarks.speech import CACHE, PHRASES, _noise, mix
from robot import nlu_examples
from robot.speech.audio import RATE

LANGUAGES = ("nl", "en")
CONDITIONS = (None, 10)  # clean, 10 dB SNR
VOICES = {"nl": [("m1", 150, 45), ("f2", 165, 60), ("m3", 135, 35), ("f4", 180, 70)],
          "en": [("m1", 155, 45), ("f2", 170, 60), ("m3", 140, 35), ("f4", 185, 70)]}
ALL_STATES = (None, "has_appointment", "confirm", "document", "name", "booking_code", "candidate",
              "walk_in_service")
# Where a visitor could say a sentence of each intent (the dialogue state = what Elvie asked last).
STATES = {
    "greet": (None,), "goodbye": (None, "confirm", "document", "has_appointment"),
    "thank": (None, "document", "confirm"), "affirm": ("has_appointment", "confirm", "document"),
    "deny": ("has_appointment", "confirm", "document"), "check_in": (None, "has_appointment"),
    "no_appointment": (None, "has_appointment"), "inform_name": ("name",),
    "inform_booking_code": ("booking_code",), "inform_time": ("candidate",),
    "werkacademie": (None, "has_appointment"), "servicecentrum": (None, "has_appointment"),
    "inform_service": ("walk_in_service", None), "missing_document": ("document",),
    "bot_challenge": (None, "confirm", "name"), "out_of_scope": (None, "confirm", "document"),
    "request_human": ALL_STATES, "switch_language": ALL_STATES, "repeat": ALL_STATES,
}
# What the dialogue does with an intent in a state (dialogue/data/rules.yml).
ROUTED = {("name", "nlu_fallback"): "inform_name", ("booking_code", "nlu_fallback"): "inform_booking_code",
          ("candidate", "nlu_fallback"): "inform_time", ("walk_in_service", "nlu_fallback"): "inform_service",
          ("document", "deny"): "missing_document", ("document", "missing_document"): "missing_document"}
NOT_AN_INTENT = {None, "nlu_fallback", "out_of_scope"}
CANDIDATE_TIMES = ["10:00", "10:30", "14:00", "11:45", "13:30", "09:00", "16:30", "12:00", "14:30", "10:15",
                   "16:00", "11:00"]
EXTRA_NAMES = ("Fatima el Amrani", "Jan de Vries", "Mehmet Yilmaz", "Katarzyna Nowak", "Emily Clarke")
UNRELATED = {
    "nl": ["het regent al de hele dag in Den Haag", "de trein naar Utrecht heeft vertraging",
           "mijn buurman heeft een nieuwe auto gekocht", "het voetbal begint om acht uur vanavond",
           "de supermarkt verkoopt geen brood meer", "ik heb gisteren een mooie film gezien",
           "de kat ligt de hele dag in de zon"],
    "en": ["it has been raining all day in the city", "the train to London is running late",
           "my neighbour bought a new car last week", "the football starts at eight tonight",
           "the shop has run out of bread again", "I watched a lovely film yesterday",
           "the cat sleeps in the sun all afternoon"],
}


@dataclass(frozen=True)
class Turn:
    text: str  # said (a booking code read out character by character)
    typed: str  # typed
    lang: str
    intent: str
    state: str | None
    name: str | None
    code: str | None  # the booking code said, which the lookup must be able to read
    voice: tuple[str, int, int]
    conversation: int


def _spoken_form(example: nlu_examples.Example) -> str:
    """Booking codes are read out one character at a time, as visitors read them from a letter."""
    text = example.text
    code = example.entity("booking_code")
    if code:
        text = text.replace(code, " ".join(code))
    return text


def _sentences(lang: str, dev: bool) -> tuple[list[nlu_examples.Example], int]:
    """The held-out split minus sentences also in the training data or the canonical phrases (or, with
    `dev`, every 9th training sentence); returns the sentences and how many were left out."""
    if dev:
        from robot.speech.retrieval import dev_slice

        return list(dev_slice(lang)), 0
    seen = {nlu_examples.normalised(e.text) for e in nlu_examples.training(lang)}
    seen |= {nlu_examples.normalised(p.text) for p in PHRASES if p.lang == lang}
    kept = [e for e in nlu_examples.held_out(lang) if nlu_examples.normalised(e.text) not in seen]
    return kept, len(nlu_examples.held_out(lang)) - len(kept)


def conversations(lang: str, quick: bool, dev: bool) -> tuple[list[Turn], int]:
    sentences, left_out = _sentences(lang, dev)
    rng = random.Random(f"conversations-{lang}")
    rng.shuffle(sentences)
    if quick:
        sentences = sentences[::3]
    per_intent: Counter = Counter()
    turns = []
    for index, example in enumerate(sentences):
        states = STATES.get(example.intent, (None,))
        state = states[per_intent[example.intent] % len(states)]
        per_intent[example.intent] += 1
        turns.append(Turn(_spoken_form(example), example.text, lang, example.intent, state, example.entity("person_name"),
                          example.entity("booking_code"), VOICES[lang][index % len(VOICES[lang])], index // 6))
    return turns, left_out


def _clip(text: str, lang: str, voice: tuple[str, int, int]) -> bytes:
    from robot.speech.tts import espeak_clip

    variant, speed, pitch = voice
    key = hashlib.sha1(f"{text}|{lang}|{voice}".encode()).hexdigest()[:16]
    path = CACHE / f"{lang}-{key}.pcm"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(espeak_clip(text, lang, variant, speed, pitch))
    return path.read_bytes()


def _names(turns: list[Turn]) -> list[str]:
    """Today's appointments: every name said in the conversations, plus some others."""
    return sorted({t.name for t in turns if t.name} | set(EXTRA_NAMES), key=str.lower)


def _details(state: str | None, names: list[str], index: int) -> dict:
    if state == "name":
        return {"names": names}
    if state == "candidate":
        return {"times": CANDIDATE_TIMES[index % 6:index % 6 + 3]}
    return {}


class Nlu:
    """The trained Rasa NLU model, in process (what the dialogue does with text)."""

    def __init__(self):
        from benchmarks.nlu import _quiet_rasa
        from dialogue.training import ensure_model

        _quiet_rasa()
        from rasa.core.agent import Agent

        self.agent = Agent.load(str(ensure_model()))
        self.loop = asyncio.new_event_loop()

    def parse(self, text: str) -> tuple[str | None, dict]:
        result = self.loop.run_until_complete(self.agent.parse_message(text))
        return (result.get("intent") or {}).get("name"), {e["entity"]: e["value"] for e in result.get("entities") or []}


@dataclass(frozen=True)
class Heard:
    """What the pipeline made of one spoken turn, as the dialogue would act on it."""

    utterance: object | None  # the Utterance, when something was recognised
    intent: str | None  # the phrase's intent, or the NLU's on the transcript
    name: str | None  # the person's name understood (in the name state: the words said)
    text: str  # what was heard ("<reason>" when nothing)
    not_heard: str | None  # NotHeard's reason
    ms: float  # recognition time


def hear(pipeline, nlu: Nlu, turn: Turn, audio: bytes) -> Heard:
    """One clip through the pipeline (its expectation and language already set)."""
    from robot.speech.types import NotHeard, Recognised

    t0 = time.monotonic()
    events = pipeline.recognise_pcm(audio, trailing_silence_s=0.0)
    ms = (time.monotonic() - t0) * 1000
    heard = next((e for e in events if isinstance(e, (Recognised, NotHeard))), None)
    if isinstance(heard, Recognised):
        u = heard.utterance
        intent, entities = (u.intent, dict(u.entities)) if u.intent else nlu.parse(u.text)
        name = entities.get("person_name") or (u.text if turn.state == "name" else None)
        return Heard(u, intent, name, u.text, None, ms)
    reason = heard.reason if isinstance(heard, NotHeard) else "nothing"
    return Heard(None, None, None, f"<{reason}>", reason, ms)


def _code_ok(code: str, text: str) -> bool:
    from integrations.qmatic.matching import match_reference

    return (match_reference(text) or "").upper() == code.upper()


def _name_ok(said: str | None, got: str | None) -> bool:
    from rapidfuzz import fuzz

    return bool(said and got) and fuzz.token_set_ratio(said.lower(), got.lower()) >= 90


def run(quick: bool = False, dev: bool = False) -> dict:
    from robot.language import LanguageDetector
    from robot.speech.pipeline import SpeechPipeline

    started = time.monotonic()
    pipeline = SpeechPipeline(lambda event: None)
    if dev:
        pipeline.understanding.exclude_from_index(dev=True)
    nlu = Nlu()
    detector = LanguageDetector(LANGUAGES)
    rows: list[dict] = []
    left_out = {}
    for lang in LANGUAGES:
        turns, left_out[lang] = conversations(lang, quick, dev)
        for condition in CONDITIONS:
            rows += _in_condition(pipeline, nlu, detector, lang, turns, condition)
    result = _figures(rows, left_out)
    for lang in LANGUAGES:
        result.update(_ceiling(pipeline.recogniser, lang, conversations(lang, quick, dev)[0]))
    result.update(_noise_and_unrelated(pipeline, nlu, _names(conversations("nl", True, dev)[0])))
    result["spoken_understanding_duration_s"] = round(time.monotonic() - started, 1)
    if DETAILS:
        for r in rows:
            if not r["spoken_ok"] or not r["answer_lang_ok"]:
                print(f"MISS {r['lang']} {r['condition']:>5} {r['state']:>15} {r['intent']:>18} {r['text']!r} -> "
                      f"{r['heard']!r} ({r['spoken_intent']}; lang ok {r['answer_lang_ok']})", file=sys.stderr)
    return result


def _in_condition(pipeline, nlu, detector, lang: str, turns: list, condition) -> list[dict]:
    """Every conversation of one language in one acoustic condition, spoken and typed side by side."""
    from robot.language_policy import ConversationLanguage

    names = _names(turns)
    spoken_language = ConversationLanguage(LANGUAGES)
    typed_language = ConversationLanguage(LANGUAGES)
    conversation = -1
    rows = []
    for index, turn in enumerate(turns):
        if index % 25 == 0:
            print(f"[spoken_understanding] {lang} {condition or 'clean'} {index}/{len(turns)}",
                  file=sys.stderr, flush=True)
        if turn.conversation != conversation:
            conversation = turn.conversation
            spoken_language.reset()
            typed_language.reset()
        audio = mix(_clip(turn.text, lang, turn.voice), condition, seed=index)
        row = _turn_row(pipeline, nlu, detector, turn, audio, _details(turn.state, names, index),
                        spoken_language, typed_language)
        rows.append({"lang": lang, "condition": "clean" if condition is None else f"{condition}db", **row,
                     "answer_lang_ok": spoken_language.answer_language == lang,
                     "typed_lang_ok": typed_language.answer_language == lang,
                     "conversation": (lang, condition, turn.conversation)})
    return rows


def _turn_row(pipeline, nlu, detector, turn, audio, details, spoken_language, typed_language) -> dict:
    """One turn heard (the conversation's language observed) and typed, against what the visitor meant."""
    from robot.engine.expectations import build
    from robot.language_policy import carries_language, spoken_evidence, typed_evidence

    conv_lang = spoken_language.current
    pipeline.set_expectation(build(turn.state, details, conv_lang, LANGUAGES))
    pipeline.set_language(conv_lang)
    heard = hear(pipeline, nlu, turn, audio)
    got = heard.intent
    if heard.utterance is not None:
        u = heard.utterance
        votes = getattr(u, "language_votes", None)
        if votes is None:  # a pipeline without language evidence: the old rule (its language)
            spoken_language.current = u.lang
        elif carries_language(turn.state, u.intent, u.text):
            spoken_language.observe(spoken_evidence(votes, u.lang, u.text))
    got = ROUTED.get((turn.state, got), got)
    typed_intent, _ = nlu.parse(turn.typed)
    typed_intent = ROUTED.get((turn.state, typed_intent), typed_intent)
    if carries_language(turn.state, typed_intent, turn.typed):
        typed_language.observe(typed_evidence(detector, turn.typed, typed_language.current), typed=True)
    expected = ROUTED.get((turn.state, turn.intent), turn.intent)
    if turn.code:  # a code only counts if the lookup can read it from what was understood
        got = got if _code_ok(turn.code, heard.text) else f"{got} (code misread)"
        typed_intent = typed_intent if _code_ok(turn.code, turn.typed) else f"{typed_intent} (code misread)"
    return {"state": turn.state or "open", "intent": expected, "text": turn.text, "heard": heard.text,
            "spoken_intent": got, "typed_intent": typed_intent, "spoken_ok": got == expected,
            "typed_ok": typed_intent == expected, "not_heard": heard.not_heard,
            "name_ok": _name_ok(turn.name, heard.name) if turn.name else None,
            "recognition_ms": heard.ms, "voice": turn.voice[0]}


def _pct(values) -> float:
    values = list(values)
    return round(100 * statistics.mean(values), 1) if values else 0.0


def _figures(rows: list[dict], left_out: dict) -> dict:
    result: dict = {"spoken_understanding_turns": len(rows),
                    "spoken_understanding_left_out_seen_in_training": sum(left_out.values())}
    for lang in LANGUAGES:
        typed = [r for r in rows if r["lang"] == lang and r["condition"] == "clean"]
        result[f"typed_intent_accuracy_{lang}_pct"] = _pct(r["typed_ok"] for r in typed)
        for condition in ("clean", "10db"):
            subset = [r for r in rows if r["lang"] == lang and r["condition"] == condition]
            if not subset:
                continue
            spoken = _pct(r["spoken_ok"] for r in subset)
            result[f"spoken_intent_accuracy_{lang}_{condition}_pct"] = spoken
            typed_pct = _pct(r["typed_ok"] for r in subset)
            result[f"spoken_typed_ratio_{lang}_{condition}"] = round(spoken / typed_pct, 3) if typed_pct else 0.0
            names = [r["name_ok"] for r in subset if r["name_ok"] is not None]
            if names:
                result[f"spoken_name_accuracy_{lang}_{condition}_pct"] = _pct(names)
        result[f"spoken_cant_hear_{lang}_pct"] = _pct(r["not_heard"] == "too_quiet" for r in rows if r["lang"] == lang)
        result[f"spoken_not_understood_{lang}_pct"] = _pct(r["not_heard"] == "no_words"
                                                           for r in rows if r["lang"] == lang)
        result[f"spoken_wrong_language_turns_{lang}_pct"] = _pct(not r["answer_lang_ok"]
                                                                 for r in rows if r["lang"] == lang)
        result[f"typed_wrong_language_turns_{lang}_pct"] = _pct(not r["typed_lang_ok"]
                                                                for r in rows if r["lang"] == lang and r["condition"] == "clean")
    result["spoken_cant_hear_pct"] = _pct(r["not_heard"] == "too_quiet" for r in rows)
    result["spoken_wrong_language_turns_pct"] = _pct(not r["answer_lang_ok"] for r in rows)
    runs, longest, conversation = 0, 0, None
    for r in rows:  # a run of wrong-language turns within one conversation (a new visitor starts afresh)
        if r["conversation"] != conversation:
            runs, conversation = 0, r["conversation"]
        runs = runs + 1 if not r["answer_lang_ok"] else 0
        longest = max(longest, runs)
    result["spoken_wrong_language_longest_run_turns"] = longest
    for condition in ("clean", "10db"):
        states = defaultdict(list)
        for r in rows:
            if r["condition"] == condition:
                states[r["state"]].append(r["spoken_ok"])
        result[f"spoken_intent_accuracy_per_state_{condition}_pct"] = {s: _pct(v) for s, v in sorted(states.items())}
    for lang in LANGUAGES:
        confusion: dict[str, Counter] = defaultdict(Counter)
        for r in rows:
            if r["lang"] == lang:
                confusion[r["intent"]][r["spoken_intent"] or f"<{r['not_heard'] or 'none'}>"] += 1
        result[f"spoken_confusion_{lang}"] = {intent: dict(counts.most_common()) for intent, counts in sorted(confusion.items())}
    times = sorted(r["recognition_ms"] for r in rows)
    result["spoken_understanding_recognition_p50_ms"] = round(times[len(times) // 2], 1)
    result["spoken_understanding_recognition_p95_ms"] = round(times[int(0.95 * (len(times) - 1))], 1)
    return result


CEILING_CLIPS = 40
CEILING_RIVALS = 100


def _ceiling(recogniser, lang: str, turns: list[Turn]) -> dict:
    """What the recogniser itself allows, whatever is built on it. Each clip (clean) is scored against
    the very sentence that was said and 100 training sentences of other intents, drawn at random: how
    often does the said sentence fit best? Open-vocabulary understanding can do no better than this (it
    has paraphrases, not the sentence, and thousands of rivals, not a hundred). Also Whisper's own language
    identification (Dutch against English only) on the same clips."""
    from robot.speech.types import Candidate

    rng = random.Random(f"ceiling-{lang}")
    rivals = [e for e in nlu_examples.training(lang) if not e.entity("person_name") and not e.entity("booking_code")]
    sample = [t for t in turns if not t.name and not t.code][:CEILING_CLIPS]
    best_fit, language_ok = 0, 0
    for turn in sample:
        audio = np.frombuffer(_clip(turn.text, lang, turn.voice), dtype="<i2").astype(np.float32) / 32768
        encoded = recogniser.encode(audio)
        drawn = rng.sample([e for e in rivals if e.intent != turn.intent], CEILING_RIVALS)
        scored = recogniser.score(encoded, [Candidate(turn.typed, lang, turn.intent)] +
                                  [Candidate(e.text, lang, e.intent) for e in drawn])
        best_fit += bool(scored) and scored[0].candidate.text == turn.typed
        language_ok += recogniser.language_of(audio, LANGUAGES) == lang
    n = len(sample) or 1
    return {f"spoken_ceiling_said_sentence_fits_best_{lang}_pct": round(100 * best_fit / n, 1),
            f"spoken_ceiling_whisper_language_id_{lang}_pct": round(100 * language_ok / n, 1),
            f"spoken_ceiling_clips_{lang}": len(sample)}


def _noise_and_unrelated(pipeline, nlu, names: list[str]) -> dict:
    """Noise, reversed speech (speech-like, no words) and unrelated sentences in every state that
    expects something: none may become an intent (unrelated sentences may be out of scope)."""
    from robot.engine.expectations import build
    from robot.speech.types import Recognised

    clips: list[tuple[str, np.ndarray]] = []
    for seed in range(4):
        pink = _noise(1.6, seed) * 0.25
        clips.append(("pink noise", pink))
        brown = np.cumsum(np.random.default_rng(seed).normal(0, 1, int(1.6 * RATE)))
        brown = (brown - brown.mean()) / (np.abs(brown).max() or 1) * 6000
        clips.append(("brown noise", brown))
    for lang in LANGUAGES:
        for text in UNRELATED[lang][:3]:
            reverse = np.frombuffer(_clip(text, lang, VOICES[lang][0]), dtype="<i2").astype(np.float32)[::-1]
            clips.append(("reversed speech", reverse))
    unrelated = [(text, lang) for lang in LANGUAGES for text in UNRELATED[lang]]
    false_noise, false_unrelated, noise_turns, unrelated_turns = 0, 0, 0, 0
    examples: list[str] = []
    for index, state in enumerate(("open", "has_appointment", "confirm", "document", "name")):
        state_key = None if state == "open" else state
        for lang in LANGUAGES:
            pipeline.set_expectation(build(state_key, {"names": names}, lang, LANGUAGES))
            pipeline.set_language(lang)
            for kind, audio in clips:
                pcm = np.clip(np.concatenate([np.zeros(6400), audio, np.zeros(16000)]), -32768, 32767).astype("<i2")
                events = pipeline.recognise_pcm(pcm.tobytes(), 0.0)
                intent = _intent_of(events, nlu, names, Recognised)
                noise_turns += 1
                if intent not in NOT_AN_INTENT:
                    false_noise += 1
                    examples.append(f"{kind} in {state} -> {intent} ({_heard(events, Recognised)})")
            for text, said_lang in unrelated[index::5]:
                audio = mix(_clip(text, said_lang, VOICES[said_lang][1]), None, seed=index)
                events = pipeline.recognise_pcm(audio, 0.0)
                intent = _intent_of(events, nlu, names, Recognised)
                unrelated_turns += 1
                if intent not in NOT_AN_INTENT:
                    false_unrelated += 1
                    examples.append(f"{text!r} in {state} -> {intent} ({_heard(events, Recognised)})")
    typed_false = sum(nlu.parse(text)[0] not in NOT_AN_INTENT for text, _ in unrelated)
    if DETAILS:
        for line in examples:
            print(f"FALSE {line}", file=sys.stderr)
    return {"spoken_noise_turns": noise_turns, "spoken_noise_to_intent_count": false_noise,
            "spoken_unrelated_turns": unrelated_turns, "spoken_unrelated_to_intent_count": false_unrelated,
            "typed_unrelated_sentences": len(unrelated), "typed_unrelated_to_intent_count": typed_false}


def _heard(events, recognised_type) -> str:
    heard = next((e for e in events if isinstance(e, recognised_type)), None)
    if heard is None:
        return "nothing"
    return f"{'phrase' if heard.utterance.intent else 'transcript'} {heard.utterance.text!r}"


def _intent_of(events, nlu, names, recognised_type) -> str | None:
    """The intent the dialogue would act on (a free transcript in the name state counts only if the
    lookup could take it for one of today's names)."""
    from rapidfuzz import fuzz, process

    heard = next((e for e in events if isinstance(e, recognised_type)), None)
    if heard is None:
        return None
    u = heard.utterance
    if u.intent:
        return u.intent
    intent, _ = nlu.parse(u.text)
    if intent == "inform_name" or intent == "nlu_fallback":
        match = process.extractOne(u.text, names, scorer=fuzz.token_set_ratio, score_cutoff=85)
        return "inform_name" if match else None
    return intent


DETAILS = "--details" in sys.argv

if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv, dev="--dev" in sys.argv), indent=2, ensure_ascii=False))
