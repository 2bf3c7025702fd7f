"""Times as visitors say them, and as Elvie says them.

Parsing: "half tien" (9:30), "kwart over twee", "tien voor half elf", "10 uur", "om 14.30",
"half past nine", "quarter to three", "10:30", "2 pm" — into minutes after midnight. Spoken
times are ambiguous about morning and afternoon, so both readings are returned; the caller
picks the one closest to a known appointment.
"""
from __future__ import annotations

import re
from datetime import datetime

from dialogue.content.language_pack import pack_or_first

NUMBERS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "fifty": 50,
}
_NUM = r"(\d{1,2}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"


def _n(token: str) -> int:
    return int(token) if token.isdigit() else NUMBERS[token]


def _readings(hour: int, minute: int) -> list[int]:
    if not (0 <= minute < 60) or not (0 <= hour <= 24):
        return []
    if hour > 12 or hour == 0:
        return [(hour % 24) * 60 + minute]
    return [hour * 60 + minute, ((hour % 12) + 12) * 60 + minute]


def parse_times(text: str) -> list[int]:
    """Possible times (minutes after midnight) mentioned in `text`, best reading first."""
    t = " " + text.lower().replace("’", "'") + " "
    found: list[int] = []

    def add(values):
        for value in values:
            if value not in found:
                found.append(value)

    for match in re.finditer(r"(\d{1,2})[:.h](\d{2})", t):
        add(_readings(int(match.group(1)), int(match.group(2))))
    for match in re.finditer(rf"{_NUM}\s*(?:minuten\s+)?(voor|over)\s+half\s+{_NUM}", t):
        base = (_n(match.group(3)) - 1) * 60 + 30
        delta = _n(match.group(1)) * (-1 if match.group(2) == "voor" else 1)
        add(_readings(*divmod(base + delta, 60)))
    for match in re.finditer(rf"(?<!over )(?<!voor )half\s+{_NUM}\b", t):
        add(_readings(_n(match.group(1)) - 1, 30))
    for match in re.finditer(rf"kwart\s+(over|voor)\s+{_NUM}", t):
        hour = _n(match.group(2))
        add(_readings(hour, 15) if match.group(1) == "over" else _readings(hour - 1, 45))
    for match in re.finditer(rf"\b{_NUM}\s+(?:minuten\s+)?(over|voor)\s+{_NUM}\b(?!\s*uur)", t):
        hour, minutes = _n(match.group(3)), _n(match.group(1))
        add(_readings(hour, minutes) if match.group(2) == "over" else _readings(*divmod(hour * 60 - minutes, 60)))
    for match in re.finditer(rf"half\s+past\s+{_NUM}", t):
        add(_readings(_n(match.group(1)), 30))
    for match in re.finditer(rf"quarter\s+(past|to)\s+{_NUM}", t):
        hour = _n(match.group(2))
        add(_readings(hour, 15) if match.group(1) == "past" else _readings(hour - 1, 45))
    for match in re.finditer(rf"\b{_NUM}\s*(am|pm|a\.m\.|p\.m\.)", t):
        hour = _n(match.group(1)) % 12 + (12 if match.group(2).startswith("p") else 0)
        add([hour * 60])
    for match in re.finditer(rf"\b{_NUM}\s+{_NUM}\b", t):  # "ten thirty", "tien dertig"
        hour, minute = _n(match.group(1)), _n(match.group(2))
        if minute in (15, 20, 30, 40, 45, 50) and hour <= 12:
            add(_readings(hour, minute))
    for match in re.finditer(rf"\b{_NUM}\s*(uur|o'clock|oclock)", t):
        add(_readings(_n(match.group(1)), 0))
    return found


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
