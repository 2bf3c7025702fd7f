"""Load and validate the host-editable content in `locales/`.

`load_content(root)` returns a `Content` or raises `ContentInvalid` listing every problem as
`file:line: message`, with "did you mean …?" for near-misses. It never returns half-valid
content: the running engine keeps its last good content when a host's edit is invalid.

Each file's shape is declared below as a schema (dialogue/content/schema.py, with the kinds of value
only this content has in values.py); the functions that read a file add only the checks that need
more than one value, or another file.

Files (all UTF-8 YAML, see docs/hosts.md):
  locales/<lang>/responses.yml   what Elvie says, per response key
  locales/<lang>/tablet.yml      labels on the tablet
  locales/documents.yml          documents visitors may need to bring
  locales/services.yml           services, their Qmatic ids, area and required documents
  locales/locations.yml          this location, its areas and other locations
  locales/opening_hours.yml      opening hours
  locales/handover.yml           when Elvie hands over to a host
  locales/faq.yml                (optional) practical questions and their answers (dialogue/content/faq.py)
"""
from __future__ import annotations

import hashlib
from datetime import time
from pathlib import Path
from typing import Any

from core.paths import content_root

from .faq import parse_faq
from .language_pack import PACK_FILE, LanguagePackInvalid, content_languages, read_pack
from .model import (AREAS, IF_MISSING, SCREENS, Area, CheckInWindow, ClosedDay, Content, Document, Handover, Locations,
                    OpeningHours, OtherLocation, RequiredDocument, Response, Service, frozen_map)
from .schema import (Boolean, Choice, Date, Field, Guard, Integer, ListOf, MapOf, Number, Plain, Raw, Record, Text, Url,
                     Walk)
from .values import Gesture, KnownDocument, OpeningTimes, Variants, placeholders
from .yamlsource import Problem, YamlError, did_you_mean, load_yaml


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SHARED_FILES = ("documents.yml", "services.yml", "locations.yml", "opening_hours.yml", "handover.yml")
OPTIONAL_FILES = ("faq.yml",)


class ContentInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


def content_files(root: Path) -> list[Path]:
    """Every file that makes up the content (used for hashing and hot reload)."""
    files = [root / name for name in SHARED_FILES + OPTIONAL_FILES]
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files += [lang_dir / "responses.yml", lang_dir / "tablet.yml", lang_dir / PACK_FILE]
    return files


# ------------------------------------------------------------------ the files' schemas

DOCUMENTS_FILE = Record({"documents": Field(MapOf(Record({
    "name": Field(Text(), "the name of document '{key}'"),
    "advice": Field(Text(required=False), "the advice for document '{key}'"),
}, build=lambda key, v: Document(key=key, name=v["name"], advice=v["advice"]) if v["name"] else None),
    entry="document '{key}'"))})

CHECK_IN_WINDOW = Record({
    "early_minutes": Field(Integer(), "early_minutes of {what}", default=CheckInWindow().early_min),
    "late_minutes": Field(Integer(), "late_minutes of {what}", default=CheckInWindow().late_min),
}, build=lambda key, v: CheckInWindow(v["early_minutes"], v["late_minutes"]), optional=True)


def _services_file(documents: dict[str, Document] | None) -> Record:
    """services.yml; a required document must be in `documents` (None: documents.yml does not parse)."""
    required_document = Record({
        "document": Field(KnownDocument(None if documents is None else tuple(documents)), "service '{key}'",
                          gate=True),
        "if_missing": Field(Choice(IF_MISSING, f"if_missing should be one of {', '.join(IF_MISSING)}, "
                                               "not {value!r}{suggestion}"), default="reception"),
        "advice": Field(Text(required=False), "the advice for '{document}'"),
    }, wrap="document")
    service = Record({
        "area": Field(Choice(AREAS, f"{{what}} needs area: {' or '.join(AREAS)}, not {{value!r}}{{suggestion}}"),
                      "service '{key}'"),
        "name": Field(Text(), "the name of service '{key}'"),
        "qmatic_service_ids": Field(ListOf(Integer(minimum=1), "{what} needs qmatic_service_ids: a list of Qmatic "
                                           "service numbers, e.g. [1]", item="a Qmatic service id", single=(int,),
                                           required=True), "service '{key}'"),
        "documents": Field(ListOf(required_document, "documents should be a list (each line starting with '- ')",
                                  item="a required document")),
        "walk_in": Field(Boolean(), default=False),
        "how_to_book": Field(Text(required=False), "how to book service '{key}'"),
        "only_at": Field(Plain("only_at names a location from locations.yml, e.g. only_at: noord", optional=True)),
        "check_in_window": Field(CHECK_IN_WINDOW, "the check-in window of service '{key}'"),
    })
    return Record({
        "services": Field(MapOf(service, entry="service '{key}'")),
        "check_in_window": Field(CHECK_IN_WINDOW, "the default check-in window"),
    })


