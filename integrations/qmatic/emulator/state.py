"""The Qmatic emulator's world: branches, services, queues, today's appointments, visits.

Plain in-memory state with the rules of the real system that Elvie depends on: only a
CREATED appointment can be arrived (a second arrive is refused with 8058), each queue hands
out its own ticket numbers, a full queue refuses new visits (8042), a cancelled appointment is
gone from Orchestra but its booking reference is still known to the calendar. Seeded from YAML
fixtures (fixtures.py); JSON shapes follow qmatic-api.md.

Times are kept as the branch's wall-clock time and written in the answer as real servers do:
`time_format` naive (Orchestra's connectors), utc (`2023-10-23T06:45:00.000+0000`, as the calendar
API and gateways) or offset (`2023-10-23T08:45:00+02:00`); `numeric_status` makes the calendar
answer with numeric statuses (20 = booked) as its public API does.
"""
from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from ..models import CALENDAR_STATUS_CODES
from ..times import TIME_FORMATS, format_time, zone


class EmulatorError(Exception):
    def __init__(self, http_status: int, error_code: str | None, message: str):
        super().__init__(message)
        self.http_status = http_status
        self.error_code = error_code
        self.message = message


@dataclass
class Queue:
    id: int
    name: str
    letter: str
    capacity: int = 100
    counter: int = 0
    waiting: list[int] = field(default_factory=list)  # visit ids, in order


@dataclass
class Branch:
    id: int
    name: str
    timezone: str
    services: list[int]
    entry_points: dict[str, int]  # device type -> entry point id
    address: str = ""


@dataclass
class ServiceDef:
    id: int
    name: str
    queue: int


