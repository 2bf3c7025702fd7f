"""Fakes for the actions' ports (dialogue/ports.py): Qmatic in memory and a clock the test sets.

`FakeQmatic` holds the day a fixture describes (read by the emulator's own fixture reader, so the same
YAML serves the emulator and the fake) and answers the dialogue's four calls without a server: check-ins
give tickets of the service's queue, a second check-in is refused as Orchestra refuses it, and
`down = True` makes every call fail as an unreachable Qmatic does."""
from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from dialogue.clock import BranchClock
from integrations.qmatic.client import CallRecord, CallTrace
from integrations.qmatic.emulator.fixtures import load_fixture, seeded_at
from integrations.qmatic.errors import QmaticAlreadyArrived, QmaticUnavailable
from integrations.qmatic.models import Appointment, Visit, appointment_from_json
from integrations.qmatic.times import zone

SUITE_MOMENT = datetime(2026, 12, 2, 10, 0, tzinfo=zone("Europe/Amsterdam"))  # a Wednesday, both areas open


class FakeQmatic:
    def __init__(self, fixture: Path, now: datetime = SUITE_MOMENT):
        state = seeded_at(load_fixture(fixture), now)
        self.letters = {s.id: state.queues[s.queue].letter for s in state.services.values()}
        self.appointments = {a.id: a for a in (appointment_from_json(x) for x in state.appointments.values())}
        self.visits: dict[int, Visit] = {}  # appointment id -> its visit
        self.walk_ins: list[Visit] = []
        self.down = False
        self.calls: list[str] = []
        self._numbers = itertools.count(1)

    def _call(self, operation: str, trace: CallTrace | None) -> None:
        self.calls.append(operation)
        if trace is not None:
            trace.add(CallRecord(operation, "GET", operation, "refused" if self.down else 200, 1.0))
        if self.down:
            raise QmaticUnavailable("Qmatic is not reachable")

    def _visit(self, service_id: int) -> Visit:
        number = next(self._numbers)
        return Visit(id=number, ticket_id=f"{self.letters.get(service_id, 'A')}{number:03d}", checksum=None,
                     service_id=service_id, service_name=None, queue_id=None)

    def todays_appointments(self, branch_id: int | None = None, deadline_s: float | None = None,
                            today: date | None = None, trace: CallTrace | None = None) -> list[Appointment]:
        self._call("appointments", trace)
        return [a for a in self.appointments.values() if a.branch_id == (branch_id or 1)
                and (today is None or a.start.date() == today)]

    def find_by_reference(self, reference: str, deadline_s: float | None = None,
                          trace: CallTrace | None = None) -> Appointment | None:
        self._call("appointment_by_reference", trace)
        return next((a for a in self.appointments.values() if a.public_id == reference), None)

    def arrive(self, appointment_id: int, deadline_s: float | None = None, *, service_id: int | None = None,
               trace: CallTrace | None = None) -> Visit:
        self._call("arrive", trace)
        appointment = self.appointments[appointment_id]
        if appointment.status != "CREATED":
            raise QmaticAlreadyArrived("the appointment has arrived already")
        self.appointments[appointment_id] = replace(appointment, status="ARRIVED")
        self.visits[appointment_id] = self._visit(appointment.services[0].id)
        return self.visits[appointment_id]

    def walk_in(self, service_id: int, deadline_s: float | None = None, trace: CallTrace | None = None) -> Visit:
        self._call("walk_in", trace)
        self.walk_ins.append(self._visit(service_id))
        return self.walk_ins[-1]


def fixed_clock(moment: datetime = SUITE_MOMENT) -> BranchClock:
    return BranchClock.fixed(moment)
