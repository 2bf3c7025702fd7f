"""The engine: senses -> dialogue -> body, one visitor at a time.

Every input (speech, typing, a tablet tap, a sensor) becomes a turn, which runs four stages one way
(robot/engine/turn_events.py): language (what the input says, and the visitor's language), dialogue
(Rasa's answer), perform (tablet, speech, gesture, eyes; half-duplex) and listen (what Elvie expects
next). Each stage reports typed events with their times; a failing stage raises its own error type,
and the visitor is never left without an answer. Turns are handled one at a time; a touch interrupts
her speech.

A conversation ends at goodbye or after idle time: its Rasa tracker is wiped, speech buffers are
dropped and the tablet starts fresh, so nothing of the visitor remains. Faults never end the engine:
if Rasa is unreachable, Elvie apologises (from locales/) and the supervisor restarts it; if the robot
is lost, the tablet keeps working until it is back.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Callable

from dialogue.content.store import ContentStore
from robot.events import VisitorEvent
from robot.language import LanguageDetector
from robot.tablet.state import TabletState

from .body_port import SafeBody
from .conversation import Conversation, input_kind
from .dialogue_stage import DialogueStage
from .inputs import Input, SensorInput, TextInput, TouchInput, TurnResult
from .language_stage import LanguageStage
from .perform_stage import Performer
from .ports import Body, Clock, Dialogue, EarPort, RealClock
from .sessions import Sessions
from .settings import EngineSettings
from .tasks import OwnedTasks
from .touch import ENGINE_BUTTONS, TEXT_BUTTON
from .turn_pipeline import TurnPipeline, local_message

log = logging.getLogger(__name__)


class Engine:
    def __init__(self, body: Body | None, dialogue: Dialogue, content: ContentStore, tablet: TabletState,
                 settings: EngineSettings = EngineSettings(), detector: LanguageDetector | None = None,
                 ear: EarPort | None = None, on_dialogue_down: Callable[[], None] | None = None,
                 clock: Clock | None = None):
        self.dialogue = dialogue
        self.content = content
        self.tablet = tablet
        self.settings = settings
        self.ear = ear
        self.on_dialogue_down = on_dialogue_down
        self.clock = clock or RealClock()
        self.body = SafeBody(body)
        self.language = LanguageStage(content, detector or LanguageDetector(tuple(content.current.languages)),
                                      settings.default_lang, settings.greet_on_arrival)
        self.answers = DialogueStage(dialogue, self.clock, settings.one_moment_after_s, settings.dialogue_metadata())
        self.performer = Performer(tablet, self.body, ear, settings.unmute_tail_s)
        self.tasks = OwnedTasks()
        self._turn_lock = asyncio.Lock()
        self.sessions = Sessions(settings, content, tablet, self.body, dialogue, ear, self.clock, lambda: self.busy)
        self.turns = TurnPipeline(lambda: self.conversation, self.language, self.answers, self.performer, self.body,
                                  tablet, ear, content, self.clock, self.tasks, settings.goodbye_screen_s,
                                  self._dialogue_down)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.turn_listeners: list[Callable[[TurnResult], None]] = []
        self.robot_connected = False

    @property
    def conversation(self) -> Conversation:
        return self.sessions.current

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.sessions.begin()
        self.tasks.spawn(self.sessions.watch_idle(), name="idle-watch", long_lived=True)

    async def stop(self) -> None:
        await self.tasks.close()
        if self.conversation.visitor_turns:
            await self.end_conversation(reason="shutdown")

    @property
    def busy(self) -> bool:
        """A turn is running."""
        return self._turn_lock.locked()

    def turn_running_s(self) -> float:
        """How long the running turn has taken so far (0 when none runs)."""
        return self.clock.monotonic() - self.turns.started if self.busy else 0.0

    # ------------------------------------------------------------------ inputs from other threads
    def robot_event(self, event: VisitorEvent) -> None:
        """Called by the body on qi threads."""
        if self.loop is None or self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self._robot_event_on_loop, event)

    def _robot_event_on_loop(self, event: VisitorEvent) -> None:
        if event.kind in ("robot_connected", "robot_lost"):
            self.robot_connected = event.kind == "robot_connected"
            (log.info if self.robot_connected else log.warning)("robot %s %s", event.kind.split("_")[1],
                                                                event.payload.get("reason", ""))
        elif event.kind == "touch":
            self.interrupt()
        elif event.kind == "typed_text":
            self.submit(TextInput(text=str(event.payload.get("text", "")), source="typed"))
        elif event.kind not in ("life_state", "person_left"):
            if event.kind == "person_arrived":
                self.tasks.spawn(self.body.engage(True), name="engage")
            self.submit(SensorInput(event))

    def submit(self, item: Input) -> asyncio.Task:
        """Queue an input; returns a task with its TurnResult."""
        return self.tasks.spawn(self.handle(item), name=f"turn-{input_kind(item)}")

    def submit_threadsafe(self, item: Input):
        """From another thread (the ear's): None when the engine is not running."""
        if self.loop is None or self.loop.is_closed():
            return None
        return asyncio.run_coroutine_threadsafe(self.handle(item), self.loop)

    def content_changed(self, problems) -> None:
        """Hosts edited the content: refresh the tablet; report problems (log, simulator UI via ALMemory)."""
        self.tablet.update()
        if problems:
            log.error("content problems (the last good content stays in use):\n%s",
                      "\n".join(str(p) for p in problems))
        message = json.dumps([str(p) for p in problems])
        self.tasks.spawn(self.body.publish("Elvie/ContentProblems", message), name="publish-problems")

    def heard_speech_start_threadsafe(self) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.heard_speech_start)

    def heard_speech_start(self) -> None:
        """The visitor started speaking: show it (the eyes and the tablet say 'listening')."""
        if not self.busy:
            self.tablet.update(indicator="listening")
        self.conversation.last_activity = self.clock.monotonic()

    def interrupt(self) -> None:
        """A touch interrupts Elvie's speech."""
        if self.performer.interrupt():
            self.tasks.spawn(self.body.stop_speaking(), name="stop-speaking")

    async def say_aside(self, key: str) -> bool:
        """Say one of Elvie's own lines now, outside a turn (a fleet's busy recognition: "one moment").
        Not while a turn runs (its answer is on its way). True when said."""
        if self.busy:
            return False
        lang = self.language.answering(self.conversation)
        await self.performer.perform([local_message(self.content, key, lang)], TurnResult(0, "sensor", lang),
                                     first_word=lambda: None, answer=False)
        return True

    # ------------------------------------------------------------------ turns
    async def handle(self, item: Input) -> TurnResult:
        if isinstance(item, TouchInput):
            self.interrupt()
            if item.button in ENGINE_BUTTONS:
                return await self._engine_button(item.button)
            if item.button == TEXT_BUTTON:
                item = TextInput(text=item.value or "", source="typed")
        async with self._turn_lock:
            result = await self.turns.run(item)
        for listener in list(self.turn_listeners):
            try:
                listener(result)
            except Exception:  # noqa: BLE001
                log.exception("turn listener failed")
        return result

    def _dialogue_down(self) -> None:
        if self.on_dialogue_down:
            self.on_dialogue_down()

    async def _engine_button(self, button: str) -> TurnResult:
        """"Start over" and "continue" (the idle warning) are the engine's own, not the dialogue's."""
        result = TurnResult(turn=self.conversation.turns, input="touch", lang=self.language.answering(self.conversation))
        if button == "start_over":
            await self.end_conversation(reason="start_over")
            result.session_ended, result.screen = True, "welcome"
        else:
            self.sessions.still_here()
            result.screen = self.tablet.view.screen
        return result

    async def end_conversation(self, reason: str) -> None:
        """Forget the visitor (robot/engine/sessions.py)."""
        await self.sessions.end(reason)

    async def check_idle(self) -> None:
        await self.sessions.check_idle()
