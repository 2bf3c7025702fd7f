"""Fault injection per operation: how the emulator misbehaves, on purpose.

Operations are the client's names: entry_point, services, wait_info, appointments, appointment,
appointment_by_public_id, appointment_by_external_id, arrive, walk_in, visits, queues,
queue_visits, visit — or "*" for all. A fault:

    {kind: latency, ms: 800}            answer, but late
    {kind: http_500} / {kind: http_503} fail with that status
    {kind: refuse}                      drop the connection without an answer
    {kind: timeout, seconds: 30}        hang (the client's timeout fires), then drop the request
                                        unanswered and undone; with commit: true a POST takes effect
                                        first (the visit exists, the answer is lost)
    {kind: malformed_json}              answer 200 with broken JSON
    {kind: auth_failure}                answer 401
Optional `times: N` makes a fault happen N times and then clear itself.
"""
from __future__ import annotations

from typing import Any

KINDS = ("latency", "http_500", "http_503", "refuse", "timeout", "malformed_json", "auth_failure")


class FaultError(ValueError):
    pass


def parse_fault(spec: Any) -> dict[str, Any]:
    if isinstance(spec, str):
        spec = {"kind": spec}
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        raise FaultError(f"a fault needs kind: one of {', '.join(KINDS)}")
    fault = {"kind": spec["kind"]}
    try:
        if "ms" in spec:
            fault["ms"] = max(0, int(spec["ms"]))
        if "seconds" in spec:
            fault["seconds"] = max(0.0, float(spec["seconds"]))
        if "times" in spec:
            fault["times"] = max(1, int(spec["times"]))
    except (TypeError, ValueError):
        raise FaultError("ms, seconds and times must be numbers") from None
    if spec.get("commit"):
        fault["commit"] = True
    if fault["kind"] == "latency":
        fault.setdefault("ms", 1000)
    if fault["kind"] == "timeout":
        fault.setdefault("seconds", 30.0)
    return fault


def take(faults: dict[str, dict[str, Any]], operation: str) -> dict[str, Any] | None:
    """The fault that applies to this call (counting down `times`), or None."""
    for key in (operation, "*"):
        fault = faults.get(key)
        if fault is None:
            continue
        if "times" in fault:
            fault["times"] -= 1
            if fault["times"] <= 0:
                del faults[key]
        return fault
    return None
