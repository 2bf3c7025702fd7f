"""Soak and memory: many scripted check-ins through the full stack while Qmatic misbehaves at random.

Each conversation gives a name, confirms and answers the document questions; before it, a random
fault (or none) is set on a random Qmatic operation. Afterwards the emulator's state is compared
with what Elvie told the visitor:
- a check-in is *lost* when a visit exists but the visitor was neither given its number nor sent to
  reception, or when Elvie announced a number that Qmatic does not have;
- a *double* check-in is two visits for one appointment;
- a *crash* is a turn that failed inside the engine (apart from the dialogue being unreachable),
  or a process that died.

Memory: the resident memory of every process (the engine with Whisper loaded — this process, which
also drives the visitors —, Rasa, the action server, the Qmatic emulator and the virtual Pepper) at
rest after a warm-up, after 200 conversations (targets: total <= 2.5 GB, growth <= 50 MB) and at the
end of the soak.
"""
from __future__ import annotations

import asyncio
import gc
import json
import random
import sys
import time

from robot.engine.settings import EngineSettings
from robot.harness import LocalElvie

from .stack import check_in, day_fixture, process_rss_mb, shared_stack

FAULTS = [None] * 6 + ["http_500", "http_503", "timeout", "refuse", "malformed_json", "latency", "auth_failure"]
OPERATIONS = ["arrive", "appointments", "appointment", "entry_point", "visits"]
MEMORY_AFTER = 200  # conversations


def _all_rss(stack_supervisor, elvie) -> dict[str, float]:
    gc.collect()
    rss = process_rss_mb(stack_supervisor)
    rss.update({name: value for name, value in process_rss_mb(elvie.supervisor).items() if name != "engine"})
    return rss


def _memory_figures(at_rest: dict[str, float], after: dict[str, float], conversations: int) -> dict:
    result: dict = {"memory_conversations": conversations}
    for name in at_rest:
        key = name.lower().replace(" ", "_")
        result[f"memory_{key}_rest_mb"] = round(at_rest[name], 1)
        result[f"memory_{key}_after_mb"] = round(after.get(name, float("nan")), 1)
    result["memory_total_rss_rest_mb"] = round(sum(at_rest.values()), 1)
    result["memory_total_rss_mb"] = round(sum(after.values()), 1)
    result["memory_growth_mb"] = round(sum(after.values()) - sum(at_rest.values()), 1)
    return result


async def _soak(quick: bool) -> dict:
    conversations = 60 if quick else 500
    memory_after = 30 if quick else MEMORY_AFTER
    rng = random.Random(2026)
    lost = doubles = crashes = faults_injected = 0
    result: dict = {}
    started = time.monotonic()
    async with shared_stack(speech=True) as (settings, supervisor):
        async with LocalElvie(settings, EngineSettings(goodbye_screen_s=0.05), time_scale=0.005) as elvie:
            await elvie.seed_qmatic(day_fixture(conversations + 3))
            for warm in range(3):
                await check_in(elvie, conversations + warm, short=True)
            at_rest = _all_rss(supervisor, elvie)
            for i in range(conversations):
                kind = rng.choice(FAULTS)
                if kind:
                    faults_injected += 1
                    fault = {"endpoint": rng.choice(OPERATIONS), "kind": kind, "times": rng.randint(1, 2)}
                    if kind == "timeout":
                        fault.update(seconds=3, commit=rng.random() < 0.5)
                    if kind == "latency":
                        fault["ms"] = rng.choice([300, 1500, 4000])
                    await elvie.qmatic_admin("POST", "faults", fault)
                turns = await check_in(elvie, i, short=True)
                await elvie.qmatic_admin("DELETE", "faults")
                crashes += sum(1 for t in turns if t.error not in (None, "dialogue_unavailable"))
                state = await elvie.qmatic_admin("GET", "state")
                visits = [v for v in state["visits"] if v.get("appointmentId") == 5000 + i]
                ticket = next((t.ticket for t in turns if t.ticket), None)
                sent_to_reception = any(t.handover for t in turns)
                if len(visits) > 1:
                    doubles += 1
                if visits and not ticket and not sent_to_reception:
                    lost += 1
                if ticket and ticket not in [v["ticketId"] for v in visits]:
                    lost += 1
                if i + 1 == memory_after:
                    await asyncio.sleep(1.0)
                    result.update(_memory_figures(at_rest, _all_rss(supervisor, elvie), memory_after))
            await asyncio.sleep(1.0)
            at_end = _all_rss(supervisor, elvie)
        dead = sum(1 for child in supervisor.children.values() if child.restarts or child.process.poll() is not None)
    result.update({"soak_conversations": conversations, "soak_faults_injected": faults_injected,
                   "soak_checkins_lost": lost, "soak_double_checkins": doubles, "soak_crashes": crashes + dead,
                   "soak_duration_s": round(time.monotonic() - started, 1)})
    for name in at_rest:
        key = name.lower().replace(" ", "_")
        result[f"soak_memory_growth_{key}_mb"] = round(at_end.get(name, 0) - at_rest[name], 1)
    return result


def run(quick: bool = False) -> dict:
    return asyncio.run(_soak(quick))


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
