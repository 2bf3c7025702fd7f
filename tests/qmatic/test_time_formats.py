"""Times as real Qmatic servers send them become branch-local: every format, winter, summer and both
daylight-saving change days, through the parser and through the client against the emulator."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from integrations.qmatic.errors import QmaticAppointmentCancelled, QmaticBadResponse
from integrations.qmatic.models import appointment_from_json
from integrations.qmatic.times import TIME_FORMATS, clock_from_env, format_time, parse_time, zone

from .conftest import make_client

AMS = zone("Europe/Amsterdam")
# winter, summer, the last Sunday of March (02:00 -> 03:00) and of October (03:00 -> 02:00)
DAYS = {"winter": date(2026, 1, 14), "summer": date(2026, 7, 8), "spring_change": date(2026, 3, 29),
        "autumn_change": date(2026, 10, 25)}
UTC_OF_0845 = {"winter": "07:45", "summer": "06:45", "spring_change": "06:45", "autumn_change": "07:45"}


@pytest.mark.parametrize("season", DAYS)
def test_every_wire_format_of_0845_local_reads_as_0845(season):
    day = DAYS[season].isoformat()
    utc = UTC_OF_0845[season]
    offset = "+01:00" if utc == "07:45" else "+02:00"
    for text in (f"{day}T08:45:00", f"{day}T08:45", f"{day}T08:45:00.000",  # naive: branch-local
                 f"{day}T{utc}:00Z", f"{day}T{utc}:00.000Z", f"{day}T{utc}:00.000+0000", f"{day}T{utc}:00+0000",
                 f"{day}T{utc}:00+00:00", f"{day}T{utc}:00.123456+00:00", f"{day}T08:45:00{offset}",
                 f"{day}T08:45:00.5{offset}", f"{day}T08:45:00{offset.replace(':', '')}", f"{day} 08:45:00"):
        moment = parse_time(text, AMS)
        assert (moment.date().isoformat(), moment.strftime("%H:%M")) == (day, "08:45"), text
        assert moment.utcoffset() == timedelta(hours=int(offset[2])), text


def test_the_real_calendar_example_from_the_api_notes():
    # 2023-10-23 is summer time in the Netherlands: 06:45 UTC is 08:45 in Leidschendam
    assert parse_time("2023-10-23T06:45:00.000+0000", AMS).strftime("%H:%M") == "08:45"
    assert parse_time(1698043500000, AMS).strftime("%Y-%m-%d %H:%M") == "2023-10-23 08:45"  # epoch ms


def test_other_offsets_and_zones_convert_too():
    assert parse_time("2026-01-14T03:45:00-05:00", AMS).strftime("%H:%M") == "09:45"
    assert parse_time("2026-01-14T08:45:00Z", zone("Europe/London")).strftime("%H:%M") == "08:45"


def test_the_hours_around_each_change_are_right():
    # spring: 00:59 UTC is 01:59 CET, 01:00 UTC is 03:00 CEST
    assert parse_time("2026-03-29T00:59:00Z", AMS).strftime("%H:%M") == "01:59"
    assert parse_time("2026-03-29T01:00:00.000+0000", AMS).strftime("%H:%M") == "03:00"
    # autumn: 00:30 UTC is 02:30 CEST, 01:30 UTC is 02:30 CET (the hour happens twice)
    first, second = parse_time("2026-10-25T00:30:00Z", AMS), parse_time("2026-10-25T01:30:00Z", AMS)
    assert first.strftime("%H:%M") == second.strftime("%H:%M") == "02:30"
    assert (first.utcoffset(), second.utcoffset()) == (timedelta(hours=2), timedelta(hours=1))


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01T08:45:00", "2026-01-14T25:00:00", "08:45",
                                  "2026-01-14T08:45:00+2500", True, None])
def test_unreadable_times_are_a_typed_error(text):
    with pytest.raises(QmaticBadResponse):
        parse_time(text, AMS)


@pytest.mark.parametrize("style", TIME_FORMATS)
@pytest.mark.parametrize("season", DAYS)
def test_format_and_parse_round_trip(style, season):
    local = datetime.combine(DAYS[season], datetime.min.time()).replace(hour=8, minute=45)
    text = format_time(local, AMS, style)
    assert parse_time(text, AMS).replace(tzinfo=None) == local
    if style == "utc":
        assert text.endswith(".000+0000") and text[11:16] == UTC_OF_0845[season]


def test_numeric_calendar_status_and_a_calendar_record_without_orchestra_ids():
    calendar = {"publicId": "abc", "qpId": 7, "start": "2026-01-14T07:45:00.000+0000", "status": 20,
                "branchId": 1, "services": [{"id": 5, "name": "x"}]}
    appointment = appointment_from_json(calendar, AMS)
    assert appointment.status == "CREATED" and appointment.start.strftime("%H:%M") == "08:45"
    assert appointment_from_json({**calendar, "status": 40}, AMS).status == "CANCELLED"
    assert appointment_from_json({**calendar, "status": 99}, AMS).status == "UNKNOWN_99"


def test_the_stack_clock_from_the_environment():
    clock = clock_from_env({"ELVIE_CLOCK": "2026-12-02T10:00:00+01:00@1000"})
    assert clock is not None and clock().tzinfo is not None
    assert clock_from_env({}) is None
    with pytest.raises(ValueError, match="offset"):
        clock_from_env({"ELVIE_CLOCK": "2026-12-02T10:00:00"})


# ---------------------------------------------------------------- through the client and the emulator
def _fixture(day_offset: int = 0) -> dict:
    return {"branches": [{"id": 1, "name": "Stadhuis", "timezone": "Europe/Amsterdam", "services": [1, 5]}],
            "queues": [{"id": 1, "name": "A", "letter": "A"}, {"id": 2, "name": "B", "letter": "B"}],
            "services": [{"id": 1, "name": "Paspoort", "queue": 1}, {"id": 5, "name": "Uittreksel", "queue": 2}],
            "appointments": [
                {"id": 1, "branch": 1, "time": "08:45", "service": 1, "last_name": "A", "booking_code": "QM0001"},
                {"id": 2, "branch": 1, "time": "00:30", "service": 1, "last_name": "B", "booking_code": "QM0002"},
                {"id": 3, "branch": 1, "time": "23:30", "service": 5, "last_name": "C", "booking_code": "QM0003"},
                {"id": 4, "branch": 1, "time": "00:30", "day": 1, "service": 5, "last_name": "D"},
                {"id": 5, "branch": 1, "time": "10:00", "service": 5, "last_name": "E", "booking_code": "QM0005",
                 "status": "CANCELLED"}]}


@pytest.mark.parametrize("numeric", [False, True], ids=["text_status", "numeric_status"])
@pytest.mark.parametrize("style", TIME_FORMATS)
@pytest.mark.parametrize("season", DAYS)
def test_a_visitor_booked_for_0845_is_found_at_0845_in_every_emulator_mode(season, style, numeric):
    from integrations.qmatic.emulator.server import EmulatorServer

    morning = datetime.combine(DAYS[season], datetime.min.time()).replace(hour=7, tzinfo=AMS)
    with EmulatorServer(fixture=_fixture(), time_format=style, numeric_status=numeric, clock=lambda: morning) as server:
        client = make_client(server, clock=lambda: morning, timezone="Europe/Amsterdam")  # the branch's "today"
        try:
            today = {a.id: a for a in client.todays_appointments()}
            # 00:30 and 23:30 local are today even where UTC says yesterday; tomorrow's 00:30 is not; cancelled is gone
            assert sorted(today) == [1, 2, 3]
            assert today[1].start.strftime("%Y-%m-%d %H:%M") == f"{DAYS[season]} 08:45"
            assert (today[2].start.strftime("%H:%M"), today[3].start.strftime("%H:%M")) == ("00:30", "23:30")
            by_code = client.find_by_reference("QM0001")
            assert by_code.id == 1 and by_code.start.strftime("%H:%M") == "08:45" and by_code.status == "CREATED"
            with pytest.raises(QmaticAppointmentCancelled):
                client.find_by_reference("QM0005")
            assert client.find_by_reference("QM9999") is None
        finally:
            client.close()


def test_today_is_the_branch_date_not_the_machines(emulator):
    """At 00:30 in Amsterdam it is still yesterday in UTC: 'today' must be Amsterdam's date."""
    late = datetime(2026, 7, 8, 0, 30, tzinfo=AMS)
    client = make_client(emulator, clock=lambda: late)
    assert client.now().date() == date(2026, 7, 8)
    assert client.now().utcoffset() == timedelta(hours=2)
    client.close()


def test_an_unknown_time_zone_is_a_clear_configuration_error():
    from integrations.qmatic.config import QmaticConfig, QmaticConfigError

    with pytest.raises(QmaticConfigError, match="Europe/Amsterdam"):
        QmaticConfig.from_mapping({"base_url": "http://x", "branch_id": 1, "username": "u", "password": "p",
                                   "timezone": "Europe/Leidschendam"})
