"""The emulator's admin API: faults, seeding, reset — only with the token, only on 127.0.0.1."""
from __future__ import annotations

import threading
import time

import requests

from integrations.qmatic.errors import QmaticUnavailable

from .conftest import fault, make_client
from .test_client_contract import first_created


def admin(emulator, method, path, body=None, token=None):
    return requests.request(method, f"{emulator.url}/admin/{path}", json=body, timeout=5,
                            headers={"X-Admin-Token": emulator.admin_token if token is None else token})


def test_admin_needs_the_token(emulator):
    assert admin(emulator, "GET", "state", token="wrong").status_code == 401
    assert admin(emulator, "GET", "state").status_code == 200


def test_binds_to_loopback(emulator):
    assert emulator.host == "127.0.0.1"


def test_faults_by_admin_endpoint(emulator):
    client = make_client(emulator, get_retries=0)
    assert admin(emulator, "POST", "faults", {"endpoint": "appointments", "kind": "http_503"}).status_code == 200
    try:
        client.todays_appointments()
        raise AssertionError("expected a fault")
    except QmaticUnavailable:
        pass
    assert admin(emulator, "DELETE", "faults").status_code == 200
    assert client.todays_appointments()
    assert admin(emulator, "POST", "faults", {"endpoint": "x", "kind": "nonsense"}).status_code == 400
    client.close()


def test_seed_and_reset(emulator):
    fixture = {"branches": [{"id": 1, "name": "Test", "services": [1]}], "queues": [{"id": 1, "name": "Q", "letter": "T"}],
               "services": [{"id": 1, "name": "Paspoort", "queue": 1}],
               "appointments": [{"branch": 1, "time": "+30m", "service": 1, "first_name": "Test", "last_name": "Persoon"}]}
    assert admin(emulator, "POST", "seed", fixture).json()["appointments"] == 1
    client = make_client(emulator)
    assert [a.display_name for a in client.todays_appointments()] == ["Test Persoon"]
    bad = admin(emulator, "POST", "seed", {"appointments": [{"branch": 9, "time": "10:00", "service": 1,
                                                             "last_name": "X"}]})
    assert bad.status_code == 400 and "branch 9 is not defined" in bad.text
    assert admin(emulator, "POST", "reset").status_code == 200
    assert len(client.todays_appointments()) >= 30
    client.close()


def test_the_default_day_is_realistic(emulator):
    state = admin(emulator, "GET", "state").json()
    today = [a for a in state["appointments"] if a["branchId"] == 1]
    assert len(today) >= 30
    surnames = [a["customers"][0]["lastName"] for a in state["appointments"]]
    assert any(surnames.count(name) > 1 for name in surnames)
    assert {b["id"] for b in state["branches"]} == {1, 2}


def test_a_request_in_flight_never_acts_on_a_newly_seeded_day(emulator):
    """Tests re-seed between visitors: a slow arrival from before the seed must not check in the
    new day's appointment that happens to have the same id."""
    target = first_created(emulator)
    fault(emulator, "arrive", kind="latency", ms=800, times=1)
    client = make_client(emulator, timeout_s=3)
    outcome = {}

    def arrive():
        try:
            outcome["visit"] = client.arrive(target["id"])
        except QmaticUnavailable as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=arrive)
    worker.start()
    time.sleep(0.3)  # the arrival is waiting out its latency
    assert admin(emulator, "POST", "reset").status_code == 200
    worker.join(timeout=10)
    client.close()
    assert "error" in outcome, outcome
    assert admin(emulator, "GET", "state").json()["visits"] == []
