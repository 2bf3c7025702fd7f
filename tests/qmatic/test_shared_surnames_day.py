"""The emulator day with shared surnames: at least five surnames booked more than once today, each pair told
apart by first name, time, service, booking code and date of birth; a bare surname matches all of its bookings."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

import yaml

from integrations.qmatic.emulator.fixtures import load_fixture, seeded_at
from integrations.qmatic.matching import match_name
from integrations.qmatic.models import appointment_from_json

FIXTURE = Path(__file__).resolve().parents[2] / "integrations" / "qmatic" / "fixtures" / "shared_surnames.yml"


def test_five_or_more_shared_surnames_each_told_apart_by_every_detail():
    data = yaml.safe_load(FIXTURE.read_text())
    by_surname = defaultdict(list)
    for item in data["appointments"]:
        by_surname[item["last_name"]].append(item)
    shared = {name: items for name, items in by_surname.items() if len(items) > 1}
    assert len(shared) >= 5, sorted(shared)
    for items in shared.values():
        for detail in ("time", "service", "booking_code", "date_of_birth", "first_name"):
            assert len({str(i[detail]) for i in items}) == len(items), (items[0]["last_name"], detail)


def test_a_bare_shared_surname_matches_every_booking_with_it():
    from zoneinfo import ZoneInfo

    state = seeded_at(load_fixture(FIXTURE), datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    appointments = [appointment_from_json(a) for a in state.appointments.values()]
    for surname in ("de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Yilmaz", "el Amrani", "Nowak"):
        found = {m.appointment.customers[0].last_name for m in match_name(surname, appointments)}
        assert len(match_name(surname, appointments)) == 2 and len(found) == 1, surname
