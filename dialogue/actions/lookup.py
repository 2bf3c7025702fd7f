"""Finding the visitor's appointment: by name, by booking code, choosing among candidates."""
from __future__ import annotations

import logging

from dialogue.appointments import AppointmentInfo, Verdict, assess, info_of, window_for
from dialogue.times import join_words, say_day, say_time
from integrations.qmatic.errors import QmaticAppointmentCancelled
from dialogue.names import extract_name
from integrations.qmatic.matching import match_name, match_reference

from .base import ElvieAction, Turn
from .candidates import for_someone_else, narrow
from .faq import answer_practical_question
from .qmatic_calls import appointments_today, branch_now, find_by_reference, sensitive
from .steps import ask_name, asks, escalation, hand_over, rescues

log = logging.getLogger(__name__)

MAX_CANDIDATES = 4

def name_in_sentence(text: str) -> str | None:
    """'ik heb een afspraak op naam van Katarzyna Nowak' -> 'Katarzyna Nowak'; 'ik ben te laat' -> None."""
    return extract_name(text)


def name_from(turn: Turn) -> str | None:
    """The name the visitor gave this turn, or None when what they said is not a name."""
    found = extract_name(turn.text)
    if found:
        return found
    entity = turn.entity("person_name")
    return extract_name(entity) if entity else None


class ActionAskName(ElvieAction):
    action_name = "action_ask_name"

    def act(self, turn: Turn) -> None:
        ask_name(turn)


class ActionCheckInRequest(ElvieAction):
    """"I have an appointment" (maybe with a name or code already): look it up or ask the name."""

    action_name = "action_check_in_request"

    def act(self, turn: Turn) -> None:
        if turn.entity("booking_code"):
            lookup_booking_code(turn)
        elif name_from(turn):
            lookup_name(turn)
        elif for_someone_else(turn.text):
            ask_name(turn, "utter_ask_name_on_appointment")
        else:
            ask_name(turn)


class ActionLookupName(ElvieAction):
    action_name = "action_lookup_name"

    def act(self, turn: Turn) -> None:
        lookup_name(turn)


def lookup_name(turn: Turn) -> None:
    query = name_from(turn)
    if not query:
        if answer_practical_question(turn):
            return
        if for_someone_else(turn.text):
            ask_name(turn, "utter_ask_name_on_appointment")
            return
        no_match(turn, "utter_ask_name_not_a_name")
        return
    appointments = appointments_today(turn)
    if appointments is None:
        return  # Qmatic failed; already apologised
    sensitive(appointment.display_name for appointment in appointments)
    matches = match_name(query, appointments) if query else []
    if not matches and query and (turn.runtime.appointments.age() or 0) > 1.0:
        # Not in the (briefly cached) list: it may have been booked just now. Look once more.
        appointments = appointments_today(turn, fresh=True)
        if appointments is None:
            return
        sensitive(appointment.display_name for appointment in appointments)
        matches = match_name(query, appointments)
    if not matches:
        no_match(turn)
        return
    turn.set("name_attempts", 0)
    if len(matches) == 1:
        turn.set("candidates", None)
        present(turn, info_of(matches[0].appointment, turn.content))
        return
    offer_candidates(turn, [info_of(m.appointment, turn.content) for m in matches[:MAX_CANDIDATES]])


def no_match(turn: Turn, response: str = "utter_ask_name_again") -> None:
    step = escalation(turn, "name_attempts")
    if step == "host":
        hand_over(turn, reason="not_found")
    elif step == "touchscreen":
        turn.say("utter_offer_typing")
        turn.set("last_prompt", {"response": "utter_offer_typing"})
        turn.expect("name", names=[a.display_name for a in appointments_today(turn, quiet=True) or []])
    else:
        ask_name(turn, response)


def offer_candidates(turn: Turn, candidates: list[AppointmentInfo], response: str = "utter_choose_candidate") -> None:
    """Ask which of the candidates is theirs: times (and, on the touch list, services) — never names."""
    candidates = sorted(candidates, key=lambda c: c.start)
    times = [say_time(c.start_time, turn.lang) for c in candidates]
    turn.set("candidates", [c.to_slot() for c in candidates])
    turn.say(response, times=join_words(times, turn.lang), count=len(candidates),
             screen_data={"candidates": [{"index": i, "time": c.start_time.strftime("%H:%M"),
                                          "service": service_name(turn, c)} for i, c in enumerate(candidates)]})
    turn.set("last_prompt", {"response": response})
    turn.expect("candidate", times=[c.start_time.strftime("%H:%M") for c in candidates],
                services=sorted({service_name(turn, c) for c in candidates} - {""}))


