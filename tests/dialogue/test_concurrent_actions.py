"""Two visitors at once: their actions share the runtime's one Qmatic client on two threads. Each
outcome is decided from its own calls — a lost answer is resolved, a full queue names the visitor's
own service — and each turn's trace holds only its own calls."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from dialogue.actions.checkin import ActionDocumentAnswer
from dialogue.actions.walk_in import ActionWalkIn
from dialogue.appointments import AppointmentInfo

from .test_opening_hours_conversations import Visitor, stack  # noqa: F401 - the fixture

DAY = {"branches": [{"id": 1, "name": "Stadhuis", "services": [1, 4, 5]}],
       "queues": [{"id": 1, "name": "Reisdocumenten", "letter": "A"}, {"id": 2, "name": "Rijbewijzen", "letter": "R"},
                  {"id": 3, "name": "Burgerzaken", "letter": "B"}],
       "services": [{"id": 1, "name": "Paspoort aanvragen", "queue": 1}, {"id": 4, "name": "Rijbewijs aanvragen", "queue": 2},
                    {"id": 5, "name": "Uittreksel BRP", "queue": 3}],
       "appointments": [{"id": 100, "branch": 1, "time": "10:20", "service": 4, "last_name": "A"},
                        {"id": 101, "branch": 1, "time": "10:30", "service": 1, "last_name": "B"}]}


def _seed(server):
    from integrations.qmatic.emulator.fixtures import seed

    seed(server.state, DAY)


def _at_last_document(rt, appointment_id: int, lang: str) -> Visitor:
    """A visitor who confirmed the appointment and is answering the last document question."""
    found = rt.qmatic.appointment(appointment_id)
    from dialogue.appointments import info_of

    info: AppointmentInfo = info_of(found, rt.content)
    visitor = Visitor(rt, lang)
    visitor.slots.update(appointment=info.to_slot(), documents_pending=["pasfoto"], documents_missing=[])
    return visitor


def _together(*turns):
    start = threading.Barrier(len(turns))

    def run(turn):
        start.wait()
        return turn()

    with ThreadPoolExecutor(len(turns)) as pool:
        return list(pool.map(run, turns))


def test_a_check_in_whose_answer_is_lost_and_a_walk_in_at_the_same_moment(stack):  # noqa: F811
    rt, server, moment = stack
    _seed(server)
    rt.qmatic.entry_point_id()
    from integrations.qmatic.emulator.faults import parse_fault

    with server.state.lock:  # the arrive takes effect, its answer is lost
        server.state.faults["arrive"] = parse_fault({"kind": "timeout", "seconds": 2.2, "commit": True, "times": 1})
    checking_in, walking_in = _at_last_document(rt, 100, "nl"), Visitor(rt, "en")
    checked, walked = _together(lambda: checking_in.turn(ActionDocumentAnswer, "affirm"),
                                lambda: walking_in.turn(ActionWalkIn, "inform_service", {"service": "uittreksel_brp"}))
    visits = {v["appointmentId"]: v["ticketId"] for v in server.state.visits.values()}
    assert [r.response for r in checked] == ["utter_checked_in"] and checking_in.slots["ticket"] == visits[100] == "R001"
    assert [r.response for r in walked] == ["utter_walk_in_ticket"] and walking_in.slots["ticket"] == visits[None] == "B001"
    assert len(server.state.visits) == 2  # nothing lost, nothing doubled
    assert checking_in.operations[0] == "arrive:timeout" and "walk_in:200" not in checking_in.operations
    assert walking_in.operations == ["walk_in:200"]


def test_a_full_queue_during_a_check_in_names_the_visitors_own_service(stack):  # noqa: F811
    rt, server, moment = stack
    _seed(server)
    rt.qmatic.entry_point_id()
    server.state.queues[2].capacity = 0  # driving licences: full
    checking_in, walking_in = _at_last_document(rt, 100, "nl"), Visitor(rt, "nl")
    checked, walked = _together(lambda: checking_in.turn(ActionDocumentAnswer, "affirm"),
                                lambda: walking_in.turn(ActionWalkIn, "inform_service", {"service": "uittreksel_brp"}))
    assert [r.response for r in checked] == ["utter_queue_full"]
    assert "de wachtrij voor het aanvragen van een rijbewijs is vol" in checked[0].text
    assert checking_in.slots.get("handover") is True and "ticket" not in checking_in.slots
    assert [r.response for r in walked] == ["utter_walk_in_ticket"] and walking_in.slots["ticket"] == "B001"
    assert server.state.appointments[100]["status"] == "CREATED"  # reception can still check them in
