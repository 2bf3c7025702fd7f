"""Fleet benchmark: N = 1, 5, 10, 20 virtual robots on one Elvie, visitors typing and speaking at once.

One shared stack (Qmatic emulator, action server, Rasa) serves every N. Each N runs in its own process
(`python -m benchmarks.fleet --robots N`), so its memory is its own: the fleet's engines, one loaded
Whisper model behind the recognition pool, and the robots' speech pipelines. The N virtual Peppers run in
one more process beside it (their memory is the robots', not Elvie's).

Every robot has one scripted visitor at a time; visitors take turns typing (a check-in by name, to the
ticket) and speaking (espeak-ng clips through the virtual Pepper's microphone: a greeting and "I have an
appointment"), half of the robots starting with each, with 1-2.5 s of thinking between turns, as at a
real desk. Text turns are timed from input to the first word reaching the robot; spoken turns from the
end of speech to the first word.

Cross-talk: a visitor's ticket must be the one Qmatic gave for their own appointment and must never be
said on another robot, and every turn a robot reports must belong to its own conversation; each miss is
counted (must be 0).

Figures per N: fleet_text_turn_p50_ms_nN / p95, fleet_spoken_turn_p50_ms_nN / p95, fleet_rss_mb_nN; then
fleet_memory_per_added_robot_mb, fleet_cross_talk_count, fleet_largest_n_text_p95_within_250ms; and a plot
benchmarks/results/fleet.png (latency against N).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SIZES = (1, 5, 10, 20)
RESULTS = Path(__file__).resolve().parent / "results"
SPOKEN = (("goedemorgen", "nl"), ("ik heb een afspraak", "nl"), ("good morning", "en"),
          ("I have an appointment", "en"))


# ---------------------------------------------------------------- the virtual Peppers' process
def _host_peppers(count: int, connection) -> None:
    from simulator.robot import SimulatorSettings, VirtualPepper

    robots = [VirtualPepper(SimulatorSettings(port=0, time_scale=0.02)).start() for _ in range(count)]
    try:
        connection.send([robot.url for robot in robots])
        while True:
            request = connection.recv()
            if request == "stop":
                break
            if request == "spoken":
                connection.send([[s["text"] for s in robot.state.snapshot()["spoken"]] for robot in robots])
    finally:
        for robot in robots:
            robot.stop()


class Peppers:
    def __init__(self, count: int):
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_host_peppers, args=(count, child), daemon=True)
        self._process.start()
        self.urls = self._connection.recv()

    def spoken(self) -> list[list[str]]:
        self._connection.send("spoken")
        return self._connection.recv()

    def close(self) -> None:
        try:
            self._connection.send("stop")
        except OSError:
            pass
        self._process.join(15)
        if self._process.is_alive():
            self._process.kill()


# ---------------------------------------------------------------- one N, in its own process
def _fleet_of(count: int):
    from dialogue.content.yamlsource import Source
    from robot.fleet.config import parse_fleet

    robots = {f"r{i:02d}": {"naoqi": "virtual", "qmatic_branch": 1, "location": f"desk {i}", "language": "nl"}
              for i in range(count)}
    return parse_fleet(Source(path=Path("fleet.yml"), data={"robots": robots}))


@dataclass
class _Measures:
    text_ms: list[float] = field(default_factory=list)
    spoken_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # cross-talk
    tickets: dict[int, str] = field(default_factory=dict)  # appointment id -> the ticket the visitor was given


async def _typed_visit(engine, robot_id: str, number: int, rng: random.Random, measures: _Measures) -> None:
    """A visitor checks in by name on the keyboard, answering yes to every question."""
    from benchmarks.stack import visitor_name
    from robot.engine.inputs import TextInput

    for line in ["ik heb een afspraak", f"mijn naam is {visitor_name(number)}", "ja", "ja", "ja", "ja"]:
        await asyncio.sleep(rng.uniform(1.0, 2.5))
        result = await engine.handle(TextInput(text=line, source="typed"))
        if not engine.conversation.id.startswith(robot_id + "-"):
            measures.misses.append(f"{robot_id}: foreign conversation")
        if "first_word" in result.timings_ms:
            measures.text_ms.append(result.timings_ms["first_word"])
        if result.ticket:
            measures.tickets[5000 + number] = result.ticket
            return


async def _spoken_visit(slot, robot_id: str, texts: tuple[str, ...], feed, queue: asyncio.Queue,
                        rng: random.Random, measures: _Measures) -> None:
    """A visitor greets and says they have an appointment into the robot's microphone (`feed` plays a text)."""
    for text in texts:
        await asyncio.sleep(rng.uniform(1.0, 2.5))
        await _until_listening(slot)
        while not queue.empty():
            queue.get_nowait()
        await asyncio.to_thread(feed, text)
        result = await _next_audio_turn(queue, robot_id, measures.misses)
        if result is not None and "end_of_speech_to_first_word" in result.timings_ms:
            measures.spoken_ms.append(result.timings_ms["end_of_speech_to_first_word"])


