"""Opening-hours conversations in Dutch and English at a fixed branch clock: closed for the evening,
opening soon, near closing, a public holiday. The real actions run (Rasa SDK dispatcher and tracker),
their responses are rendered by the NLG from locales/, and Qmatic is the emulator."""
from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from core.turn import BotMessage
from dialogue import nlg
from dialogue.actions.greeting import ActionGreet
from dialogue.actions.routing import ActionArea
from dialogue.actions.walk_in import ActionWalkIn
from dialogue.clock import BranchClock
from dialogue.runtime import Runtime


class Visitor:
    """One visitor talking to the actions; slots carry over between turns as in Rasa."""

    def __init__(self, rt, lang: str):
        self.runtime = rt
        self.slots = {"language": lang}
        self.operations: list[str] = []  # this visitor's Qmatic calls, from the turns' traces

    def turn(self, action, intent: str, entities: dict | None = None, text: str = "") -> list[BotMessage]:
        """One turn: `action` (an ElvieAction class, given this visitor's runtime) on a rasa-sdk Tracker."""
        action = action(self.runtime) if isinstance(action, type) else action
        message = {"intent": {"name": intent, "confidence": 1.0}, "text": text,
                   "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()]}
        tracker = Tracker("visitor", dict(self.slots), message, [], False, None, {}, None)
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, {}))
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        said = []
        for item in dispatcher.messages:
            trace = (item.get("custom") or {}).get("elvie_trace") or {}
            self.operations += [f"{call['operation']}:{call['status']}" for call in trace.get("qmatic", [])]
            if item.get("response"):
                arguments = {k: v for k, v in item.items() if k not in ("text", "buttons", "elements", "custom",
                                                                       "template", "response", "image", "attachment")}
                said.append(nlg.render(self.runtime.content, item["response"], arguments))
        return said


@pytest.fixture
def stack(monkeypatch):
    """The runtime the actions use, on the emulator, with a clock the test sets."""
    from integrations.qmatic.emulator.server import EmulatorServer

    moment = {"now": datetime(2026, 12, 2, 10, 0)}
    clock = BranchClock("Europe/Amsterdam")
    clock.source = lambda: moment["now"].replace(tzinfo=clock.tz)
    server = EmulatorServer(clock=clock.now).start()
    monkeypatch.setenv("ELVIE_QMATIC_BASE_URL", server.url)
    monkeypatch.delenv("ELVIE_QMATIC_CONFIG", raising=False)
    rt = Runtime(clock=clock)  # the runtime's clock (and the Qmatic client's) is the test's
    try:
        yield rt, server, moment
    finally:
        rt.qmatic.close()
        server.stop()


def at(moment: dict, text: str) -> None:
    moment["now"] = datetime.fromisoformat(text)


SAYS = {  # language -> what a visitor hears in each situation
    "nl": {"evening": "morgen vanaf 9.00 uur", "soon": "om 9.00 uur open", "closes": "sluit het Servicecentrum om 17.00 uur",
           "tomorrow_from": "morgen vanaf 9.00 uur", "christmas": "Het is Eerste Kerstdag.",
           "monday": "op maandag vanaf 9.00 uur", "werkacademie": "de Werkacademie is nu gesloten"},
    "en": {"evening": "tomorrow at 9:00", "soon": "opens at 9:00", "closes": "the Service Centre closes at 17:00",
           "tomorrow_from": "tomorrow from 9:00", "christmas": "It is Christmas Day.",
           "monday": "on Monday at 9:00", "werkacademie": "the Werkacademie is closed right now"},
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_closed_for_the_evening_she_says_when_we_open(stack, lang):
    rt, server, moment = stack
    at(moment, "2026-12-02T18:30")  # Wednesday evening
    said = Visitor(rt, lang).turn(ActionGreet, "greet")
    assert [r.response for r in said] == ["utter_greet_closed"]
    assert SAYS[lang]["evening"] in said[0].text and said[0].screen == "message"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_opening_soon_no_ticket_yet(stack, lang):
    rt, server, moment = stack
    at(moment, "2026-12-02T08:40")
    visitor = Visitor(rt, lang)
    said = visitor.turn(ActionWalkIn, "inform_service", {"service": "uittreksel_brp"})
    assert [r.response for r in said] == ["utter_opens_soon"] and SAYS[lang]["soon"] in said[0].text
    assert server.state.visits == {} and "ticket" not in visitor.slots


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_near_closing_long_services_get_no_ticket_short_ones_do(stack, lang):
    rt, server, moment = stack
    at(moment, "2026-12-02T16:40")  # 20 minutes before closing: verhuizing needs 30, an extract 15
    said = Visitor(rt, lang).turn(ActionWalkIn, "inform_service", {"service": "verhuizing"})
    assert [r.response for r in said] == ["utter_walk_in_closing"]
    assert SAYS[lang]["closes"] in said[0].text and SAYS[lang]["tomorrow_from"] in said[0].text
    assert server.state.visits == {}
    visitor = Visitor(rt, lang)
    said = visitor.turn(ActionWalkIn, "inform_service", {"service": "uittreksel_brp"})
    assert [r.response for r in said] == ["utter_walk_in_ticket"] and visitor.slots["ticket"] == "B001"
    assert len(server.state.visits) == 1


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_public_holiday_with_the_hosts_note(stack, lang):
    rt, server, moment = stack
    at(moment, "2026-12-25T10:00")  # Christmas Day, a Friday; Boxing Day is Saturday
    visitor = Visitor(rt, lang)
    said = visitor.turn(ActionGreet, "greet")
    assert [r.response for r in said] == ["utter_greet_closed"]
    assert SAYS[lang]["christmas"] in said[0].text and SAYS[lang]["monday"] in said[0].text
    said = visitor.turn(ActionWalkIn, "inform_service", {"service": "uittreksel_brp"})
    assert [r.response for r in said] == ["utter_closed"] and SAYS[lang]["christmas"] in said[0].text
    assert server.state.visits == {}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_one_area_closed_while_the_other_is_open(stack, lang):
    rt, server, moment = stack
    at(moment, "2026-12-04T13:00")  # Friday afternoon: the Werkacademie closed at 12:30
    visitor = Visitor(rt, lang)
    assert [r.response for r in visitor.turn(ActionGreet, "greet")] == ["utter_greet"]
    said = visitor.turn(ActionArea, "werkacademie")
    assert [r.response for r in said] == ["utter_closed"]
    assert SAYS[lang]["werkacademie"] in said[0].text and SAYS[lang]["monday"] in said[0].text
    said = visitor.turn(ActionArea, "servicecentrum")
    assert [r.response for r in said] == ["utter_servicecentrum"]
