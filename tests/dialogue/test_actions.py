"""The actions in the rasa-sdk manner: a Tracker in, events and messages out, Qmatic and the clock
through the ports the runtime is given (tests/dialogue/fakes.py) — no server, no wall clock."""
from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.actions.checkin import ActionAppointmentConfirmed, ActionDocumentAnswer
from dialogue.actions.lookup import ActionChooseCandidate, ActionLookupName
from dialogue.runtime import Runtime

from .fakes import FakeQmatic, fixed_clock
from .test_opening_hours_conversations import Visitor

TODAY = Path(__file__).resolve().parents[1] / "conversations" / "fixtures" / "today.yml"


@pytest.fixture
def qmatic():
    return FakeQmatic(TODAY)


@pytest.fixture
def rt(qmatic):
    return Runtime(clock=fixed_clock(), qmatic=qmatic)


def keys(said) -> list[str]:
    return [message.response for message in said]


def check_in(visitor: Visitor, name: str) -> list:
    """Name, 'yes that is my appointment', then 'yes' to every document question, as long as Elvie asks."""
    said = visitor.turn(ActionLookupName, "inform_name", {"person_name": name}, text=name)
    assert keys(said) == ["utter_confirm_appointment"], keys(said)
    said = visitor.turn(ActionAppointmentConfirmed, "affirm", text="ja")
    while visitor.slots.get("expecting") == "document":
        said = visitor.turn(ActionDocumentAnswer, "affirm", text="ja")
    return said


def test_a_visitor_is_checked_in_by_name_and_given_qmatics_ticket(rt, qmatic):
    visitor = Visitor(rt, "nl")
    said = check_in(visitor, "Emily Clarke")
    assert visitor.slots["ticket"] == "R001" and qmatic.visits[2007].ticket_id == "R001"
    assert any("R001" in message.text for message in said)
    assert visitor.operations[-1] == "arrive:200"  # the turn's trace tells the engine what Qmatic did


def test_a_second_check_in_of_the_same_appointment_is_not_a_second_ticket(rt, qmatic):
    check_in(Visitor(rt, "en"), "Emily Clarke")
    visitor = Visitor(rt, "en")
    said = visitor.turn(ActionLookupName, "inform_name", {"person_name": "Emily Clarke"}, text="Emily Clarke")
    assert keys(said) == ["utter_already_checked_in_no_ticket"]  # Qmatic's list is read again after a check-in
    assert qmatic.calls.count("arrive") == 1 and "ticket" not in visitor.slots


def test_qmatic_down_gets_an_apology_and_a_host_never_an_error(rt, qmatic):
    qmatic.down = True
    visitor = Visitor(rt, "en")
    said = visitor.turn(ActionLookupName, "inform_name", {"person_name": "Emily Clarke"}, text="Emily Clarke")
    assert keys(said) == ["utter_qmatic_unavailable"]
    assert visitor.slots["handover"] is True and visitor.operations == ["appointments:refused"]


def test_a_shared_surname_is_told_apart_by_the_time_the_visitor_says(rt, qmatic):
    visitor = Visitor(rt, "nl")
    said = visitor.turn(ActionLookupName, "inform_name", {"person_name": "de Vries"}, text="de Vries")
    assert keys(said) == ["utter_choose_candidate"] and visitor.slots["expecting"] == "candidate"
    said = visitor.turn(ActionChooseCandidate, "inform_time", {"time": "half twaalf"}, text="om half twaalf")
    assert keys(said) == ["utter_confirm_appointment"] and "11.30 uur" in said[0].text
    assert not any(name in said[0].text for name in ("Jan", "Johan", "Vries"))  # never another visitor's name


def test_the_days_list_is_asked_of_qmatic_once_within_its_cache_time(rt, qmatic):
    Visitor(rt, "nl").turn(ActionLookupName, "inform_name", {"person_name": "Emily Clarke"}, text="Emily Clarke")
    assert qmatic.calls == ["appointments", "appointments"]  # this location's and Servicepunt Noord's
    Visitor(rt, "nl").turn(ActionLookupName, "inform_name", {"person_name": "Mehmet Yilmaz"}, text="Mehmet Yilmaz")
    assert qmatic.calls == ["appointments", "appointments"]
