"""`elvie converse --script FILE [--json]`: a scripted visitor against the real stack.

Runs the real engine (in this process) connected over qi to a virtual Pepper, with Rasa,
the action server and the Qmatic emulator — reusing any that already answer on their
configured ports, starting the rest (and stopping what it started). Each turn goes in by the
visitor's own path: text as recognised speech, taps through the tablet's HTTP API, sensors
and audio through the virtual robot. Prints one JSON object per turn with --json; exits 1
when a turn's `expect` does not hold.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from robot.config import ConfigError, load_settings
from core.logs import setup_logging
from robot.supervisor import ChildFailed, PortInUse

from .script import Script, ScriptError, ScriptTurn, check, load_script

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--script", required=True, type=Path, help="the visitor script (YAML)")
    parser.add_argument("--json", action="store_true", help="one JSON object per turn on stdout")
    parser.add_argument("--no-speech", action="store_true", help="skip the speech pipeline (no audio turns)")


def main(args: argparse.Namespace) -> int:
    try:
        script = load_script(args.script)
    except ScriptError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    needs_speech = any(t.kind == "audio" for t in script.turns) and not args.no_speech
    try:
        settings = load_settings(speech=needs_speech)
    except ConfigError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    setup_logging("converse", to_console=False)
    try:
        return asyncio.run(_converse(script, settings, args.json))
    except (PortInUse, ChildFailed, ConfigError, ScriptError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2


async def _converse(script: Script, settings, as_json: bool) -> int:
    from robot.engine.settings import EngineSettings
    from robot.harness import LocalElvie

    failures = 0
    engine_settings = EngineSettings(**({"default_lang": script.lang} if script.lang else {}))
    async with LocalElvie(settings, engine_settings) as elvie:
        if script.qmatic is not None:
            await elvie.seed_qmatic(script.qmatic)
        for index, turn in enumerate(script.turns, 1):
            result = await _play(elvie, turn)
            result["turn"] = index
            problems = check(turn.expect, result)
            if problems:
                failures += 1
                result["failed"] = problems
            _emit(result, turn, as_json)
    if failures:
        print(f"{script.path}: {failures} turn(s) did not go as expected", file=sys.stderr)
    return 1 if failures else 0


async def _play(elvie, turn: ScriptTurn) -> dict:
    if turn.kind == "say":
        return (await elvie.say(str(turn.value))).to_json()
    if turn.kind == "touch":
        if isinstance(turn.value, str):
            return await elvie.touch(turn.value)
        return await elvie.touch(turn.value["button"], turn.value.get("value"))
    if turn.kind == "sensor":
        return await elvie.sensor(turn.value["name"], times=turn.value["times"])
    if turn.kind == "audio":
        from robot.speech.audio import read_wav
        return await elvie.audio(read_wav(Path(turn.value)))
    await asyncio.sleep(float(turn.value))
    return elvie.quiet_result("wait")


def _emit(result: dict, turn: ScriptTurn, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False), flush=True)
        return
    shown = turn.value if turn.kind != "audio" else Path(turn.value).name
    print(f"[{result['turn']}] {turn.kind}: {shown}")
    print(f"    intent={result.get('intent')} ({result.get('confidence')}) lang={result.get('lang')} "
          f"screen={result.get('screen')}")
    for text in result.get("say") or []:
        print(f"    Elvie: {text}")
    if result.get("ticket"):
        print(f"    ticket: {result['ticket']}")
    for problem in result.get("failed") or []:
        print(f"    EXPECTATION FAILED: {problem}")
