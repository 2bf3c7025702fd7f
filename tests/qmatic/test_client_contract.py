"""Every client operation against the emulator, both path styles, both auth styles, every fault."""
from __future__ import annotations

import time

import pytest

from integrations.qmatic.client import CallTrace
from integrations.qmatic.config import QmaticConfig, QmaticConfigError
from integrations.qmatic.errors import (QmaticAlreadyArrived, QmaticAuthFailed, QmaticBadResponse, QmaticNotFound,
                                        QmaticQueueFull, QmaticUnavailable, QmaticVisitUncertain)

from .conftest import fault, make_client


def first_created(emulator, branch=1):
    today = emulator.state.now().date().isoformat()  # the branch's date, not the machine's
    return next(a for a in emulator.state.appointments.values()
                if a["branchId"] == branch and a["status"] == "CREATED" and a["startTime"][:10] == today)


@pytest.mark.parametrize("path_style", ["rest", "qsystem"])
@pytest.mark.parametrize("auth", ["basic", "auth-token"])
def test_every_operation_in_both_path_and_auth_styles(emulator, path_style, auth):
    extra = {"auth_token": "gateway-token"} if auth == "auth-token" else {}
    client = make_client(emulator, path_style=path_style, auth=auth, **extra)
    trace = CallTrace()
    try:
        assert client.entry_point_id(trace=trace) == 2
        services = client.services(trace=trace)
        assert {s.id for s in services} == set(range(1, 11))
        assert all(s.customers_waiting is not None for s in services)
        today = client.todays_appointments(trace=trace)
        assert len(today) >= 30 and all(a.branch_id == 1 for a in today)
        assert client.todays_appointments(branch_id=2)
        target = first_created(emulator)
        assert client.appointment(target["id"]).status == "CREATED"
        by_code = client.find_by_reference(target["properties"]["publicId"].lower())
        assert by_code is not None and by_code.id == target["id"]
        assert client.find_by_reference(str(target["id"])).id == target["id"]
        assert client.find_by_reference("ZZ-0000") is None
        assert client.find_by_reference("ZZ-0000", trace=trace) is None
        visit = client.arrive(target["id"], trace=trace)
        assert visit.ticket_id.startswith("A") and visit.checksum
        position = client.position(visit)
        assert position is not None and position.position >= 1 and position.status == "IN_QUEUE"
        walk_in = client.walk_in(5, trace=trace)
        assert walk_in.ticket_id.startswith("B")
        assert {c.operation for c in trace.records} >= {"entry_point", "services", "appointments", "arrive", "walk_in"}
        assert {c.status for c in trace.records} <= {200, 404}  # 404: the unknown booking code
    finally:
        client.close()


def test_tickets_count_up_per_queue(client):
    first = client.walk_in(5).ticket_id
    second = client.walk_in(6).ticket_id
    third = client.walk_in(8).ticket_id
    assert (first, second) == ("B001", "B002") and third == "W001"


def test_second_arrive_is_refused_like_the_real_system(emulator, client):
    target = first_created(emulator)
    client.arrive(target["id"])
    with pytest.raises(QmaticAlreadyArrived) as info:
        client.arrive(target["id"])
    assert info.value.error_code == "8058"


def test_queue_full(emulator, client):
    emulator.state.queues[3].capacity = 1
    client.walk_in(5)
    with pytest.raises(QmaticQueueFull):
        client.walk_in(5)


def test_wrong_credentials(emulator):
    client = make_client(emulator, password="wrong")
    with pytest.raises(QmaticAuthFailed):
        client.todays_appointments()
    client.close()


@pytest.mark.parametrize("kind, error", [("http_500", QmaticUnavailable), ("http_503", QmaticUnavailable),
                                         ("refuse", QmaticUnavailable), ("timeout", QmaticUnavailable),
                                         ("malformed_json", QmaticBadResponse), ("auth_failure", QmaticAuthFailed)])
def test_each_fault_gives_its_typed_error_within_the_timeout(emulator, client, kind, error):
    fault(emulator, "appointments", kind=kind, seconds=3)
    started = time.monotonic()
    with pytest.raises(error):
        client.todays_appointments(deadline_s=1.5)
    assert time.monotonic() - started < 2.0


def test_latency_is_tolerated(emulator, client):
    fault(emulator, "appointments", kind="latency", ms=200)
    assert client.todays_appointments()


def test_gets_are_retried(emulator, client):
    fault(emulator, "appointments", kind="http_503", times=2)
    trace = CallTrace()
    assert client.todays_appointments(trace=trace)
    statuses = [c.status for c in trace.of("appointments")]
    assert statuses == [503, 503, 200]


