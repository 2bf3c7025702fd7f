"""Seed the emulator from a fixture (YAML file or mapping), with clear errors for bad fixtures.

    branches:
      - {id: 1, name: Servicecentrum Stadhuis, timezone: Europe/Amsterdam, services: [1, 2],
         entry_points: {SW_RECEPTION: 2, SW_VISITAPP: 3}}
    queues:
      - {id: 1, name: Burgerzaken, letter: A, capacity: 100}
    services:
      - {id: 1, name: Paspoort aanvragen, queue: 1}
    appointments:               # "09:30" today (branch-local), or "+45m"/"-20m" from now; `day: 1` = tomorrow
                                # status: CREATED (default), ARRIVED, CANCELLED (booking code known, appointment gone)
      - {id: 1001, branch: 1, time: "09:30", minutes: 15, service: 1, first_name: Jan,
         last_name: de Vries, date_of_birth: "1980-04-12", booking_code: QM-4821, status: CREATED, day: 0}
    faults:                     # optional, per operation (see faults.py)
      arrive: {kind: timeout, seconds: 10}
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..times import zone
from .faults import FaultError, parse_fault
from .state import Branch, EmulatorState, Queue, ServiceDef

DEFAULT_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "default.yml"


class FixtureError(ValueError):
    pass


def load_fixture(path: str | Path | None) -> dict[str, Any]:
    from ..yamlfile import read_mapping

    return read_mapping(Path(path) if path else DEFAULT_FIXTURE, "fixture (branches, queues, services, appointments)",
                        FixtureError)


def _start_time(text: str, day: date, now: datetime) -> datetime:
    """'09:30' on `day`, or '+45m' / '-20m' from now (rounded to 5 minutes, kept within the day)."""
    if text[:1] in "+-" and text.endswith("m"):
        moment = now + timedelta(minutes=int(text[:-1]))
        moment = moment.replace(second=0, microsecond=0, minute=moment.minute - moment.minute % 5)
        earliest = datetime(now.year, now.month, now.day, 0, 5)
        latest = datetime(now.year, now.month, now.day, 23, 55)
        moment = min(max(moment, earliest), latest)
        return moment.replace(year=day.year, month=day.month, day=day.day)
    hours, minutes = text.split(":")
    return datetime(day.year, day.month, day.day, int(hours), int(minutes))


def _need(item: dict, key: str, where: str) -> Any:
    if not isinstance(item, dict) or key not in item:
        raise FixtureError(f"{where}: '{key}' is required")
    return item[key]


def seeded_at(data: dict[str, Any], moment: datetime) -> EmulatorState:
    """A world seeded from `data` with its clock standing still at `moment`: a day as tests and the name cases
    see it, whatever the machine's date."""
    state = EmulatorState()
    state.clock = lambda: moment
    seed(state, data)
    return state


def seed(state: EmulatorState, data: dict[str, Any], today: date | None = None) -> None:
    """Replace the state's world with the fixture's (validated first: a bad fixture changes nothing).
    Times are the branch's wall-clock times; "now" is the state's clock in the branch's time zone."""
    branches = _branches(data.get("branches") or [])
    queues = _queues(data.get("queues") or [])
    services = _services(data.get("services") or [], queues)
    for branch in branches.values():
        for service in branch.services:
            if service not in services:
                raise FixtureError(f"branch {branch.id} offers service {service}, which is not defined")
    appointments: dict[int, dict[str, Any]] = {}
    next_id = 1001
    for i, item in enumerate(data.get("appointments") or []):
        appointment_id = int(item.get("id") or next_id)
        next_id = max(next_id, appointment_id) + 1
        if appointment_id in appointments:
            raise FixtureError(f"appointments[{i}]: appointment id {appointment_id} is used twice")
        appointments[appointment_id] = _appointment(state, item, f"appointments[{i}]", appointment_id, branches,
                                                    services, today)
    faults = {}
    for operation, spec in (data.get("faults") or {}).items():
        try:
            faults[str(operation)] = parse_fault(spec)
        except FaultError as exc:
            raise FixtureError(f"faults.{operation}: {exc}") from None
    with state.lock:
        state.branches, state.queues, state.services = branches, queues, services
        state.appointments, state.visits, state.faults = appointments, {}, faults
        state.world += 1


