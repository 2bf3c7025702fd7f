"""What time it is at the branch: the one clock the dialogue reads.

Every decision about time — "today", the arrival window, opening hours, near closing — takes
`BranchClock.now()`: an aware datetime in the branch's IANA time zone (from the Qmatic
configuration, default Europe/Amsterdam). Tests inject a fixed or running clock (`source`);
a whole stack can share one through ELVIE_CLOCK (integrations/qmatic/times.py).
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from integrations.qmatic.times import clock_from_env, zone


class BranchClock:
    def __init__(self, tz: ZoneInfo | str | None = None, source: Callable[[], datetime] | None = None):
        self.tz = tz if isinstance(tz, ZoneInfo) else zone(tz)
        self.source = source

    @classmethod
    def fixed(cls, moment: datetime, tz: ZoneInfo | str | None = None) -> "BranchClock":
        """A clock that always says `moment` (naive: branch-local wall-clock time)."""
        clock = cls(tz)
        aware = moment if moment.tzinfo else moment.replace(tzinfo=clock.tz)
        clock.source = lambda: aware
        return clock

    @classmethod
    def from_env(cls, tz: ZoneInfo | str | None = None) -> "BranchClock":
        return cls(tz, clock_from_env())

    def now(self) -> datetime:
        moment = self.source() if self.source else datetime.now(self.tz)
        return moment.astimezone(self.tz) if moment.tzinfo else moment.replace(tzinfo=self.tz)
