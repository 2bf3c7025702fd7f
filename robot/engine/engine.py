"""The engine: senses -> dialogue -> body, one visitor at a time.

Every input (speech, typing, a tablet tap, a sensor) becomes a turn: the engine works out the
language, sends the input to Rasa, then performs what comes back — the tablet shows the
screen and subtitles, Pepper says the words with the gesture, the eyes show listening /
thinking / speaking, and recognition is muted while she speaks (half-duplex). Turns are
handled one at a time; a touch interrupts her speech.

A conversation ends at goodbye or after idle time: its Rasa tracker is wiped, speech
buffers are dropped and the tablet starts fresh, so nothing of the visitor remains.
Faults never end the engine: if Rasa is unreachable, Elvie apologises (from locales/) and the
supervisor restarts it; if the robot is lost, the tablet keeps working until it is back.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from dialogue import nlg
from dialogue.content.store import ContentStore
from robot.events import BotMessage, VisitorEvent
from robot.naoqi.connection import RobotUnavailable
from robot.tablet.state import TabletState

from .dialogue_client import DialogueUnavailable, ParsedTurn, RasaClient, intent_message
from .inputs import Input, NotHeardInput, SensorInput, TextInput, TouchInput, TurnResult
from robot.language import LanguageDetector
from robot.language_policy import (ConversationLanguage, LanguageEvidence, carries_language, spoken_evidence,
                                   typed_evidence)
from .touch import ENGINE_BUTTONS, TEXT_BUTTON, UnknownButton, meaning_of

log = logging.getLogger(__name__)

MAX_TEXT = 300  # longer visitor text is cut: nobody says more than this to a receptionist


@dataclass(frozen=True)
class EngineSettings:
    default_lang: str = "nl"
    idle_warning_s: float = 15.0  # the tablet warns this long before the idle reset
    goodbye_screen_s: float = 5.0  # the goodbye screen stays this long before a fresh start
    unmute_tail_s: float = 0.3  # keep recognition muted this long after Elvie stops speaking
    greet_on_arrival: bool = True
    # A visitor's turn whose answer takes longer than this (a slow Qmatic lookup, mostly): Elvie says and
    # shows "one moment, I'm looking it up" (utter_one_moment), once per turn. None: never.
    one_moment_after_s: float | None = 0.7
    idle_reset_s: float | None = None  # None: from locales/handover.yml
    # In a fleet (robot/fleet): conversation ids start with the robot's id, and every turn tells the
    # shared dialogue which robot and Qmatic branch it comes from. None: the single robot.
    robot_id: str | None = None
    qmatic_branch: int | None = None


@dataclass
class Conversation:
    language: ConversationLanguage
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    lang_in_dialogue: str | None = None
    expecting: str | None = None  # what Elvie asked last (the dialogue's `expecting` slot)
    visitor_turns: int = 0
    turns: int = 0
    started: float = field(default_factory=time.monotonic)
    last_activity: float = field(default_factory=time.monotonic)
    handover: bool = False

    @property
    def lang(self) -> str | None:
        """The visitor's language as decided so far (None before any evidence)."""
        return self.language.current