AREA_TEXTS = ("name", "waiting", "guidance")
AREA = Record({name: Field(Text(), f"the {name} of area '{{key}}'") for name in AREA_TEXTS},
              build=lambda key, v: Area(key, *(v[name] for name in AREA_TEXTS)) if all(v.values()) else None)


def _unknown_area(key: Any) -> str | None:
    return None if key in AREAS else f"unknown area '{key}'; areas are {', '.join(AREAS)}{did_you_mean(key, AREAS)}"


THIS_LOCATION = Record({
    "name": Field(Text(), "the name of this location"),
    "qmatic_branch_id": Field(Integer(minimum=1)),
    "reception": Field(Text(), "where reception is"),
    "areas": Field(MapOf(AREA, entry="area '{key}'", key_problem=_unknown_area)),  # every area: _locations
}, empty="locations.yml needs this_location (name, qmatic_branch_id, reception, areas)")

OTHER_LOCATION = Record({
    "name": Field(Text(), "the name of location '{key}'"),
    "qmatic_branch_id": Field(Integer(minimum=1, optional=True)),
    "address": Field(Plain("{what} needs an address (street, number, city)"), "location '{key}'"),
    "directions": Field(Text(), "directions to '{key}'"),
})

LOCATIONS_FILE = Record({
    "this_location": Field(THIS_LOCATION, gate=True),
    "other_locations": Field(MapOf(OTHER_LOCATION, entry="location '{key}'")),
})

WEEK = {day: Field(OpeningTimes()) for day in WEEKDAYS}

CLOSED_DAY = Guard(Record({
    "date": Field(Date(), gate=True),
    "note": Field(Text(required=False), "the note for {date}"),
}), accepts=lambda value: isinstance(value, dict) and "date" in value,
    problem="each closed day needs a date, like '- date: 2026-12-25'")


def _opening_hours_file(services: dict[str, Service]) -> Record:
    """Weekdays at the top apply to every area; an area may have its own week. Margins name services."""
    def unknown_service(key: Any) -> str | None:
        return f"unknown service '{key}'{did_you_mean(key, services)}" if services and key not in services else None

    return Record({
        **WEEK,
        **{area: Field(Record(WEEK), f"the opening hours of {area}", default=None) for area in AREAS},
        "closed_note": Field(Text(required=False)),
        "closed_days": Field(ListOf(CLOSED_DAY, "closed_days should be a list of '- date: 2026-12-25' entries "
                                    "with a note", item="a closed day")),
        "walk_in_margin_minutes": Field(Integer(), default=OpeningHours({}).walk_in_margin_min),
        "walk_in_margin_minutes_per_service": Field(MapOf(Integer(), entry="the margin of {key}",
                                                          key_problem=unknown_service)),
    })


HANDOVER_FILE = Record({
    "attempts_before_touchscreen": Field(Integer(minimum=1), default=Handover().attempts_before_touchscreen),
    "attempts_before_host": Field(Integer(minimum=1), default=Handover().attempts_before_host),
    "idle_reset_s": Field(Number(Handover().idle_reset_s)),
    "rough_handling_quiet_s": Field(Number(Handover().rough_handling_quiet_s)),
    "notify_url": Field(Url()),
}, build=lambda key, v: Handover(**v))

