"""The engine on its own: built from fakes (body, dialogue, ear) and a fake clock, fed inputs, and checked
by the events its turn stages report, in the engine clock's milliseconds. Nothing sleeps on the wall clock."""
from __future__ import annotations

import asyncio

import pytest

from core.turn import BotMessage, TurnTrace
from dialogue.content.store import ContentStore
from robot.engine.dialogue_client import DialogueUnavailable, ParsedTurn
from robot.engine.engine import Engine
from robot.engine.settings import EngineSettings
from robot.engine.inputs import TextInput, TouchInput
from robot.tablet.state import TabletState


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, asyncio.Future]] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, future))
        await future

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for deadline, future in list(self._sleepers):
            if deadline <= self.now and not future.done():
                future.set_result(None)
        self._sleepers = [(d, f) for d, f in self._sleepers if not f.done()]
        for _ in range(20):  # let what woke up run
            await asyncio.sleep(0)


class FakeDialogue:
    """Rasa: answers each message with the given replies after `cost_s` of the clock's time."""

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.sent: list[tuple[str, str, dict]] = []
        self.wiped: list[str] = []
        self.replies: list[dict] = [BotMessage("Goedemorgen!", "nl", "utter_greet").to_rasa()]
        self.slots: dict = {"expecting": None}
        self.cost_s = 0.12
        self.hold: asyncio.Event | None = None  # set: the answer waits for it
        self.down = False

    async def send(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        if self.down:
            raise DialogueUnavailable("connection refused")
        self.sent.append((sender, text, dict(metadata or {})))
        self.clock.now += self.cost_s
        if self.hold is not None:
            await self.hold.wait()
        return self.replies

    async def set_slot(self, sender: str, name: str, value) -> None:
        if self.down:
            raise DialogueUnavailable("connection refused")

    async def parsed_turn(self, sender: str) -> ParsedTurn:
        return ParsedTurn(intent="greet", confidence=0.99, entities=[], slots=dict(self.slots))

    async def wipe(self, sender: str) -> None:
        self.wiped.append(sender)


class FakeBody:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def engage(self, engaged: bool) -> None:
        self.calls.append(("engage", engaged))

    def eyes(self, mode: str) -> None:
        self.calls.append(("eyes", mode))

    def speak(self, text: str, lang: str, gesture: str | None = None) -> None:
        self.calls.append(("speak", text))

    def stop_speaking(self) -> None:
        self.calls.append(("stop_speaking",))

    def publish(self, key: str, value) -> None:
        self.calls.append(("publish", key))

    def said(self) -> list[str]:
        return [call[1] for call in self.calls if call[0] == "speak"]


class FakeEar:
    def __init__(self) -> None:
        self.expected: list[tuple] = []
        self.muted = 0
        self.resets = 0

    def expect(self, expecting, details, lang, content) -> None:
        self.expected.append((expecting, details, lang, content is not None))

    def mute(self) -> None:
        self.muted += 1

    def unmute(self, tail_s: float) -> None:
        pass

    def reset(self) -> None:
        self.resets += 1


@pytest.fixture
def parts():
    clock = FakeClock()
    content = ContentStore()
    yield clock, FakeDialogue(clock), FakeBody(), FakeEar(), content
    content.close()


def build(parts, **settings) -> Engine:
    clock, dialogue, body, ear, content = parts
    return Engine(body, dialogue, content, TabletState(), EngineSettings(greet_on_arrival=False, **settings),
                  ear=ear, clock=clock)


async def until(condition, rounds: int = 500) -> None:
    """Let the event loop and the body's worker threads run until `condition()` (a bound, not a timing)."""
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0.002)
    raise AssertionError("the engine did not get there")


def run(engine: Engine, scenario):
    async def main():
        await engine.start()
        try:
            return await scenario()
        finally:
            await engine.stop()
    return asyncio.run(main())


def test_a_turn_runs_its_stages_one_way_and_times_them_on_the_engines_clock(parts):
    clock, dialogue, body, ear, _ = parts
    engine = build(parts)
    result = run(engine, lambda: engine.handle(TextInput(text="goedemorgen", source="typed")))
    stages = [(e["type"], e.get("stage"), e["ms"]) for e in result.events]
    assert stages == [
        ("turn-start", None, 0.0),
        ("stage-start", "language", 0.0), ("stage-end", "language", 0.0),
        ("stage-start", "dialogue", 0.0), ("stage-end", "dialogue", 120.0),
        ("stage-start", "perform", 120.0), ("first-word", "perform", 120.0), ("stage-end", "perform", 120.0),
        ("stage-start", "listen", 120.0), ("stage-end", "listen", 120.0),
        ("turn-end", None, 120.0)]
    assert result.say == ["Goedemorgen!"] and result.timings_ms["dialogue"] == 120.0
    assert result.timings_ms["first_word"] == 120.0 and result.error is None
    # the body: thinking while Rasa answers, speaking, then listening; the ear muted meanwhile
    assert [c for c in body.calls if c[0] in ("eyes", "speak")][:4] == [
        ("eyes", "thinking"), ("eyes", "speaking"), ("speak", "Goedemorgen!"), ("eyes", "listening")]
    assert ear.muted == 1 and ear.expected[-1][0] is None


