"""Actions share one client across threads: every check-in is decided from its own call, never from
another thread's. Nothing lost, nothing doubled, and a full queue names the right service."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from integrations.qmatic.client import CallTrace
from integrations.qmatic.errors import QmaticError, QmaticQueueFull, QmaticUnavailable, QmaticVisitUncertain

from .conftest import fault, make_client


def _fixture(count: int) -> dict:
    return {"branches": [{"id": 1, "name": "Stadhuis", "services": [1, 4, 5]}],
            "queues": [{"id": 1, "name": "Reisdocumenten", "letter": "A"}, {"id": 2, "name": "Rijbewijs", "letter": "R"},
                       {"id": 3, "name": "Burgerzaken", "letter": "B"}],
            "services": [{"id": 1, "name": "Paspoort", "queue": 1}, {"id": 4, "name": "Rijbewijs", "queue": 2},
                         {"id": 5, "name": "Uittreksel", "queue": 3}],
            "appointments": [{"id": 100 + i, "branch": 1, "time": "+30m", "service": 1 if i % 2 else 4,
                              "last_name": f"Visitor{i}"} for i in range(count)]}


@pytest.fixture
def busy():
    from integrations.qmatic.emulator.server import EmulatorServer

    server = EmulatorServer(fixture=_fixture(12)).start()
    client = make_client(server, timeout_s=0.6, verify_timeout_s=1.0)
    try:
        yield server, client
    finally:
        client.close()
        server.stop()


def _together(*jobs):
    """Run the jobs at the same moment on threads; each result is its value or its exception."""
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait()
        try:
            return job()
        except QmaticError as exc:
            return exc

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _visits_of(server, appointment_id):
    return [v for v in server.state.visits.values() if v["appointmentId"] == appointment_id]


def test_a_lost_answer_is_resolved_while_another_check_in_succeeds(busy):
    """One arrive's answer is lost (the visit exists); a walk-in on another thread answers at once. The
    lost one is resolved from its own call — not judged by the walk-in's 200 — and nothing is doubled."""
    server, client = busy
    client.entry_point_id()
    fault(server, "arrive", kind="timeout", seconds=1.5, commit=True, times=1)
    arrive_trace, walk_trace = CallTrace(), CallTrace()
    arrived, walked = _together(lambda: client.arrive(101, trace=arrive_trace),
                                lambda: client.walk_in(5, trace=walk_trace))
    assert not isinstance(arrived, Exception), arrived
    assert arrived.ticket_id == _visits_of(server, 101)[0]["ticketId"] and len(_visits_of(server, 101)) == 1
    assert walked.ticket_id == "B001"
    assert [r.status for r in arrive_trace.of("arrive")] == ["timeout"]  # each trace holds its own calls only
    assert [r.operation for r in walk_trace.records] == ["walk_in"]
    assert len(server.state.visits) == 2


def test_a_full_queue_during_a_check_in_names_that_check_ins_service(busy):
    server, client = busy
    client.entry_point_id()
    server.state.queues[2].capacity = 0  # the driving-licence queue (service 4) is full
    results = _together(lambda: client.arrive(100, service_id=4), lambda: client.walk_in(5),
                        lambda: client.arrive(101, service_id=1), lambda: client.walk_in(4))
    full_arrive, walk_in, arrived, full_walk_in = results
    assert isinstance(full_arrive, QmaticQueueFull) and full_arrive.service_id == 4
    assert isinstance(full_walk_in, QmaticQueueFull) and full_walk_in.service_id == 4
    assert walk_in.ticket_id == "B001" and arrived.ticket_id == "A001"
    assert server.state.appointments[100]["status"] == "CREATED"  # not checked in: reception can still do it


@pytest.mark.parametrize("kind", ["timeout_commit", "timeout_lost", "malformed_json", "http_503", "refuse"])
def test_many_concurrent_check_ins_with_a_fault_decide_every_outcome(busy, kind):
    """Twelve visitors check in at once while one request misbehaves. Every visitor ends with exactly
    the visit Qmatic has for them (a ticket), or none and a typed error; never two, never a ticket for a
    visit that does not exist."""
    server, client = busy
    client.entry_point_id()
    spec = {"timeout_commit": {"kind": "timeout", "seconds": 1.5, "commit": True},
            "timeout_lost": {"kind": "timeout", "seconds": 1.5}}.get(kind, {"kind": kind})
    fault(server, "arrive", times=2, **spec)
    ids = list(range(100, 112))
    results = _together(*[lambda i=i: client.arrive(i) for i in ids])
    tickets = set()
    for appointment_id, result in zip(ids, results):
        visits = _visits_of(server, appointment_id)
        assert len(visits) <= 1
        if isinstance(result, Exception):
            assert isinstance(result, (QmaticUnavailable, QmaticVisitUncertain)), result
            if isinstance(result, QmaticUnavailable) and not isinstance(result, QmaticVisitUncertain):
                assert visits == [], f"{appointment_id} was told 'not checked in' but has a visit"
        else:
            assert len(visits) == 1 and visits[0]["ticketId"] == result.ticket_id
            tickets.add(result.ticket_id)
    assert len(tickets) == len([r for r in results if not isinstance(r, Exception)])  # no ticket twice
    failures = [r for r in results if isinstance(r, Exception)]
    if kind in ("timeout_commit", "malformed_json"):
        assert failures == []  # the visits exist: every visitor gets theirs
    else:
        assert len(failures) == 2


def test_one_client_many_threads_keeps_no_growing_state(busy):
    server, client = busy
    before = dict(vars(client))
    _together(*[lambda: client.todays_appointments() for _ in range(8)])
    assert set(vars(client)) == set(before)  # nothing was added: no shared call list
    assert not any(isinstance(value, list) for value in vars(client).values())
