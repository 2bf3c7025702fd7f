"""What Elvie's ear and understanding need to know of each language: `locales/<lang>/language.yml`.

Adding a language is adding a folder under locales/ with responses.yml, tablet.yml and language.yml, and
the dialogue's NLU data (dialogue/data/nlu/<lang>.yml); `elvie check` names whatever is missing. Nothing
else hard-wires a language: speech recognition, language identification, the expected phrases, the
voices and the end-of-turn cues all read them from here.

The file is checked against a declarative schema (PACK, see dialogue/content/schema.py): each setting's
shape and whether it is required, with file:line problems and "did you mean" for unknown keys.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

from core.paths import content_root

from .schema import At, Field, Node, Record, Walk
from .yamlsource import Problem, Source, YamlError, load_yaml

PACK_FILE = "language.yml"
DEFAULT_LANGUAGE = "nl"  # the service centre's language: Elvie starts in it, and it is listed first


SPOKEN_TIMES = ("whole", "half", "quarter_past", "quarter_to", "other")
ORDINALS = ("first", "second", "last")
# What a time phrase means, from {h} and {m}: 'hour:minute', each a sum of h, h%12, m and whole numbers.
_TERM = r"\s*(?:h%12|h|m|\d+)\s*"
TIME_MEANING = re.compile(rf"{_TERM}(?:[+-]{_TERM})*:{_TERM}(?:[+-]{_TERM})*")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _texts(length: int | None = None) -> Callable[[Any], bool]:
    """A list of texts (of exactly `length`, if given)."""
    return lambda value: (isinstance(value, list) and bool(value) and all(map(_text, value))
                          and (length is None or len(value) == length))


def _templates(value: Any) -> bool:
    """One text for each of SPOKEN_TIMES."""
    return isinstance(value, dict) and set(value) == set(SPOKEN_TIMES) and all(map(_text, value.values()))


def _phrases(value: Any) -> bool:
    """intent -> texts."""
    return isinstance(value, dict) and bool(value) and all(map(_texts(), value.values()))


def _digit_words(value: Any) -> bool:
    """word -> digit."""
    return isinstance(value, dict) and bool(value) and all(isinstance(v, int) and 0 <= v <= 9 for v in value.values())


def _numbers(value: Any) -> bool:
    """word -> a number below 60."""
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) for k in value) and all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 60 for v in value.values())


def _time_phrases(value: Any) -> bool:
    """phrase -> what it means ('h-1:30'; each meaning is checked at its own line by check_pack)."""
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) and isinstance(v, str)
                                                           for k, v in value.items())


def _ordinals(value: Any) -> bool:
    """some of ORDINALS -> texts."""
    return _phrases(value) and set(value) <= set(ORDINALS)


@dataclass(frozen=True)
class Shape(Node):
    """A value `valid` accepts; anything else is "'name' is not right: <help>"."""

    valid: Callable[[Any], bool]
    help: str

    def read(self, walk: Walk, value: Any, at: At) -> Any:
        if self.valid(value):
            return value
        words = list(value) if isinstance(value, (list, dict)) else []
        quote = next((f" (put {w!r} in quotes: unquoted, YAML reads yes, no, on and off as true or false)"
                      for w in words if isinstance(w, bool)), "")
        walk.add(at.path, f"'{at.what}' is not right: {self.help}{quote}")
        return None


def _pack(settings: dict[str, tuple[Callable[[Any], bool], str]], optional: tuple[str, ...]) -> Record:
    """name: (valid, help) for each setting; every one is required but the `optional` ones."""
    return Record({name: Field(Shape(valid, help), default=None) if name in optional else
                   Field(Shape(valid, help), missing=f"'{name}' is missing: {help}")
                   for name, (valid, help) in settings.items()}, unknown="unknown setting '{key}'{suggestion}")


PACK = _pack({
    "espeak_voice": (_text, "the espeak-ng voice of the virtual Pepper, e.g. gmw/nl"),
    "naoqi_language": (_text, "Pepper's ALTextToSpeech language, e.g. Dutch"),
    "common_words": (_texts(), "very common short words, to tell the language apart"),
    "expected": (_phrases, "the most typical phrases per intent, scored against the audio"),
    "name_phrases": (_texts(), "how visitors say their name, with {name}"),
    "digits": (_digit_words, "digit words of a booking code read out, e.g. zeven: 7"),
    "unfinished_endings": (_texts(), "words a finished sentence does not end on"),
    "spelling": (_texts(), "how a letter is spelled out, with {letter} and {word}"),
    "clock": (_text, "how Elvie says a clock time, with {hour} and {minute}, e.g. {hour}:{minute}"),
    "today": (_text, "the word for today"),
    "tomorrow": (_text, "the word for tomorrow"),
    "on_day": (_text, "'on Monday', with {day}"),
    "days": (_texts(7), "the names of the days, Monday first"),
    "months": (_texts(12), "the names of the months, January first"),
    "or": (_text, "the word between the last two of a choice ('9:30 or 10:00')"),
    "spoken_times": (_templates, "how a visitor says a time: " + ", ".join(SPOKEN_TIMES)),
    "hour_words": (_texts(13), "the hours 0-12 in words (twelve first)"),
    "numbers": (_numbers, "number words of a time, e.g. tien: 10, kwart is not one"),
    "time_phrases": (_time_phrases, "how a visitor says a time, with {h} (and {m}), and what it means, e.g. "
                                    "'half {h}': 'h-1:30' or '{m} past {h}': 'h:m'"),
    "ordinals": (_ordinals, "words for the first, second and last of several appointments"),
    "short_months": (_texts(12), "the months as written short, January first"),
    "relatives": (_texts(), "people a visitor may come for: mother, son, ..."),
    "for_someone_else": (_texts(), "how a visitor says they come for someone else, with {relative} or without"),
    "name_lead_ins": (_texts(), "what comes before a name: 'my name is', 'I'm'"),
    "name_openers": (_texts(), "what may start an answer and is no name: 'yes', 'hello'"),
    "hesitations": (_texts(), "sounds of hesitation: uh, um"),
    "not_names": (_texts(), "words that are in sentences, not in names: 'late', 'mother'"),
    "task_words": (_texts(), "words that make a sentence about the appointment, not a practical question"),
    "function_words": (_texts(), "words that carry no topic: 'where', 'is', 'the'"),
}, optional=("hour_words", "numbers", "time_phrases", "ordinals", "short_months", "relatives", "for_someone_else",
             "name_lead_ins", "name_openers", "hesitations", "not_names", "task_words", "function_words"))


@dataclass(frozen=True, eq=False)  # one object per file version (cached below): what is derived from it can be too
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
    """The languages Elvie speaks: the folders under locales/, the service centre's (DEFAULT_LANGUAGE) first."""
    root = root or content_root()
    found = [p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")] if root.is_dir() else []
    return tuple(sorted(found, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang)))


