"""Read and check locales/faq.yml: practical questions hosts answer ("waar is de wc?").

Each question has example phrasings per language (what visitors say; Elvie matches against
them, see dialogue/faq.py, and speech expects them), an answer per language, and optionally a
gesture, a screen, the area whose opening hours the answer tells, and another location whose
address it gives. Every problem is reported as file:line by the loader; nothing needs retraining.

Placeholders an answer may use:
  {closes}                       today's closing time of `area` (only in `answer`: said while open)
  {day} {opens}                  when `area` opens next (only in `answer_closed`: said while closed)
  {location} {address} {directions}   of `location` (a key under other_locations in locations.yml)
  {reception}                    where reception is (locations.yml)
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from .model import AREAS, GESTURES, SCREENS, FaqEntry, Locations, Text, frozen_map
from .schema import At, Choice, Field, MapOf, Node, Raw, Record, Walk, mapping
from .schema import Text as PerLanguage
from .yamlsource import did_you_mean

HOURS_OPEN = {"closes"}
HOURS_CLOSED = {"day", "opens"}
LOCATION = {"location", "address", "directions"}
ALWAYS = {"reception"}
HINTS = {"closes": " ({closes} only in answer, said while open)",
         "opens": " ({opens} only in answer_closed, said while closed)",
         "day": " ({day} only in answer_closed, said while closed)"}


def _names(text: str) -> set[str] | str:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        return f"a '{{' or '}}' is not closed ({exc}); write {{{{ or }}}} for a literal brace"


@dataclass
class Phrasings(Node):
    """lang -> phrasings; every language needs at least one, and no phrasing may belong to two questions."""

    seen: dict[str, str] = field(default_factory=dict)  # folded phrasing -> question key

    def read(self, walk: Walk, value: Any, at: At) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {}
        for lang, items in mapping(walk, value, at).items():
            if lang not in walk.languages:
                walk.add(at.path + (lang,), f"unknown language '{lang}'")
                continue
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list):
                walk.add(at.path + (lang,), "phrasings should be a list (each line starting with '- ')")
                continue
            result[lang] = tuple(self._phrasing(walk, at.path + (lang, i), item, at.key)
                                 for i, item in enumerate(items) if isinstance(item, str) and item.strip())
            for i, item in enumerate(items):
                if not isinstance(item, str) or not item.strip():
                    walk.add(at.path + (lang, i), "a phrasing should be a non-empty text")
        for lang in walk.languages:
            if not result.get(lang):
                walk.add(at.path, f"question '{at.key}' needs at least one {lang} phrasing "
                         "(what a visitor would say)")
        return result

    def _phrasing(self, walk: Walk, path: tuple, item: str, key: str) -> str:
        folded = " ".join(item.lower().split())
        if self.seen.get(folded, key) != key:
            walk.add(path, f"'{item}' is also a phrasing of question '{self.seen[folded]}': "
                     "Elvie could not tell them apart")
        self.seen[folded] = key
        return item.strip()


def _faq_file() -> Record:
    return Record({"questions": Field(MapOf(Record({
        "phrasings": Field(Phrasings(), "the phrasings of '{key}'"),
        "answer": Field(PerLanguage(), "the answer to '{key}'"),
        "answer_closed": Field(PerLanguage(required=False), "the closed-time answer to '{key}'"),
        "area": Field(Choice(AREAS, f"area should be {' or '.join(AREAS)}, not {{value!r}}{{suggestion}}"),
                      default="servicecentrum"),
        "location": Field(Raw()),  # a key under other_locations: checked by parse_faq
        "gesture": Field(Choice(GESTURES, f"unknown gesture '{{value}}'{{suggestion}}; gestures are: "
                                          f"{', '.join(GESTURES)}", optional=True)),
        "screen": Field(Choice(SCREENS, "unknown screen '{value}'{suggestion}"), default="message"),
    }), entry="question '{key}'"))})


def parse_faq(walk: Walk, locations: Locations | None) -> dict[str, FaqEntry]:
    entries: dict[str, FaqEntry] = {}
    for key, entry in walk.read(_faq_file(), walk.source.data, "faq.yml")["questions"].items():
        path = ("questions", key)
        location = entry["location"]
        # (locations None: locations.yml has problems of its own; they are reported, not their follow-ons here)
        if location is not None and locations is not None and location not in locations.others:
            walk.add(path + ("location",), f"location '{location}' is not under other_locations in "
                     f"locations.yml{did_you_mean(location, list(locations.others))}")
            location = None
        uses_hours = _check_placeholders(walk, path, "answer", entry["answer"], HOURS_OPEN, location)
        uses_hours |= _check_placeholders(walk, path, "answer_closed", entry["answer_closed"], HOURS_CLOSED, location)
        if uses_hours and entry["answer_closed"] is None:
            walk.add(path, f"question '{key}' tells today's hours: also give answer_closed "
                     "(what Elvie says while closed, e.g. with {day} {opens})")
        if entry["answer"] and entry["phrasings"]:
            entries[str(key)] = FaqEntry(key=str(key), phrasings=frozen_map(entry["phrasings"]),
                                         answer=entry["answer"], answer_closed=entry["answer_closed"],
                                         area=entry["area"], location=location, gesture=entry["gesture"],
                                         screen=entry["screen"])
    return entries


def _check_placeholders(walk: Walk, path: tuple, name: str, text: Text | None, allowed: set[str],
                        location: str | None) -> bool:
    """Only the placeholders this answer may use; True when it tells opening hours."""
    uses_hours = False
    for lang, value in (text.by_lang.items() if text else ()):
        names = _names(value)
        if isinstance(names, str):
            walk.add(path + (name, lang), names)
            continue
        uses_hours |= bool(names & (HOURS_OPEN | HOURS_CLOSED))
        permitted = allowed | ALWAYS | (LOCATION if location else set())
        for placeholder in sorted(names - permitted):
            hint = HINTS.get(placeholder, "")
            if placeholder in LOCATION and not location:
                hint = " (give location: <a key under other_locations> to use it)"
            walk.add(path + (name, lang), f"placeholder {{{placeholder}}} cannot be used here{hint}")
    return uses_hours