RESPONSE = Record({
    "text": Field(Variants(), "response '{key}'", gate=True),
    "gesture": Field(Gesture()),
    "screen": Field(Choice(SCREENS, "unknown screen '{value}'{suggestion}", optional=True)),
    "buttons": Field(ListOf(Guard(Raw(), accepts=lambda b: isinstance(b, dict) and isinstance(b.get("id"), str)
                                  and isinstance(b.get("label"), str),
                                  problem="a button needs an id and a label, e.g. {id: yes, label: Ja}"),
                            "a button needs an id and a label, e.g. {{id: yes, label: Ja}}")),
}, wrap="text", wrap_types=(str, list))


def _response_name(key: Any) -> str | None:
    return None if str(key).startswith("utter_") else f"response names start with 'utter_', '{key}' does not"


RESPONSES_FILE = MapOf(RESPONSE, entry="response '{key}'", key_problem=_response_name)
TABLET_FILE = MapOf(Plain("{what} should be a non-empty text"), entry="tablet text '{key}'")


# ------------------------------------------------------------------ what the schemas cannot say

def _services(walk: Walk, documents: dict[str, Document] | None) -> tuple[dict[str, Service], CheckInWindow | None]:
    """`documents`: None when documents.yml does not parse (its one problem is reported; no follow-ons here)."""
    top = walk.read(_services_file(documents), walk.source.data, "services.yml")
    services = {}
    seen_ids: dict[int, str] = {}
    for key, entry in top["services"].items():
        path = ("services", key)
        ids = []
        for i, qid in enumerate(entry["qmatic_service_ids"]):
            if qid is None:
                continue
            if qid in seen_ids:
                walk.add(path + ("qmatic_service_ids", i),
                         f"Qmatic service id {qid} is already used by service '{seen_ids[qid]}'")
            seen_ids[qid] = key
            ids.append(qid)
        required = _required_documents(walk, path, key, entry["documents"])
        if entry["name"] and entry["area"]:
            services[key] = Service(key=key, area=entry["area"], name=entry["name"], qmatic_service_ids=tuple(ids),
                                    documents=required, walk_in=entry["walk_in"], how_to_book=entry["how_to_book"],
                                    only_at=entry["only_at"], check_in_window=entry["check_in_window"])
    return services, top["check_in_window"]


def _required_documents(walk: Walk, path: tuple, key: str, items: list[dict | None]) -> tuple[RequiredDocument, ...]:
    """Each document once."""
    required, seen = [], set()
    for i, item in enumerate(items):
        if item is None:
            continue
        if item["document"] in seen:
            walk.add(path + ("documents", i), f"document '{item['document']}' is listed twice for service '{key}'")
        seen.add(item["document"])
        required.append(RequiredDocument(document=item["document"], if_missing=item["if_missing"],
                                         advice=item["advice"]))
    return tuple(required)


def _check_service_locations(walk: Walk | None, services: dict[str, Service], locations: Locations | None) -> None:
    if walk is None or locations is None:
        return
    for key, service in services.items():
        if service.only_at and service.only_at not in locations.others:
            walk.add(("services", key, "only_at"), f"service '{key}' is only at '{service.only_at}', which is "
                     f"not in locations.yml under other_locations{did_you_mean(service.only_at, locations.others)}")


def _locations(walk: Walk) -> Locations | None:
    top = walk.read(LOCATIONS_FILE, walk.source.data, "locations.yml")
    if top is None:  # no this_location: the one problem worth reading
        return None
    here = top["this_location"]
    others = {}
    for key, other in top["other_locations"].items():
        branch = other["qmatic_branch_id"]
        if branch is not None and branch == here["qmatic_branch_id"]:
            walk.add(("other_locations", key, "qmatic_branch_id"),
                     f"location '{key}' has the same qmatic_branch_id as this location")
        if other["name"] and other["directions"]:
            others[key] = OtherLocation(key, other["name"], branch, (other["address"] or "").strip(),
                                        other["directions"])
    written_areas = walk.source.data["this_location"].get("areas")
    for key in AREAS:
        if not isinstance(written_areas, dict) or key not in written_areas:
            walk.add(("this_location", "areas"), f"area '{key}' is missing from this_location")
    if not (here["name"] and here["qmatic_branch_id"] and here["reception"]):
        return None
    return Locations(here_name=here["name"], here_qmatic_branch_id=here["qmatic_branch_id"],
                     reception=here["reception"], areas=frozen_map(here["areas"]), others=frozen_map(others))