class EmulatorState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.branches: dict[int, Branch] = {}
        self.services: dict[int, ServiceDef] = {}
        self.queues: dict[int, Queue] = {}
        self.appointments: dict[int, dict[str, Any]] = {}
        self.visits: dict[int, dict[str, Any]] = {}
        self.faults: dict[str, dict[str, Any]] = {}
        self.world = 0  # bumped by every seed: a request from before a seed never acts on the new world
        self._visit_ids = itertools.count(5001)
        self._rng = random.Random(42)
        self.time_format = "naive"
        self.numeric_status = False
        self.clock: Callable[[], datetime] | None = None  # "now" (aware); None: the machine's clock

    def set_format(self, time_format: str | None = None, numeric_status: bool | None = None) -> None:
        if time_format is not None:
            if time_format not in TIME_FORMATS:
                raise ValueError(f"time_format must be one of {', '.join(TIME_FORMATS)}, not {time_format!r}")
            self.time_format = time_format
        if numeric_status is not None:
            self.numeric_status = bool(numeric_status)

    def now(self, timezone_name: str | None = None) -> datetime:
        """Now as the branch's wall-clock time (naive)."""
        tz = zone(timezone_name)
        moment = self.clock() if self.clock else datetime.now(tz)
        return moment.astimezone(tz).replace(tzinfo=None)

    def _time(self, branch_id: int, local: str | None) -> str | None:
        """A branch-local time as this emulator's answers write it."""
        if not local:
            return local
        branch = self.branches.get(branch_id)
        return format_time(datetime.fromisoformat(local), zone(branch.timezone if branch else None),
                           self.time_format)

    def _out(self, appointment: dict) -> dict:
        """An appointment as the appointment connector answers it."""
        result = dict(appointment)
        for key in ("startTime", "endTime", "updateTime"):
            result[key] = self._time(appointment["branchId"], appointment.get(key))
        return result

    def _out_visit(self, visit: dict) -> dict:
        result = dict(visit)
        for key in ("appointmentTime", "branchCurrentTime"):
            result[key] = self._time(visit["branchId"], visit.get(key))
        return result

    # ------------------------------------------------------------------ queries
    def branch(self, branch_id: int) -> Branch:
        if branch_id not in self.branches:
            raise EmulatorError(404, None, f"branch {branch_id} not found")
        return self.branches[branch_id]

    def entry_points(self, branch_id: int, device_type: str) -> list[dict]:
        branch = self.branch(branch_id)
        if device_type not in branch.entry_points:
            return []
        return [{"id": branch.entry_points[device_type], "name": f"{device_type} {branch.name}",
                 "deviceType": device_type, "branchId": branch_id}]

    def branch_services(self, branch_id: int) -> list[dict]:
        branch = self.branch(branch_id)
        return [{"id": s, "internalName": self.services[s].name, "externalName": self.services[s].name,
                 "internalDescription": "", "externalDescription": "", "targetTransactionTime": 600}
                for s in branch.services if s in self.services]

    def wait_info(self, branch_id: int) -> list[dict]:
        branch = self.branch(branch_id)
        result = []
        for service_id in branch.services:
            service = self.services[service_id]
            queue = self.queues[service.queue]
            waiting = len(self._waiting(queue, branch_id))
            result.append({"serviceId": service_id, "serviceName": service.name, "description": "",
                           "customersWaitingInDefaultQueue": waiting, "waitingTimeInDefaultQueue": waiting * 300})
        return result

    def search(self, branch_id: int, from_date: str, to_date: str) -> list[dict]:
        """A1: the dates are the branch's own (CON sends branch-local YYYY-MM-DD[THH:mm])."""
        start, end = from_date[:16], to_date[:16]
        return [self._out(a) for a in self.appointments.values()
                if a["branchId"] == branch_id and a["status"] != "CANCELLED" and start <= a["startTime"][:16] < end]

    def appointment(self, appointment_id: int) -> dict:
        found = self.appointments.get(appointment_id)
        if found is None or found["status"] == "CANCELLED":  # cancelled: removed from Orchestra
            raise EmulatorError(404, "8057", "appointment not found")
        return self._out(found)

    def by_public_id(self, public_id: str) -> dict:
        """A4: the calendar's record. Its nested branch and services carry calendar publicIds, no Orchestra ids."""
        for appointment in self.appointments.values():
            if (appointment.get("properties") or {}).get("publicId", "").lower() == public_id.lower():
                branch = self.branches[appointment["branchId"]]
                status = appointment["status"]
                calendar = {"publicId": appointment["properties"]["publicId"],
                            "start": self._time(branch.id, appointment["startTime"]),
                            "end": self._time(branch.id, appointment["endTime"]),
                            "status": CALENDAR_STATUS_CODES.get(status, 20) if self.numeric_status else status,
                            "branch": {"publicId": f"b{branch.id:04x}{'0' * 28}", "name": branch.name,
                                       "timeZone": branch.timezone},
                            "services": [{"publicId": f"s{s['id']:04x}{'0' * 28}", "name": s["name"]}
                                         for s in appointment["services"]]}
                if status != "CANCELLED":
                    calendar["qpId"] = appointment["id"]
                return {"appointment": calendar}
        raise EmulatorError(404, "E142", "appointment not found")

    def by_external_id(self, external_id: str) -> dict | None:
        for appointment in self.appointments.values():
            if (appointment.get("properties") or {}).get("externalId", "").lower() == external_id.lower():
                return None if appointment["status"] == "CANCELLED" else self._out(appointment)
        return None

    def _waiting(self, queue: Queue, branch_id: int | None = None) -> list[int]:
        return [v for v in queue.waiting if branch_id is None or self.visits[v]["branchId"] == branch_id]

    # ------------------------------------------------------------------ visits
    def _new_visit(self, branch_id: int, service_id: int, appointment: dict | None, parameters: dict) -> dict:
        branch = self.branch(branch_id)
        if service_id not in branch.services or service_id not in self.services:
            raise EmulatorError(404, "8031", f"service {service_id} is not offered at branch {branch_id}")
        service = self.services[service_id]
        queue = self.queues[service.queue]
        if len(self._waiting(queue)) >= queue.capacity:
            raise EmulatorError(500, "8042", "Line is full")
        queue.counter += 1
        visit_id = next(self._visit_ids)
        visit = {
            "id": visit_id, "ticketId": f"{queue.letter}{queue.counter:03d}",
            "checksum": str(self._rng.randint(10 ** 8, 10 ** 9 - 1)),
            "branchId": branch_id, "waitingTime": 0, "totalWaitingTime": 0, "timeSinceCalled": 0,
            "appointmentId": appointment["id"] if appointment else None,
            "appointmentTime": appointment["startTime"] if appointment else None,
            "branchCurrentTime": self.now(branch.timezone).isoformat(timespec="seconds"),
            "currentVisitService": {"serviceId": service_id, "serviceExternalName": service.name,
                                    "serviceInternalName": service.name},
            "unservedVisitServices": [], "servedVisitServices": [],
            "parameterMap": {"startQueueOrigId": queue.id, "branchName": branch.name, **parameters},
            "customerIds": [], "visitMarks": [], "recycleAllowed": True, "noshowAllowed": True, "recallAllowed": True,
            "currentStatus": "IN_QUEUE", "queueId": queue.id,
        }
        self.visits[visit_id] = visit
        queue.waiting.append(visit_id)
        return self._out_visit(visit)

    def arrive(self, branch_id: int, entry_point: int, appointment_id: int, parameters: dict) -> dict:
        branch = self.branch(branch_id)
        if entry_point not in branch.entry_points.values():
            raise EmulatorError(404, "11000", "No Entry Point on branch, cannot create or delete visit")
        appointment = self.appointments.get(appointment_id)
        if appointment is None or appointment["status"] == "CANCELLED":
            raise EmulatorError(404, "8057", "appointment not found")
        if appointment["branchId"] != branch_id:
            raise EmulatorError(404, "8057", "appointment not found at this branch")
        if appointment["status"] != "CREATED":
            raise EmulatorError(409, "8058", "Appointment already used by a visit")
        visit = self._new_visit(branch_id, appointment["services"][0]["id"], appointment, parameters)
        appointment["status"] = "ARRIVED"
        return visit

    def walk_in(self, branch_id: int, entry_point: int, service_ids: list[int], parameters: dict) -> dict:
        branch = self.branch(branch_id)
        if entry_point not in branch.entry_points.values():
            raise EmulatorError(404, "11000", "No Entry Point on branch, cannot create or delete visit")
        if not service_ids:
            raise EmulatorError(400, None, "services required")
        return self._new_visit(branch_id, int(service_ids[0]), None, parameters)

    def visit(self, branch_id: int, visit_id: int) -> dict:
        visit = self.visits.get(visit_id)
        if visit is None or visit["branchId"] != branch_id:
            raise EmulatorError(404, "8011", "no visit")
        return self._out_visit(visit)

    def queue_list(self, branch_id: int) -> list[dict]:
        self.branch(branch_id)
        return [{"id": q.id, "name": q.name, "customersWaiting": len(self._waiting(q, branch_id))}
                for q in self.queues.values()]

    def queue_visits(self, branch_id: int, queue_id: int) -> list[dict]:
        queue = self.queues.get(queue_id)
        if queue is None:
            raise EmulatorError(404, None, "queue not found")
        return [self._out_visit(self.visits[v]) for v in self._waiting(queue, branch_id)]

    def queue_statistics(self, branch_id: int) -> list[dict]:
        branch = self.branch(branch_id)
        result = []
        for queue in self.queues.values():
            waiting = len(self._waiting(queue, branch_id))
            result.append({"id": queue.id, "branchId": branch_id, "name": queue.name, "queueType": "QUEUE",
                           "branchName": branch.name, "customersWaiting": waiting, "openServicePoints": 2,
                           "waitingTime": waiting * 240, "appointmentWaitingTime": 0,
                           "estimatedWaitingTime": waiting * 300 if waiting else -1, "customersServed": 0,
                           "serviceLevel": 10})
        return result

    def mobile_visits(self, branch_id: int) -> dict[str, dict]:
        result = {}
        for queue in self.queues.values():
            waiting = self._waiting(queue, branch_id)
            for position, visit_id in enumerate(waiting, 1):
                visit = self.visits[visit_id]
                result[str(visit_id)] = {
                    "ticketId": visit["ticketId"], "visitId": visit_id, "waitingTime": 0, "totalWaitingTime": 0,
                    "appointmentId": visit["appointmentId"],
                    "appointmentTime": self._time(branch_id, visit["appointmentTime"]),
                    "queueId": queue.id, "queueName": queue.name, "queueSize": len(waiting),
                    "positionInQueue": position, "currentStatus": visit["currentStatus"],
                    "currentServiceName": visit["currentVisitService"]["serviceExternalName"],
                    "checksum": visit["checksum"], "staffFirstName": None, "staffLastName": None,
                    "servicePointLogicId": None, "servicePointName": None}
        return result

    def snapshot(self) -> dict:
        return {"branches": [{"id": b.id, "name": b.name, "services": b.services} for b in self.branches.values()],
                "services": [{"id": s.id, "name": s.name, "queue": s.queue} for s in self.services.values()],
                "queues": [{"id": q.id, "name": q.name, "letter": q.letter, "counter": q.counter,
                            "waiting": len(q.waiting), "capacity": q.capacity} for q in self.queues.values()],
                "appointments": sorted((dict(a) for a in self.appointments.values()), key=lambda a: a["startTime"]),
                "visits": [dict(v) for v in self.visits.values()],
                "faults": dict(self.faults),
                "format": {"time_format": self.time_format, "numeric_status": self.numeric_status}}
