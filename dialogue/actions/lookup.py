"""Finding the visitor's appointment: by name, by booking code, choosing among candidates."""
from __future__ import annotations

import logging
import re
from dialogue.appointments import DEFAULT_WINDOW, AppointmentInfo, Verdict, assess, info_of
from dialogue.times import closest, join_words, minutes_of, parse_times, say_day, say_time

from .base import ElvieAction, Turn
from .routing import hand_over
from .qmatic_calls import appointments_today, branch_now, cache_age, find_by_reference, sensitive

log = logging.getLogger(__name__)

MAX_CANDIDATES = 4
NAME_FILLERS = re.compile(
    r"^\s*(?:(?:ja|yes|nee|no|uh+|eh+|hallo|hello|hi|goedemorgen|goedemiddag|ok(?:e|ay)?)[ ,.]+)*"
    r"(?:(?:mijn naam is|ik ben|ik heet|de naam is|naam is|op naam van|my name is|i am|i'm|it's|it is|"
    r"the name is|name is|this is)\s+)?", re.IGNORECASE)


NAME_AFTER = re.compile(r"\b(?:mijn naam is|ik ben|ik heet|de naam is|op naam van|onder de naam|my name is|i am|i'm|"
                        r"under the name|the name is|name is)\s+(.+)$", re.IGNORECASE)


def name_in_sentence(text: str) -> str | None:
    """'ik heb een afspraak op naam van Katarzyna Nowak' -> 'Katarzyna Nowak' (when the NLU found no name)."""
    found = NAME_AFTER.search(text.strip())
    return found.group(1).strip(" .,!?") if found else None


def name_from(turn: Turn) -> str:
    name = turn.entity("person_name") or name_in_sentence(turn.text)
    if name:
        return name
    return NAME_FILLERS.sub("", turn.text).strip(" .,!?")


class ActionAskName(ElvieAction):
    action_name = "action_ask_name"

    def act(self, turn: Turn) -> None:
        ask_name(turn)


def ask_name(turn: Turn, response: str = "utter_ask_name") -> None:
    turn.say(response)
    turn.set("last_prompt", {"response": response})
    names = [a.display_name for a in appointments_today(turn, quiet=True) or []]
    turn.expect("name", names=names)


class ActionCheckInRequest(ElvieAction):
    """"I have an appointment" (maybe with a name or code already): look it up or ask the name."""

    action_name = "action_check_in_request"

    def act(self, turn: Turn) -> None:
        if turn.entity("booking_code"):
            lookup_booking_code(turn)
        elif turn.entity("person_name") or name_in_sentence(turn.text):
            lookup_name(turn)
        else:
            ask_name(turn)


class ActionLookupName(ElvieAction):
    action_name = "action_lookup_name"

    def act(self, turn: Turn) -> None:
        lookup_name(turn)


def lookup_name(turn: Turn) -> None:
    from integrations.qmatic.matching import match_name

    query = name_from(turn)
    appointments = appointments_today(turn)
    if appointments is None:
        return  # Qmatic failed; already apologised
    sensitive(appointment.display_name for appointment in appointments)
    matches = match_name(query, appointments) if query else []
    if not matches and query and (cache_age(turn) or 0) > 1.0:
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


def no_match(turn: Turn) -> None:
    from .repair import escalation

    step = escalation(turn, "name_attempts")
    if step == "host":
        hand_over(turn, reason="not_found")
    elif step == "touchscreen":
        turn.say("utter_offer_typing")
        turn.set("last_prompt", {"response": "utter_offer_typing"})
        turn.expect("name", names=[a.display_name for a in appointments_today(turn, quiet=True) or []])
    else:
        ask_name(turn, "utter_ask_name_again")


def offer_candidates(turn: Turn, candidates: list[AppointmentInfo]) -> None:
    candidates = sorted(candidates, key=lambda c: c.start)
    times = [say_time(c.start_time, turn.lang) for c in candidates]
    turn.set("candidates", [c.to_slot() for c in candidates])
    turn.say("utter_choose_candidate", times=join_words(times, turn.lang),
             screen_data={"candidates": [{"index": i, "time": c.start_time.strftime("%H:%M")}
                                         for i, c in enumerate(candidates)]})
    turn.set("last_prompt", {"response": "utter_choose_candidate"})
    turn.expect("candidate", times=[c.start_time.strftime("%H:%M") for c in candidates])


class ActionChooseCandidate(ElvieAction):
    """Which of several matching appointments: by a tap (index) or by the time the visitor says."""

    action_name = "action_choose_candidate"

    def act(self, turn: Turn) -> None:
        candidates = [AppointmentInfo.from_slot(c) for c in turn.slot("candidates") or []]
        if not candidates:
            ask_name(turn)
            return
        index = turn.entity("candidate")
        if index is not None and str(index).isdigit() and int(index) < len(candidates):
            position = int(index)
        else:
            position = ordinal(turn.text, len(candidates))
            if position is None:
                said = parse_times(turn.entity("time") or turn.text)
                position = closest(said, [minutes_of(c.start_time) for c in candidates])
        if position is None:
            offer_candidates(turn, candidates)  # ask again, with the times on the screen
            return
        present(turn, candidates[position])


ORDINALS = {0: ("first", "earliest", "eerste", "vroegste", "eerdere", "earlier"),
            1: ("second", "tweede"),
            -1: ("last", "latest", "later", "laatste", "latere", "late")}


def ordinal(text: str, count: int) -> int | None:
    """"the first one" / "de laatste" -> an index into the candidates."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    for position, names in ORDINALS.items():
        if words & set(names) and (position < count):
            return position % count
    return None


class ActionLookupBookingCode(ElvieAction):
    action_name = "action_lookup_booking_code"

    def act(self, turn: Turn) -> None:
        lookup_booking_code(turn)


def lookup_booking_code(turn: Turn) -> None:
    from integrations.qmatic.matching import match_reference

    code = turn.entity("booking_code") or match_reference(turn.text)
    if not code:
        turn.say("utter_ask_booking_code")
        turn.expect("booking_code")
        return
    from integrations.qmatic.errors import QmaticAppointmentCancelled

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
        from .repair import escalation

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
    verdict = assess(info, content, now)
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
        earliest = info.start_time - DEFAULT_WINDOW.early
        turn.say("utter_appointment_too_early", time=say_time(info.start_time, turn.lang),
                 opens=say_time(earliest, turn.lang), screen_data={"time": info.start_time.strftime("%H:%M")})
        turn.note(outcome="too_early")
        turn.expect(None)
        return
    if verdict is Verdict.PAST:
        turn.say("utter_appointment_past", time=say_time(info.start_time, turn.lang))
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
