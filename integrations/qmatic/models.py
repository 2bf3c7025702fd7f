"""Orchestra's data as small typed values, read from the JSON fields the API notes document.

Names and dates of birth are personal data: the `repr` of these classes never shows them, so
a log line or traceback cannot leak them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .errors import QmaticBadResponse
from .times import parse_time, zone

# The public calendar API gives `status` as a number (qmatic-api.md A5). 20 is a booked appointment
# (CONFIRMED: a recorded Dutch municipality's answer); the other numbers are this project's reading and
# the emulator's convention, to verify against a real calendar. An unknown number is never arrivable.
CALENDAR_STATUS_NAMES = {10: "RESERVED", 20: "CREATED", 30: "ARRIVED", 40: "CANCELLED"}
CALENDAR_STATUS_CODES = {name: code for code, name in CALENDAR_STATUS_NAMES.items()}


@dataclass(frozen=True)
class Customer:
    first_name: str
    last_name: str
    date_of_birth: str | None = field(default=None)

    def __repr__(self) -> str:
        return "Customer(<personal data hidden>)"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class ServiceRef:
    id: int
    name: str


@dataclass(frozen=True)
class Appointment:
    id: int  # the Orchestra appointment id (qpId), used to arrive
    public_id: str | None
    branch_id: int
    status: str  # CREATED, ARRIVED, CALLED, COMPLETE, ...
    start: datetime  # aware, in the branch's time zone
    end: datetime | None
    services: tuple[ServiceRef, ...]
    customers: tuple[Customer, ...]
    notes: str | None = None

    def __repr__(self) -> str:
        return (f"Appointment(id={self.id}, branch_id={self.branch_id}, status={self.status}, "
                f"start={self.start:%H:%M}, services={[s.id for s in self.services]})")

    @property
    def service_ids(self) -> tuple[int, ...]:
        return tuple(s.id for s in self.services)

    @property
    def display_name(self) -> str:
        """The first customer's full name (for matching only; never logged, never shown to others)."""
        return self.customers[0].full_name if self.customers else ""


@dataclass(frozen=True)
class Service:
    id: int
    internal_name: str
    external_name: str
    customers_waiting: int | None = None
    estimated_wait_s: int | None = None


@dataclass(frozen=True)
class Visit:
    id: int
    ticket_id: str
    checksum: str | None
    service_id: int | None
    service_name: str | None
    queue_id: int | None


@dataclass(frozen=True)
class QueuePosition:
    position: int | None
    queue_size: int | None
    status: str | None


def status_name(value: Any) -> str:
    """An appointment status as Orchestra names it, also when the calendar API sends a number."""
    if value is None:
        return "CREATED"
    if isinstance(value, bool):
        return "UNKNOWN"
    if isinstance(value, (int, float)) or str(value).strip().isdigit():
        return CALENDAR_STATUS_NAMES.get(int(value), f"UNKNOWN_{int(value)}")
    return str(value).strip().upper()


def appointment_from_json(data: Any, tz: ZoneInfo | None = None) -> Appointment:
    """An appointment from the appointment connector (A1/A2) or the calendar API (A4: qpId).

    Times become aware datetimes in the branch's zone `tz` (default Europe/Amsterdam)."""
    tz = tz or zone(None)
    if not isinstance(data, dict):
        raise QmaticBadResponse("an appointment is not a JSON object")
    try:
        appointment_id = int(data.get("qpId") or data["id"])
        customers = tuple(Customer(first_name=str(c.get("firstName") or ""), last_name=str(c.get("lastName") or ""),
                                   date_of_birth=(c.get("properties") or {}).get("dateOfBirth") or c.get("dateOfBirth"))
                          for c in data.get("customers") or [])
        services = tuple(ServiceRef(id=int(s.get("qpId") or s["id"]), name=str(s.get("name") or ""))
                         for s in data.get("services") or [])
        branch = data.get("branchId")
        if branch is None and isinstance(data.get("branch"), dict):
            branch = data["branch"].get("qpId") or data["branch"].get("id")
        return Appointment(
            id=appointment_id,
            public_id=(data.get("properties") or {}).get("publicId") or data.get("publicId"),
            branch_id=int(branch),
            status=status_name(data.get("status")),
            start=parse_time(data.get("startTime") or data["start"], tz),
            end=parse_time(data.get("endTime") or data["end"], tz) if data.get("endTime") or data.get("end") else None,
            services=services, customers=customers,
            notes=(data.get("properties") or {}).get("notes"))
    except (KeyError, TypeError, ValueError) as exc:
        raise QmaticBadResponse(f"an appointment lacks a required field ({type(exc).__name__})") from None


def visit_from_json(data: Any) -> Visit:
    if not isinstance(data, dict):
        raise QmaticBadResponse("a visit is not a JSON object")
    try:
        service = data.get("currentVisitService") or {}
        params = data.get("parameterMap") or {}
        queue = params.get("startQueueOrigId") or params.get("currentQueueOrigId") or data.get("queueId")
        return Visit(id=int(data["id"]), ticket_id=str(data["ticketId"]),
                     checksum=str(data["checksum"]) if data.get("checksum") is not None else None,
                     service_id=int(service["serviceId"]) if service.get("serviceId") is not None else None,
                     service_name=service.get("serviceExternalName"),
                     queue_id=int(queue) if queue is not None else None)
    except (KeyError, TypeError, ValueError) as exc:
        raise QmaticBadResponse(f"a visit lacks a required field ({type(exc).__name__})") from None


def service_from_json(data: Any) -> Service:
    if not isinstance(data, dict):
        raise QmaticBadResponse("a service is not a JSON object")
    try:
        return Service(id=int(data["id"]), internal_name=str(data.get("internalName") or ""),
                       external_name=str(data.get("externalName") or data.get("internalName") or ""))
    except (KeyError, TypeError, ValueError):
        raise QmaticBadResponse("a service lacks its id") from None
