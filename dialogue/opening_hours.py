"""Is an area open, when does it open next, may Elvie still hand out a walk-in ticket? Pure logic.

Reads `Content.opening_hours` (locales/opening_hours.yml: a week per area, closed days with a
note, the walk-in margin before closing) at a branch-local `now` from BranchClock. Wall-clock
opening times are made aware in `now`'s time zone, so they hold across daylight-saving changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from dialogue.content.model import ClosedDay, OpeningHours

LOOK_AHEAD_DAYS = 31  # a next opening further away than this is "not known"


@dataclass(frozen=True)
class AreaHours:
    """An area at one moment."""
    area: str
    is_open: bool
    closes: datetime | None  # today's closing time, when open
    next_opening: datetime | None  # when closed: the next time it opens (None: none in LOOK_AHEAD_DAYS)
    closed_day: ClosedDay | None  # today is one of the hosts' closed days


class WalkIn(str, Enum):
    ALLOWED = "allowed"
    CLOSED = "closed"  # the area is closed now
    TOO_LATE = "too_late"  # open, but closing is nearer than the walk-in margin for this service


def _at(day: date, clock: time, now: datetime) -> datetime:
    return datetime.combine(day, clock, tzinfo=now.tzinfo)


def hours_on(hours: OpeningHours, area: str, day: date) -> tuple[time, time] | None:
    """(opens, closes) of `area` on `day`, or None when it is closed all day."""
    if day in hours.closed_days:
        return None
    return hours.week(area).get(day.weekday())


def area_hours(hours: OpeningHours, area: str, now: datetime) -> AreaHours:
    today = hours_on(hours, area, now.date())
    closed_day = hours.closed_days.get(now.date())
    if today and _at(now.date(), today[0], now) <= now < _at(now.date(), today[1], now):
        return AreaHours(area, True, _at(now.date(), today[1], now), None, None)
    return AreaHours(area, False, None, next_opening(hours, area, now), closed_day)


def next_opening(hours: OpeningHours, area: str, now: datetime) -> datetime | None:
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        span = hours_on(hours, area, day)
        if span and _at(day, span[0], now) > now:
            return _at(day, span[0], now)
    return None


def walk_in(hours: OpeningHours, area: str, service_key: str, now: datetime) -> tuple[WalkIn, AreaHours]:
    state = area_hours(hours, area, now)
    if not state.is_open:
        return WalkIn.CLOSED, state
    if state.closes - now < timedelta(minutes=hours.walk_in_margin(service_key)):
        return WalkIn.TOO_LATE, state
    return WalkIn.ALLOWED, state
