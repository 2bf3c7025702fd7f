"""Several robots, one Elvie: an engine per robot on one shared dialogue, content store and speech model.

`FleetRunner` runs, in this process, one engine per robot of the fleet file, each with its own tablet
server, robot connection, conversation and figures. They share what is expensive: the Rasa server and
action server (reached over HTTP, started once by `elvie fleet`), one `ContentStore` (a host's edit reaches
every robot at once) and one loaded Whisper model behind a bounded recognition pool (robot/fleet/recognition.py).

Nothing crosses robots: a conversation id starts with its robot's id, and every message tells the
dialogue which robot and Qmatic branch it comes from (the action server checks visitors in at that branch).

Faults stay local: each robot has its own watcher (`RobotSlot`). When its engine dies (a background task
ended, a turn stuck for `stuck_s`) or its robot cannot be reached at start, that robot's engine is closed and
started again with backoff; the other robots' engines are not touched.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, replace
from typing import Callable

from dialogue.content.store import ContentStore

from ..config import StackSettings
from ..engine.settings import EngineSettings
from ..engine.inputs import NotHeardInput
from ..stack import StackUrls
from ..supervisor import free_port
from .config import Fleet, RobotEntry
from .figures import RobotFigures
from .recognition import RecognitionPool

log = logging.getLogger(__name__)

ONE_MOMENT = "utter_still_thinking"


@dataclass(frozen=True)
class FleetOptions:
    """How the fleet runs its robots (tests and benchmarks shorten the waits)."""

    engine: EngineSettings = EngineSettings()
    robot_attempts: int = 3  # connection attempts per start; then the slot backs off and tries again
    watch_s: float = 1.0  # how often a slot looks at its engine
    stuck_s: float = 90.0  # a turn running this long means the engine is stuck: restart it
    first_backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    battery_every_s: float = 60.0
    recognition_patience_s: float = 1.0
    recognition_give_up_s: float = 20.0


class RobotSlot:
    """One robot's place in the fleet: starts its engine, watches it, restarts it when it dies."""

    def __init__(self, runner: "FleetRunner", entry: RobotEntry, robot_url: str):
        self.runner = runner
        self.entry = entry
        self.robot_url = robot_url
        self.figures = RobotFigures(entry.id, entry.location)
        self.running = None  # robot.app.RunningEngine while up
        self.port = entry.engine_port or free_port(runner.settings.host)
        self.started = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._crash_reason: str | None = None
        self._battery_at = 0.0

    # -- lifecycle
    def start(self) -> None:
        self._task = asyncio.create_task(self._supervise(), name=f"robot-{self.entry.id}")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        await self._close_engine()

    def crash(self, reason: str) -> None:
        """Mark the engine as dead (a fault found outside the watcher); the slot restarts it."""
        self._crash_reason = reason

    @property
    def engine(self):
        return self.running.engine if self.running is not None else None

    async def _supervise(self) -> None:
        options = self.runner.options
        backoff = options.first_backoff_s
        while not self._stopping:
            try:
                await self._start_engine()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - this robot waits and tries again; others run on
                log.warning("robot %s: engine did not start (%s); trying again in %.0f s", self.entry.id,
                            type(exc).__name__, backoff)
                if backoff == options.first_backoff_s:  # one error per outage, not one per attempt
                    self.figures.error()
                self.figures.state = "restarting"
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, options.max_backoff_s)
                continue
            backoff = options.first_backoff_s
            reason = await self._watch()
            if self._stopping:
                return
            log.error("robot %s: engine %s; restarting it (the other robots carry on)", self.entry.id, reason)
            self.figures.error()
            self.figures.restarts += 1
            self.figures.state = "restarting"
            await self._close_engine()

    async def _start_engine(self) -> None:
        from robot.app import start_engine

        runner = self.runner
        # A real robot's tablet must reach its engine: the fleet file's tablet address is where it listens.
        settings = replace(runner.settings, engine_port=self.port, tablet_host=self.entry.tablet_host,
                           expose_tablet=runner.settings.expose_tablet or not self.entry.virtual,
                           robot_user=self.entry.user, robot_url=self.robot_url)
        engine_settings = replace(runner.options.engine, default_lang=self.entry.language, robot_id=self.entry.id,
                                  qmatic_branch=self.entry.qmatic_branch)
        ear = await asyncio.to_thread(runner.make_ear, self)
        self._crash_reason = None
        stack = replace(runner.stack, robot=self.robot_url, simulator_ui=None)
        try:
            self.running = await start_engine(settings, stack, engine_settings, ear=ear,
                                              robot_attempts=runner.options.robot_attempts, content=runner.content,
                                              robot_password=os.environ.get(self.entry.password_env),
                                              on_dialogue_down=runner.on_dialogue_down)
        except BaseException:
            if ear is not None:  # the engine may not have taken it over (closing twice is harmless)
                ear.close()
            raise
        engine = self.running.engine
        engine.turn_listeners.append(lambda result: self.figures.record(result, engine.conversation.id))
        self.figures.running = True
        self.started.set()
        log.info("robot %s (%s): engine up on port %d", self.entry.id, self.entry.location, self.running.port)

    async def _close_engine(self) -> None:
        running, self.running = self.running, None
        self.figures.running = False
        self.figures.connected = False
        if running is None:
            return
        try:
            await running.close()
        except Exception:  # noqa: BLE001 - a broken engine may fail to close; it is replaced anyway
            log.exception("robot %s: closing the engine failed", self.entry.id)

    async def _watch(self) -> str:
        """Wait until the engine dies; returns why."""
        options = self.runner.options
        while True:
            await asyncio.sleep(options.watch_s)
            running = self.running
            if running is None:
                return "vanished"
            if self._crash_reason:
                return self._crash_reason
            engine = running.engine
            dead = engine.tasks.ended_long_lived()
            if dead is not None:
                return f"task {dead.get_name()} ended"
            if engine.turn_running_s() > options.stuck_s:
                return f"stuck in a turn for {options.stuck_s:.0f} s"
            self._update_figures(engine)
            if time.monotonic() - self._battery_at > options.battery_every_s:
                self._battery_at = time.monotonic()
                asyncio.ensure_future(self._read_battery())

    def _update_figures(self, engine) -> None:
        conversation = engine.conversation
        self.figures.connected = bool(engine.robot_connected)
        self.figures.state = ("handover" if conversation.handover else
                              "in conversation" if conversation.turns else "idle")

    async def _read_battery(self) -> None:
        running = self.running
        if running is None or not running.body.connection.connected:
            return
        try:
            charge = await asyncio.to_thread(lambda: running.body.connection.service("ALBattery").getBatteryCharge())
            self.figures.battery_percent = int(charge)
        except Exception as exc:  # noqa: BLE001 - the battery is only shown
            log.debug("robot %s: battery not read: %s", self.entry.id, exc)

    # -- speech, from the pool's threads
    def one_moment(self) -> None:
        """Recognition is busy: Elvie says "one moment" (unless she is answering already)."""
        loop = self.runner.loop
        if loop is not None and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(self._say_one_moment(), loop)

    def gave_up(self) -> None:
        """Recognition was too busy for this utterance: the visitor hears she did not understand."""
        engine = self.engine
        if engine is not None and engine.loop is not None:
            engine.submit_threadsafe(NotHeardInput(reason="no_words"))

    async def _say_one_moment(self) -> None:
        running = self.running
        if running is not None:
            await running.engine.say_aside(ONE_MOMENT)