def service_name(turn: Turn, info: AppointmentInfo) -> str:
    service = turn.content.services.get(info.service) if info.service else None
    return service.name(turn.lang) if service else ""


class ActionChooseCandidate(ElvieAction):
    """Which of several matching appointments: any detail the visitor gives narrows the choice — a tap, the
    time, the service, a first name or initial, the full name, the booking code or the date of birth."""

    action_name = "action_choose_candidate"

    def act(self, turn: Turn) -> None:
        candidates = [AppointmentInfo.from_slot(c) for c in turn.slot("candidates") or []]
        if not candidates:
            ask_name(turn)
            return
        index = turn.entity("candidate")
        if index is not None and str(index).isdigit() and int(index) < len(candidates):
            present(turn, candidates[int(index)])
            return
        if turn.intent == "dont_know":
            failed_choice(turn, candidates, dont_know=True)
            return
        result = narrow(turn, candidates)
        if result is None:
            return  # Qmatic failed; already apologised
        if result.other_code:
            lookup_booking_code(turn)  # the code of another appointment: look that one up
            return
        if result.other_name and named_today(turn):
            lookup_name(turn)  # a name that is none of these but booked today: the visitor corrected their name
            return
        if len(result.remaining) == 1:
            turn.set("name_attempts", 0)
            present(turn, result.remaining[0])
            return
        if result.understood and 1 < len(result.remaining) < len(candidates):
            offer_candidates(turn, result.remaining, "utter_choose_candidate_narrowed")
            return
        if not result.understood and answer_practical_question(turn):
            return
        failed_choice(turn, candidates)


def named_today(turn: Turn) -> bool:
    """Does the name in this turn match anyone booked today?"""
    query = name_from(turn)
    return bool(query and match_name(query, appointments_today(turn, quiet=True) or []))


def failed_choice(turn: Turn, candidates: list[AppointmentInfo], dont_know: bool = False) -> None:
    """Not told apart: ask in other words; after two tries the touch list (times and services) or a host."""
    step = escalation(turn, "name_attempts")
    if dont_know and step == "again":
        step = "touchscreen"
        turn.set("name_attempts", turn.content.handover.attempts_before_touchscreen)
    if step == "host":
        hand_over(turn, reason="candidate_unclear")
    elif step == "touchscreen":
        offer_candidates(turn, candidates, "utter_choose_candidate_dont_know" if dont_know
                         else "utter_choose_candidate_touch")
    else:
        offer_candidates(turn, candidates, "utter_choose_candidate_again")


class ActionLookupBookingCode(ElvieAction):
    action_name = "action_lookup_booking_code"

    def act(self, turn: Turn) -> None:
        lookup_booking_code(turn)


def lookup_booking_code(turn: Turn) -> None:
    code = turn.entity("booking_code") or match_reference(turn.text)
    if not code:
        turn.say("utter_ask_booking_code")
        turn.expect("booking_code")
        return
    sensitive([code])
    try:
        found, failed = find_by_reference(turn, code)
    except QmaticAppointmentCancelled:
        turn.say("utter_booking_code_cancelled")
        turn.note(outcome="cancelled", handover=True)
        turn.set("handover", True)
        turn.expect(None)
        return
    if failed:
        return
    if found is None:
        if escalation(turn, "name_attempts") == "host":
            hand_over(turn, reason="not_found")
            return
        turn.say("utter_booking_code_not_found")
        turn.expect("booking_code")
        return
    present(turn, info_of(found, turn.content))


class ActionAppointmentDenied(ElvieAction):
    """"No, that's not my appointment": try the other candidates, or ask again."""

    action_name = "action_appointment_denied"

    def act(self, turn: Turn) -> None:
        current = AppointmentInfo.from_slot(turn.slot("appointment"))
        others = [AppointmentInfo.from_slot(c) for c in turn.slot("candidates") or []]
        others = [o for o in others if current is None or o.id != current.id]
        turn.set("appointment", None)
        turn.set("candidates", [o.to_slot() for o in others] or None)
        if len(others) > 1:
            offer_candidates(turn, others)
        elif len(others) == 1:
            present(turn, others[0])
        else:
            no_match(turn)


