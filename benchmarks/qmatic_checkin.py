"""Check-in round trip through the Qmatic client and the emulator (p50/p95), and name matching quality."""
from __future__ import annotations

import json
import statistics
import sys
import time

from integrations.qmatic.client import QmaticClient
from integrations.qmatic.config import QmaticConfig
from integrations.qmatic.emulator.server import EmulatorServer
from dialogue.name_cases import case_day, evaluate


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _fixture(count: int) -> dict:
    return {"branches": [{"id": 1, "name": "Bench", "services": [1, 5]}],
            "queues": [{"id": 1, "name": "A", "letter": "A", "capacity": 100000},
                       {"id": 2, "name": "B", "letter": "B", "capacity": 100000}],
            "services": [{"id": 1, "name": "Paspoort", "queue": 1}, {"id": 5, "name": "Uittreksel", "queue": 2}],
            "appointments": [{"branch": 1, "time": "+60m", "service": 1, "first_name": "Bench",
                              "last_name": f"Visitor{i}"} for i in range(count)]}


def run(quick: bool = False) -> dict:
    count = 50 if quick else 300
    server = EmulatorServer(fixture=_fixture(count)).start()
    client = QmaticClient(QmaticConfig.from_mapping({"base_url": server.url, "branch_id": 1, "username": "elvie",
                                                     "password": "elvie"}))
    try:
        client.entry_point_id()
        lookup, arrive, walk_in = [], [], []
        for appointment in client.todays_appointments():
            started = time.perf_counter()
            client.appointment(appointment.id)
            lookup.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.arrive(appointment.id)
            arrive.append((time.perf_counter() - started) * 1000)
        for _ in range(count // 2):
            started = time.perf_counter()
            client.walk_in(5)
            walk_in.append((time.perf_counter() - started) * 1000)
        quality = evaluate(case_day())
    finally:
        client.close()
        server.stop()
    return {"qmatic_checkin_p50_ms": round(percentile(arrive, 0.5), 2),
            "qmatic_checkin_p95_ms": round(percentile(arrive, 0.95), 2),
            "qmatic_lookup_p50_ms": round(statistics.median(lookup), 2),
            "qmatic_walk_in_p50_ms": round(statistics.median(walk_in), 2),
            "qmatic_checkins_measured": len(arrive),
            "name_match_precision": round(quality["precision"], 4),
            "name_match_recall": round(quality["recall"], 4),
            "name_match_cases": quality["cases"]}


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
