"""Resident memory of every Elvie process at rest and after many conversations.

Processes: the engine (this process: engine with Whisper loaded, plus the benchmark's own driver),
Rasa, the action server, the Qmatic emulator and the virtual Pepper. Targets: total <= 2.5 GB,
growth <= 50 MB over 200 conversations.
"""
from __future__ import annotations

import asyncio
import gc
import json
import sys

from robot.engine.engine import EngineSettings
from robot.harness import LocalElvie

from .stack import check_in, day_fixture, process_rss_mb, shared_stack


def _all_rss(stack_supervisor, elvie) -> dict[str, float]:
    rss = process_rss_mb(stack_supervisor)
    rss.update({name: value for name, value in process_rss_mb(elvie.supervisor).items() if name != "engine"})
    return rss


async def _memory(quick: bool) -> dict:
    conversations = 30 if quick else 200
    async with shared_stack(speech=True) as (settings, supervisor):
        async with LocalElvie(settings, EngineSettings(goodbye_screen_s=0.05), time_scale=0.01) as elvie:
            await elvie.seed_qmatic(day_fixture(conversations + 10))
            for warm in range(3):
                await check_in(elvie, conversations + warm, short=True)
            gc.collect()
            at_rest = _all_rss(supervisor, elvie)
            for i in range(conversations):
                await check_in(elvie, i, short=True)
            gc.collect()
            await asyncio.sleep(1.0)
            after = _all_rss(supervisor, elvie)
    result = {"memory_conversations": conversations}
    for name in at_rest:
        key = name.lower().replace(" ", "_")
        result[f"memory_{key}_rest_mb"] = round(at_rest[name], 1)
        result[f"memory_{key}_after_mb"] = round(after.get(name, float("nan")), 1)
    result["memory_total_rss_rest_mb"] = round(sum(at_rest.values()), 1)
    result["memory_total_rss_mb"] = round(sum(after.values()), 1)
    result["memory_growth_mb"] = round(sum(after.values()) - sum(at_rest.values()), 1)
    return result


def run(quick: bool = False) -> dict:
    return asyncio.run(_memory(quick))


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