def _opening_hours(walk: Walk, services: dict[str, Service]) -> OpeningHours:
    """closed_days: dates with a note Elvie says; walk_in_margin_minutes: no walk-in tickets that close to closing."""
    top = walk.read(_opening_hours_file(services), walk.source.data, "opening_hours.yml")
    days = _week(top)
    areas = {area: frozen_map(_week(top[area])) for area in AREAS if top[area] is not None}
    if not days and not areas:
        walk.add((), "no opening hours: give each weekday ('monday: 09:00-17:00'), at the top or per area "
                 f"({', '.join(AREAS)})")
    closed = {}
    for i, day in enumerate(top["closed_days"]):
        if day is None:
            continue
        if day["date"] in closed:
            walk.add(("closed_days", i, "date"), f"{day['date'].isoformat()} is listed twice")
        closed[day["date"]] = ClosedDay(day["date"], day["note"])
    return OpeningHours(days=frozen_map(days), closed_note=top["closed_note"], areas=frozen_map(areas),
                        closed_days=frozen_map(closed), walk_in_margin_min=top["walk_in_margin_minutes"],
                        walk_in_margin_by_service=frozen_map({str(key): minutes for key, minutes in
                                                              top["walk_in_margin_minutes_per_service"].items()}))


def _week(values: dict[str, Any]) -> dict[int, tuple[time, time]]:
    return {i: values[day] for i, day in enumerate(WEEKDAYS) if values[day] is not None}


def _handover(walk: Walk) -> Handover:
    handover = walk.read(HANDOVER_FILE, walk.source.data, "handover.yml")
    if handover.attempts_before_host <= handover.attempts_before_touchscreen:
        walk.add(("attempts_before_host",), "attempts_before_host should be larger than "
                 "attempts_before_touchscreen (first offer the touchscreen, then a host)")
    return handover


def _responses(walk: Walk, lang: str) -> dict[str, Response]:
    entries = walk.read(RESPONSES_FILE, walk.source.data, f"{lang}/responses.yml")
    return {key: Response(key=key, lang=lang, texts=entry["text"], gesture=entry["gesture"], screen=entry["screen"],
                          buttons=tuple((button["id"], button["label"]) for button in entry["buttons"] if button))
            for key, entry in entries.items()}


def _tablet(walk: Walk, lang: str) -> dict[str, str]:
    return {str(key): label for key, label in walk.read(TABLET_FILE, walk.source.data, f"{lang}/tablet.yml").items()}


def _cross_language(per_lang: dict[str, tuple[Walk, dict]], what: str) -> None:
    """Every key in every language."""
    all_keys = set().union(*(set(items) for _, items in per_lang.values())) if per_lang else set()
    for lang, (walk, items) in per_lang.items():
        for key in sorted(all_keys - set(items)):
            other = next(l for l, (_, i) in per_lang.items() if key in i)
            walk.add((), f"{what} '{key}' is missing in {lang} (it exists in {other})")


def _same_placeholders(responses: dict[str, tuple[Walk, dict[str, Response]]]) -> None:
    """A response uses the same placeholders in every language."""
    for key in sorted(set().union(*(set(items) for _, items in responses.values())) if responses else set()):
        holders = {}
        for lang, (walk, items) in responses.items():
            if key in items:
                found = set()
                for text in items[key].texts:
                    names = placeholders(text)
                    found |= names if isinstance(names, set) else set()
                holders[lang] = (walk, found)
        if len({frozenset(f) for _, f in holders.values()}) > 1:
            for lang, (walk, found) in holders.items():
                others = set().union(*(f for l, (_, f) in holders.items() if l != lang))
                if others - found:
                    walk.add((key,), f"response '{key}' in {lang} lacks "
                             + ", ".join(f"{{{n}}}" for n in sorted(others - found))
                             + " that the other language uses")


