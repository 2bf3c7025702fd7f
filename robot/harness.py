"""A complete local Elvie for scripted visitors, tests and benchmarks.

`LocalElvie` brings up Rasa, the action server and the Qmatic emulator (reusing any that
already answer), its own virtual Pepper, and an engine in this process connected to it over
qi. Visitors act through the same paths as real ones: text as recognised speech, taps
through the tablet's HTTP API, sensors and audio through the virtual robot.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import aiohttp

from .config import ConfigError, StackSettings
from .engine.settings import EngineSettings
from .engine.inputs import TextInput, TurnResult
from .supervisor import Supervisor, free_port

SENSOR_WAIT_S = 4.0  # a sensor may or may not start a turn


class SimulatorControl:
    """The virtual Pepper's control service, over qi (as the desktop UI uses it)."""

    def __init__(self, url: str):
        import qi

        qi.logging.setLevel(qi.logging.ERROR)
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

    def life_state(self, state: str) -> None:
        self._session.service("ALAutonomousLife").setState(state)

    def snapshot(self) -> dict:
        import json

        return json.loads(self.service.snapshot())

    def close(self) -> None:
        self._session.close()


class LocalElvie:
    def __init__(self, settings: StackSettings, engine_settings: EngineSettings = EngineSettings(),
                 own_robot: bool = True, time_scale: float = 0.05):
        overrides = {"engine_port": free_port(settings.host)}
        if own_robot and not settings.robot_url:
            overrides.update(simulator_qi_port=free_port(settings.host),
                             simulator_ui_port=free_port(settings.host), speech_time_scale=time_scale)
        self.settings = replace(settings, **overrides)
        self.engine_settings = engine_settings
        self.supervisor = Supervisor()
        self.running = None
        self.robot: SimulatorControl | None = None
        self.stack = None
        self._results: asyncio.Queue = asyncio.Queue()

    async def __aenter__(self) -> "LocalElvie":
        from .app import make_ear, start_engine
        from .stack import bring_up

        try:
            self.stack = await bring_up(self.settings, self.supervisor, reuse=True)
            self.running = await start_engine(self.settings, self.stack, self.engine_settings,
                                              ear=make_ear(self.settings), robot_attempts=20)
            if not self.settings.robot_url:
                self.robot = SimulatorControl(self.stack.robot)
        except BaseException:
            await self.close()
            raise
        self.engine.turn_listeners.append(self._results.put_nowait)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        if self.robot is not None:
            self.robot.close()
            self.robot = None
        if self.running is not None:
            await self.running.close()
            self.running = None
        await self.supervisor.stop_all()

    @property
    def engine(self):
        return self.running.engine

    @property
    def tablet_url(self) -> str:
        """What the robot's tablet shows: the app's address with this start's secret."""
        return self.running.tablet_url

    def _drain(self) -> None:
        while not self._results.empty():
            self._results.get_nowait()

    # -- the visitor
    async def say(self, text: str) -> TurnResult:
        self._drain()
        return await self.engine.handle(TextInput(text=text, source="typed"))

    async def touch(self, button: str, value: str | None = None) -> dict:
        self._drain()
        url = self.tablet_url.replace("/tablet/?", "/api/tablet/touch?wait=1&")
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            async with http.post(url, json={"button": button, "value": value}) as response:
                return await response.json()

    async def sensor(self, name: str, wait_s: float = SENSOR_WAIT_S, times: int = 1) -> dict:
        if self.robot is None:
            raise ConfigError("sensor turns need the virtual Pepper")
        self._drain()
        for _ in range(times):
            await asyncio.to_thread(self.robot.sensor, name)
        return await self.next_result(wait_s, kind="sensor")

    async def audio(self, pcm: bytes, wait_s: float | None = None) -> dict:
        if self.robot is None or self.running.ear is None:
            raise ConfigError("audio turns need the virtual Pepper and the speech pipeline")
        self._drain()
        await self._until_listening()
        await asyncio.to_thread(self.robot.feed_audio, pcm)
        return await self.next_result(wait_s or len(pcm) / 32000 + 20.0, kind="audio")

    async def _until_listening(self, limit_s: float = 30.0) -> None:
        """A visitor answers once Elvie has finished speaking: audio sent while she speaks (or during
        the short tail after) is not heard, by design, and would cut the start of the clip."""
        ear = self.running.ear
        deadline = time.monotonic() + limit_s
        while (wait := ear.muted_for()) > 0 and time.monotonic() < deadline:
            await asyncio.sleep(min(wait, 0.05))

    async def next_result(self, timeout: float, kind: str) -> dict:
        try:
            result = await asyncio.wait_for(self._results.get(), timeout)
            return result.to_json()
        except asyncio.TimeoutError:
            return self.quiet_result(kind)

    def quiet_result(self, kind: str) -> dict:
        """What a turn looks like when nothing happened (no input reached the dialogue)."""
        return TurnResult(turn=0, input=kind, lang=self.engine.conversation.lang or self.engine_settings.default_lang,
                          screen=self.engine.tablet.view.screen).to_json()

    # -- the Qmatic emulator
    async def qmatic_admin(self, method: str, path: str, body=None) -> dict:
        if not self.stack or not self.stack.qmatic:
            raise ConfigError("a real Orchestra is configured: there is no emulator to control")
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            async with http.request(method, f"{self.stack.qmatic}/admin/{path}", json=body,
                                    headers={"X-Admin-Token": self.settings.qmatic_admin_token}) as response:
                text = await response.text()
                if response.status >= 300:
                    raise ConfigError(f"Qmatic emulator admin {method} {path}: HTTP {response.status} {text}")
                import json

                return json.loads(text) if text else {}

    async def seed_qmatic(self, fixture: Path | dict) -> None:
        import yaml

        data = fixture if isinstance(fixture, dict) else yaml.safe_load(Path(fixture).read_text(encoding="utf-8"))
        await self.qmatic_admin("POST", "seed", data)