def _branches(items: list) -> dict[int, Branch]:
    branches = {}
    for i, item in enumerate(items):
        where = f"branches[{i}]"
        branch_id = int(_need(item, "id", where))
        try:
            zone(str(item.get("timezone", "Europe/Amsterdam")))
        except ValueError as exc:
            raise FixtureError(f"{where}: {exc}") from None
        points = item.get("entry_points") or {"SW_RECEPTION": branch_id * 10 + 2, "SW_VISITAPP": branch_id * 10 + 3}
        branches[branch_id] = Branch(id=branch_id, name=str(_need(item, "name", where)),
                                     timezone=str(item.get("timezone", "Europe/Amsterdam")),
                                     services=[int(s) for s in item.get("services") or []],
                                     entry_points={str(k): int(v) for k, v in points.items()},
                                     address=str(item.get("address", "")))
    return branches


def _queues(items: list) -> dict[int, Queue]:
    queues = {}
    for i, item in enumerate(items):
        where = f"queues[{i}]"
        queue_id = int(_need(item, "id", where))
        queues[queue_id] = Queue(id=queue_id, name=str(_need(item, "name", where)),
                                 letter=str(item.get("letter", chr(ord("A") + i))),
                                 capacity=int(item.get("capacity", 100)))
    return queues


def _services(items: list, queues: dict[int, Queue]) -> dict[int, ServiceDef]:
    services = {}
    for i, item in enumerate(items):
        where = f"services[{i}]"
        queue = int(_need(item, "queue", where))
        if queue not in queues:
            raise FixtureError(f"{where}: queue {queue} is not defined under queues")
        services[int(_need(item, "id", where))] = ServiceDef(int(item["id"]), str(_need(item, "name", where)), queue)
    return services


def _appointment(state: EmulatorState, item: dict, where: str, appointment_id: int, branches: dict[int, Branch],
                 services: dict[int, ServiceDef], today: date | None) -> dict[str, Any]:
    """One appointment as Qmatic's REST API gives it."""
    branch = int(_need(item, "branch", where))
    if branch not in branches:
        raise FixtureError(f"{where}: branch {branch} is not defined")
    service = int(_need(item, "service", where))
    if service not in services:
        raise FixtureError(f"{where}: service {service} is not defined")
    now = state.now(branches[branch].timezone)
    try:
        start = _start_time(str(_need(item, "time", where)),
                            (today or now.date()) + timedelta(days=int(item.get("day", 0))), now)
    except ValueError:
        raise FixtureError(f"{where}: time must look like 09:30, or +45m / -20m (relative to now)") from None
    end = start + timedelta(minutes=int(item.get("minutes", 15)))
    properties = {"notes": item.get("notes", "")}
    if item.get("booking_code"):
        properties["publicId"] = str(item["booking_code"])
    if item.get("external_id"):
        properties["externalId"] = str(item["external_id"])
    customer = {"id": 90000 + appointment_id, "firstName": str(item.get("first_name", "")),
                "lastName": str(_need(item, "last_name", where)),
                "properties": {"dateOfBirth": item.get("date_of_birth"), "phoneNumber": "", "email": ""}}
    return {"id": appointment_id, "branchId": branch, "status": str(item.get("status", "CREATED")),
            "startTime": start.isoformat(timespec="seconds"), "endTime": end.isoformat(timespec="seconds"),
            "resourceName": "Balie", "updateTime": start.isoformat(timespec="seconds"),
            "services": [{"id": service, "name": services[service].name}],
            "customers": [customer], "properties": properties}
