"""What an appointment means for the visitor in front of Elvie — pure logic, no I/O.

An appointment is kept in the dialogue only as `AppointmentInfo` (ids, time, service, area,
branch — never names or dates of birth), and judged by `assess()`: is it here, today, within the
arrival window, not already checked in? `start` is the branch's wall-clock time; `now` comes
from BranchClock (dialogue/clock.py), so "today" and the window are the branch's, never UTC.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from dialogue.content.model import Content

@dataclass(frozen=True)
class ArrivalWindow:
    """How early and how late before/after the start a visitor may check in (Mobile Ticket's defaults)."""
    early: timedelta = timedelta(minutes=180)
    late: timedelta = timedelta(minutes=30)  # later than this: reception decides


DEFAULT_WINDOW = ArrivalWindow()
EARLY_NOTICE = timedelta(minutes=30)  # checked in more than this long before the start: "you are early, please wait"


def window_for(info: "AppointmentInfo", content: Content) -> ArrivalWindow:
    """The hosts' check-in window for this appointment's service (locales/services.yml)."""
    window = content.window_for(info.service)
    return ArrivalWindow(early=timedelta(minutes=window.early_min), late=timedelta(minutes=window.late_min))


class Verdict(str, Enum):
    CHECK_IN = "check_in"
    WRONG_LOCATION = "wrong_location"
    OTHER_DAY = "other_day"
    PAST = "past"
    TOO_EARLY = "too_early"
    ALREADY_ARRIVED = "already_arrived"
    NOT_ARRIVABLE = "not_arrivable"


@dataclass(frozen=True)
class AppointmentInfo:
    id: int
    start: str  # ISO local time
    branch_id: int
    status: str
    qmatic_service_ids: tuple[int, ...]
    service: str | None  # content service key
    area: str | None  # servicecentrum | werkacademie

    @property
    def start_time(self) -> datetime:
        return datetime.fromisoformat(self.start)

    def to_slot(self) -> dict[str, Any]:
        data = asdict(self)
        data["qmatic_service_ids"] = list(self.qmatic_service_ids)
        return data

    @classmethod
    def from_slot(cls, data: dict[str, Any] | None) -> "AppointmentInfo | None":
        if not data:
            return None
        return cls(id=int(data["id"]), start=data["start"], branch_id=int(data["branch_id"]), status=data["status"],
                   qmatic_service_ids=tuple(data.get("qmatic_service_ids") or ()), service=data.get("service"),
                   area=data.get("area"))


def info_of(appointment, content: Content) -> AppointmentInfo:
    """The non-identifying facts of a Qmatic appointment."""
    ids = tuple(s.id for s in appointment.services)
    service = next((content.service_for_qmatic_id(i) for i in ids if content.service_for_qmatic_id(i)), None)
    start = appointment.start.replace(tzinfo=None)  # the client gives branch-local times: keep the wall clock
    return AppointmentInfo(id=appointment.id, start=start.isoformat(timespec="minutes"),
                           branch_id=appointment.branch_id, status=appointment.status, qmatic_service_ids=ids,
                           service=service.key if service else None, area=service.area if service else None)


def local(now: datetime) -> datetime:
    """The branch's wall-clock time of `now` (an aware branch-local time, or already naive-local)."""
    return now.replace(tzinfo=None)


def assess(info: AppointmentInfo, content: Content, now: datetime,
           window: ArrivalWindow | None = None, here_branch: int | None = None) -> Verdict:
    """`now`: BranchClock.now() (branch-local); `window`: default the service's (window_for);
    `here_branch`: the branch of the robot the visitor talks to (default: this_location's)."""
    window = window or window_for(info, content)
    now = local(now)
    if info.branch_id != (here_branch or content.locations.here_qmatic_branch_id):
        return Verdict.WRONG_LOCATION
    if info.start_time.date() != now.date():
        return Verdict.OTHER_DAY
    if info.status == "ARRIVED":
        return Verdict.ALREADY_ARRIVED
    if info.status != "CREATED":
        return Verdict.NOT_ARRIVABLE
    if now - info.start_time > window.late:
        return Verdict.PAST
    if info.start_time - now > window.early:
        return Verdict.TOO_EARLY
    return Verdict.CHECK_IN