def _turn_queues(run) -> dict[str, asyncio.Queue]:
    """Per robot, its engine's turn results as they come (conversation id, result)."""
    queues = {}
    for robot_id, slot in run.slots.items():
        queue = asyncio.Queue()
        engine = slot.engine
        engine.turn_listeners.append(lambda result, q=queue, e=engine: q.put_nowait((e.conversation.id, result)))
        queues[robot_id] = queue
    return queues


async def _one_size(count: int, rounds: int) -> dict:
    import psutil

    from benchmarks.stack import day_fixture
    from robot.config import load_settings
    from robot.engine.settings import EngineSettings
    from robot.fleet.runner import FleetOptions, FleetRunner
    from robot.harness import SimulatorControl
    from robot.speech.tts import espeak_clip
    from robot.stack import urls as stack_urls

    settings = load_settings(speech=True)
    clips = {text: bytes(8000) + espeak_clip(text, lang) + bytes(24000) for text, lang in SPOKEN}
    peppers = Peppers(count)
    controls = []
    measures = _Measures()
    memory_mb = {"before": psutil.Process().memory_info().rss / 2 ** 20}
    try:
        fleet = _fleet_of(count)
        urls = {robot.id: url for robot, url in zip(fleet.robots, peppers.urls)}
        options = FleetOptions(engine=EngineSettings(goodbye_screen_s=0.1, greet_on_arrival=False))
        async with FleetRunner(fleet, settings, stack_urls(settings), robot_urls=urls, options=options) as run:
            await _seed(settings, day_fixture(count * rounds + 1))
            controls = [SimulatorControl(url) for url in peppers.urls]
            queues = _turn_queues(run)
            memory_mb["started"] = psutil.Process().memory_info().rss / 2 ** 20
            rng = random.Random(count)

            async def visitors(index: int, robot_id: str) -> None:
                slot = run.slots[robot_id]
                for turn_round in range(rounds):
                    if (index + turn_round) % 2 == 0:
                        await _typed_visit(slot.engine, robot_id, index * rounds + turn_round, rng, measures)
                    else:
                        texts = ("goedemorgen", "ik heb een afspraak") if turn_round % 2 else \
                            ("good morning", "I have an appointment")
                        await _spoken_visit(slot, robot_id, texts, lambda text: controls[index].feed_audio(clips[text]),
                                            queues[robot_id], rng, measures)
                    await slot.engine.end_conversation(reason="benchmark")

            started = time.monotonic()
            await asyncio.gather(*(visitors(i, robot.id) for i, robot in enumerate(fleet.robots)))
            duration = time.monotonic() - started
            memory_mb["after"] = psutil.Process().memory_info().rss / 2 ** 20
            pool = run.pool.figures if run.pool else None
        measures.misses += _check_tickets(settings, measures.tickets, peppers.spoken(), fleet)
    finally:
        for control in controls:
            control.close()
        peppers.close()
    return _size_figures(count, measures, memory_mb, pool, duration)


def _size_figures(count: int, measures: _Measures, memory_mb: dict[str, float], pool, duration: float) -> dict:
    from benchmarks.stack import percentile

    text_ms, spoken_ms = measures.text_ms, measures.spoken_ms
    return {"robots": count, "text_turns": len(text_ms), "spoken_turns": len(spoken_ms),
            "text_p50_ms": round(percentile(text_ms, 0.5), 1), "text_p95_ms": round(percentile(text_ms, 0.95), 1),
            "spoken_p50_ms": round(percentile(spoken_ms, 0.5), 1),
            "spoken_p95_ms": round(percentile(spoken_ms, 0.95), 1),
            **{f"rss_{moment}_mb": round(mb, 1) for moment, mb in memory_mb.items()},
            "check_ins": len(measures.tickets), "cross_talk": len(measures.misses),
            "cross_talk_examples": measures.misses[:5], "one_moment": pool.delayed if pool else 0,
            "recognition_given_up": pool.given_up if pool else 0, "duration_s": round(duration, 1)}


async def _until_listening(slot, limit_s: float = 30.0) -> None:
    ear = slot.running.ear if slot.running else None
    deadline = time.monotonic() + limit_s
    while ear is not None and (wait := ear.muted_for()) > 0 and time.monotonic() < deadline:
        await asyncio.sleep(min(wait, 0.05))


