"""Qmatic calls as the dialogue makes them: errors become polite words, calls become a trace.

Each helper returns None (or a failure flag) when Qmatic could not answer, after telling the
visitor what to do (reception) — the dialogue never shows a traceback. The calls made during
a turn (operation and status, no personal data) go into the turn's trace for the engine.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager

from core.logs import register_sensitive
from integrations.qmatic.client import CallTrace
from integrations.qmatic.errors import QmaticAppointmentCancelled, QmaticError, QmaticNotFound, QmaticQueueFull

from .base import Turn


def branch_now(turn: Turn):
    """Now at the branch (aware, branch time zone), from the runtime's clock."""
    return turn.runtime.clock.now()

log = logging.getLogger(__name__)

# Elvie apologises within 3 s when Qmatic is slow or down: each call the dialogue makes is bounded.
LOOKUP_DEADLINE_S = 2.5  # reading (retries included)
CHECK_IN_DEADLINE_S = 1.8  # creating a visit; finding out what happened after a timeout takes ~1 s more
QUIET_DEADLINE_S = 0.8  # background reads that only improve recognition


def sensitive(values) -> None:
    """Names and codes that must never appear in a log line."""
    register_sensitive(list(values))


@contextmanager
def traced(turn: Turn):
    """(client, trace): pass the trace to each call; its records (no personal data) go into the turn's trace.
    The client is shared by concurrent actions; each turn's trace is its own."""
    trace = CallTrace()
    try:
        yield turn.runtime.qmatic_for(turn.branch), trace
    finally:
        for call in trace.records:
            turn.trace.qmatic.append({"operation": call.operation, "status": call.status,
                                      "ms": round(call.duration_ms, 1), **({"error": call.error} if call.error else {})})


def qmatic_failed(turn: Turn, error: Exception) -> None:
    """Qmatic could not do what we asked: apologise and send the visitor to reception."""
    log.warning("Qmatic call failed: %s", type(error).__name__)
    if isinstance(error, QmaticQueueFull):
        service = turn.content.service_for_qmatic_id(error.service_id) if error.service_id is not None else None
        name = service.name(turn.lang) if service else ""
        turn.say("utter_queue_full", service=name, screen_data={"service": name})
    else:
        turn.say("utter_qmatic_unavailable")
    turn.set("handover", True)
    turn.note(handover=True, qmatic_error=type(error).__name__)
    turn.expect(None)


def appointments_today(turn: Turn, quiet: bool = False, fresh: bool = False) -> list | None:
    """Today's appointments at this location and the other known locations (cached briefly;
    `fresh` skips the cache, e.g. when a name was not found in it)."""
    branches = [turn.branch]
    branches += [loc.qmatic_branch_id for loc in turn.content.locations.others.values()
                 if loc.qmatic_branch_id and loc.qmatic_branch_id != turn.branch]
    key = ",".join(map(str, branches))
    cached = None if fresh else turn.runtime.appointments.get(key)
    if cached is not None:
        return cached
    appointments: list = []
    # One budget for all branches; a quiet call (names to help speech recognition) may not hold up a question.
    end = time.monotonic() + (QUIET_DEADLINE_S if quiet else LOOKUP_DEADLINE_S)
    try:
        with traced(turn) as (client, trace):
            today = branch_now(turn).date()
            for branch in branches:
                appointments += client.todays_appointments(branch_id=branch, today=today, trace=trace,
                                                           deadline_s=max(0.1, end - time.monotonic()))
    except QmaticError as exc:
        if not quiet:
            qmatic_failed(turn, exc)
        return None
    turn.runtime.appointments.put(key, appointments)
    return appointments


def find_by_reference(turn: Turn, code: str):
    """(appointment or None, failed). Raises QmaticAppointmentCancelled for a cancelled appointment."""
    try:
        with traced(turn) as (client, trace):
            return client.find_by_reference(code, deadline_s=LOOKUP_DEADLINE_S, trace=trace), False
    except QmaticAppointmentCancelled:
        raise
    except QmaticNotFound:
        return None, False
    except QmaticError as exc:
        qmatic_failed(turn, exc)
        return None, True
