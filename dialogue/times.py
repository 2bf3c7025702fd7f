"""Times as visitors say them, and as Elvie says them.

Parsing: "half tien" (9:30), "kwart over twee", "tien voor half elf", "10 uur", "om 14.30",
"half past nine", "quarter to three", "10:30", "2 pm" — into minutes after midnight. Each language
says its time phrases in locales/<lang>/language.yml (`time_phrases`, `numbers`); times in digits
are read in any language. Spoken times are ambiguous about morning and afternoon, so both readings
are returned; the caller picks the one closest to a known appointment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from dialogue.content.language_pack import LanguagePack, all_packs, pack_or_first

DIGITS = re.compile(r"(?<!\d)(\d{1,2})[:.h](\d{2})(?!\d)")  # 10:30, 14.30, 9h45: any language
TERM = re.compile(r"([+-]?)(h%12|h|m|\d+)")
SLOTS = {"{h}": "h", "{m}": "m"}


@dataclass(frozen=True)
class TimePhrase:
    """'kwart voor {h}' with its meaning 'h-1:45', as a pattern over a transcript."""
    pattern: re.Pattern
    meaning: str


def _readings(hour: int, minute: int) -> list[int]:
    if not (0 <= minute < 60) or not (0 <= hour <= 24):
        return []
    if hour > 12 or hour == 0:
        return [(hour % 24) * 60 + minute]
    return [hour * 60 + minute, ((hour % 12) + 12) * 60 + minute]


def _value(expression: str, h: int, m: int) -> int:
    """'h-1' with h=10 -> 9; 'h%12+12' with h=2 -> 14."""
    terms = {"h": h, "h%12": h % 12, "m": m}
    return sum((-1 if sign == "-" else 1) * (terms[term] if term in terms else int(term))
               for sign, term in TERM.findall(expression.replace(" ", "")))


def _number(numbers: dict[str, int], name: str = "") -> str:
    """A pattern for a number in digits or in any language's words, as group `name` if given."""
    group = f"(?P<{name}>" if name else "("
    return group + r"\d{1,2}|" + "|".join(re.escape(w) for w in sorted(numbers, key=len, reverse=True)) + ")"


@dataclass(frozen=True)
class TimeReader:
    """Every language's number words and time phrases (locales/<lang>/language.yml), compiled once per
    version of the language files."""
    numbers: dict[str, int]
    phrases: tuple[TimePhrase, ...]  # longest first: 'tien voor half elf' is read before 'half elf' could be
    pair: re.Pattern  # two numbers: "ten thirty", "tien dertig"


@lru_cache(maxsize=4)
def _reader(packs: tuple[LanguagePack, ...]) -> TimeReader:
    numbers: dict[str, int] = {}
    for pack in packs:
        numbers.update(pack.numbers)
    phrases = {}
    for pack in packs:
        for phrase, meaning in pack.time_phrases.items():
            body = ""
            for before, word in zip([None] + phrase.split(), phrase.split()):
                if before is not None:  # '11am', '10uur': a number may be written against its word
                    body += r"\s+" if (before in SLOTS) == (word in SLOTS) else r"\s*"
                body += _number(numbers, SLOTS[word]) if word in SLOTS else re.escape(word)
            phrases[phrase] = TimePhrase(re.compile(rf"(?<!\w){body}(?!\w)"), meaning)
    longest_first = sorted(phrases, key=lambda p: len(p.replace("{h}", "").replace("{m}", "")), reverse=True)
    number = _number(numbers)
    return TimeReader(numbers, tuple(phrases[p] for p in longest_first),
                      re.compile(rf"(?<!\w){number}\s+{number}(?!\w)"))


def parse_times(text: str) -> list[int]:
    """Possible times (minutes after midnight) mentioned in `text`, best reading first, in any language."""
    rest = " " + text.lower().replace("’", "'") + " "
    reader = _reader(all_packs())
    numbers = reader.numbers
    found: list[int] = []

    def read(pattern: re.Pattern, minutes) -> None:
        nonlocal rest
        for match in pattern.finditer(rest):
            found.extend(v for v in minutes(match) if v not in found)
        rest = pattern.sub(lambda match: " " * len(match.group(0)), rest)  # read once: not 'half elf' again

    def n(token: str | None) -> int:
        return 0 if token is None else int(token) if token.isdigit() else numbers[token]

    read(DIGITS, lambda match: _readings(int(match.group(1)), int(match.group(2))))
    for phrase in reader.phrases:
        meaning = phrase.meaning
        read(phrase.pattern, lambda match: _readings(*divmod(
            _meaning(meaning, n(match.group("h")), n(match.groupdict().get("m"))), 60)))
    for match in reader.pair.finditer(rest):  # "ten thirty", "tien dertig"
        hour, minute = n(match.group(1)), n(match.group(2))
        if minute in (15, 20, 30, 40, 45, 50) and hour <= 12:
            found.extend(v for v in _readings(hour, minute) if v not in found)
    return found


def _meaning(meaning: str, h: int, m: int) -> int:
    hour, minute = meaning.split(":")
    return _value(hour, h, m) * 60 + _value(minute, h, m)


def closest(options: list[int], targets: list[int], tolerance_min: int = 20) -> int | None:
    """Index in `targets` of the time closest to any of `options`, if within the tolerance."""
    best, best_gap = None, tolerance_min + 1
    for i, target in enumerate(targets):
        for option in options:
            gap = abs(option - target)
            if gap < best_gap:
                best, best_gap = i, gap
    return best


def minutes_of(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def say_time(moment: datetime, lang: str) -> str:
    """How Elvie says a clock time (locales/<lang>/language.yml): Dutch '9.30 uur', English '9:30'."""
    return pack_or_first(lang).clock.format(hour=moment.hour, minute=f"{moment.minute:02d}")


def say_day(moment: datetime, now: datetime, lang: str) -> str:
    """The day of `moment` as seen from `now`: 'vandaag', 'morgen', 'op maandag', 'op maandag 28 december'."""
    pack = pack_or_first(lang)
    days = (moment.date() - now.date()).days
    if days == 0:
        return pack.today
    if days == 1:
        return pack.tomorrow
    weekday = pack.days[moment.weekday()]
    if 2 <= days < 7:
        return pack.on_day.format(day=weekday)
    return pack.on_day.format(day=f"{weekday} {moment.day} {pack.months[moment.month - 1]}")


def join_words(items: list[str], lang: str) -> str:
    """'a, b of c' / 'a, b or c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {pack_or_first(lang).or_word} {items[-1]}"
