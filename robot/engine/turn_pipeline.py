"""One turn through the engine's stages, one way: language -> dialogue -> perform -> listen.

`TurnPipeline.run(item)` takes an input to a TurnResult and reports each stage's events with their times
(robot/engine/turn_events.py) on the engine's clock. Turns never overlap: the engine runs one at a time.
"""
from __future__ import annotations

import logging
from typing import Callable

from core.turn import BotMessage, TurnTrace, read_replies
from dialogue import nlg
from dialogue.content.model import Content
from dialogue.content.store import ContentStore
from robot.tablet.state import TabletState

from .body_port import SafeBody
from .conversation import VISITOR_KINDS, Conversation, input_kind
from .dialogue_stage import DialogueStage
from .inputs import Input, TextInput, TurnResult
from .language_stage import LanguageStage, Message
from .perform_stage import Performer
from .ports import Clock, EarPort
from .tasks import OwnedTasks
from .touch import UnknownButton
from .turn_events import DialogueStageError, ListenStageError, Stage, StageError, TurnEvent, TurnEventType

log = logging.getLogger(__name__)


def tell_ear(ear: EarPort | None, expecting: str | None, details: dict | None, lang: str | None,
             content: ContentStore) -> None:
    """The listen stage: what Elvie expects next (biases recognition), and in which language."""
    if ear is None:
        return
    try:
        ear.expect(expecting, details, lang, content.current)
    except Exception as exc:  # noqa: BLE001
        log.exception("could not set the speech expectation")
        raise ListenStageError(str(exc)) from exc


def local_message(content: ContentStore, key: str, lang: str) -> BotMessage:
    """One of Elvie's own lines, rendered here (when the dialogue cannot answer, or is not asked)."""
    rendered = nlg.render(content.current, key, {"lang": lang})
    return rendered or BotMessage(text="...", lang=lang, response=key, screen="error")


