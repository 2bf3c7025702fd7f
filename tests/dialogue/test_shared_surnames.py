"""Visitors who share a surname with someone else booked today, in Dutch and English: any detail they give
tells the appointments apart, "I don't know" is understood, no question is asked twice in the same words,
sentences are not taken for names, someone checks in for a relative, practical questions are answered and
the conversation goes on where it was, and each service's check-in window decides "early" and "too late".
The real actions run against the emulator seeded with integrations/qmatic/fixtures/shared_surnames.yml,
at a fixed branch clock (Wednesday 10:00)."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from dialogue.actions.candidates import birth_date
from dialogue.actions.checkin import ActionAppointmentConfirmed, ActionDocumentAnswer
from dialogue.actions.faq import ActionOutOfScope
from dialogue.actions.lookup import ActionCheckInRequest, ActionChooseCandidate, ActionDontKnow, ActionLookupName
from dialogue.actions.repair import ActionRepair
from dialogue.clock import BranchClock
from dialogue.content.store import ContentStore
from dialogue.runtime import Runtime

from .test_opening_hours_conversations import Visitor

FIXTURE = Path(__file__).resolve().parents[2] / "integrations" / "qmatic" / "fixtures" / "shared_surnames.yml"
LOCALES = Path(__file__).resolve().parents[2] / "locales"
NAMES = ("Jan", "Johan", "Daan", "Anna", "Sem", "Pieter", "Lotte", "Mark", "Bram", "Eva", "Mehmet", "Ayşe", "Fatima",
         "Youssef", "Katarzyna", "Piotr", "Vries", "Jansen", "Jong", "Bakker", "Visser", "Yılmaz", "Amrani", "Nowak",
         "1980", "1975", "1990", "1962")


def stack_for(monkeypatch, content_root: Path | None = None):
    from integrations.qmatic.emulator.server import EmulatorServer

    moment = {"now": datetime(2026, 12, 2, 10, 0)}
    clock = BranchClock("Europe/Amsterdam")
    clock.source = lambda: moment["now"].replace(tzinfo=clock.tz)
    server = EmulatorServer(fixture=yaml.safe_load(FIXTURE.read_text()), clock=clock.now).start()
    monkeypatch.setenv("ELVIE_QMATIC_BASE_URL", server.url)
    monkeypatch.delenv("ELVIE_QMATIC_CONFIG", raising=False)
    rt = Runtime(ContentStore(content_root) if content_root is not None else None, clock=clock)
    return rt, server, moment


@pytest.fixture
def stack(monkeypatch):
    rt, server, moment = stack_for(monkeypatch)
    try:
        yield rt, server, moment
    finally:
        rt.qmatic.close()
        server.stop()


def keys(said) -> list[str]:
    return [r.response for r in said]


def text(said) -> str:
    return " ".join(r.text for r in said)


def assert_private(said) -> None:
    for rendered in said:
        for name in NAMES:
            assert name not in rendered.text, f"'{name}' was said: {rendered.text}"
            assert name not in str(dict(rendered.data)), f"'{name}' was shown: {dict(rendered.data)}"


def choose(rt, lang: str, surname: str, detail: str, intent: str = "inform_name", entities=None):
    visitor = Visitor(rt, lang)
    first = visitor.turn(ActionLookupName, "inform_name", text=surname)
    assert keys(first) == ["utter_choose_candidate"], (surname, text(first))
    assert visitor.slots["expecting"] == "candidate"
    said = visitor.turn(ActionChooseCandidate, intent, entities, text=detail)
    assert_private(first + said)
    return visitor, said


# surname, what the visitor adds, the time and (part of) the service Elvie then confirms
DETAILS = {
    "nl": [
        ("de Vries", "Johan", "11.30 uur", "verhuizing"),                   # first name
        ("de Vries", "Jan de Vries", "10.30 uur", "paspoort"),              # full name
        ("de Vries", "om half elf", "10.30 uur", "paspoort"),               # time, in words
        ("de Vries", "voor een verhuizing", "11.30 uur", "verhuizing"),     # service
        ("de Vries", "mijn code is QM4102", "11.30 uur", "verhuizing"),     # booking code
        ("de Vries", "ik ben geboren op 12 april 1980", "10.30 uur", "paspoort"),  # date of birth
        ("Jansen", "A. Jansen", "10.45 uur", "uittreksel"),                 # initial
        ("Jansen", "D", "10.20 uur", "rijbewijs"),                          # initial alone
        ("de Jong", "11.00", "11.00 uur", "Werkacademie"),                  # time, in digits
        ("de Jong", "voor mijn ID-kaart", "10.25 uur", "ID-kaart"),         # service
        ("Bakker", "de eerste", "10.40 uur", "paspoort"),                   # position
        ("Bakker", "kwart over elf", "11.15 uur", "geboorte"),              # time, in words
        ("Visser", "Eva", "11.45 uur", "ophalen"),                          # first name
        ("Visser", "25-03-1995", "11.45 uur", "ophalen"),                   # date of birth
        ("Yilmaz", "Ayşe", "11.20 uur", "ID-kaart"),                        # first name with a diacritic
        ("el Amrani", "QM4701", "10.55 uur", "paspoort"),                   # booking code alone
        ("Nowak", "Piotr Nowak", "11.50 uur", "verhuizing"),                # full name
    ],
    "en": [
        ("de Vries", "Johan", "11:30", "change of address"),
        ("de Vries", "it's Jan de Vries", "10:30", "passport"),
        ("de Vries", "half past ten", "10:30", "passport"),
        ("de Vries", "for my passport", "10:30", "passport"),
        ("de Vries", "my booking code is QM4102", "11:30", "change of address"),
        ("de Vries", "I was born on 3 September 1975", "11:30", "change of address"),
        ("Jansen", "D. Jansen", "10:20", "driving licence"),
        ("de Jong", "the later one", "11:00", "Werkacademie"),
        ("de Jong", "11am", "11:00", "Werkacademie"),
        ("Bakker", "quarter past eleven", "11:15", "birth"),
        ("Visser", "Bram", "10:50", "change of address"),
        ("Visser", "for collecting my passport", "11:45", "collecting"),
        ("Yilmaz", "Mehmet", "10:35", "job application"),
        ("el Amrani", "Youssef", "11:10", "extract"),
        ("Nowak", "born 4/4/1985", "11:05", "driving licence"),
    ],
}


@pytest.mark.parametrize("lang, surname, detail, time, service",
                         [(lang, *case) for lang, cases in DETAILS.items() for case in cases],
                         ids=[f"{lang}-{case[0]}-{case[1]}" for lang, cases in DETAILS.items() for case in cases])
def test_one_detail_tells_shared_surnames_apart(stack, lang, surname, detail, time, service):
    rt, _, _ = stack
    visitor, said = choose(rt, lang, surname, detail)
    assert keys(said) == ["utter_confirm_appointment"], text(said)
    assert time in said[0].text and service in said[0].text
    assert visitor.slots["expecting"] == "confirm"


def test_the_first_unique_answer_to_the_repeated_question_is_taken(stack):
    """The reported loop: 'de Vries', then 'Johan', then 'Johan de Vries' each got the same question."""
    rt, _, _ = stack
    visitor = Visitor(rt, "nl")
    visitor.turn(ActionLookupName, "inform_name", text="de Vries")
    said = visitor.turn(ActionChooseCandidate, "inform_name", {"person_name": "Johan"}, text="Johan")
    assert keys(said) == ["utter_confirm_appointment"] and "11.30 uur" in said[0].text
    said = visitor.turn(ActionAppointmentConfirmed, "affirm", text="ja")
    assert "utter_choose_candidate" not in keys(said)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_never_the_same_question_twice_then_the_touch_list_then_a_host(stack, lang):
    rt, _, _ = stack
    visitor = Visitor(rt, lang)
    asked = [keys(visitor.turn(ActionLookupName, "inform_name", text="Jansen"))]
    for _ in range(3):
        said = visitor.turn(ActionChooseCandidate, "nlu_fallback", text="blauw")
        asked.append(keys(said))
        assert_private(said)
    assert asked == [["utter_choose_candidate"], ["utter_choose_candidate_again"], ["utter_choose_candidate_touch"],
                     ["utter_handover"]]
    assert visitor.slots["handover"] is True


@pytest.mark.parametrize("lang, words", [("nl", "ik weet het niet meer"), ("en", "I don't know")])
def test_i_dont_know_gets_the_touch_list_with_times_and_services(stack, lang, words):
    rt, _, _ = stack
    visitor = Visitor(rt, lang)
    visitor.turn(ActionLookupName, "inform_name", text="de Jong")
    said = visitor.turn(ActionDontKnow, "dont_know", text=words)
    assert keys(said) == ["utter_choose_candidate_dont_know"]
    shown = said[0].data["candidates"]
    assert [c["time"] for c in shown] == ["10:25", "11:00"] and all(c["service"] for c in shown)
    assert_private(said)
    tapped = visitor.turn(ActionChooseCandidate, "choose_candidate", {"candidate": "1"})
    assert keys(tapped) == ["utter_confirm_appointment"] and "11" in tapped[0].text


@pytest.mark.parametrize("lang, expecting, response", [("nl", "booking_code", "utter_dont_know_ask_name"),
                                                       ("en", "has_appointment", "utter_dont_know_ask_name"),
                                                       ("nl", "name", "utter_handover")])
def test_i_dont_know_elsewhere_offers_another_way(stack, lang, expecting, response):
    rt, _, _ = stack
    visitor = Visitor(rt, lang)
    visitor.slots["expecting"] = expecting
    said = visitor.turn(ActionDontKnow, "dont_know", text="weet ik niet")
    assert response in keys(said)


@pytest.mark.parametrize("lang, sentence", [
    ("nl", "ik heb een afspraak maar ik ben te laat"), ("nl", "ik ben een beetje te vroeg"),
    ("en", "I'm a bit early"), ("en", "sorry I'm late")])
def test_a_sentence_is_not_looked_up_as_a_name(stack, lang, sentence):
    rt, _, _ = stack
    visitor = Visitor(rt, lang)
    said = visitor.turn(ActionCheckInRequest, "check_in", text=sentence)
    assert keys(said) == ["utter_ask_name"]
    said = visitor.turn(ActionLookupName, "out_of_scope", text=sentence)
    assert keys(said) == ["utter_ask_name_not_a_name"] and visitor.slots["expecting"] == "name"


@pytest.mark.parametrize("lang, sentence, name, time", [
    ("en", "I'm here for my mother, she has an appointment", "Anna Jansen", "10:45"),
    ("nl", "ik kom voor mijn moeder", "Anna Jansen", "10.45 uur"),
    ("nl", "mijn vader heeft een afspraak, ik help hem", "Pieter de Jong", "11.00 uur")])
def test_checking_in_for_someone_else(stack, lang, sentence, name, time):
    rt, _, _ = stack
    visitor = Visitor(rt, lang)
    said = visitor.turn(ActionCheckInRequest, "check_in", text=sentence)
    assert keys(said) == ["utter_ask_name_on_appointment"]
    said = visitor.turn(ActionLookupName, "inform_name", text=name)
    assert keys(said) == ["utter_confirm_appointment"] and time in said[0].text


@pytest.mark.parametrize("lang, question, answer", [("nl", "waar is de wc?", "toiletten"),
                                                    ("en", "where are the toilets", "toilets")])
def test_a_practical_question_while_choosing_then_back_to_the_choice(stack, lang, question, answer):
    rt, _, _ = stack
    visitor = Visitor(rt, lang)
    visitor.turn(ActionLookupName, "inform_name", text="Visser")
    said = visitor.turn(ActionChooseCandidate, "out_of_scope", text=question)
    assert keys(said)[0] == "utter_faq_answer" and answer in said[0].text
    assert keys(said)[1].startswith("utter_choose_candidate") and visitor.slots["expecting"] == "candidate"
    said = visitor.turn(ActionChooseCandidate, "inform_name", text="Eva")
    assert keys(said) == ["utter_confirm_appointment"]


def test_a_practical_question_when_asked_for_the_name_is_answered_and_the_name_asked_again(stack):
    rt, _, _ = stack
    visitor = Visitor(rt, "nl")
    visitor.turn(ActionCheckInRequest, "check_in", text="ik heb een afspraak")
    said = visitor.turn(ActionLookupName, "out_of_scope", text="waar kan ik parkeren")
    assert keys(said) == ["utter_faq_answer", "utter_ask_name"] and "parkeergarage" in said[0].text
    assert visitor.slots["expecting"] == "name"


@pytest.mark.parametrize("lang, question, says", [("nl", "hoe laat gaan jullie dicht?", "open tot 17.00 uur"),
                                                  ("en", "what time do you close", "open until 17:00")])
def test_closing_time_comes_from_the_opening_hours(stack, lang, question, says):
    rt, _, moment = stack
    visitor = Visitor(rt, lang)
    said = visitor.turn(ActionOutOfScope, "out_of_scope", text=question)
    assert keys(said) == ["utter_faq_answer", "utter_anything_else"] and says in said[0].text
    moment["now"] = datetime(2026, 12, 2, 18, 0)
    said = visitor.turn(ActionOutOfScope, "out_of_scope", text=question)
    assert ("morgen" if lang == "nl" else "tomorrow") in said[0].text


def test_not_understood_and_not_a_practical_question_is_still_not_understood(stack):
    rt, _, _ = stack
    visitor = Visitor(rt, "nl")
    assert keys(visitor.turn(ActionOutOfScope, "out_of_scope", text="wie wint er vanavond")) == ["utter_out_of_scope"]
    assert keys(visitor.turn(ActionRepair, "nlu_fallback", text="blub blub")) == ["utter_not_understood"]
    assert keys(visitor.turn(ActionRepair, "nlu_fallback", text="is er hier wifi")) == ["utter_faq_answer",
                                                                                          "utter_anything_else"]


def test_birth_dates_are_read_in_the_usual_ways():
    assert birth_date("12-04-1980")[0] == birth_date("12 april 1980")[0] == birth_date("1980-04-12")[0] \
        == birth_date("born on the 12th of April 1980")[0] == birth_date("12/4/80")[0]
    assert birth_date("om 11.30 uur")[0] is None and birth_date("QM4102")[0] is None


# ------------------------------------------------------------------ early and late, per service

@pytest.fixture
def strict_content(tmp_path, monkeypatch):
    """Hosts set the passport service to 'no earlier than 20 minutes, no later than 5 minutes'."""
    root = tmp_path / "locales"
    shutil.copytree(LOCALES, root)
    services = root / "services.yml"
    services.write_text(services.read_text().replace(
        "    qmatic_service_ids: [1]\n", "    qmatic_service_ids: [1]\n"
        "    check_in_window: {early_minutes: 20, late_minutes: 5}\n", 1))
    rt, server, moment = stack_for(monkeypatch, root)
    try:
        yield rt, server, moment
    finally:
        rt.qmatic.close()
        server.stop()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_service_has_its_own_check_in_window(strict_content, lang):
    rt, _, moment = strict_content
    assert rt.content.services["paspoort"].check_in_window.late_min == 5
    visitor = Visitor(rt, lang)
    # Jan de Vries, passport at 10:30: at 10:00 that is 30 minutes early, more than the 20 the hosts allow
    said = visitor.turn(ActionLookupName, "inform_name", text="Jan de Vries")
    assert keys(said) == ["utter_appointment_too_early"] and ("10.10" in said[0].text or "10:10" in said[0].text)
    # Johan de Vries, change of address at 11:30 (default window, 180 minutes): checked in, "you are early"
    visitor = Visitor(rt, lang)
    assert keys(visitor.turn(ActionLookupName, "inform_name", text="Johan de Vries")) == ["utter_confirm_appointment"]
    said = visitor.turn(ActionAppointmentConfirmed, "affirm", text="ja")
    while visitor.slots.get("expecting") == "document":
        said = visitor.turn(ActionDocumentAnswer, "affirm", text="ja")
    assert keys(said)[-1] == "utter_checked_in_early" and visitor.slots["ticket"]
    # Jan de Vries at 10:36: six minutes late, more than the passport's five: the reception decides
    moment["now"] = datetime(2026, 12, 2, 10, 36)
    rt.appointments.forget()
    visitor = Visitor(rt, lang)
    said = visitor.turn(ActionLookupName, "inform_name", text="Jan de Vries")
    assert keys(said) == ["utter_appointment_past"]
    # ... while five minutes late is still fine
    moment["now"] = datetime(2026, 12, 2, 10, 35)
    visitor = Visitor(rt, lang)
    assert keys(visitor.turn(ActionLookupName, "inform_name", text="Jan de Vries")) == ["utter_confirm_appointment"]


def test_a_question_the_speech_side_heard_is_answered_by_its_key(stack):
    """A spoken FAQ phrasing reaches the dialogue as /out_of_scope{"faq": key} (robot/engine/expectations.py)."""
    rt, _, _ = stack
    said = Visitor(rt, "en").turn(ActionOutOfScope, "out_of_scope", {"faq": "wifi"}, text='/out_of_scope{"faq":"wifi"}')
    assert keys(said) == ["utter_faq_answer", "utter_anything_else"] and "Gemeente-Gast" in said[0].text


def test_someone_booked_today_is_found_when_they_name_themselves_while_choosing(stack):
    """"de Vries" gave two candidates, but the visitor then says another name booked today: that one is found."""
    rt, _, _ = stack
    visitor = Visitor(rt, "nl")
    visitor.turn(ActionLookupName, "inform_name", text="de Vries")
    said = visitor.turn(ActionChooseCandidate, "inform_name", text="Lotte Bakker")
    assert keys(said) == ["utter_confirm_appointment"] and "10.40 uur" in said[0].text


def test_a_practical_question_while_choosing_a_walk_in_service_then_the_choice_again(stack):
    from dialogue.actions.walk_in import ActionNoAppointment, ActionWalkIn

    rt, _, _ = stack
    visitor = Visitor(rt, "nl")
    assert keys(visitor.turn(ActionNoAppointment, "no_appointment", text="ik heb geen afspraak")) == \
        ["utter_ask_walk_in_service"]
    said = visitor.turn(ActionWalkIn, "out_of_scope", text="waar is de lift")
    assert keys(said) == ["utter_faq_answer", "utter_ask_walk_in_service"] and "lift" in said[0].text
    assert visitor.slots["expecting"] == "walk_in_service"


def test_a_booking_code_of_another_appointment_while_choosing_finds_that_one(stack):
    rt, _, _ = stack
    visitor = Visitor(rt, "en")
    visitor.turn(ActionLookupName, "inform_name", text="de Vries")
    said = visitor.turn(ActionChooseCandidate, "inform_booking_code", {"booking_code": "QM4401"}, text="QM4401")
    assert keys(said) == ["utter_confirm_appointment"] and "10:40" in said[0].text