def present(turn: Turn, info: AppointmentInfo) -> None:
    """We think this is the visitor's appointment: route them, or ask to confirm time and purpose."""
    content = turn.content
    now = branch_now(turn)
    verdict = assess(info, content, now, here_branch=turn.branch)
    service = content.services.get(info.service) if info.service else None
    service_name = service.name(turn.lang) if service else ""
    turn.set("area", info.area)
    if verdict is Verdict.WRONG_LOCATION:
        location = content.location_for_branch(info.branch_id)
        if location is None:
            turn.say("utter_appointment_other_day")
        else:
            turn.say("utter_wrong_location", location=location.name(turn.lang), address=location.address,
                     directions=location.directions(turn.lang),
                     screen_data={"location": location.name(turn.lang), "address": location.address})
        turn.expect(None)
        turn.note(outcome="wrong_location")
        return
    if verdict is Verdict.OTHER_DAY and info.start_time.date() < now.date():
        turn.say("utter_appointment_other_day")
        turn.note(outcome="other_day")
        turn.expect(None)
        return
    if verdict is Verdict.OTHER_DAY:
        turn.say("utter_appointment_on_other_day", day=say_day(info.start_time, now, turn.lang),
                 time=say_time(info.start_time, turn.lang),
                 screen_data={"date": info.start_time.date().isoformat(), "time": info.start_time.strftime("%H:%M")})
        turn.note(outcome="other_day")
        turn.expect(None)
        return
    if verdict is Verdict.TOO_EARLY:
        earliest = info.start_time - window_for(info, content).early
        turn.say("utter_appointment_too_early", time=say_time(info.start_time, turn.lang),
                 opens=say_time(earliest, turn.lang), screen_data={"time": info.start_time.strftime("%H:%M")})
        turn.note(outcome="too_early")
        turn.expect(None)
        return
    if verdict is Verdict.PAST:  # later than the service's window: reception decides
        turn.say("utter_appointment_past", time=say_time(info.start_time, turn.lang))
        turn.note(outcome="too_late")
        turn.expect(None)
        return
    if verdict is Verdict.ALREADY_ARRIVED:
        area = content.area(info.area or "servicecentrum")
        turn.say("utter_already_checked_in_no_ticket", waiting=area.waiting(turn.lang) if area else "")
        turn.expect(None)
        return
    if verdict is Verdict.NOT_ARRIVABLE:
        hand_over(turn, reason="not_arrivable")
        return
    turn.set("appointment", info.to_slot())
    turn.say("utter_confirm_appointment", time=say_time(info.start_time, turn.lang), service=service_name,
             screen_data={"time": info.start_time.strftime("%H:%M"), "service": service_name,
                          "area": info.area})
    turn.set("last_prompt", {"response": "utter_confirm_appointment"})
    turn.expect("confirm")


@asks("utter_confirm_appointment")
def confirm_again(turn: Turn, key: str) -> None:
    appointment = AppointmentInfo.from_slot(turn.slot("appointment"))
    if appointment is None:
        turn.say(key)
    else:
        present(turn, appointment)


@asks("utter_choose_candidate*")
def choose_again(turn: Turn, key: str) -> None:
    candidates = turn.slot("candidates")
    if candidates:
        offer_candidates(turn, [AppointmentInfo.from_slot(c) for c in candidates], key)
    else:
        turn.say(key)


@rescues
def bare_surname(turn: Turn) -> bool:
    """A bare surname the NLU could not place ("Yılmaz"), booked today: look it up."""
    if turn.slot("expecting") in (None, "has_appointment") and named_today(turn):
        lookup_name(turn)
        return True
    return False


class ActionDontKnow(ElvieAction):
    """"Ik weet het niet" / "I don't know": the visitor cannot give what Elvie asked. Offer another way."""

    action_name = "action_dont_know"

    def act(self, turn: Turn) -> None:
        expecting = turn.slot("expecting")
        if expecting == "candidate":
            ActionChooseCandidate().act(turn)  # offers the touch list (times and services) or a host
        elif expecting in ("booking_code", "has_appointment"):
            ask_name(turn, "utter_dont_know_ask_name")  # no code, or not sure: the name finds it too
        elif expecting == "name":
            turn.say("utter_dont_know_name")
            hand_over(turn, reason="name_unknown")
        elif expecting in ("confirm", "document") and AppointmentInfo.from_slot(turn.slot("appointment")):
            turn.say("utter_dont_know_host")
            hand_over(turn, reason="unsure")
        elif expecting == "walk_in_service":
            turn.say("utter_dont_know_host")
            hand_over(turn, reason="unsure")
        else:
            escalate(turn, "utter_not_understood", example=example_for(turn))