class TurnPipeline:
    def __init__(self, conversation: Callable[[], Conversation], language: LanguageStage, answers: DialogueStage,
                 performer: Performer, body: SafeBody, tablet: TabletState, ear: EarPort | None,
                 content: ContentStore, clock: Clock, tasks: OwnedTasks, goodbye_screen_s: float,
                 on_dialogue_down: Callable[[], None] | None):
        self._conversation = conversation
        self.language = language
        self.answers = answers
        self.performer = performer
        self.body = body
        self.tablet = tablet
        self.ear = ear
        self.content = content
        self.clock = clock
        self.tasks = tasks
        self.goodbye_screen_s = goodbye_screen_s
        self.on_dialogue_down = on_dialogue_down
        self.started = clock.monotonic()
        self._events: list[TurnEvent] = []
        self._result = TurnResult(turn=0, input="sensor", lang=language.default_lang)
        self._first_word_from: float | None = None  # the visitor's voice ended (speech turns)

    @property
    def conversation(self) -> Conversation:
        return self._conversation()

    async def run(self, item: Input) -> TurnResult:
        self.performer.interrupted = False
        self.started = self.clock.monotonic()
        self._events = []
        self._first_word_from = getattr(item, "ended_at", None)
        result = self._result = TurnResult(turn=self.conversation.turns + 1, input=input_kind(item),
                                           lang=self.language.answering(self.conversation))
        self._emit(TurnEventType.TURN_START, input=result.input)
        try:
            await self._turn(item, result)
        except StageError as exc:
            self._emit(TurnEventType.ERROR, exc.stage, code=exc.code)
            log.error("turn stage %s failed: %s", exc.stage.value, exc)
            result.error = exc.code
        except Exception as exc:  # noqa: BLE001 - one bad turn must never stop Elvie
            log.exception("turn failed")
            self._emit(TurnEventType.ERROR, code=type(exc).__name__)
            result.error = type(exc).__name__
        self._emit(TurnEventType.TURN_END)
        result.timings_ms["total"] = round(self._ms(), 1)
        result.events = [event.to_json() for event in self._events]
        return result

    async def _turn(self, item: Input, result: TurnResult) -> None:
        conv = self.conversation
        if isinstance(item, TextInput) and item.timings_ms:  # the recognition stages, for benchmarks and logs
            result.timings_ms.update({f"speech_{key.removesuffix('_ms')}": round(value, 1)
                                      for key, value in item.timings_ms.items()})
        self._emit(TurnEventType.STAGE_START, Stage.LANGUAGE)
        try:
            message = self.language.message_for(item, conv)
        except UnknownButton as exc:
            log.warning("%s", exc)
            result.error = "unknown_button"
            return
        lang = result.lang = self.language.answering(conv)
        self._emit(TurnEventType.STAGE_END, Stage.LANGUAGE, lang=lang)
        if message is None:
            return
        await self._begin_turn(message, result)
        replies = await self._dialogue(message, lang, result)
        if replies is None:
            return
        parsed = self.tasks.spawn(self.answers.parsed(conv.id), name="parsed-turn")  # while Elvie answers
        messages, traces = read_replies(replies, lang)
        if not messages and result.input in VISITOR_KINDS and not traces:
            # Every visitor turn has an answer; none at all means an action failed (e.g. the action
            # server is down): apologise rather than stay silent, and let the supervisor look.
            log.error("the dialogue gave no answer to a visitor turn")
            result.error = "dialogue_unavailable"
            self._dialogue_down()
            messages = [local_message(self.content, "utter_dialogue_unavailable", lang)]
        for trace in traces:
            result.qmatic += trace.qmatic
            result.ticket = trace.ticket or result.ticket
            result.handover = result.handover or trace.handover
        await self._perform(messages, result)
        turn = await parsed
        result.intent, result.confidence, result.entities = turn.intent, turn.confidence, turn.entities
        result.lang = self.language.after_dialogue(conv, turn.slots.get("language"), lang)
        conv.expecting = turn.slots.get("expecting")
        conv.handover = conv.handover or result.handover
        self._listen(turn.slots.get("expecting"), traces)
        if any(m.response == "utter_goodbye" for m in messages):
            result.session_ended = True
            conv.end_at = self.clock.monotonic() + self.goodbye_screen_s

    async def _begin_turn(self, message: Message, result: TurnResult) -> None:
        """The dialogue will answer: count the turn, and show that Elvie is thinking."""
        conv = self.conversation
        conv.turns += 1
        conv.last_activity = self.clock.monotonic()
        conv.end_at = None
        result.heard = message.heard
        if result.input in VISITOR_KINDS:
            conv.visitor_turns += 1
            await self.body.engage(True)
        if message.source == "speech" and message.heard is not None:
            self.tasks.spawn(self.body.publish("Elvie/Heard", message.heard), name="publish-heard")
        self.tablet.update(indicator="thinking", lang=result.lang, warning="",
                           **({"heard": message.heard, "heard_source": message.source}
                              if message.heard is not None else {}))
        await self.body.eyes("thinking")

    async def _dialogue(self, message: Message, lang: str, result: TurnResult) -> list[dict] | None:
        """Rasa's replies; None when it could not answer (Elvie has apologised)."""
        self._emit(TurnEventType.STAGE_START, Stage.DIALOGUE)
        started = self.clock.monotonic()

        async def meanwhile() -> None:
            said = local_message(self.content, "utter_one_moment", lang)
            self._emit(TurnEventType.MEANWHILE, Stage.DIALOGUE, response=said.response)
            await self.performer.perform([said], result, self._first_word, answer=False)
            result.meanwhile.append(said.text)
            self.tablet.update(indicator="thinking")
            await self.body.eyes("thinking")

        try:
            replies = await self.answers.answer(self.conversation, message, lang,
                                                meanwhile if result.input in VISITOR_KINDS else None)
        except DialogueStageError as exc:
            log.error("dialogue unavailable: %s", exc)
            self._emit(TurnEventType.ERROR, Stage.DIALOGUE, code=exc.code)
            result.error = exc.code
            self._dialogue_down()
            await self._perform([local_message(self.content, "utter_dialogue_unavailable", lang)], result)
            return None
        result.timings_ms["dialogue"] = round((self.clock.monotonic() - started) * 1000, 1)
        self._emit(TurnEventType.STAGE_END, Stage.DIALOGUE, replies=len(replies))
        return replies

    async def _perform(self, messages: list[BotMessage], result: TurnResult) -> None:
        self._emit(TurnEventType.STAGE_START, Stage.PERFORM)
        await self.performer.perform(messages, result, self._first_word)
        self._emit(TurnEventType.STAGE_END, Stage.PERFORM, said=len(result.say))

    def _first_word(self) -> None:
        """Elvie is about to speak her first word of this turn ("one moment" may be it)."""
        if any(event.type is TurnEventType.FIRST_WORD for event in self._events):
            return
        event = self._emit(TurnEventType.FIRST_WORD, Stage.PERFORM)
        self._result.timings_ms["first_word"] = round(event.ms, 1)
        if self._first_word_from is not None:  # from the end of the visitor's voice (robot/speech/pipeline.py)
            self._result.timings_ms["end_of_speech_to_first_word"] = round(
                (self.clock.monotonic() - self._first_word_from) * 1000, 1)

    def _listen(self, expecting: str | None, traces: list[TurnTrace]) -> None:
        """Tell the ear what Elvie expects next (biases recognition) and in which language."""
        self._emit(TurnEventType.STAGE_START, Stage.LISTEN)
        details = next((t.expect for t in reversed(traces) if t.expect), None)
        try:
            tell_ear(self.ear, expecting, details, self.conversation.lang, self.content)
        except ListenStageError as exc:  # a biasing problem must not break the turn
            self._emit(TurnEventType.ERROR, Stage.LISTEN, code=exc.code)
            return
        self._emit(TurnEventType.STAGE_END, Stage.LISTEN, expecting=expecting)

    def _emit(self, kind: TurnEventType, stage: Stage | None = None, **data) -> TurnEvent:
        event = TurnEvent(kind, self._result.turn, self._ms(), stage, data)
        self._events.append(event)
        return event

    def _ms(self) -> float:
        return (self.clock.monotonic() - self.started) * 1000

    def _dialogue_down(self) -> None:
        if self.on_dialogue_down:
            self.on_dialogue_down()
