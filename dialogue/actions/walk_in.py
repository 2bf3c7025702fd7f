"""Visitors without an appointment: a walk-in ticket where the service allows it, otherwise how to book."""
from __future__ import annotations

from dialogue.content.model import Content, Service
from dialogue.opening_hours import WalkIn, next_opening, walk_in
from dialogue.service_names import service_from_text
from dialogue.times import say_day, say_time
from integrations.qmatic.errors import QmaticError

from .base import ElvieAction, Turn
from .faq import answer_practical_question
from .opening import area_name, say_closed
from .qmatic_calls import CHECK_IN_DEADLINE_S, branch_now, qmatic_failed, traced
from .steps import asks


class ActionNoAppointment(ElvieAction):
    action_name = "action_no_appointment"

    def act(self, turn: Turn) -> None:
        ask_walk_in_service(turn)


@asks("utter_ask_walk_in_service")
def ask_walk_in_service(turn: Turn, key: str = "utter_ask_walk_in_service") -> None:
    """Which service, for a visitor without an appointment (those open to walk-ins, on the touch list)."""
    services = walk_in_services(turn.content, turn.lang)
    turn.say("utter_ask_walk_in_service", screen_data={"services": services})
    turn.set("last_prompt", {"response": "utter_ask_walk_in_service"})
    turn.expect("walk_in_service", services=[s["name"] for s in services])


def walk_in_services(content: Content, lang: str) -> list[dict]:
    return [{"key": s.key, "name": s.name(lang)} for s in content.services.values() if s.walk_in]


def walk_in_open(turn: Turn, service: Service) -> bool:
    """Can the service still be served today? If not, say when (closed, or too near closing time)."""
    now = branch_now(turn)
    decision, state = walk_in(turn.content.opening_hours, service.area, service.key, now)
    if decision is WalkIn.CLOSED:
        say_closed(turn, state)
        turn.expect(None)
        return False
    if decision is WalkIn.TOO_LATE:
        after = next_opening(turn.content.opening_hours, service.area, state.closes)
        name = service.name(turn.lang)
        turn.say("utter_walk_in_closing", area=area_name(turn, service.area), service=name,
                 closes=say_time(state.closes, turn.lang),
                 day=say_day(after, now, turn.lang) if after else "", opens=say_time(after, turn.lang) if after else "",
                 screen_data={"service": name, "closes": state.closes.strftime("%H:%M")})
        turn.note(outcome="walk_in_closing")
        turn.expect(None)
        return False
    return True


class ActionWalkIn(ElvieAction):
    action_name = "action_walk_in"

    def act(self, turn: Turn) -> None:
        content = turn.content
        key = turn.entity("service")
        service = content.services.get(key) if key else None
        if service is None:  # an unknown surface form, or a service hosts added without new training data
            service = service_from_text(content, key or "") or service_from_text(content, turn.text)
        if service is None:
            if answer_practical_question(turn):  # "waar is de wc?" while choosing a service: answer, ask again
                return
            turn.say("utter_not_understood", example=content.tablet[turn.lang].get("example_walk_in_service", ""))
            turn.expect("walk_in_service", services=[s["name"] for s in walk_in_services(content, turn.lang)])
            return
        name = service.name(turn.lang)
        turn.set("area", service.area)
        if service.only_at:
            location = content.locations.others[service.only_at]
            turn.say("utter_service_not_here", service=name, location=location.name(turn.lang),
                     address=location.address, directions=location.directions(turn.lang),
                     screen_data={"service": name, "location": location.name(turn.lang), "address": location.address})
            turn.note(outcome="service_not_here")
            turn.expect(None)
            return
        if not service.walk_in:
            turn.say("utter_needs_appointment", service=name,
                     how_to_book=service.how_to_book(turn.lang) if service.how_to_book else "",
                     screen_data={"service": name})
            turn.expect("has_appointment")
            return
        if not walk_in_open(turn, service):
            return
        turn.note(service_name=name)
        try:
            with traced(turn) as (client, trace):
                visit = client.walk_in(service.qmatic_service_ids[0], deadline_s=CHECK_IN_DEADLINE_S, trace=trace)
        except QmaticError as exc:
            qmatic_failed(turn, exc)
            return
        area = content.area(service.area)
        waiting = area.waiting(turn.lang) if area else ""
        turn.set("ticket", visit.ticket_id)
        turn.say("utter_walk_in_ticket", ticket=visit.ticket_id, service=name, waiting=waiting,
                 screen_data={"ticket": visit.ticket_id, "waiting": waiting, "service": name, "area": service.area})
        turn.note(ticket=visit.ticket_id, outcome="walk_in")
        turn.expect(None)
