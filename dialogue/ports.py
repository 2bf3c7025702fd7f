"""What the actions need from the world, as ports: the action server gives the real ones (Qmatic's REST
client, the branch clock), a test gives fakes (tests/dialogue/fakes.py). Actions reach them through
the runtime they are given (`ElvieAction(runtime)`), never through a module-level client."""
from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from integrations.qmatic.client import CallTrace
from integrations.qmatic.models import Appointment, Visit


class Clock(Protocol):
    def now(self) -> datetime:
        """Now at the branch: aware, in the branch's time zone."""


class Qmatic(Protocol):
    """The Qmatic calls the dialogue makes (integrations/qmatic/client.py). Each raises a QmaticError
    (integrations/qmatic/errors.py) when Qmatic cannot answer."""

    def todays_appointments(self, branch_id: int | None = None, deadline_s: float | None = None,
                            today: date | None = None, trace: CallTrace | None = None) -> list[Appointment]: ...

    def find_by_reference(self, reference: str, deadline_s: float | None = None,
                          trace: CallTrace | None = None) -> Appointment | None: ...

    def arrive(self, appointment_id: int, deadline_s: float | None = None, *, service_id: int | None = None,
               trace: CallTrace | None = None) -> Visit: ...

    def walk_in(self, service_id: int, deadline_s: float | None = None, trace: CallTrace | None = None) -> Visit: ...