def test_a_spoken_turn_is_timed_from_the_end_of_the_visitors_voice(parts):
    clock, *_ = parts
    engine = build(parts)
    voice_ended = clock.now - 0.35  # the end-of-turn wait and recognition before the turn reached the engine
    result = run(engine, lambda: engine.handle(TextInput(text="goedemorgen", source="speech", ended_at=voice_ended)))
    assert result.timings_ms["end_of_speech_to_first_word"] == 470.0


def test_a_slow_answer_gets_one_moment_once_then_the_answer(parts):
    clock, dialogue, body, *_ = parts
    dialogue.hold, dialogue.cost_s = asyncio.Event(), 0.0
    engine = build(parts)

    async def scenario():
        turn = asyncio.create_task(engine.handle(TextInput(text="ik heb een afspraak", source="typed")))
        await until(lambda: dialogue.sent)  # the turn is waiting for the dialogue's answer
        await clock.advance(0.5)
        assert body.said() == []
        await clock.advance(0.22)  # 0.72 s since the turn began: past one_moment_after_s
        await until(lambda: len(body.said()) == 1)
        await clock.advance(2.0)  # still waiting
        dialogue.hold.set()
        return await turn

    result = run(engine, scenario)
    moment = [e for e in result.events if e["type"] == "meanwhile"]
    assert len(moment) == 1 and moment[0]["ms"] == 720.0 and moment[0]["response"] == "utter_one_moment"
    assert result.meanwhile == [body.said()[0]] and result.say == ["Goedemorgen!"]
    assert body.said()[1:] == ["Goedemorgen!"]  # "one moment" once, however long the wait
    assert result.timings_ms["first_word"] == 720.0  # "one moment" was her first word


def test_the_dialogue_down_is_an_apology_and_a_dialogue_stage_error(parts):
    clock, dialogue, body, *_ = parts
    dialogue.down = True
    engine = build(parts)
    told: list[bool] = []
    engine.on_dialogue_down = lambda: told.append(True)
    result = run(engine, lambda: engine.handle(TextInput(text="hallo", source="typed")))
    assert result.error == "dialogue_unavailable" and told == [True]
    assert [e["code"] for e in result.events if e["type"] == "error"] == ["dialogue_unavailable"]
    assert result.responses == ["utter_dialogue_unavailable"] and len(body.said()) == 1


def test_what_the_actions_expect_next_reaches_the_ear_with_the_content(parts):
    clock, dialogue, body, ear, _ = parts
    trace = TurnTrace(expect={"kind": "name", "names": ["Jan de Vries"]})
    dialogue.replies = [BotMessage("Wat is uw naam?", "nl", "utter_ask_name").to_rasa(), trace.to_custom()]
    dialogue.replies[-1] = {"custom": trace.to_custom()}
    dialogue.slots = {"expecting": "name"}
    engine = build(parts)
    run(engine, lambda: engine.handle(TextInput(text="ik heb een afspraak", source="typed")))
    assert ("name", {"kind": "name", "names": ["Jan de Vries"]}, "nl", True) in ear.expected


def test_a_quiet_visitor_is_warned_then_forgotten_on_the_engines_clock(parts):
    clock, dialogue, body, ear, content = parts
    engine = build(parts, idle_reset_s=60.0, idle_warning_s=15.0)

    async def scenario():
        await engine.handle(TextInput(text="hallo", source="typed"))
        first = engine.conversation.id
        await clock.advance(44.0)
        assert engine.tablet.view.warning == ""
        await clock.advance(1.0)  # 45 s quiet: the tablet warns
        assert engine.tablet.view.warning == "timeout"
        await clock.advance(15.0)  # 60 s: the conversation ends, and nothing of the visitor remains
        await until(lambda: dialogue.wiped)
        return first

    first = run(engine, scenario)
    assert dialogue.wiped == [first] and engine.conversation.id != first and ear.resets == 1
    assert ("engage", False) in body.calls


def test_a_touch_interrupts_elvie_and_the_rest_is_shown_not_said(parts):
    clock, dialogue, body, *_ = parts
    dialogue.replies = [BotMessage("Eerste zin.", "nl", "utter_a").to_rasa(),
                        BotMessage("Tweede zin.", "nl", "utter_b").to_rasa()]
    engine = build(parts)
    original = body.speak

    def speak_and_get_touched(text, lang, gesture=None):
        original(text, lang, gesture)
        engine.loop.call_soon_threadsafe(engine.interrupt)  # the visitor touches her head mid-sentence

    body.speak = speak_and_get_touched

    async def scenario():
        result = await engine.handle(TextInput(text="hallo", source="typed"))
        return result, engine.tablet.view.subtitle

    result, subtitle = run(engine, scenario)
    assert body.said() == ["Eerste zin."] and result.responses == ["utter_a", "utter_b"]
    assert subtitle == "Tweede zin."


def test_stopping_the_engine_ends_every_task_it_started(parts):
    engine = build(parts)

    async def scenario():
        await engine.handle(TouchInput(button="continue"))
        return engine.tasks.named("idle-watch")

    watch = run(engine, scenario)
    assert watch is not None and watch.done() and engine.tasks.named("idle-watch") is None