def test_a_failed_arrive_post_is_never_retried(emulator, client):
    target = first_created(emulator)
    fault(emulator, "arrive", kind="http_503", times=1)
    trace = CallTrace()
    with pytest.raises(QmaticUnavailable):
        client.arrive(target["id"], trace=trace)
    assert [c.status for c in trace.of("arrive")] == [503]
    assert emulator.state.appointments[target["id"]]["status"] == "CREATED"


def test_timeout_after_the_visit_was_created_reports_that_visit_once(emulator, client):
    """The POST takes effect but its answer is lost: the client finds the visit, posts nothing again."""
    target = first_created(emulator)
    fault(emulator, "arrive", kind="timeout", seconds=2, commit=True, times=1)
    trace = CallTrace()
    visit = client.arrive(target["id"], trace=trace)
    visits = [v for v in emulator.state.visits.values() if v["appointmentId"] == target["id"]]
    assert len(visits) == 1 and visit.ticket_id == visits[0]["ticketId"]
    assert [c.status for c in trace.of("arrive")] == ["timeout"]


def test_timeout_without_a_visit_says_unavailable(emulator, client):
    target = first_created(emulator)
    fault(emulator, "arrive", kind="timeout", seconds=1, times=1)
    with pytest.raises(QmaticUnavailable):
        client.arrive(target["id"])
    time.sleep(1.3)  # the emulator's hang is over: the lost request must not take effect late
    assert not [v for v in emulator.state.visits.values() if v["appointmentId"] == target["id"]]
    assert emulator.state.appointments[target["id"]]["status"] == "CREATED"


def test_garbled_arrive_answer_is_resolved_without_a_second_post(emulator, client):
    target = first_created(emulator)
    fault(emulator, "arrive", kind="malformed_json", times=1)
    visit = client.arrive(target["id"])
    assert visit.ticket_id and len(emulator.state.visits) == 1


def test_walk_in_timeout_is_traced_by_its_marker(emulator, client):
    fault(emulator, "walk_in", kind="timeout", seconds=2, commit=True, times=1)
    visit = client.walk_in(5)
    assert visit.ticket_id == "B001" and len(emulator.state.visits) == 1


def test_uncertain_outcome_when_qmatic_stays_silent(emulator, client):
    target = first_created(emulator)
    fault(emulator, "arrive", kind="timeout", seconds=2, commit=True, times=1)
    fault(emulator, "appointment", kind="timeout", seconds=2)
    with pytest.raises(QmaticVisitUncertain):
        client.arrive(target["id"])
    assert len(emulator.state.visits) == 1  # exactly one visit, never two


def test_unknown_appointment(client):
    with pytest.raises(QmaticNotFound):
        client.appointment(999999)


def test_configuration_errors_are_clear(tmp_path, monkeypatch):
    with pytest.raises(QmaticConfigError, match="ELVIE_QMATIC_PASSWORD"):
        QmaticConfig.from_mapping({"base_url": "http://x", "branch_id": 1, "username": "u"})
    with pytest.raises(QmaticConfigError, match="path_style"):
        QmaticConfig.from_mapping({"base_url": "http://x", "branch_id": 1, "username": "u", "password": "p",
                                   "path_style": "soap"})
    path = tmp_path / "qmatic.yml"
    path.write_text("base_url: https://q.example\nbranch_id: 1\nusername: elvie\npassword: secret\n")
    with pytest.raises(QmaticConfigError, match="do not put the password in the file"):
        QmaticConfig.from_yaml(path)
    path.write_text("base_url: https://q.example\nbranch_id: [1\n")
    with pytest.raises(QmaticConfigError, match=r"qmatic.yml:\d+: not valid YAML"):
        QmaticConfig.from_yaml(path)
    path.write_text("base_url: https://q.example\nbranch_id: 1\nusername: elvie\n")
    monkeypatch.setenv("ELVIE_QMATIC_PASSWORD", "secret")
    config = QmaticConfig.from_yaml(path)
    assert config.verify_tls is True and config.timeout_s == 5.0 and "secret" not in repr(config)


def test_no_personal_data_in_logs_or_reprs(emulator, client, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    appointments = client.todays_appointments()
    target = first_created(emulator)
    client.find_by_reference(target["properties"]["publicId"])
    text = caplog.text + " ".join(repr(a) for a in appointments)
    for appointment in emulator.state.appointments.values():
        customer = appointment["customers"][0]
        assert customer["lastName"] not in text
        assert appointment["properties"]["publicId"] not in text
        assert str(customer["properties"]["dateOfBirth"]) not in text
