"""Telling several appointments apart by whatever detail the visitor gives.

"de Vries" matched two appointments today; the visitor's next words may hold a time ("half elf",
"11.30"), a position ("de eerste"), a service ("voor mijn paspoort"), a first name or initial
("Johan", "J."), the full name, the booking code or the date of birth (where Qmatic has it).
Every detail found narrows the candidates; the visitor never hears names or birth dates back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from dialogue.appointments import AppointmentInfo
from dialogue.content.language_pack import all_packs
from dialogue.service_names import service_from_text
from dialogue.times import closest, minutes_of, parse_times
from dialogue.names import extract_name
from integrations.qmatic.matching import match_name, match_reference

from .base import Turn
from .qmatic_calls import appointments_today, sensitive

ORDINAL_POSITIONS = {"first": 0, "second": 1, "last": -1}


def for_someone_else(text: str) -> bool:
    """'I'm here for my mother', 'ik kom voor mijn vader', 'mijn dochter heeft een afspraak' (language.yml)."""
    return any(pack.for_someone_else and pack.for_someone_else.search(text or "") for pack in all_packs())


@dataclass(frozen=True)
class Narrowed:
    remaining: list[AppointmentInfo]
    understood: bool  # the visitor gave at least one detail we could use
    other_name: bool = False  # they gave a name that fits none of the candidates
    other_code: bool = False  # they gave a booking code that is none of the candidates'


def ordinal(text: str, count: int) -> int | None:
    """"the first one" / "de laatste" -> an index into the candidates (sorted by time)."""
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    for pack in all_packs():
        for key, names in pack.ordinals.items():
            position = ORDINAL_POSITIONS[key]
            if words & set(names) and position < count:
                return position % count
    return None


DATE_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
DATE_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|e|ste|de)?(?:\s+of)?[-/. ]+(\d{1,2}|[a-z]{3,})[-/. ]+(\d{4}|\d{2}(?![.:]?\d))\b")


def birth_date(text: str) -> tuple[date | None, str]:
    """('12-04-1980' / '12 april 1980' / '1980-04-12' / '12/4/80' -> a date, the text without it)."""
    lowered = text.lower()
    found = DATE_ISO.search(lowered)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        found = DATE_DMY.search(lowered)
        if not found:
            return None, text
        day, month_text, year = int(found.group(1)), found.group(2), int(found.group(3))
        month = int(month_text) if month_text.isdigit() else _month(month_text)
        if year < 100:
            year += 1900 if year > 30 else 2000
    rest = lowered[:found.start()] + " " + lowered[found.end():]
    try:
        return date(year, month, day), rest
    except ValueError:
        return None, text


def _month(word: str) -> int:
    """'april', 'apr', 'mrt', 'maart' -> the month's number (0: not a month), in any language."""
    for pack in all_packs():
        for number, (name, short) in enumerate(zip(pack.months, pack.short_months or pack.months), start=1):
            if word[:3] in (name.lower()[:3], short):
                return number
    return 0


def _keep(remaining: list[AppointmentInfo], ids: set[int]) -> list[AppointmentInfo]:
    return [c for c in remaining if c.id in ids]


@dataclass
class _Details:
    """What this turn says, and the candidates still in the running."""
    turn: Turn
    text: str  # what was said, without a birth date
    born: date | None
    remaining: list[AppointmentInfo]
    code: str | None  # the booking code said, if any
    name: str | None  # the name said, if any
    appointments: list = field(default_factory=list)  # today's Qmatic appointments of the candidates
    understood: bool = False

    def keep(self, ids: set[int]) -> None:
        self.understood = True
        self.remaining = _keep(self.remaining, ids)


def _said_code(turn: Turn, text: str) -> str | None:
    code = turn.entity("booking_code") or match_reference(text)
    return None if code and parse_times(code) else code  # "11am" is a time, not a code


def _said_name(turn: Turn, text: str) -> str | None:
    entity = turn.entity("person_name")
    return extract_name(text) or (extract_name(entity) if entity else None)


def _by_code(details: _Details) -> Narrowed | None:
    code = details.code
    if not code:
        return None
    sensitive([code])
    folded = code.replace("-", "").upper()
    details.keep({a.id for a in details.appointments if (a.public_id or "").replace("-", "").upper() == folded})
    return None if details.remaining else Narrowed([], True, other_code=True)


def _by_birth_date(details: _Details) -> Narrowed | None:
    if details.born and details.remaining:
        details.keep({a.id for a in details.appointments for c in a.customers
                      if c.date_of_birth and c.date_of_birth[:10] == details.born.isoformat()})
    return None


def _by_name(details: _Details) -> Narrowed | None:
    name = details.name
    if not name or not details.remaining or for_someone_else(details.text):
        return None
    pool = [a for a in details.appointments if a.id in {c.id for c in details.remaining}]
    initial = re.fullmatch(r"([^\W\d_])\.?(?:\s+.*)?", name.strip())
    if initial and len(name.split()[0].rstrip(".")) == 1:  # "J. de Vries", "de J"
        letter = initial.group(1).lower()
        ids = {a.id for a in pool for c in a.customers if c.first_name[:1].lower() == letter}
    else:
        ids = {m.appointment.id for m in match_name(name, pool, threshold=0.75)}
    if not ids:
        return Narrowed(details.remaining, True, other_name=True)
    details.keep(ids)
    return None


def _by_service(details: _Details) -> Narrowed | None:
    turn = details.turn
    offered = SimpleNamespace(services={c.service: turn.content.services[c.service] for c in details.remaining
                                        if c.service in turn.content.services})
    service = offered.services.get(turn.entity("service") or "") or service_from_text(offered, details.text)
    matching = [c for c in details.remaining if service and c.service == service.key]
    if matching:
        details.understood, details.remaining = True, matching
    return None


def _by_time(details: _Details) -> Narrowed | None:
    # the whole sentence: an entity may be only a part of the time
    said = parse_times(details.text) or parse_times(details.turn.entity("time") or "")
    if said and details.remaining:
        position = closest(said, [minutes_of(c.start_time) for c in details.remaining])
        if position is not None:
            details.understood, details.remaining = True, [details.remaining[position]]
    return None


DETAILS = (_by_code, _by_birth_date, _by_name, _by_service, _by_time)  # each narrows what the one before left


def narrow(turn: Turn, candidates: list[AppointmentInfo]) -> Narrowed | None:
    """The candidates that fit every detail in this turn (None when Qmatic could not be asked)."""
    born, text = birth_date(turn.text)
    remaining = sorted(candidates, key=lambda c: c.start)
    position = ordinal(text, len(remaining))
    if position is not None:
        return Narrowed([remaining[position]], True)
    details = _Details(turn, text, born, remaining, _said_code(turn, text), _said_name(turn, text))
    if details.code or born or details.name:  # only then are Qmatic's details needed
        listed = appointments_today(turn)
        if listed is None:
            return None
        details.appointments = [a for a in listed if a.id in {c.id for c in remaining}]
        sensitive(a.display_name for a in details.appointments)
    for step in DETAILS:
        final = step(details)
        if final is not None:
            return final
    return Narrowed(details.remaining, details.understood)
