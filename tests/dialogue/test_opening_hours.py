"""Opening hours as hosts write them: open, closed, opening soon, near closing, closed days — at a fixed
branch-local clock, across daylight-saving changes — and hosts' mistakes reported as file:line."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dialogue.appointments import AppointmentInfo, Verdict, assess
from dialogue.clock import BranchClock
from dialogue.content.loader import ContentInvalid, load_content
from dialogue.opening_hours import WalkIn, area_hours, next_opening, walk_in
from dialogue.times import say_day

LOCALES = Path(__file__).resolve().parents[2] / "locales"


@pytest.fixture(scope="module")
def content():
    return load_content(LOCALES)


def at(text: str) -> datetime:
    """A branch-local moment, as the runtime's clock gives it."""
    return BranchClock.fixed(datetime.fromisoformat(text)).now()


def test_open_on_a_weekday_and_closing_time_known(content):
    state = area_hours(content.opening_hours, "servicecentrum", at("2026-12-02T10:00"))  # Wednesday
    assert state.is_open and state.closes == at("2026-12-02T17:00")


def test_closed_in_the_evening_opens_tomorrow_morning(content):
    state = area_hours(content.opening_hours, "servicecentrum", at("2026-12-02T17:00"))
    assert not state.is_open and state.next_opening == at("2026-12-03T09:00") and state.closed_day is None


def test_late_opening_on_thursday_and_each_area_has_its_own_week(content):
    hours = content.opening_hours
    assert area_hours(hours, "servicecentrum", at("2026-12-03T19:00")).is_open
    werkacademie = area_hours(hours, "werkacademie", at("2026-12-03T19:00"))
    assert not werkacademie.is_open and werkacademie.next_opening == at("2026-12-04T09:00")
    assert not area_hours(hours, "werkacademie", at("2026-12-04T13:00")).is_open  # Friday afternoon


def test_the_weekend_opens_on_monday(content):
    state = area_hours(content.opening_hours, "servicecentrum", at("2026-12-05T11:00"))  # Saturday
    assert state.next_opening == at("2026-12-07T09:00")


def test_a_closed_day_has_the_hosts_note_and_is_skipped(content):
    state = area_hours(content.opening_hours, "servicecentrum", at("2026-12-25T10:00"))  # Friday, Christmas
    assert not state.is_open and state.closed_day.note("nl") == "Het is Eerste Kerstdag."
    assert state.next_opening == at("2026-12-28T09:00")  # Boxing Day is a Saturday, then Sunday


def test_walk_in_margin_before_closing_per_service(content):
    hours = content.opening_hours
    assert walk_in(hours, "servicecentrum", "uittreksel_brp", at("2026-12-02T16:40"))[0] is WalkIn.ALLOWED
    assert walk_in(hours, "servicecentrum", "uittreksel_brp", at("2026-12-02T16:46"))[0] is WalkIn.TOO_LATE
    assert walk_in(hours, "servicecentrum", "verhuizing", at("2026-12-02T16:35"))[0] is WalkIn.TOO_LATE
    assert walk_in(hours, "servicecentrum", "verhuizing", at("2026-12-02T16:29"))[0] is WalkIn.ALLOWED
    assert walk_in(hours, "servicecentrum", "verhuizing", at("2026-12-02T08:59"))[0] is WalkIn.CLOSED


@pytest.mark.parametrize("day", ["2026-03-29", "2026-10-25"])  # Sundays: the change days themselves
def test_opening_after_a_daylight_saving_change_is_at_9_local(content, day):
    saturday = at(f"{day}T12:00") - timedelta(days=1)
    opens = next_opening(content.opening_hours, "servicecentrum", saturday)
    assert opens.strftime("%a %H:%M") == "Mon 09:00"
    expected_offset = timedelta(hours=2 if day.startswith("2026-03") else 1)
    assert opens.utcoffset() == expected_offset  # 09:00 wall clock, in the new offset


def test_say_day():
    now = at("2026-12-02T18:00")
    assert say_day(at("2026-12-02T19:00"), now, "nl") == "vandaag"
    assert say_day(at("2026-12-03T09:00"), now, "en") == "tomorrow"
    assert say_day(at("2026-12-07T09:00"), now, "nl") == "op maandag"
    assert say_day(at("2026-12-28T09:00"), now, "en") == "on Monday 28 December"
    assert say_day(at("2026-12-28T09:00"), now, "nl") == "op maandag 28 december"


def test_the_arrival_window_is_in_branch_local_time(content):
    info = AppointmentInfo(id=1, start="2026-07-08T08:45", branch_id=1, status="CREATED", qmatic_service_ids=(1,),
                           service="paspoort", area="servicecentrum")
    # 06:30 UTC is 08:30 in Amsterdam in summer: in time, not "too early" or "another day"
    utc_now = datetime.fromisoformat("2026-07-08T06:30:00+00:00")
    assert assess(info, content, utc_now.astimezone(BranchClock().tz)) is Verdict.CHECK_IN
    assert assess(info, content, at("2026-07-08T09:16")) is Verdict.PAST
    assert assess(info, content, at("2026-07-08T05:44")) is Verdict.TOO_EARLY
    assert assess(info, content, at("2026-07-09T08:30")) is Verdict.OTHER_DAY
    # 23:30 UTC on the 7th is already the 8th in Amsterdam
    assert assess(info, content, datetime.fromisoformat("2026-07-07T23:30:00+00:00").astimezone(BranchClock().tz)) \
        is Verdict.TOO_EARLY


# ---------------------------------------------------------------- hosts' mistakes
@pytest.fixture
def locales(tmp_path):
    target = tmp_path / "locales"
    shutil.copytree(LOCALES, target)
    return target


def problems_after(locales: Path, old: str, new: str) -> tuple[int, list[str]]:
    path = locales / "opening_hours.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentInvalid) as info:
        load_content(locales)
    return line, [str(p) for p in info.value.problems]


@pytest.mark.parametrize("old, new, message", [
    ("  - date: 2027-01-01", "  - date: 2027-13-01", "a date should look like 2026-12-25, not '2027-13-01'"),
    ("  - date: 2027-01-01", "  - date: 2026-12-25", "2026-12-25 is listed twice"),
    ("      nl: Het is Nieuwjaarsdag.\n", "", "the note for 2027-01-01 has no 'nl' translation"),
    ("walk_in_margin_minutes: 15", "walk_in_margin_minutes: soon", "walk_in_margin_minutes should be a whole number"),
    ("  verhuizing: 30", "  verhuizen: 30", "unknown service 'verhuizen' (did you mean 'verhuizing'?)"),
    ("werkacademie:\n", "werkacadmie:\n", "unknown setting 'werkacadmie' in opening_hours.yml (did you mean 'werkacademie'?)"),
    ("  friday: 09:00-12:30", "  friday: 9 tot 12", "friday should be like '09:00-17:00' or 'closed'"),
    ("  - date: 2027-01-01\n", "  - datum: 2027-01-01\n", "each closed day needs a date"),
])
def test_mistakes_in_opening_hours_name_file_and_line(locales, old, new, message):
    line, found = problems_after(locales, old, new)
    matching = [p for p in found if message in p]
    assert matching, found
    assert matching[0].startswith("locales/opening_hours.yml:")
    reported = int(matching[0].split(":")[1])
    assert abs(reported - line) <= 2, (matching[0], line)
