"""Benchmarks through the whole stack: a LocalElvie (engine + virtual Pepper over qi) against Rasa,
the action server and the Qmatic emulator, all started on free ports as `elvie run` starts them."""
from __future__ import annotations

import asyncio
import os
import statistics
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from robot.config import load_settings
from robot.engine.settings import EngineSettings
from robot.harness import LocalElvie
from robot.supervisor import Supervisor, free_port

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "conversations" / "fixtures" / "today.yml"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


@asynccontextmanager
async def shared_stack(speech: bool = False):
    """Qmatic emulator, action server and Rasa on free ports (stopped afterwards)."""
    from robot.stack import bring_up

    settings = load_settings(speech=speech)
    settings = replace(settings, rasa_port=free_port(), actions_port=free_port(), qmatic_port=free_port())
    supervisor = Supervisor()
    try:
        await bring_up(settings, supervisor, reuse=False, only=("qmatic", "actions", "rasa"))
        yield settings, supervisor
    finally:
        await supervisor.stop_all()


FIRST = ("Sanne", "Daan", "Fatima", "Mehmet", "Shanti", "Piotr", "Emily", "Noor", "Youssef", "Anouk", "Ravi",
         "Katarzyna", "Bram", "Ayse", "Lotte", "Hamid", "Sevda", "James", "Fenna", "Ricardo", "Ilse", "Omar", "Tomasz",
         "Priya", "Kevin", "Zeynep", "Willem", "Amina", "Jesse", "Marloes")
LAST = ("de Wit", "Bakker", "el Idrissi", "Aydin", "Baldew", "Zielinski", "Turner", "Hendriks", "Tahiri", "Vermeulen",
        "Ramcharan", "Lewandowska", "Koster", "Celik", "Smits", "Amrani", "Polat", "Walker", "Dekker", "Isenia")


def visitor_name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST) + i) % len(LAST)]}"


def day_fixture(visitors: int) -> dict:
    """A day with many Servicecentrum appointments (ID card: two documents), each name unique."""
    import yaml

    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["queues"][0]["capacity"] = 100000
    names = [visitor_name(i) for i in range(visitors)]
    assert len(set(names)) == len(names), "benchmark names must be unique"
    data["appointments"] = [{"id": 5000 + i, "branch": 1, "time": "+60m", "service": 2,
                             "first_name": name.split(" ", 1)[0], "last_name": name.split(" ", 1)[1],
                             "booking_code": f"BB{i:04d}"} for i, name in enumerate(names)]
    return data


async def check_in(elvie: LocalElvie, index: int, short: bool = False) -> list:
    """One visitor, by text: greeting, name, confirm, two documents, goodbye (short: name to ticket only)."""
    texts = [f"ik heb een afspraak, mijn naam is {visitor_name(index)}", "ja", "ja", "ja"] if short else \
        ["hallo", "ik heb een afspraak", f"mijn naam is {visitor_name(index)}", "ja", "ja", "ja", "tot ziens"]
    turns = [await elvie.say(text) for text in texts]
    await elvie.engine.end_conversation(reason="benchmark")
    return turns


async def _text_turns(quick: bool) -> dict:
    visitors = 12 if quick else 40
    kinds: dict[str, list[float]] = {"greeting": [], "lookup": [], "checkin": []}
    async with shared_stack() as (settings, _):
        async with LocalElvie(settings, EngineSettings(goodbye_screen_s=0.1)) as elvie:
            await elvie.seed_qmatic(day_fixture(visitors + 2))
            await check_in(elvie, visitors + 1)  # warm-up (first calls load caches)
            for i in range(visitors):
                turns = await check_in(elvie, i)
                kinds["greeting"].append(turns[0].timings_ms.get("first_word", float("nan")))
                kinds["lookup"].append(turns[2].timings_ms.get("first_word", float("nan")))
                kinds["checkin"].append(turns[5].timings_ms.get("first_word", float("nan")))
                assert turns[5].ticket, "the benchmark conversation must end in a check-in"
    result = {}
    for kind, values in kinds.items():
        result[f"text_turn_{kind}_p50_ms"] = round(percentile(values, 0.5), 1)
        result[f"text_turn_{kind}_p95_ms"] = round(percentile(values, 0.95), 1)
    result["text_turn_conversations"] = visitors
    return result


def text_turn_latencies(quick: bool = False) -> dict:
    return asyncio.run(_text_turns(quick))


async def _spoken_turns(quick: bool) -> dict:
    from robot.speech.tts import espeak_clip

    # First words of a conversation (the slowest turn: the language is not known yet), the greetings
    # the speech benchmark uses ("hallo elvie" in espeak-ng's Dutch is not understood by anything here).
    phrases = [("goedemorgen", "nl"), ("ik heb een afspraak", "nl"), ("good morning", "en"),
               ("I have an appointment", "en")]
    repeats = 2 if quick else 5
    values: list[float] = []
    # Where the time goes (p50 of each): the wait for the end of the turn, recognition after it, the dialogue.
    parts: dict[str, list[float]] = {"speech_end_of_turn": [], "speech_recognition": [], "dialogue": []}
    async with shared_stack(speech=True) as (settings, _):
        async with LocalElvie(settings, EngineSettings(goodbye_screen_s=0.1)) as elvie:
            for _ in range(repeats):
                for text, lang in phrases:
                    await elvie.engine.end_conversation(reason="benchmark")
                    pcm = bytes(8000) + espeak_clip(text, lang) + bytes(32000)
                    result = await elvie.audio(pcm, wait_s=20)
                    timings = result.get("timings_ms") or {}
                    latency = timings.get("end_of_speech_to_first_word")
                    if latency is not None:
                        values.append(latency)
                        for name, times in parts.items():
                            times.append(timings.get(name, float("nan")))
    if not values:
        return {"spoken_turns_measured": 0}
    return {"spoken_turn_end_to_first_word_p50_ms": round(percentile(values, 0.5), 1),
            "spoken_turn_end_to_first_word_p95_ms": round(percentile(values, 0.95), 1),
            "spoken_turns_measured": len(values),
            **{f"spoken_turn_{name.removeprefix('speech_')}_p50_ms": round(percentile(times, 0.5), 1)
               for name, times in parts.items()}}


def spoken_turn_latencies(quick: bool = False) -> dict:
    return asyncio.run(_spoken_turns(quick))


def process_rss_mb(supervisor: Supervisor) -> dict[str, float]:
    import psutil

    result = {"engine": psutil.Process(os.getpid()).memory_info().rss / 2 ** 20}
    for name, child in supervisor.children.items():
        try:
            process = psutil.Process(child.process.pid)
            rss = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))
            result[name] = rss / 2 ** 20
        except psutil.Error:
            result[name] = float("nan")
    return result


def run(quick: bool = False) -> dict:
    return text_turn_latencies(quick)