def _clean_text(text: str) -> str:
    """Visitor text as the dialogue may see it: printable, single-spaced, bounded."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return " ".join(text.split())[:MAX_TEXT]


class Engine:
    def __init__(self, body, dialogue: RasaClient, content: ContentStore, tablet: TabletState,
                 settings: EngineSettings = EngineSettings(), detector: LanguageDetector | None = None,
                 ear=None, on_dialogue_down: Callable[[], None] | None = None):
        self.body = body
        self.dialogue = dialogue
        self.content = content
        self.tablet = tablet
        self.settings = settings
        self.detector = detector or LanguageDetector(tuple(content.current.languages))
        self.ear = ear
        self.on_dialogue_down = on_dialogue_down
        self.conversation = self._new_conversation()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._turn_lock = asyncio.Lock()
        self._speaking = False
        self._interrupted = False
        self._tasks: list[asyncio.Task] = []
        self._end_at: float | None = None
        self._turn_started = time.monotonic()
        self._speech_ended: float | None = None
        self.turn_listeners: list[Callable[[TurnResult], None]] = []
        self.robot_connected = False

    def _new_conversation(self) -> Conversation:
        conversation = Conversation(language=ConversationLanguage(tuple(self.content.current.languages),
                                                                  self.settings.default_lang))
        if self.settings.robot_id:
            conversation.id = f"{self.settings.robot_id}-{conversation.id}"
        return conversation

    def _fleet_metadata(self) -> dict:
        meta = {}
        if self.settings.robot_id:
            meta["robot"] = self.settings.robot_id
        if self.settings.qmatic_branch is not None:
            meta["qmatic_branch"] = self.settings.qmatic_branch
        return meta

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.tablet.reset(self.settings.default_lang, self.conversation.id)
        if self.ear:
            self.ear.expect(None, None, None)
        self._tasks.append(asyncio.create_task(self._watch_idle(), name="idle-watch"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        self._tasks.clear()
        if self.conversation.visitor_turns:
            await self.end_conversation(reason="shutdown")

    # ------------------------------------------------------------------ inputs from other threads
    def robot_event(self, event: VisitorEvent) -> None:
        """Called by the body on qi threads."""
        if self.loop is None or self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self._robot_event_on_loop, event)

    def _robot_event_on_loop(self, event: VisitorEvent) -> None:
        if event.kind == "robot_connected":
            self.robot_connected = True
            log.info("robot connected")
            return
        if event.kind == "robot_lost":
            self.robot_connected = False
            log.warning("robot lost: %s", event.payload.get("reason"))
            return
        if event.kind in ("touch", "life_state", "person_left"):
            if event.kind == "touch":
                self.interrupt()
            return
        if event.kind == "typed_text":
            self.submit(TextInput(text=str(event.payload.get("text", "")), source="typed"))
            return
        self.submit(SensorInput(event))

    def submit(self, item: Input) -> asyncio.Future:
        """Queue an input; returns a future with its TurnResult."""
        return asyncio.ensure_future(self.handle(item))

    def submit_threadsafe(self, item: Input):
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(self.handle(item), self.loop)

    def content_changed(self, problems) -> None:
        """Hosts edited the content: refresh the tablet; report problems (log, simulator UI via ALMemory)."""
        self.tablet.update()
        if problems:
            log.error("content problems (the last good content stays in use):\n%s",
                      "\n".join(str(p) for p in problems))
        message = json.dumps([str(p) for p in problems])
        asyncio.ensure_future(self._body_call("publish", "Elvie/ContentProblems", message))

    def heard_speech_start(self) -> None:
        """The visitor started speaking: show it (the eyes and the tablet say 'listening')."""
        if not self._turn_lock.locked():
            self.tablet.update(indicator="listening")
        self.conversation.last_activity = time.monotonic()

    def interrupt(self) -> None:
        """A touch interrupts Elvie's speech."""
        if self._speaking:
            self._interrupted = True
            asyncio.ensure_future(self._body_call("stop_speaking"))

    # ------------------------------------------------------------------ turns
    async def handle(self, item: Input) -> TurnResult:
        if isinstance(item, TouchInput):
            self.interrupt()
            if item.button in ENGINE_BUTTONS:
                return await self._engine_button(item)
            if item.button == TEXT_BUTTON:
                item = TextInput(text=item.value or "", source="typed")
        async with self._turn_lock:
            self._interrupted = False
            started = time.monotonic()
            try:
                result = await self._turn(item)
            except Exception as exc:  # noqa: BLE001 - one bad turn must never stop Elvie
                log.exception("turn failed")
                result = TurnResult(turn=self.conversation.turns, input=_input_kind(item),
                                    lang=self.conversation.lang or self.settings.default_lang,
                                    error=type(exc).__name__)
            result.timings_ms["total"] = round((time.monotonic() - started) * 1000, 1)
            for listener in list(self.turn_listeners):
                try:
                    listener(result)
                except Exception:  # noqa: BLE001
                    log.exception("turn listener failed")
            return result

    async def _turn(self, item: Input) -> TurnResult:
        self._turn_started = time.monotonic()
        self._speech_ended = getattr(item, "ended_at", None)
        conv = self.conversation
        content = self.content.current
        kind = _input_kind(item)
        result = TurnResult(turn=conv.turns + 1, input=kind, lang=conv.lang or self.settings.default_lang)
        if isinstance(item, TextInput) and item.timings_ms:  # the recognition stages, for benchmarks and logs
            result.timings_ms.update({f"speech_{key.removesuffix('_ms')}": round(value, 1)
                                      for key, value in item.timings_ms.items()})
        message, metadata = self._message_for(item, conv, result)
        if message is None:
            return result
        conv.turns += 1
        conv.last_activity = time.monotonic()
        self._end_at = None
        if kind in ("say", "touch", "audio"):
            conv.visitor_turns += 1
            await self._body_call("engage", True)
        lang = conv.lang or self.settings.default_lang
        result.lang = lang
        if isinstance(item, TextInput) and item.source == "speech":
            asyncio.ensure_future(self._body_call("publish", "Elvie/Heard", result.heard or ""))
        self.tablet.update(indicator="thinking", lang=lang, warning="",
                           **({"heard": result.heard or "", "heard_source": metadata.get("source", "")}
                              if result.heard is not None else {}))
        await self._body_call("eyes", "thinking")
        t0 = time.monotonic()
        try:
            if conv.lang_in_dialogue != lang:
                await self.dialogue.set_slot(conv.id, "language", lang)
                conv.lang_in_dialogue = lang
            replies = await self._answer_in_time(conv.id, message, {**metadata, **self._fleet_metadata()}, kind,
                                                 content, lang, result)
        except DialogueUnavailable as exc:
            log.error("dialogue unavailable: %s", exc)
            result.error = "dialogue_unavailable"
            if self.on_dialogue_down:
                self.on_dialogue_down()
            conv.lang_in_dialogue = None
            await self._perform([self._local_message(content, "utter_dialogue_unavailable", lang)], result)
            return result
        result.timings_ms["dialogue"] = round((time.monotonic() - t0) * 1000, 1)
        # What NLU made of the turn (intent, slots) is fetched while Elvie already answers.
        parsed_task = asyncio.ensure_future(self._parsed_turn(conv.id))
        messages, traces = self._split(replies, lang)
        if not messages and kind in ("say", "touch", "audio") and not traces:
            # Every visitor turn has an answer; none at all means an action failed (e.g. the action
            # server is down): apologise rather than stay silent, and let the supervisor look.
            log.error("the dialogue gave no answer to a visitor turn")
            result.error = "dialogue_unavailable"
            if self.on_dialogue_down:
                self.on_dialogue_down()
            messages = [self._local_message(content, "utter_dialogue_unavailable", lang)]
        for trace in traces:
            result.qmatic += trace.get("qmatic") or []
            result.ticket = trace.get("ticket") or result.ticket
            result.handover = result.handover or bool(trace.get("handover"))
        await self._perform(messages, result)
        parsed = await parsed_task
        result.intent, result.confidence, result.entities = parsed.intent, parsed.confidence, parsed.entities
        said_lang = parsed.slots.get("language")
        if said_lang in content.languages and said_lang != lang:  # the visitor asked ("can we speak English")
            conv.language.choose(said_lang)
            conv.lang_in_dialogue = said_lang
        result.lang = conv.language.answer_language
        conv.expecting = parsed.slots.get("expecting")
        conv.handover = conv.handover or result.handover
        self._listen(parsed.slots, traces)
        if any(m.response == "utter_goodbye" for m in messages):
            result.session_ended = True
            self._end_at = time.monotonic() + self.settings.goodbye_screen_s
        return result

    async def _answer_in_time(self, sender: str, message: str, metadata: dict, kind: str, content, lang: str,
                              result: TurnResult) -> list[dict]:
        """The dialogue's answer; a visitor waiting longer than `one_moment_after_s` for it hears
        "one moment" meanwhile (once: the answer follows as soon as it is there)."""
        answer = asyncio.ensure_future(self.dialogue.send(sender, message, metadata))
        wait = self.settings.one_moment_after_s
        try:
            if wait is not None and kind in ("say", "touch", "audio"):
                done, _ = await asyncio.wait({answer}, timeout=wait)
                if not done:
                    meanwhile = self._local_message(content, "utter_one_moment", lang)
                    await self._perform([meanwhile], result, answer=False)
                    result.meanwhile.append(meanwhile.text)
                    self.tablet.update(indicator="thinking")
                    await self._body_call("eyes", "thinking")
            return await answer
        finally:
            answer.cancel()  # (a no-op once answered; the turn itself was cancelled otherwise)

    async def _parsed_turn(self, sender: str) -> ParsedTurn:
        try:
            return await self.dialogue.parsed_turn(sender)
        except DialogueUnavailable as exc:  # the answer was given; only the turn's details are missing
            log.warning("could not read the dialogue's view of the turn: %s", exc)
            return ParsedTurn(intent=None, confidence=None, entities=[], slots={})

    def _message_for(self, item: Input, conv: Conversation, result: TurnResult) -> tuple[str | None, dict]:
        """The message for Rasa, and its metadata; None when the input needs no dialogue turn."""
        if isinstance(item, TextInput):
            text = _clean_text(item.text)
            if not text:
                return None, {}
            result.heard = text
            if carries_language(conv.expecting, item.intent, text):
                conv.language.observe(self._language_evidence(item, text), typed=item.source != "speech")
            message = intent_message(item.intent, item.entities) if item.intent else text
            if message.startswith("/") and not item.intent:
                message = message.lstrip("/") or text  # typed text must never trigger intents directly
            return message, {"source": item.source}
        if isinstance(item, TouchInput):
            try:
                meaning = meaning_of(item.button, item.value)
            except UnknownButton as exc:
                log.warning("%s", exc)
                result.error = "unknown_button"
                return None, {}
            if meaning.intent == "switch_language":
                wanted = meaning.entities.get("language")
                if wanted in self.content.current.languages:
                    conv.language.choose(wanted)
            result.heard = None
            return intent_message(meaning.intent, meaning.entities), {"source": "touch"}
        if isinstance(item, NotHeardInput):
            if conv.visitor_turns == 0:
                return None, {}  # hall noise while nobody talks to Elvie: stay quiet
            # Too quiet: she says she cannot hear. A voice at a good level without words she could
            # place: she says she did not understand (and gives an example). Each only when true.
            intent = "EXTERNAL_cant_hear" if item.reason == "too_quiet" else "EXTERNAL_not_understood"
            return intent_message(intent, {}), {"source": "speech"}
        if isinstance(item, SensorInput):
            event = item.event
            if event.kind == "rough_handling":
                return intent_message("EXTERNAL_rough_handling", {}), {"source": "sensor"}
            if event.kind == "person_arrived":
                asyncio.ensure_future(self._body_call("engage", True))
                if self.settings.greet_on_arrival and conv.visitor_turns == 0 and conv.turns == 0:
                    return intent_message("EXTERNAL_person_arrived", {}), {"source": "sensor"}
                return None, {}
        return None, {}

    def _language_evidence(self, item: TextInput, text: str) -> LanguageEvidence:
        if item.source == "speech":
            return spoken_evidence(item.language_votes, item.lang, text)
        if item.lang in self.content.current.languages:  # a typed text with a known language
            return LanguageEvidence({"given": item.lang}, len(text.split()))
        return typed_evidence(self.detector, text, self.conversation.lang)

    def _split(self, replies: list[dict], lang: str) -> tuple[list[BotMessage], list[dict]]:
        messages: list[BotMessage] = []
        traces: list[dict] = []
        plain: list[str] = []
        for reply in replies:
            custom = reply.get("custom")
            if isinstance(custom, dict) and custom.get("elvie_trace"):
                traces.append(custom["elvie_trace"])
            elif isinstance(custom, dict) and custom.get("elvie"):
                if custom.get("text"):
                    messages.append(BotMessage(text=custom["text"], lang=custom.get("lang") or lang,
                                               response=custom.get("response"), gesture=custom.get("gesture"),
                                               screen=custom.get("screen"), data=custom.get("data") or {}))
            elif reply.get("text"):
                plain.append(reply["text"])
        if not messages and plain:  # a response that did not come through our NLG (should not happen)
            messages = [BotMessage(text=text, lang=lang) for text in plain]
        return messages, traces

    def _local_message(self, content, key: str, lang: str) -> BotMessage:
        rendered = nlg.render(content, key, {"lang": lang})
        if rendered is None:
            return BotMessage(text="...", lang=lang, response=key, screen="error")
        return BotMessage(text=rendered.text, lang=rendered.lang, response=key, gesture=rendered.gesture,
                          screen=rendered.screen, data=rendered.data)

    async def _perform(self, messages: list[BotMessage], result: TurnResult, answer: bool = True) -> None:
        """Show and say each message: tablet first (subtitles), then speech with the gesture (`answer`:
        recorded as the turn's answer, not something said while waiting for it)."""
        for message in messages:
            screen = message.screen or self.tablet.view.screen
            self.tablet.update(screen=screen, lang=message.lang, subtitle=message.text, data=dict(message.data),
                               indicator="speaking")
            if answer:
                result.screen = screen
                result.responses.append(message.response or "")
            if self._interrupted:
                continue
            self._speaking = True
            if self.ear:
                self.ear.mute()
            await self._body_call("eyes", "speaking")
            if "first_word" not in result.timings_ms:  # (once per turn: "one moment" may have been first)
                first_word = time.monotonic()
                result.timings_ms["first_word"] = round((first_word - self._turn_started) * 1000, 1)
                if self._speech_ended is not None:
                    result.timings_ms["end_of_speech_to_first_word"] = round(
                        (first_word - self._speech_ended) * 1000, 1)
            spoken = await self._body_call("speak", message.text, message.lang, message.gesture)
            self._speaking = False
            if spoken is not False and answer:
                result.say.append(message.text)
                if message.gesture:
                    result.gestures.append(message.gesture)
            if self.ear:
                self.ear.unmute(self.settings.unmute_tail_s)
        self.tablet.update(indicator="listening")
        await self._body_call("eyes", "listening")

    def _listen(self, slots: dict[str, Any], traces: list[dict]) -> None:
        """Tell the ear what Elvie expects next (biases recognition) and in which language."""
        if not self.ear:
            return
        expect = next((t["expect"] for t in reversed(traces) if t.get("expect")), None)
        try:
            self.ear.expect(slots.get("expecting"), expect, self.conversation.lang)
        except Exception:  # noqa: BLE001 - a biasing problem must not break the turn
            log.exception("could not set the speech expectation")

    async def _body_call(self, method: str, *args):
        """Call the body off the event loop; robot faults are logged, never raised (returns False)."""
        if self.body is None:
            return False
        try:
            return await asyncio.to_thread(getattr(self.body, method), *args)
        except (RobotUnavailable, RuntimeError) as exc:
            log.warning("robot %s failed: %s", method, exc)
            return False

    async def _engine_button(self, item: TouchInput) -> TurnResult:
        result = TurnResult(turn=self.conversation.turns, input="touch",
                            lang=self.conversation.lang or self.settings.default_lang)
        if item.button == "start_over":
            await self.end_conversation(reason="start_over")
            result.session_ended = True
            result.screen = "welcome"
        else:  # "continue": the visitor is still there
            self.conversation.last_activity = time.monotonic()
            self.tablet.update(warning="")
            result.screen = self.tablet.view.screen
        return result

    # ------------------------------------------------------------------ sessions
    async def end_conversation(self, reason: str) -> None:
        """Forget the visitor: wipe the dialogue tracker, speech buffers and the tablet."""
        old = self.conversation
        self.conversation = self._new_conversation()
        self._end_at = None
        lang = self.settings.default_lang
        if self.ear:
            self.ear.reset()
            self.ear.expect(None, None, None)  # a new visitor: either language
        self.tablet.reset(lang, self.conversation.id)
        await self._body_call("engage", False)
        await self._body_call("eyes", "idle")
        try:
            await self.dialogue.wipe(old.id)
        except DialogueUnavailable as exc:
            log.warning("could not wipe the finished conversation in Rasa: %s", exc)
        log.info("conversation ended (%s) after %d turns", reason, old.turns)

    async def _watch_idle(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            try:
                await self._check_idle()
            except Exception:  # noqa: BLE001
                log.exception("idle check failed")

    async def _check_idle(self) -> None:
        if self._turn_lock.locked():
            return
        now = time.monotonic()
        if self._end_at is not None and now >= self._end_at:
            await self.end_conversation(reason="goodbye")
            return
        conv = self.conversation
        if not conv.turns:
            return
        idle_limit = self.settings.idle_reset_s or self.content.current.handover.idle_reset_s
        idle = now - conv.last_activity
        if idle >= idle_limit:
            await self.end_conversation(reason="idle")
        elif idle >= idle_limit - self.settings.idle_warning_s and not self.tablet.view.warning:
            self.tablet.update(warning="timeout")


def _input_kind(item: Input) -> str:
    if isinstance(item, TextInput):
        return "audio" if item.source == "speech" else "say"
    if isinstance(item, TouchInput):
        return "touch"
    if isinstance(item, NotHeardInput):
        return "not_heard"
    return "sensor"
