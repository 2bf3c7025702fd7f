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

import aiohttp
import yaml

from robot.config import ConfigError, load_settings
from robot.logs import setup_logging
from robot.supervisor import ChildFailed, PortInUse, Supervisor, free_port

from .script import Script, ScriptError, ScriptTurn, check, load_script

SENSOR_WAIT_S = 4.0  # a sensor may or may not start a turn


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
    except (PortInUse, ChildFailed) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2


async def _converse(script: Script, settings, as_json: bool) -> int:
    from dataclasses import replace

    from robot.app import start_engine
    from robot.engine.engine import EngineSettings
    from robot.stack import bring_up

    # Our own engine (free port) and, unless a robot is configured, our own virtual Pepper:
    # never two engines on one robot.
    own = {"engine_port": free_port(settings.host)}
    if not settings.robot_url:
        own.update(simulator_qi_port=free_port(settings.host), simulator_ui_port=free_port(settings.host),
                   speech_time_scale=min(settings.speech_time_scale, 0.05))
    settings = replace(settings, **own)
    supervisor = Supervisor()
    running = None
    failures = 0
    try:
        stack = await bring_up(settings, supervisor, reuse=True)
        if script.qmatic is not None:
            await _seed_qmatic(settings, stack.qmatic, script.qmatic)
        engine_settings = EngineSettings(default_lang=script.lang or "nl", greet_on_arrival=True)
        running = await start_engine(settings, stack, engine_settings, robot_attempts=20)
        robot = _SimulatorControl(stack.robot) if not settings.robot_url else None
        player = _Player(running, robot, settings)
        for index, turn in enumerate(script.turns, 1):
            result = await player.play(turn)
            result["turn"] = index
            problems = check(turn.expect, result)
            if problems:
                failures += 1
                result["failed"] = problems
            _emit(result, turn, as_json)
        if robot is not None:
            robot.close()
    finally:
        if running is not None:
            await running.close()
        await supervisor.stop_all()
    if failures:
        print(f"{script.path}: {failures} turn(s) did not go as expected", file=sys.stderr)
    return 1 if failures else 0


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


async def _seed_qmatic(settings, qmatic_url: str | None, fixture: Path) -> None:
    if not qmatic_url:
        raise ConfigError("the script seeds Qmatic, but a real Orchestra is configured")
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        async with http.post(f"{qmatic_url}/admin/seed", json=data,
                             headers={"X-Admin-Token": settings.qmatic_admin_token}) as response:
            if response.status >= 300:
                raise ConfigError(f"seeding the Qmatic emulator with {fixture} failed: HTTP {response.status} "
                                  f"{await response.text()}")


class _SimulatorControl:
    """The virtual Pepper's control service, over qi (as the desktop UI uses it)."""

    def __init__(self, url: str):
        import qi

        self._session = qi.Session()
        self._session.connect(url)
        self.service = self._session.service("ElvieSimulator")

    def sensor(self, name: str) -> None:
        if name == "push":
            self.service.push()
        elif name == "person_arrives":
            self.service.personArrives()
        elif name == "person_leaves":
            self.service.personLeaves()
        else:
            self.service.touch(name)

    def feed_audio(self, pcm: bytes) -> None:
        self.service.feedAudio(pcm)

    def close(self) -> None:
        self._session.close()


class _Player:
    def __init__(self, running, robot: _SimulatorControl | None, settings):
        self.running = running
        self.engine = running.engine
        self.robot = robot
        self.settings = settings
        self._results: asyncio.Queue = asyncio.Queue()
        self.engine.turn_listeners.append(self._results.put_nowait)

    async def play(self, turn: ScriptTurn) -> dict:
        from robot.engine.inputs import TextInput

        while not self._results.empty():
            self._results.get_nowait()
        if turn.kind == "say":
            result = await self.engine.handle(TextInput(text=str(turn.value), source="typed"))
            return result.to_json()
        if turn.kind == "touch":
            body = {"button": turn.value} if isinstance(turn.value, str) else dict(turn.value)
            url = f"http://{self.settings.host}:{self.running.port}/api/tablet/touch?wait=1"
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
                async with http.post(url, json=body) as response:
                    return await response.json()
        if turn.kind == "sensor":
            if self.robot is None:
                raise ScriptError("sensor turns need the virtual Pepper")
            await asyncio.to_thread(self.robot.sensor, turn.value)
            return await self._next_result(SENSOR_WAIT_S, kind="sensor")
        if turn.kind == "audio":
            if self.robot is None or self.running.ear is None:
                raise ScriptError("audio turns need the virtual Pepper and the speech pipeline")
            from robot.speech.audio import read_wav
            pcm = read_wav(Path(turn.value))
            await asyncio.to_thread(self.robot.feed_audio, pcm)
            return await self._next_result(len(pcm) / 32000 + 20.0, kind="audio")
        await asyncio.sleep(float(turn.value))
        return {"turn": 0, "input": "wait", "lang": self.engine.conversation.lang or "nl", "say": [],
                "screen": self.engine.tablet.view.screen}

    async def _next_result(self, timeout: float, kind: str) -> dict:
        try:
            result = await asyncio.wait_for(self._results.get(), timeout)
            return result.to_json()
        except asyncio.TimeoutError:
            return {"turn": 0, "input": kind, "lang": self.engine.conversation.lang or "nl", "intent": None,
                    "say": [], "responses": [], "screen": self.engine.tablet.view.screen, "gestures": [],
                    "qmatic": [], "ticket": None, "handover": False}
