"""What Elvie's ear and understanding need to know of each language: `locales/<lang>/language.yml`.

Adding a language is adding a folder under locales/ with responses.yml, tablet.yml and language.yml, and
the dialogue's NLU data (dialogue/data/nlu/<lang>.yml); `elvie check` names whatever is missing. Nothing
else hard-wires a language: speech recognition, language identification, the expected phrases, the
voices and the end-of-turn cues all read them from here.

The file is checked against a small declarative schema (FIELDS): each field's kind and whether it is
required, with file:line problems and "did you mean" for unknown keys.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from core.paths import content_root

from .yamlsource import Problem, Source, YamlError, load_yaml

PACK_FILE = "language.yml"


@dataclass(frozen=True)
class Field:
    kind: str  # "text", "texts" (a list of texts), "phrases" (intent -> texts), "words" (word -> digit),
    #            "templates" (one text for each of `keys`)
    required: bool = True
    help: str = ""
    length: int | None = None  # a list of exactly this many texts
    keys: tuple[str, ...] = ()


SPOKEN_TIMES = ("whole", "half", "quarter_past", "quarter_to", "other")
ORDINALS = ("first", "second", "last")
# What a time phrase means, from {h} and {m}: 'hour:minute', each a sum of h, h%12, m and whole numbers.
_TERM = r"\s*(?:h%12|h|m|\d+)\s*"
TIME_MEANING = re.compile(rf"{_TERM}(?:[+-]{_TERM})*:{_TERM}(?:[+-]{_TERM})*")


FIELDS: dict[str, Field] = {
    "espeak_voice": Field("text", help="the espeak-ng voice of the virtual Pepper, e.g. gmw/nl"),
    "naoqi_language": Field("text", help="Pepper's ALTextToSpeech language, e.g. Dutch"),
    "common_words": Field("texts", help="very common short words, to tell the language apart"),
    "expected": Field("phrases", help="the most typical phrases per intent, scored against the audio"),
    "name_phrases": Field("texts", help="how visitors say their name, with {name}"),
    "digits": Field("words", help="digit words of a booking code read out, e.g. zeven: 7"),
    "unfinished_endings": Field("texts", help="words a finished sentence does not end on"),
    "spelling": Field("texts", help="how a letter is spelled out, with {letter} and {word}"),
    "clock": Field("text", help="how Elvie says a clock time, with {hour} and {minute}, e.g. {hour}:{minute}"),
    "today": Field("text", help="the word for today"),
    "tomorrow": Field("text", help="the word for tomorrow"),
    "on_day": Field("text", help="'on Monday', with {day}"),
    "days": Field("texts", length=7, help="the names of the days, Monday first"),
    "months": Field("texts", length=12, help="the names of the months, January first"),
    "or": Field("text", help="the word between the last two of a choice ('9:30 or 10:00')"),
    "spoken_times": Field("templates", keys=SPOKEN_TIMES, help="how a visitor says a time: " + ", ".join(SPOKEN_TIMES)),
    "hour_words": Field("texts", required=False, length=13, help="the hours 0-12 in words (twelve first)"),
    "numbers": Field("numbers", required=False, help="number words of a time, e.g. tien: 10, kwart is not one"),
    "time_phrases": Field("time_phrases", required=False,
                          help="how a visitor says a time, with {h} (and {m}), and what it means, e.g. "
                               "'half {h}': 'h-1:30' or '{m} past {h}': 'h:m'"),
    "ordinals": Field("word_lists", required=False, keys=ORDINALS,
                      help="words for the first, second and last of several appointments"),
    "short_months": Field("texts", required=False, length=12, help="the months as written short, January first"),
    "relatives": Field("texts", required=False, help="people a visitor may come for: mother, son, ..."),
    "for_someone_else": Field("texts", required=False,
                              help="how a visitor says they come for someone else, with {relative} or without"),
    "name_lead_ins": Field("texts", required=False, help="what comes before a name: 'my name is', 'I'm'"),
    "name_openers": Field("texts", required=False, help="what may start an answer and is no name: 'yes', 'hello'"),
    "hesitations": Field("texts", required=False, help="sounds of hesitation: uh, um"),
    "not_names": Field("texts", required=False, help="words that are in sentences, not in names: 'late', 'mother'"),
    "task_words": Field("texts", required=False,
                        help="words that make a sentence about the appointment, not a practical question"),
    "function_words": Field("texts", required=False, help="words that carry no topic: 'where', 'is', 'the'"),
}


@dataclass(frozen=True)
class LanguagePack:
    lang: str
    espeak_voice: str
    naoqi_language: str
    common_words: tuple[str, ...]
    expected: Mapping[str, tuple[str, ...]]
    name_phrases: tuple[str, ...]
    digits: Mapping[str, str]
    unfinished_endings: frozenset[str]
    spelling: tuple[re.Pattern, ...]
    clock: str
    today: str
    tomorrow: str
    on_day: str
    days: tuple[str, ...]
    months: tuple[str, ...]
    or_word: str
    spoken_times: Mapping[str, str]
    hour_words: tuple[str, ...] | None
    numbers: Mapping[str, int]
    time_phrases: Mapping[str, str]
    ordinals: Mapping[str, tuple[str, ...]]
    short_months: tuple[str, ...]
    for_someone_else: re.Pattern | None
    name_lead_ins: tuple[str, ...]
    name_openers: tuple[str, ...]
    hesitations: frozenset[str]
    not_names: frozenset[str]
    task_words: tuple[str, ...]
    function_words: tuple[str, ...]


class LanguagePackInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def content_languages(root: Path | None = None) -> tuple[str, ...]:
    """The languages Elvie speaks: the folders under locales/ (Dutch first, the service centre's default)."""
    root = root or content_root()
    found = [p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")] if root.is_dir() else []
    return tuple(sorted(found, key=lambda lang: (lang != "nl", lang)))


def _valid(value: Any, spec: Field) -> bool:
    kind = spec.kind
    texts = isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind == "texts":
        return bool(texts) and (spec.length is None or len(value) == spec.length)
    if kind == "templates":
        return isinstance(value, dict) and set(value) == set(spec.keys) and all(
            isinstance(v, str) and v.strip() for v in value.values())
    if kind == "phrases":
        return isinstance(value, dict) and bool(value) and all(_valid(v, Field("texts")) for v in value.values())
    if kind == "word_lists":
        return isinstance(value, dict) and bool(value) and set(value) <= set(spec.keys) and all(
            _valid(v, Field("texts")) for v in value.values())
    if kind == "numbers":
        return isinstance(value, dict) and bool(value) and all(isinstance(k, str) for k in value) and all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 60 for v in value.values())
    if kind == "time_phrases":
        return isinstance(value, dict) and bool(value) and all(
            isinstance(k, str) and isinstance(v, str) and TIME_MEANING.fullmatch(v) for k, v in value.items())
    return isinstance(value, dict) and bool(value) and all(isinstance(v, int) and 0 <= v <= 9 for v in value.values())


def check_pack(source: Source) -> list[Problem]:
    data = source.data if isinstance(source.data, dict) else {}
    problems = [] if isinstance(source.data, dict) else [source.problem((), "should be a set of 'name: value' entries")]
    for key in data:
        if key not in FIELDS:
            close = difflib.get_close_matches(str(key), list(FIELDS), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(source.problem((key,), f"unknown setting '{key}'{hint}"))
    for name, spec in FIELDS.items():
        if name not in data:
            if spec.required:
                problems.append(source.problem((), f"'{name}' is missing: {spec.help}"))
        elif not _valid(data[name], spec):
            words = list(data[name]) if isinstance(data[name], (list, dict)) else []
            quote = next((f" (put {w!r} in quotes: unquoted, YAML reads yes, no, on and off as true or false)"
                          for w in words if isinstance(w, bool)), "")
            problems.append(source.problem((name,), f"'{name}' is not right: {spec.help}{quote}"))
    for i, template in enumerate(data.get("spelling") or []):
        if isinstance(template, str) and not {"{letter}", "{word}"} <= set(re.findall(r"\{\w+\}", template)):
            problems.append(source.problem(("spelling", i), "a spelling needs {letter} and {word}"))
    for i, template in enumerate(data.get("name_phrases") or []):
        if isinstance(template, str) and "{name}" not in template:
            problems.append(source.problem(("name_phrases", i), "a name phrase needs {name}"))
    for phrase in data.get("time_phrases") or {}:
        slots = set(re.findall(r"\{(\w*)\}", str(phrase)))
        if "h" not in slots or not slots <= {"h", "m"}:
            problems.append(source.problem(("time_phrases", phrase), "a time phrase needs {h} and may have {m}"))
    return problems


def _spelled(template: str) -> re.Pattern:
    """'{letter} van {word}' -> a pattern for a transcript ending in a spelled letter."""
    words = [re.escape(part) for part in template.replace("{letter}", "\0").replace("{word}", "\1").split()]
    body = r"\s+".join(w.replace("\0", r"\w{1,3}").replace("\1", r"\w+") for w in words)
    return re.compile(rf"(^|\s){body}$")


def _someone_else(data: dict) -> re.Pattern | None:
    """'voor mijn {relative}' with relatives [moeder, zoon] -> a pattern for 'voor mijn moeder', 'voor mijn zoon'."""
    relatives = "|".join(re.escape(r.lower()) for r in data.get("relatives") or [])
    phrases = []
    for phrase in data.get("for_someone_else") or []:
        body = r"\s+".join(re.escape(w) for w in phrase.lower().split())
        if "{relative}" in phrase:
            if not relatives:
                continue
            body = body.replace(re.escape("{relative}"), f"(?:{relatives})")
        phrases.append(body)
    return re.compile(rf"(?<!\w)(?:{'|'.join(phrases)})(?!\w)", re.IGNORECASE) if phrases else None


def read_pack(path: Path, lang: str, display: str | None = None) -> LanguagePack:
    try:
        source = load_yaml(path, display=display or f"locales/{lang}/{PACK_FILE}")
    except YamlError as exc:
        raise LanguagePackInvalid(exc.problems) from None
    problems = check_pack(source)
    if problems:
        raise LanguagePackInvalid(problems)
    data = source.data
    return LanguagePack(
        lang=lang, espeak_voice=data["espeak_voice"].strip(), naoqi_language=data["naoqi_language"].strip(),
        common_words=tuple(w.lower() for w in data["common_words"]),
        expected={intent: tuple(texts) for intent, texts in data["expected"].items()},
        name_phrases=tuple(data["name_phrases"]), digits={str(w).lower(): str(d) for w, d in data["digits"].items()},
        unfinished_endings=frozenset(w.lower() for w in data["unfinished_endings"]),
        spelling=tuple(_spelled(t.lower()) for t in data["spelling"]),
        clock=data["clock"], today=data["today"], tomorrow=data["tomorrow"], on_day=data["on_day"],
        days=tuple(data["days"]), months=tuple(data["months"]), or_word=data["or"],
        spoken_times=dict(data["spoken_times"]),
        hour_words=tuple(data["hour_words"]) if data.get("hour_words") else None,
        numbers={str(w).lower(): n for w, n in (data.get("numbers") or {}).items()},
        time_phrases={str(p).lower(): m for p, m in (data.get("time_phrases") or {}).items()},
        ordinals={key: tuple(w.lower() for w in words) for key, words in (data.get("ordinals") or {}).items()},
        short_months=tuple(m.lower() for m in data.get("short_months") or ()),
        for_someone_else=_someone_else(data),
        name_lead_ins=_words(data, "name_lead_ins"), name_openers=_words(data, "name_openers"),
        hesitations=frozenset(_words(data, "hesitations")), not_names=frozenset(_words(data, "not_names")),
        task_words=_words(data, "task_words"), function_words=_words(data, "function_words"))


def _words(data: dict, field: str) -> tuple[str, ...]:
    return tuple(w.lower().strip() for w in data.get(field) or ())


@lru_cache(maxsize=16)
def _cached(path: Path, lang: str, mtime: float) -> LanguagePack:
    return read_pack(path, lang)


def pack_or_first(lang: str) -> LanguagePack:
    """The language's pack, or the first language's (content errors are reported by `elvie check`)."""
    return language_pack(lang) or all_packs()[0]


def all_packs() -> list[LanguagePack]:
    """Every language's pack, Dutch first: what a visitor says is read in whatever language it comes."""
    return [pack for pack in map(language_pack, content_languages()) if pack is not None]


def language_pack(lang: str, root: Path | None = None) -> LanguagePack | None:
    """The language's pack; None when the language has none (`elvie check` reports it)."""
    path = (root or content_root()) / lang / PACK_FILE
    try:
        return _cached(path, lang, path.stat().st_mtime)
    except (FileNotFoundError, LanguagePackInvalid):
        return None