def _headings(tablet: dict[str, tuple[Walk, dict]]) -> None:
    """Every screen has a heading in every language."""
    for walk, labels in tablet.values():
        for screen in SCREENS:
            if f"heading_{screen}" not in labels:
                walk.add((), f"tablet text 'heading_{screen}' (the heading of screen '{screen}') is missing")


# ------------------------------------------------------------------ loading

class _Files:
    """The content's files, each parsed once; one that does not parse is one problem, and no Walk."""

    def __init__(self, root: Path, languages: tuple[str, ...]):
        self.root, self.languages = root, languages
        self.problems: list[Problem] = []
        self.walks: list[Walk] = []

    def walk(self, relative: str) -> Walk | None:
        try:
            source = load_yaml(self.root / relative, display=f"locales/{relative}")
        except YamlError as exc:
            self.problems.extend(exc.problems)
            return None
        self.walks.append(Walk(source, self.languages))
        return self.walks[-1]

    def all_problems(self) -> list[Problem]:
        return self.problems + [problem for walk in self.walks for problem in walk.problems]


def load_content(root: Path | None = None) -> Content:
    """Load all content under `root` (default: locales/). Raises ContentInvalid listing every problem."""
    root = Path(root or content_root())
    if not root.is_dir():
        raise ContentInvalid([Problem(str(root), 1, "content folder not found")])
    languages = content_languages(root)  # the service centre's language first
    if not languages:
        raise ContentInvalid([Problem(str(root), 1, "no language folders (e.g. nl/, en/) found")])
    files = _Files(root, languages)
    walks = {name: files.walk(name) for name in SHARED_FILES}
    # A file that does not parse is one problem; the checks that depend on it wait until it does.
    documents = _documents(walks["documents.yml"]) if walks["documents.yml"] else None
    services, window = _services(walks["services.yml"], documents) if walks["services.yml"] else ({}, None)
    locations = _locations(walks["locations.yml"]) if walks["locations.yml"] else None
    hours = _opening_hours(walks["opening_hours.yml"], services) if walks["opening_hours.yml"] else None
    handover = _handover(walks["handover.yml"]) if walks["handover.yml"] else Handover()
    _check_service_locations(walks["services.yml"], services, locations)
    faq_walk = files.walk("faq.yml") if (root / "faq.yml").exists() else None
    faq = parse_faq(faq_walk, locations) if faq_walk else {}
    responses, tablet = _per_language(files)
    problems = files.all_problems()
    if problems or locations is None or hours is None:
        raise ContentInvalid(problems or [Problem(str(root), 1, "content incomplete")])
    paths = content_files(root)
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.exists() else b"")
    return Content(languages=languages,
                   responses=frozen_map({lang: frozen_map(items) for lang, (_, items) in responses.items()}),
                   tablet=frozen_map({lang: frozen_map(items) for lang, (_, items) in tablet.items()}),
                   documents=frozen_map(documents or {}), services=frozen_map(services), locations=locations,
                   opening_hours=hours, handover=handover, faq=frozen_map(faq),
                   check_in_window=window or CheckInWindow(), version=digest.hexdigest()[:12],
                   files=tuple(str(p) for p in paths))


def _documents(walk: Walk) -> dict[str, Document]:
    return walk.read(DOCUMENTS_FILE, walk.source.data, "documents.yml")["documents"]


def _per_language(files: _Files) -> tuple[dict[str, tuple[Walk, dict]], dict[str, tuple[Walk, dict]]]:
    """Each language's responses and tablet texts (with the checks across languages) and its language pack."""
    responses: dict[str, tuple[Walk, dict]] = {}
    tablet: dict[str, tuple[Walk, dict]] = {}
    for lang in files.languages:
        walk = files.walk(f"{lang}/responses.yml")
        if walk:
            responses[lang] = (walk, _responses(walk, lang))
        walk = files.walk(f"{lang}/tablet.yml")
        if walk:
            tablet[lang] = (walk, _tablet(walk, lang))
        try:
            read_pack(files.root / lang / PACK_FILE, lang)
        except LanguagePackInvalid as exc:
            files.problems += exc.problems
    _cross_language(responses, "response")
    _same_placeholders(responses)
    _cross_language(tablet, "tablet text")
    _headings(tablet)
    return responses, tablet