def check_pack(source: Source) -> list[Problem]:
    walk = Walk(source, languages=())
    data = source.data if isinstance(source.data, dict) else {}
    if not isinstance(source.data, dict):
        walk.add((), "should be a set of 'name: value' entries")
    walk.read(PACK, data, PACK_FILE)
    for i, template in enumerate(data.get("spelling") or []):
        if isinstance(template, str) and not {"{letter}", "{word}"} <= set(re.findall(r"\{\w+\}", template)):
            walk.add(("spelling", i), "a spelling needs {letter} and {word}")
    for i, template in enumerate(data.get("name_phrases") or []):
        if isinstance(template, str) and "{name}" not in template:
            walk.add(("name_phrases", i), "a name phrase needs {name}")
    phrases = data.get("time_phrases")
    for phrase, meaning in (phrases.items() if isinstance(phrases, dict) else ()):
        slots = set(re.findall(r"\{(\w*)\}", str(phrase)))
        if "h" not in slots or not slots <= {"h", "m"}:
            walk.add(("time_phrases", phrase), "a time phrase needs {h} and may have {m}")
        if isinstance(meaning, str) and not TIME_MEANING.fullmatch(meaning):
            walk.add(("time_phrases", phrase), f"'{meaning}' is not a time: write hour:minute from h, m and whole "
                     "numbers, e.g. 'h-1:30' (half past the hour before {h})")
    return walk.problems


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


def all_packs() -> tuple[LanguagePack, ...]:
    """Every language's pack, the default language first: what a visitor says is read in whatever language it
    comes. The same packs are the same objects until a file changes, so readers can cache what they derive."""
    return tuple(pack for pack in map(language_pack, content_languages()) if pack is not None)


def language_pack(lang: str, root: Path | None = None) -> LanguagePack | None:
    """The language's pack; None when the language has none (`elvie check` reports it)."""
    path = (root or content_root()) / lang / PACK_FILE
    try:
        return _cached(path, lang, path.stat().st_mtime)
    except (FileNotFoundError, LanguagePackInvalid):
        return None
