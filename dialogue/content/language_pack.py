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


SPOKEN_TIMES = ("whole", "half", "quarter_past", "quarter_to", "other")


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


@dataclass(frozen=True)
class Shape(Node):
    """A value `valid` accepts; anything else is "'name' is not right: <help>"."""

    valid: Callable[[Any], bool]
    help: str

    def read(self, walk: Walk, value: Any, at: At) -> Any:
        if self.valid(value):
            return value
        words = value if isinstance(value, list) else []
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
}, optional=("hour_words",))


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


class LanguagePackInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def content_languages(root: Path | None = None) -> tuple[str, ...]:
    """The languages Elvie speaks: the folders under locales/ (Dutch first, the service centre's default)."""
    root = root or content_root()
    found = [p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")] if root.is_dir() else []
    return tuple(sorted(found, key=lambda lang: (lang != "nl", lang)))


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
    return walk.problems


def _spelled(template: str) -> re.Pattern:
    """'{letter} van {word}' -> a pattern for a transcript ending in a spelled letter."""
    words = [re.escape(part) for part in template.replace("{letter}", "\0").replace("{word}", "\1").split()]
    body = r"\s+".join(w.replace("\0", r"\w{1,3}").replace("\1", r"\w+") for w in words)
    return re.compile(rf"(^|\s){body}$")


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
        hour_words=tuple(data["hour_words"]) if data.get("hour_words") else None)


@lru_cache(maxsize=16)
def _cached(path: Path, lang: str, mtime: float) -> LanguagePack:
    return read_pack(path, lang)


def pack_or_first(lang: str) -> LanguagePack:
    """The language's pack, or the first language's (content errors are reported by `elvie check`)."""
    pack = language_pack(lang)
    if pack is None:
        pack = next(p for p in map(language_pack, content_languages()) if p is not None)
    return pack


def language_pack(lang: str, root: Path | None = None) -> LanguagePack | None:
    """The language's pack; None when the language has none (`elvie check` reports it)."""
    path = (root or content_root()) / lang / PACK_FILE
    try:
        return _cached(path, lang, path.stat().st_mtime)
    except (FileNotFoundError, LanguagePackInvalid):
        return None
