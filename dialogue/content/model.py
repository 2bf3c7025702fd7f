"""Elvie's host-editable content as typed, immutable values.

Everything Elvie says and knows that hosts may change: responses per language, services
with their required documents, documents, locations, opening hours and hand-over
settings. Built by `dialogue.content.loader` from the YAML files in `locales/`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from types import MappingProxyType
from typing import Mapping

AREAS = ("servicecentrum", "werkacademie")
IF_MISSING = ("proceed", "reception", "new_appointment")

# Gestures a response may name. Robot side: robot/gestures.py maps each to a NAOqi animation.
GESTURES = ("wave", "nod", "point_desk", "explain", "think", "calm", "bow")

# Screens the tablet app knows (robot/tablet/static/app.js implements each).
SCREENS = (
    "welcome", "listening", "ask_name", "type_name", "booking_code", "candidates", "confirm_appointment",
    "document", "missing_document", "ticket", "walk_in_services", "no_appointment", "wrong_location",
    "werkacademie", "servicecentrum", "handover", "not_understood", "cant_hear", "goodbye", "error",
    "rough_handling", "message",
)


@dataclass(frozen=True)
class Text:
    """A text in every language, e.g. Text({'nl': 'pasfoto', 'en': 'passport photo'}). Content that loads has
    every language's text; a language it lacks gets the first one there is."""

    by_lang: Mapping[str, str]

    def __call__(self, lang: str) -> str:
        return self.by_lang.get(lang) or next(iter(self.by_lang.values()), "")


@dataclass(frozen=True)
class Document:
    key: str
    name: Text
    # What to say when it is missing, if the service does not say otherwise.
    advice: Text | None = None


@dataclass(frozen=True)
class RequiredDocument:
    document: str
    if_missing: str  # one of IF_MISSING
    advice: Text | None = None  # overrides the document's own advice for this service


@dataclass(frozen=True)
class CheckInWindow:
    """How long before and after its start an appointment may still be checked in at Elvie."""
    early_min: int = 180
    late_min: int = 30  # later than this: the reception decides


@dataclass(frozen=True)
class Service:
    key: str
    area: str  # one of AREAS
    name: Text
    qmatic_service_ids: tuple[int, ...]
    documents: tuple[RequiredDocument, ...]
    walk_in: bool
    how_to_book: Text | None = None
    only_at: str | None = None  # key of another location: not offered here, only there
    check_in_window: CheckInWindow | None = None  # None: the default of services.yml


@dataclass(frozen=True)
class FaqEntry:
    """A practical question hosts answer in locales/faq.yml ("waar is de wc?")."""
    key: str
    phrasings: Mapping[str, tuple[str, ...]]  # lang -> example phrasings visitors use
    answer: Text
    answer_closed: Text | None = None  # used instead when the answer needs today's hours and we are closed
    area: str = "servicecentrum"  # whose opening hours {opens} / {closes} / {day} are
    location: str | None = None  # another location whose {location}, {address}, {directions} the answer uses
    gesture: str | None = None
    screen: str | None = None


@dataclass(frozen=True)
class Area:
    key: str
    name: Text
    waiting: Text  # where to wait after check-in
    guidance: Text  # what this area is and what happens next


@dataclass(frozen=True)
class OtherLocation:
    key: str
    name: Text
    qmatic_branch_id: int | None
    address: str
    directions: Text


@dataclass(frozen=True)
class Locations:
    here_name: Text
    here_qmatic_branch_id: int
    reception: Text  # where reception is, in this building
    areas: Mapping[str, Area]
    others: Mapping[str, OtherLocation]


@dataclass(frozen=True)
class ClosedDay:
    day: date
    note: Text | None  # what Elvie says about it ("Het is Tweede Kerstdag.")


@dataclass(frozen=True)
class OpeningHours:
    # weekday (0 = Monday) -> (opens, closes); missing = closed. The week of every area without its own.
    days: Mapping[int, tuple[time, time]]
    closed_note: Text | None = None
    areas: Mapping[str, Mapping[int, tuple[time, time]]] = field(default_factory=lambda: frozen_map({}))
    closed_days: Mapping[date, ClosedDay] = field(default_factory=lambda: frozen_map({}))
    walk_in_margin_min: int = 15  # no walk-in ticket when closing is nearer than this
    walk_in_margin_by_service: Mapping[str, int] = field(default_factory=lambda: frozen_map({}))

    def week(self, area: str) -> Mapping[int, tuple[time, time]]:
        return self.areas.get(area, self.days)

    def walk_in_margin(self, service_key: str) -> int:
        return self.walk_in_margin_by_service.get(service_key, self.walk_in_margin_min)


@dataclass(frozen=True)
class Handover:
    attempts_before_touchscreen: int = 2
    attempts_before_host: int = 3
    idle_reset_s: float = 60.0
    rough_handling_quiet_s: float = 30.0
    notify_url: str | None = None


@dataclass(frozen=True)
class Response:
    key: str
    lang: str
    texts: tuple[str, ...]  # variants; one is chosen per utterance
    gesture: str | None = None
    screen: str | None = None
    buttons: tuple[tuple[str, str], ...] = ()  # (button id, label)


@dataclass(frozen=True)
class Content:
    languages: tuple[str, ...]
    responses: Mapping[str, Mapping[str, Response]]  # lang -> key -> Response
    tablet: Mapping[str, Mapping[str, str]]  # lang -> ui string id -> text
    documents: Mapping[str, Document]
    services: Mapping[str, Service]
    locations: Locations
    opening_hours: OpeningHours
    handover: Handover
    faq: Mapping[str, FaqEntry] = field(default_factory=lambda: frozen_map({}))
    check_in_window: CheckInWindow = CheckInWindow()  # for services without their own
    version: str = ""  # hash of the files this was built from
    files: tuple[str, ...] = field(default_factory=tuple)

    def response(self, key: str, lang: str) -> Response | None:
        return self.responses.get(lang, {}).get(key) or self.responses.get(self.languages[0], {}).get(key)

    def service_for_qmatic_id(self, qmatic_id: int) -> Service | None:
        for service in self.services.values():
            if qmatic_id in service.qmatic_service_ids:
                return service
        return None

    def window_for(self, service_key: str | None) -> CheckInWindow:
        service = self.services.get(service_key) if service_key else None
        return (service.check_in_window if service else None) or self.check_in_window

    def area(self, key: str) -> Area | None:
        return self.locations.areas.get(key)

    def location_for_branch(self, branch_id: int) -> OtherLocation | None:
        for location in self.locations.others.values():
            if location.qmatic_branch_id == branch_id:
                return location
        return None


def frozen_map(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))
