"""Load and validate the host-editable content in `locales/`.

`load_content(root)` returns a `Content` or raises `ContentInvalid` listing every problem as
`file:line: message`, with "did you mean …?" for near-misses. It never returns half-valid
content: the running engine keeps its last good content when a host's edit is invalid.

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
import string
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from core.animations import is_stock_animation, stock_animations
from core.paths import content_root

from .faq import parse_faq
from .language_pack import PACK_FILE, LanguagePackInvalid, content_languages, read_pack
from .model import (AREAS, GESTURES, IF_MISSING, SCREENS, Area, CheckInWindow, ClosedDay, Content, Document, Handover,
                    Locations, OpeningHours, OtherLocation, RequiredDocument, Response, Service, Text, frozen_map)
from .yamlsource import Problem, Source, YamlError, did_you_mean, load_yaml


# Placeholders a response text may use; the dialogue fills them in.
PLACEHOLDERS = (
    "ticket", "time", "service", "document", "area", "waiting", "location", "address", "directions",
    "reception", "advice", "how_to_book", "count", "minutes", "example", "hours", "times", "position",
    "other_language", "heard", "documents", "guidance", "day", "note", "opens", "closes", "answer",
)
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


class _Checker:
    """Collects problems while turning YAML data into typed content."""

    def __init__(self, root: Path, languages: tuple[str, ...]):
        self.root = root
        self.languages = languages
        self.problems: list[Problem] = []

    def add(self, source: Source, path: tuple, message: str) -> None:
        self.problems.append(source.problem(path, message))

    def mapping(self, source: Source, path: tuple, value: Any, what: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(source, path, f"{what} should be a list of 'name: value' entries, not {_kind(value)}")
            return {}
        return value

    def text(self, source: Source, path: tuple, value: Any, what: str, required: bool = True) -> Text | None:
        if value is None:
            if required:
                self.add(source, path, f"{what} is missing; give it for every language ({', '.join(self.languages)})")
            return None
        if isinstance(value, str):
            self.add(source, path, f"{what} needs a text per language, e.g. "
                     + ", ".join(f"{lang}: ..." for lang in self.languages))
            return Text({lang: value for lang in self.languages})
        if not isinstance(value, dict):
            self.add(source, path, f"{what} should be texts per language, not {_kind(value)}")
            return None
        by_lang = {}
        for lang, text in value.items():
            if lang not in self.languages:
                self.add(source, path + (lang,), f"unknown language '{lang}'{did_you_mean(lang, self.languages)}")
            elif not isinstance(text, str) or not text.strip():
                self.add(source, path + (lang,), f"the {lang} text of {what} is empty")
            else:
                by_lang[lang] = text.strip()
        for lang in self.languages:
            if lang not in value:
                self.add(source, path, f"{what} has no '{lang}' translation")
        return Text(frozen_map(by_lang))

    def integer(self, source: Source, path: tuple, value: Any, what: str, minimum: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.add(source, path, f"{what} should be a whole number ≥ {minimum}, not {value!r}")
            return None
        return value

    def number(self, source: Source, path: tuple, value: Any, what: str, default: float) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.add(source, path, f"{what} should be a positive number, not {value!r}")
            return default
        return float(value)

    def unknown_keys(self, source: Source, path: tuple, data: dict, allowed: tuple[str, ...], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.add(source, path + (key,), f"unknown setting '{key}' in {what}{did_you_mean(key, allowed)}")


def _kind(value: Any) -> str:
    return {list: "a list", dict: "a set of entries", str: "a text", type(None): "nothing"}.get(type(value),
                                                                                            repr(value))


def _load(root: Path, relative: str, problems: list[Problem]) -> Source | None:
    try:
        return load_yaml(root / relative, display=f"locales/{relative}")
    except YamlError as exc:
        problems.extend(exc.problems)
        return None


def _placeholders(text: str) -> set[str] | str:
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        return f"a '{{' or '}}' is not closed ({exc}); write {{{{ or }}}} for a literal brace"


# ------------------------------------------------------------------ per-file parsers

def _documents(check: _Checker, src: Source) -> dict[str, Document]:
    top = check.mapping(src, (), src.data, "documents.yml")
    check.unknown_keys(src, (), top, ("documents",), "documents.yml")
    docs = {}
    for key, entry in check.mapping(src, ("documents",), top.get("documents"), "documents").items():
        path = ("documents", key)
        entry = check.mapping(src, path, entry, f"document '{key}'")
        check.unknown_keys(src, path, entry, ("name", "advice"), f"document '{key}'")
        name = check.text(src, path + ("name",), entry.get("name"), f"the name of document '{key}'")
        advice = check.text(src, path + ("advice",), entry.get("advice"), f"the advice for document '{key}'",
                            required=False)
        if name:
            docs[key] = Document(key=key, name=name, advice=advice)
    return docs


def _services(check: _Checker, src: Source, documents: dict[str, Document] | None) -> dict[str, Service]:
    """`documents`: None when documents.yml does not parse (its one problem is reported; no follow-ons here)."""
    top = check.mapping(src, (), src.data, "services.yml")
    check.unknown_keys(src, (), top, ("services", "check_in_window"), "services.yml")
    services = {}
    seen_ids: dict[int, str] = {}
    allowed = ("area", "name", "qmatic_service_ids", "documents", "walk_in", "how_to_book", "only_at",
               "check_in_window")
    for key, entry in check.mapping(src, ("services",), top.get("services"), "services").items():
        path = ("services", key)
        entry = check.mapping(src, path, entry, f"service '{key}'")
        check.unknown_keys(src, path, entry, allowed, f"service '{key}'")
        area = entry.get("area")
        if area not in AREAS:
            check.add(src, path + ("area",), f"service '{key}' needs area: {' or '.join(AREAS)}, not {area!r}"
                      + did_you_mean(area, AREAS))
        name = check.text(src, path + ("name",), entry.get("name"), f"the name of service '{key}'")
        ids = entry.get("qmatic_service_ids")
        if isinstance(ids, int) and not isinstance(ids, bool):
            ids = [ids]
        if not isinstance(ids, list) or not ids:
            check.add(src, path + ("qmatic_service_ids",),
                      f"service '{key}' needs qmatic_service_ids: a list of Qmatic service numbers, e.g. [1]")
            ids = []
        qmatic_ids = []
        for i, qid in enumerate(ids):
            qid = check.integer(src, path + ("qmatic_service_ids", i), qid, "a Qmatic service id", minimum=1)
            if qid is None:
                continue
            if qid in seen_ids:
                check.add(src, path + ("qmatic_service_ids", i),
                          f"Qmatic service id {qid} is already used by service '{seen_ids[qid]}'")
            seen_ids[qid] = key
            qmatic_ids.append(qid)
        walk_in = entry.get("walk_in", False)
        if not isinstance(walk_in, bool):
            check.add(src, path + ("walk_in",), f"walk_in should be true or false, not {walk_in!r}")
            walk_in = False
        required = []
        doc_list = entry.get("documents") or []
        if not isinstance(doc_list, list):
            check.add(src, path + ("documents",), "documents should be a list (each line starting with '- ')")
            doc_list = []
        seen_docs = set()
        for i, item in enumerate(doc_list):
            ipath = path + ("documents", i)
            if isinstance(item, str):
                item = {"document": item}
            item = check.mapping(src, ipath, item, "a required document")
            check.unknown_keys(src, ipath, item, ("document", "if_missing", "advice"), "a required document")
            doc = item.get("document")
            if documents is not None and doc not in documents:
                check.add(src, ipath, f"service '{key}' needs document '{doc}', which is not in documents.yml"
                          + did_you_mean(doc, documents))
                continue
            if doc in seen_docs:
                check.add(src, ipath, f"document '{doc}' is listed twice for service '{key}'")
            seen_docs.add(doc)
            if_missing = item.get("if_missing", "reception")
            if if_missing not in IF_MISSING:
                check.add(src, ipath + ("if_missing",), f"if_missing should be one of {', '.join(IF_MISSING)}, "
                          f"not {if_missing!r}{did_you_mean(if_missing, IF_MISSING)}")
                if_missing = "reception"
            advice = check.text(src, ipath + ("advice",), item.get("advice"), f"the advice for '{doc}'",
                                required=False)
            required.append(RequiredDocument(document=doc, if_missing=if_missing, advice=advice))
        how = check.text(src, path + ("how_to_book",), entry.get("how_to_book"),
                         f"how to book service '{key}'", required=False)
        only_at = entry.get("only_at")
        if only_at is not None and not isinstance(only_at, str):
            check.add(src, path + ("only_at",), "only_at names a location from locations.yml, e.g. only_at: noord")
            only_at = None
        window = _check_in_window(check, src, path + ("check_in_window",), entry.get("check_in_window"),
                                  f"the check-in window of service '{key}'")
        if name and area in AREAS:
            services[key] = Service(key=key, area=area, name=name, qmatic_service_ids=tuple(qmatic_ids),
                                    documents=tuple(required), walk_in=walk_in, how_to_book=how, only_at=only_at,
                                    check_in_window=window)
    return services


def _check_in_window(check: _Checker, src: Source, path: tuple, value: Any, what: str) -> CheckInWindow | None:
    """check_in_window: {early_minutes: 60, late_minutes: 10} — either may be left out (then the default)."""
    if value is None:
        return None
    entry = check.mapping(src, path, value, what)
    check.unknown_keys(src, path, entry, ("early_minutes", "late_minutes"), what)
    default = CheckInWindow()
    early = check.integer(src, path + ("early_minutes",), entry.get("early_minutes", default.early_min),
                          f"early_minutes of {what}")
    late = check.integer(src, path + ("late_minutes",), entry.get("late_minutes", default.late_min),
                         f"late_minutes of {what}")
    return CheckInWindow(early if early is not None else default.early_min,
                         late if late is not None else default.late_min)


def _check_service_locations(check: _Checker, src: Source | None, services: dict[str, Service],
                             locations: Locations | None) -> None:
    if src is None or locations is None:
        return
    for key, service in services.items():
        if service.only_at and service.only_at not in locations.others:
            check.add(src, ("services", key, "only_at"), f"service '{key}' is only at '{service.only_at}', which is "
                      f"not in locations.yml under other_locations{did_you_mean(service.only_at, locations.others)}")


def _locations(check: _Checker, src: Source) -> Locations | None:
    top = check.mapping(src, (), src.data, "locations.yml")
    check.unknown_keys(src, (), top, ("this_location", "other_locations"), "locations.yml")
    here = check.mapping(src, ("this_location",), top.get("this_location"), "this_location")
    if not here:
        check.add(src, (), "locations.yml needs this_location (name, qmatic_branch_id, reception, areas)")
        return None
    p = ("this_location",)
    check.unknown_keys(src, p, here, ("name", "qmatic_branch_id", "reception", "areas"), "this_location")
    name = check.text(src, p + ("name",), here.get("name"), "the name of this location")
    branch = check.integer(src, p + ("qmatic_branch_id",), here.get("qmatic_branch_id"), "qmatic_branch_id", 1)
    reception = check.text(src, p + ("reception",), here.get("reception"), "where reception is")
    areas = {}
    area_data = check.mapping(src, p + ("areas",), here.get("areas"), "areas")
    for key, entry in area_data.items():
        ap = p + ("areas", key)
        if key not in AREAS:
            check.add(src, ap, f"unknown area '{key}'; areas are {', '.join(AREAS)}{did_you_mean(key, AREAS)}")
            continue
        entry = check.mapping(src, ap, entry, f"area '{key}'")
        check.unknown_keys(src, ap, entry, ("name", "waiting", "guidance"), f"area '{key}'")
        parts = [check.text(src, ap + (f,), entry.get(f), f"the {f} of area '{key}'") for f in
                 ("name", "waiting", "guidance")]
        if all(parts):
            areas[key] = Area(key, *parts)
    for key in AREAS:
        if key not in area_data:
            check.add(src, p + ("areas",), f"area '{key}' is missing from this_location")
    others = {}
    for key, entry in check.mapping(src, ("other_locations",), top.get("other_locations"),
                                    "other_locations").items():
        op = ("other_locations", key)
        entry = check.mapping(src, op, entry, f"location '{key}'")
        check.unknown_keys(src, op, entry, ("name", "qmatic_branch_id", "address", "directions"),
                           f"location '{key}'")
        oname = check.text(src, op + ("name",), entry.get("name"), f"the name of location '{key}'")
        obranch = entry.get("qmatic_branch_id")
        if obranch is not None:
            obranch = check.integer(src, op + ("qmatic_branch_id",), obranch, "qmatic_branch_id", 1)
            if obranch is not None and obranch == branch:
                check.add(src, op + ("qmatic_branch_id",),
                          f"location '{key}' has the same qmatic_branch_id as this location")
        address = entry.get("address")
        if not isinstance(address, str) or not address.strip():
            check.add(src, op + ("address",), f"location '{key}' needs an address (street, number, city)")
            address = ""
        directions = check.text(src, op + ("directions",), entry.get("directions"), f"directions to '{key}'")
        if oname and directions:
            others[key] = OtherLocation(key, oname, obranch, address.strip(), directions)
    if not (name and branch and reception):
        return None
    return Locations(here_name=name, here_qmatic_branch_id=branch, reception=reception,
                     areas=frozen_map(areas), others=frozen_map(others))


def _clock(check: _Checker, src: Source, path: tuple, value: Any) -> time | None:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 09:00 as sexagesimal 540
        value = f"{value // 60:02d}:{value % 60:02d}"
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        check.add(src, path, f"a time should look like 09:00, not {value!r}")
        return None


def _week(check: _Checker, src: Source, path: tuple, data: dict) -> dict[int, tuple[time, time]]:
    days = {}
    for i, day in enumerate(WEEKDAYS):
        value = data.get(day)
        if value in (None, "closed", "gesloten"):
            continue
        if not isinstance(value, str) or "-" not in value:
            check.add(src, path + (day,), f"{day} should be like '09:00-17:00' or 'closed', not {value!r}")
            continue
        start, _, end = value.partition("-")
        opens, closes = _clock(check, src, path + (day,), start.strip()), _clock(check, src, path + (day,), end.strip())
        if opens and closes:
            if closes <= opens:
                check.add(src, path + (day,), f"on {day} closing time {closes:%H:%M} is not after opening {opens:%H:%M}")
            days[i] = (opens, closes)
    return days


def _opening_hours(check: _Checker, src: Source, services: dict[str, Service]) -> OpeningHours:
    """Weekdays at the top apply to every area; an area (servicecentrum, werkacademie) may have its own week.
    closed_days: dates with a note Elvie says; walk_in_margin_minutes: no walk-in tickets that close to closing."""
    top = check.mapping(src, (), src.data, "opening_hours.yml")
    extra = ("closed_note", "closed_days", "walk_in_margin_minutes", "walk_in_margin_minutes_per_service")
    check.unknown_keys(src, (), top, WEEKDAYS + AREAS + extra, "opening_hours.yml")
    days = _week(check, src, (), top)
    areas = {}
    for area in AREAS:
        if area in top:
            week = check.mapping(src, (area,), top[area], f"the opening hours of {area}")
            check.unknown_keys(src, (area,), week, WEEKDAYS, f"the opening hours of {area}")
            areas[area] = frozen_map(_week(check, src, (area,), week))
    if not days and not areas:
        check.add(src, (), "no opening hours: give each weekday ('monday: 09:00-17:00'), at the top or per area "
                  f"({', '.join(AREAS)})")
    closed = {}
    entries = top.get("closed_days") or []
    if not isinstance(entries, list):
        check.add(src, ("closed_days",), "closed_days should be a list of '- date: 2026-12-25' entries with a note")
        entries = []
    for i, entry in enumerate(entries):
        path = ("closed_days", i)
        if not isinstance(entry, dict) or "date" not in entry:
            check.add(src, path, "each closed day needs a date, like '- date: 2026-12-25'")
            continue
        check.unknown_keys(src, path, entry, ("date", "note"), "a closed day")
        value = entry["date"]
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value).strip())
            except ValueError:
                check.add(src, path + ("date",), f"a date should look like 2026-12-25, not {entry['date']!r}")
                continue
        if value in closed:
            check.add(src, path + ("date",), f"{value.isoformat()} is listed twice")
        note = check.text(src, path + ("note",), entry.get("note"), f"the note for {value.isoformat()}",
                          required=False)
        closed[value] = ClosedDay(value, note)
    margin = top.get("walk_in_margin_minutes", 15)
    margin = check.integer(src, ("walk_in_margin_minutes",), margin, "walk_in_margin_minutes")
    per_service = {}
    for key, minutes in check.mapping(src, ("walk_in_margin_minutes_per_service",),
                                      top.get("walk_in_margin_minutes_per_service"),
                                      "walk_in_margin_minutes_per_service").items():
        if services and key not in services:
            check.add(src, ("walk_in_margin_minutes_per_service", key),
                      f"unknown service '{key}'{did_you_mean(key, services)}")
            continue
        value = check.integer(src, ("walk_in_margin_minutes_per_service", key), minutes, f"the margin of {key}")
        if value is not None:
            per_service[str(key)] = value
    note = check.text(src, ("closed_note",), top.get("closed_note"), "closed_note", required=False)
    return OpeningHours(days=frozen_map(days), closed_note=note, areas=frozen_map(areas),
                        closed_days=frozen_map(closed), walk_in_margin_min=margin if margin is not None else 15,
                        walk_in_margin_by_service=frozen_map(per_service))


def _handover(check: _Checker, src: Source) -> Handover:
    top = check.mapping(src, (), src.data, "handover.yml")
    fields = ("attempts_before_touchscreen", "attempts_before_host", "idle_reset_s", "rough_handling_quiet_s",
              "notify_url")
    check.unknown_keys(src, (), top, fields, "handover.yml")
    default = Handover()
    touch = top.get("attempts_before_touchscreen", default.attempts_before_touchscreen)
    host = top.get("attempts_before_host", default.attempts_before_host)
    touch = check.integer(src, ("attempts_before_touchscreen",), touch, "attempts_before_touchscreen", 1) or 2
    host = check.integer(src, ("attempts_before_host",), host, "attempts_before_host", 1) or 3
    if host <= touch:
        check.add(src, ("attempts_before_host",), "attempts_before_host should be larger than "
                  "attempts_before_touchscreen (first offer the touchscreen, then a host)")
    notify = top.get("notify_url")
    if notify is not None and not (isinstance(notify, str) and notify.startswith(("http://", "https://"))):
        check.add(src, ("notify_url",), f"notify_url should be an http(s) address, not {notify!r}")
        notify = None
    return Handover(attempts_before_touchscreen=touch, attempts_before_host=host,
                    idle_reset_s=check.number(src, ("idle_reset_s",), top.get("idle_reset_s"), "idle_reset_s",
                                              default.idle_reset_s),
                    rough_handling_quiet_s=check.number(src, ("rough_handling_quiet_s",),
                                                        top.get("rough_handling_quiet_s"),
                                                        "rough_handling_quiet_s", default.rough_handling_quiet_s),
                    notify_url=notify)


def _responses(check: _Checker, src: Source, lang: str) -> dict[str, Response]:
    top = check.mapping(src, (), src.data, f"{lang}/responses.yml")
    responses = {}
    for key, entry in top.items():
        path = (key,)
        if not str(key).startswith("utter_"):
            check.add(src, path, f"response names start with 'utter_', '{key}' does not")
            continue
        if isinstance(entry, (str, list)):
            entry = {"text": entry}
        entry = check.mapping(src, path, entry, f"response '{key}'")
        check.unknown_keys(src, path, entry, ("text", "gesture", "screen", "buttons"), f"response '{key}'")
        texts = entry.get("text")
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            check.add(src, path + ("text",), f"response '{key}' needs a text (or a list of variants)")
            continue
        for i, text in enumerate(texts):
            found = _placeholders(text)
            tpath = path + ("text",) + ((i,) if len(texts) > 1 else ())
            if isinstance(found, str):
                check.add(src, tpath, found)
                continue
            for name in sorted(found - set(PLACEHOLDERS)):
                check.add(src, tpath, f"unknown placeholder {{{name}}}{did_you_mean(name, PLACEHOLDERS)}")
        gesture = entry.get("gesture")
        if gesture is not None and gesture not in GESTURES and not is_stock_animation(str(gesture)):
            if str(gesture).startswith("animations/"):
                check.add(src, path + ("gesture",), f"'{gesture}' is not one of Pepper's stock animations"
                          f"{did_you_mean(gesture, stock_animations())} (list: core/pepper_animations.txt)")
            else:
                check.add(src, path + ("gesture",), f"unknown gesture '{gesture}'{did_you_mean(gesture, GESTURES)}; "
                          f"gestures are: {', '.join(GESTURES)}, or a stock animation such as "
                          "animations/Stand/Gestures/Hey_1")
            gesture = None
        screen = entry.get("screen")
        if screen is not None and screen not in SCREENS:
            check.add(src, path + ("screen",), f"unknown screen '{screen}'{did_you_mean(screen, SCREENS)}")
            screen = None
        buttons = []
        for i, button in enumerate(entry.get("buttons") or []):
            if not (isinstance(button, dict) and isinstance(button.get("id"), str)
                    and isinstance(button.get("label"), str)):
                check.add(src, path + ("buttons", i), "a button needs an id and a label, e.g. {id: yes, label: Ja}")
                continue
            buttons.append((button["id"], button["label"]))
        responses[key] = Response(key=key, lang=lang, texts=tuple(t.strip() for t in texts), gesture=gesture,
                                  screen=screen, buttons=tuple(buttons))
    return responses


def _tablet(check: _Checker, src: Source, lang: str) -> dict[str, str]:
    top = check.mapping(src, (), src.data, f"{lang}/tablet.yml")
    labels = {}
    for key, value in top.items():
        if not isinstance(value, str) or not value.strip():
            check.add(src, (key,), f"tablet text '{key}' should be a non-empty text")
        else:
            labels[str(key)] = value
    return labels


def _cross_language(check: _Checker, per_lang: dict[str, tuple[Source, dict]], what: str) -> None:
    """Every key in every language, with the same placeholders."""
    all_keys = set().union(*(set(items) for _, items in per_lang.values())) if per_lang else set()
    for lang, (src, items) in per_lang.items():
        for key in sorted(all_keys - set(items)):
            other = next(l for l, (_, i) in per_lang.items() if key in i)
            check.add(src, (), f"{what} '{key}' is missing in {lang} (it exists in {other})")
    if what != "response":
        return
    for key in sorted(all_keys):
        holders = {}
        for lang, (src, items) in per_lang.items():
            if key in items:
                found = set()
                for text in items[key].texts:
                    names = _placeholders(text)
                    found |= names if isinstance(names, set) else set()
                holders[lang] = (src, found)
        sets = {frozenset(f) for _, f in holders.values()}
        if len(sets) > 1:
            for lang, (src, found) in holders.items():
                others = set().union(*(f for l, (_, f) in holders.items() if l != lang))
                if others - found:
                    check.add(src, (key,), f"response '{key}' in {lang} lacks "
                              + ", ".join(f"{{{n}}}" for n in sorted(others - found))
                              + " that the other language uses")


def load_content(root: Path | None = None) -> Content:
    """Load all content under `root` (default: locales/). Raises ContentInvalid listing every problem."""
    root = Path(root or content_root())
    if not root.is_dir():
        raise ContentInvalid([Problem(str(root), 1, "content folder not found")])
    languages = content_languages(root)  # Dutch first: the service centre's default
    if not languages:
        raise ContentInvalid([Problem(str(root), 1, "no language folders (e.g. nl/, en/) found")])
    problems: list[Problem] = []
    check = _Checker(root, languages)
    sources = {name: _load(root, name, problems) for name in SHARED_FILES}
    # A file that does not parse is one problem; the checks that depend on it wait until it does.
    documents = _documents(check, sources["documents.yml"]) if sources["documents.yml"] else None
    services = _services(check, sources["services.yml"], documents) if sources["services.yml"] else {}
    locations = _locations(check, sources["locations.yml"]) if sources["locations.yml"] else None
    hours = _opening_hours(check, sources["opening_hours.yml"], services) if sources["opening_hours.yml"] else None
    handover = _handover(check, sources["handover.yml"]) if sources["handover.yml"] else Handover()
    _check_service_locations(check, sources["services.yml"], services, locations)
    window = None
    if sources["services.yml"] and isinstance(sources["services.yml"].data, dict):
        window = _check_in_window(check, sources["services.yml"], ("check_in_window",),
                                  sources["services.yml"].data.get("check_in_window"), "the default check-in window")
    faq = {}
    if (root / "faq.yml").exists():
        faq_source = _load(root, "faq.yml", problems)
        if faq_source:
            faq = parse_faq(check, faq_source, locations)
    responses: dict[str, tuple[Source, dict]] = {}
    tablet: dict[str, tuple[Source, dict]] = {}
    for lang in languages:
        src = _load(root, f"{lang}/responses.yml", problems)
        if src:
            responses[lang] = (src, _responses(check, src, lang))
        src = _load(root, f"{lang}/tablet.yml", problems)
        if src:
            tablet[lang] = (src, _tablet(check, src, lang))
        try:
            read_pack(root / lang / PACK_FILE, lang)
        except LanguagePackInvalid as exc:
            problems += exc.problems
    _cross_language(check, responses, "response")
    _cross_language(check, tablet, "tablet text")
    for lang, (src, labels) in tablet.items():  # every screen has a heading in every language
        for screen in SCREENS:
            if f"heading_{screen}" not in labels:
                check.add(src, (), f"tablet text 'heading_{screen}' (the heading of screen '{screen}') is missing")
    problems += check.problems
    if problems or locations is None or hours is None:
        if not problems:
            problems.append(Problem(str(root), 1, "content incomplete"))
        raise ContentInvalid(problems)
    files = content_files(root)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes() if path.exists() else b"")
    return Content(languages=languages,
                   responses=frozen_map({lang: frozen_map(items) for lang, (_, items) in responses.items()}),
                   tablet=frozen_map({lang: frozen_map(items) for lang, (_, items) in tablet.items()}),
                   documents=frozen_map(documents or {}), services=frozen_map(services), locations=locations,
                   opening_hours=hours, handover=handover, faq=frozen_map(faq),
                   check_in_window=window or CheckInWindow(), version=digest.hexdigest()[:12],
                   files=tuple(str(p) for p in files))