async def _next_audio_turn(queue: asyncio.Queue, robot_id: str, misses: list[str]):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conversation, result = await asyncio.wait_for(queue.get(), max(0.1, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            return None
        if not conversation.startswith(robot_id + "-"):
            misses.append(f"{robot_id}: a turn of another robot's conversation")
        if result.input in ("audio", "not_heard"):
            return result
    return None


async def _seed(settings, fixture: dict) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.post(f"{settings.url(settings.qmatic_port)}/admin/seed", json=fixture,
                             headers={"X-Admin-Token": settings.qmatic_admin_token}) as response:
            if response.status >= 300:
                raise RuntimeError(f"seeding the Qmatic emulator failed: HTTP {response.status}")


def _check_tickets(settings, tickets: dict[int, str], spoken: list[list[str]], fleet) -> list[str]:
    """Each ticket is Qmatic's for that visitor's appointment, and no other robot said it."""
    import requests

    state = requests.get(f"{settings.url(settings.qmatic_port)}/admin/state",
                         headers={"X-Admin-Token": settings.qmatic_admin_token}, timeout=10).json()
    issued = {v.get("appointmentId"): v.get("ticketId") for v in state["visits"] if v.get("appointmentId")}
    misses = []
    said_by = [" ".join(texts) for texts in spoken]
    for appointment, ticket in tickets.items():
        if issued.get(appointment) != ticket:
            misses.append(f"appointment {appointment}: given {ticket}, Qmatic issued {issued.get(appointment)}")
        speakers = [i for i, text in enumerate(said_by) if re.search(rf"\b{re.escape(ticket)}\b", text)]
        if len(speakers) > 1:
            misses.append(f"ticket {ticket} said by {len(speakers)} robots")
    return misses


# ---------------------------------------------------------------- all sizes
async def _with_stack(quick: bool, sizes: tuple[int, ...] = SIZES) -> dict:
    from benchmarks.stack import shared_stack

    rounds = 2 if quick else 4
    per_size = {}
    async with shared_stack(speech=False) as (settings, _):
        env = dict(os.environ, ELVIE_RASA_PORT=str(settings.rasa_port), ELVIE_ACTIONS_PORT=str(settings.actions_port),
                   ELVIE_QMATIC_PORT=str(settings.qmatic_port))
        for count in sizes:
            print(f"[fleet] {count} robot(s) ...", file=sys.stderr, flush=True)
            command = [sys.executable, "-m", "benchmarks.fleet", "--robots", str(count), "--rounds", str(rounds)]
            run = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, env=env,
                                          timeout=1800, cwd=Path(__file__).resolve().parents[1])
            text = "\n" + run.stdout
            output = text[text.rfind("\n{") + 1:] if "\n{" in text else ""
            if run.returncode != 0 or not output:
                raise RuntimeError(f"fleet of {count} failed (exit {run.returncode}): {run.stderr[-1500:]}")
            per_size[count] = json.loads(output)
            print(f"[fleet] {count}: {per_size[count]}", file=sys.stderr, flush=True)
    return _figures(per_size, quick)


def _figures(per_size: dict[int, dict], quick: bool) -> dict:
    result: dict = {}
    for count, figures in per_size.items():
        result[f"fleet_text_turn_p50_ms_n{count}"] = figures["text_p50_ms"]
        result[f"fleet_text_turn_p95_ms_n{count}"] = figures["text_p95_ms"]
        result[f"fleet_spoken_turn_p50_ms_n{count}"] = figures["spoken_p50_ms"]
        result[f"fleet_spoken_turn_p95_ms_n{count}"] = figures["spoken_p95_ms"]
        result[f"fleet_rss_mb_n{count}"] = figures["rss_after_mb"]
        result[f"fleet_one_moment_count_n{count}"] = figures["one_moment"]
    sizes = sorted(per_size)
    first, last = sizes[0], sizes[-1]
    if last > first:
        result["fleet_memory_per_added_robot_mb"] = round(
            (per_size[last]["rss_after_mb"] - per_size[first]["rss_after_mb"]) / (last - first), 1)
    result["fleet_cross_talk_count"] = sum(f["cross_talk"] for f in per_size.values())
    holding = [n for n in sizes if per_size[n]["text_p95_ms"] <= 250]
    result["fleet_largest_n_text_p95_within_250ms"] = max(holding) if holding else 0
    result["fleet_turns_measured"] = {n: [f["text_turns"], f["spoken_turns"]] for n, f in per_size.items()}
    result["fleet_details"] = per_size
    _plot(per_size, RESULTS / "fleet.png")
    return result


def _plot(per_size: dict[int, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(per_size)
    fig, (latency, memory) = plt.subplots(1, 2, figsize=(11, 4))
    for key, label, style in (("text_p50_ms", "text p50", "o-"), ("text_p95_ms", "text p95", "o--"),
                              ("spoken_p50_ms", "spoken p50", "s-"), ("spoken_p95_ms", "spoken p95", "s--")):
        latency.plot(sizes, [per_size[n][key] for n in sizes], style, label=label)
    latency.axhline(250, color="#555", linestyle=":", linewidth=1, label="text p95 target")
    latency.set_xlabel("robots")
    latency.set_ylabel("ms")
    latency.set_yscale("log")
    latency.set_title("Turn latency against the number of robots")
    latency.legend(fontsize=8)
    memory.plot(sizes, [per_size[n]["rss_after_mb"] for n in sizes], "o-")
    memory.set_xlabel("robots")
    memory.set_ylabel("MB (engine process)")
    memory.set_title("Resident memory of the fleet's process")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run(quick: bool = False) -> dict:
    return asyncio.run(_with_stack(quick))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--robots", type=int, default=None, help="(internal) run one size against a running stack")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.robots:
        from core.logs import setup_logging

        setup_logging("bench-fleet", to_console=False)
        print(json.dumps(asyncio.run(_one_size(args.robots, args.rounds))))
    else:
        print(json.dumps(run(quick=args.quick), indent=2))