class FleetRunner:
    def __init__(self, fleet: Fleet, settings: StackSettings, stack: StackUrls,
                 robot_urls: dict[str, str] | None = None, options: FleetOptions = FleetOptions(),
                 whisper=None, on_dialogue_down: Callable[[], None] | None = None):
        """`robot_urls`: the qi URL of each robot ("virtual" ones: where their virtual Pepper listens);
        `whisper`: a loaded recogniser to share (None: loaded here when speech is on)."""
        self.fleet = fleet
        self.settings = settings
        self.stack = stack
        self.options = options
        self.content: ContentStore | None = None
        self.pool: RecognitionPool | None = None
        self._whisper = whisper
        self.on_dialogue_down = on_dialogue_down
        self.loop: asyncio.AbstractEventLoop | None = None
        urls = robot_urls or {}
        missing = [r.id for r in fleet.robots if r.virtual and r.id not in urls]
        if missing:
            raise ValueError(f"no virtual Pepper given for robot(s) {', '.join(missing)}")
        self.slots = {r.id: RobotSlot(self, r, urls.get(r.id, r.naoqi)) for r in fleet.robots}

    async def start(self, wait_s: float | None = 120.0) -> "FleetRunner":
        self.loop = asyncio.get_running_loop()
        self.content = ContentStore()
        if self.settings.speech:
            whisper = self._whisper
            if whisper is None:
                from robot.speech.pipeline import SpeechSettings
                from robot.speech.whisper_engine import WhisperRecogniser

                speech = SpeechSettings()
                whisper = await asyncio.to_thread(WhisperRecogniser, threads=speech.threads,
                                                  beam_size=speech.beam_size, score_workers=speech.score_workers)
            self.pool = RecognitionPool(whisper, workers=self.fleet.recognition_workers,
                                        waiting=self.fleet.recognition_waiting,
                                        patience_s=self.options.recognition_patience_s,
                                        give_up_s=self.options.recognition_give_up_s)
        for slot in self.slots.values():
            slot.start()
        if wait_s:
            try:
                await asyncio.wait_for(asyncio.gather(*(s.started.wait() for s in self.slots.values())), wait_s)
            except BaseException:
                await self.close()
                raise
        return self

    def make_ear(self, slot: RobotSlot):
        """A robot's ear on the shared model (None without speech). Runs in a worker thread."""
        if self.pool is None:
            return None
        from robot.engine.ear import Ear

        return Ear(whisper=self.pool.for_robot(slot.entry.id, slot.one_moment, slot.gave_up))

    async def close(self) -> None:
        await asyncio.gather(*(slot.stop() for slot in self.slots.values()), return_exceptions=True)
        if self.content is not None:
            self.content.close()
            self.content = None

    async def __aenter__(self) -> "FleetRunner":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    def figures(self) -> list[dict]:
        return [slot.figures.snapshot() for slot in self.slots.values()]
