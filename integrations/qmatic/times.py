"""Every time Orchestra and the calendar API send, read as branch-local time — and written back.

Real servers answer in several ways (qmatic-api.md; seen in the wild):

    2024-01-28T09:30:00            naive: the branch's own wall-clock time (Orchestra connectors)
    2024-01-28T09:30               naive without seconds (CON sends and receives this form)
    2023-10-23T06:45:00.000+0000   UTC, milliseconds, offset without a colon (calendar API, gateway)
    2023-10-23T06:45:00Z           UTC with Z
    2023-10-23T08:45:00+02:00      a local offset with a colon, with or without fractional seconds
    1698043500000                  epoch milliseconds (calendar dates of birth, some `start` fields)

`parse_time` turns each into an aware datetime in the branch's IANA time zone (zoneinfo, data
from the locked `tzdata` package), so "08:45" is said as 08:45 whatever the wire format,
across daylight-saving changes. `format_time` writes a branch-local time in one of the
formats, for the emulator.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import QmaticBadResponse

DEFAULT_TIMEZONE = "Europe/Amsterdam"
TIME_FORMATS = ("naive", "utc", "offset")  # how the emulator writes times (see format_time)

_PATTERN = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?"
    r"\s*(?P<tz>Z|z|[+-]\d{2}(?::?\d{2})?)?$")


@lru_cache(maxsize=32)
def zone(name: str | None) -> ZoneInfo:
    """The IANA zone by name (default Europe/Amsterdam); a clear error for an unknown name."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Europe/Amsterdam") from None


def parse_time(value: Any, tz: ZoneInfo) -> datetime:
    """A time from Orchestra or the calendar API as an aware datetime in the branch's zone `tz`."""
    if isinstance(value, bool):
        raise QmaticBadResponse("unreadable time value in Orchestra's answer")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc).astimezone(tz)
    text = str(value).strip()
    match = _PATTERN.match(text)
    if not match:
        raise QmaticBadResponse("unreadable time value in Orchestra's answer")
    try:
        fraction = (match["frac"] or "0")[:6].ljust(6, "0")
        moment = datetime.fromisoformat(f"{match['date']}T{match['h']}:{match['m']}:{match['s'] or '00'}")
        moment = moment.replace(microsecond=int(fraction))
    except ValueError:
        raise QmaticBadResponse("unreadable time value in Orchestra's answer") from None
    offset = match["tz"]
    if offset is None:  # naive: the branch's wall clock (a time in a DST gap or fold gets zoneinfo's reading)
        return moment.replace(tzinfo=tz)
    if offset in ("Z", "z"):
        return moment.replace(tzinfo=timezone.utc).astimezone(tz)
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise QmaticBadResponse("unreadable time offset in Orchestra's answer")
    delta = timedelta(hours=hours, minutes=minutes) * (-1 if offset[0] == "-" else 1)
    return moment.replace(tzinfo=timezone(delta)).astimezone(tz)


def format_time(moment: datetime, tz: ZoneInfo, style: str) -> str:
    """A branch-local time (naive = in `tz`) as a server would send it in `style` (TIME_FORMATS)."""
    local = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    if style == "naive":
        return local.replace(tzinfo=None).isoformat(timespec="seconds")
    if style == "utc":  # as the calendar API and the gateway: 2023-10-23T06:45:00.000+0000
        utc = local.astimezone(timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"
    if style == "offset":
        return local.isoformat(timespec="seconds")
    raise ValueError(f"time format must be one of {', '.join(TIME_FORMATS)}, not {style!r}")


CLOCK_VARIABLE = "ELVIE_CLOCK"


def clock_from_env(environ: dict[str, str] | None = None) -> Callable[[], datetime] | None:
    """A running clock set from ELVIE_CLOCK, for tests and demos: `2026-12-02T10:00:00+01:00` starts
    there when read; `...@<unix time>` makes that moment correspond to the given real time, so that
    every process of a stack shares one clock. None when unset: the machine's clock."""
    import os
    import time

    value = (environ if environ is not None else os.environ).get(CLOCK_VARIABLE, "").strip()
    if not value:
        return None
    text, _, anchor = value.partition("@")
    try:
        start = datetime.fromisoformat(text)
        real = float(anchor) if anchor else time.time()
    except ValueError:
        raise ValueError(f"{CLOCK_VARIABLE} must look like 2026-12-02T10:00:00+01:00[@unix-time], "
                         f"not {value!r}") from None
    if start.tzinfo is None:
        raise ValueError(f"{CLOCK_VARIABLE} needs an offset, e.g. 2026-12-02T10:00:00+01:00")
    return lambda: start + timedelta(seconds=time.time() - real)
