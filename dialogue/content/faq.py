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
from typing import TYPE_CHECKING, Any

from .model import AREAS, GESTURES, SCREENS, FaqEntry, Locations, frozen_map
from .yamlsource import Source, did_you_mean

if TYPE_CHECKING:
    from .loader import _Checker

FIELDS = ("phrasings", "answer", "answer_closed", "area", "location", "gesture", "screen")
HOURS_OPEN = {"closes"}
HOURS_CLOSED = {"day", "opens"}
LOCATION = {"location", "address", "directions"}
ALWAYS = {"reception"}


def _names(text: str) -> set[str] | str:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        return f"a '{{' or '}}' is not closed ({exc}); write {{{{ or }}}} for a literal brace"


def parse_faq(check: "_Checker", src: Source, locations: Locations | None) -> dict[str, FaqEntry]:
    top = check.mapping(src, (), src.data, "faq.yml")
    check.unknown_keys(src, (), top, ("questions",), "faq.yml")
    entries: dict[str, FaqEntry] = {}
    seen: dict[str, str] = {}  # folded phrasing -> question key
    for key, entry in check.mapping(src, ("questions",), top.get("questions"), "questions").items():
        path = ("questions", key)
        entry = check.mapping(src, path, entry, f"question '{key}'")
        check.unknown_keys(src, path, entry, FIELDS, f"question '{key}'")
        phrasings = _phrasings(check, src, path + ("phrasings",), entry.get("phrasings"), key, seen)
        area = entry.get("area", "servicecentrum")
        if area not in AREAS:
            check.add(src, path + ("area",), f"area should be {' or '.join(AREAS)}, not {area!r}"
                      + did_you_mean(area, AREAS))
            area = "servicecentrum"
        location = entry.get("location")
        # (locations None: locations.yml has problems of its own; they are reported, not their follow-ons here)
        if location is not None and locations is not None and location not in locations.others:
            check.add(src, path + ("location",), f"location '{location}' is not under other_locations in "
                      f"locations.yml{did_you_mean(location, list(locations.others))}")
            location = None
        answer = check.text(src, path + ("answer",), entry.get("answer"), f"the answer to '{key}'")
        closed = check.text(src, path + ("answer_closed",), entry.get("answer_closed"),
                            f"the closed-time answer to '{key}'", required=False)
        uses_hours = False
        for field, text, allowed in (("answer", answer, HOURS_OPEN), ("answer_closed", closed, HOURS_CLOSED)):
            for lang, value in (text.by_lang.items() if text else ()):
                names = _names(value)
                if isinstance(names, str):
                    check.add(src, path + (field, lang), names)
                    continue
                uses_hours |= bool(names & (HOURS_OPEN | HOURS_CLOSED))
                permitted = allowed | ALWAYS | (LOCATION if location else set())
                for name in sorted(names - permitted):
                    hint = {"closes": " ({closes} only in answer, said while open)",
                            "opens": " ({opens} only in answer_closed, said while closed)",
                            "day": " ({day} only in answer_closed, said while closed)"}.get(name, "")
                    if name in LOCATION and not location:
                        hint = " (give location: <a key under other_locations> to use it)"
                    check.add(src, path + (field, lang), f"placeholder {{{name}}} cannot be used here{hint}")
        if uses_hours and closed is None:
            check.add(src, path, f"question '{key}' tells today's hours: also give answer_closed "
                      "(what Elvie says while closed, e.g. with {day} {opens})")
        gesture = entry.get("gesture")
        if gesture is not None and gesture not in GESTURES:
            check.add(src, path + ("gesture",), f"unknown gesture '{gesture}'{did_you_mean(gesture, GESTURES)}; "
                      f"gestures are: {', '.join(GESTURES)}")
            gesture = None
        screen = entry.get("screen", "message")
        if screen not in SCREENS:
            check.add(src, path + ("screen",), f"unknown screen '{screen}'{did_you_mean(screen, SCREENS)}")
            screen = "message"
        if answer and phrasings:
            entries[str(key)] = FaqEntry(key=str(key), phrasings=frozen_map(phrasings), answer=answer,
                                         answer_closed=closed, area=area, location=location, gesture=gesture,
                                         screen=screen)
    return entries


def _phrasings(check: "_Checker", src: Source, path: tuple, value: Any, key: str,
               seen: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """lang -> phrasings; every language needs at least one, and no phrasing may belong to two questions."""
    data = check.mapping(src, path, value, f"the phrasings of '{key}'")
    result: dict[str, tuple[str, ...]] = {}
    for lang, items in data.items():
        if lang not in check.languages:
            check.add(src, path + (lang,), f"unknown language '{lang}'")
            continue
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list):
            check.add(src, path + (lang,), "phrasings should be a list (each line starting with '- ')")
            continue
        kept = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                check.add(src, path + (lang, i), "a phrasing should be a non-empty text")
                continue
            folded = " ".join(item.lower().split())
            if seen.get(folded, key) != key:
                check.add(src, path + (lang, i), f"'{item}' is also a phrasing of question '{seen[folded]}': "
                          "Elvie could not tell them apart")
            seen[folded] = key
            kept.append(item.strip())
        result[lang] = tuple(kept)
    for lang in check.languages:
        if not result.get(lang):
            check.add(src, path, f"question '{key}' needs at least one {lang} phrasing "
                      "(what a visitor would say)")
    return result
