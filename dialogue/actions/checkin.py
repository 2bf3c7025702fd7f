"""The documents checklist and the check-in itself.

After the visitor confirms the appointment, Elvie asks for each document the service needs
(from locales/services.yml). A missing document is handled as the content says: check in
anyway, check in but go to reception first, or no check-in and a new appointment at
reception. Then she arrives the appointment in Qmatic and says and shows the queue number and
where to wait. A check-in is never lost or doubled: the client never retries the arrive POST
and establishes the outcome after a timeout; an uncertain outcome sends the visitor to reception.
"""
from __future__ import annotations

import logging

from dialogue.appointments import AppointmentInfo, EARLY_NOTICE, local
from dialogue.times import say_time
from integrations.qmatic.errors import QmaticAlreadyArrived, QmaticError, QmaticVisitUncertain

from .base import ElvieAction, Turn
from .qmatic_calls import CHECK_IN_DEADLINE_S, branch_now, qmatic_failed, traced
from .steps import ask_name, asks

log = logging.getLogger(__name__)

# Words that name a service and a document alike ("paspoort") map to the service's key in the NLU
# data (entity synonyms are global); as a document entity they mean these documents.
DOCUMENT_ALIASES = {"paspoort": "huidig_id", "id_kaart": "huidig_id", "rijbewijs": "rijbewijs_oud"}


class ActionAppointmentConfirmed(ElvieAction):
    action_name = "action_appointment_confirmed"

    def act(self, turn: Turn) -> None:
        info = AppointmentInfo.from_slot(turn.slot("appointment"))
        if info is None:
            ask_name(turn)
            return
        service = turn.content.services.get(info.service) if info.service else None
        pending = [d.document for d in service.documents] if service else []
        turn.set("documents_pending", pending)
        turn.set("documents_missing", [])
        next_document_or_check_in(turn, info, pending, [])


class ActionDocumentAnswer(ElvieAction):
    """The visitor has (affirm) or lacks (deny / missing_document) the document asked about."""

    action_name = "action_document_answer"

    def act(self, turn: Turn) -> None:
        info = AppointmentInfo.from_slot(turn.slot("appointment"))
        pending = list(turn.slot("documents_pending") or [])
        missing = list(turn.slot("documents_missing") or [])
        if info is None or not pending:
            general_missing_document_advice(turn)
            return
        current = pending.pop(0)
        if turn.intent in ("deny", "missing_document"):
            service = turn.content.services.get(info.service)
            required = next((d for d in service.documents if d.document == current), None) if service else None
            document = turn.content.documents.get(current)
            advice = (required.advice if required and required.advice else document.advice if document else None)
            advice_text = advice(turn.lang) if advice else ""
            name = document.name(turn.lang) if document else current
            rule = required.if_missing if required else "reception"
            screen = {"document": name, "rule": rule, "advice": advice_text}
            if rule == "new_appointment":
                turn.say("utter_missing_document_new_appointment", advice=advice_text, document=name,
                         screen_data=screen)
                turn.set("documents_pending", [])
                turn.set("appointment", None)
                turn.note(outcome="new_appointment_needed")
                turn.expect(None)
                return
            response = "utter_missing_document_proceed" if rule == "proceed" else "utter_missing_document_reception"
            turn.say(response, advice=advice_text, screen_data=screen)
            missing.append(current)
        turn.set("documents_pending", pending)
        turn.set("documents_missing", missing)
        next_document_or_check_in(turn, info, pending, missing)


def next_document_or_check_in(turn: Turn, info: AppointmentInfo, pending: list[str], missing: list[str]) -> None:
    if pending:
        document = turn.content.documents.get(pending[0])
        service = turn.content.services.get(info.service) if info.service else None
        total = len(service.documents) if service else len(pending)
        name = document.name(turn.lang) if document else pending[0]
        turn.say("utter_ask_document", document=name,
                 screen_data={"document": name, "key": pending[0], "step": total - len(pending) + 1, "total": total})
        turn.set("last_prompt", {"response": "utter_ask_document"})
        turn.expect("document", document=name)
        return
    check_in(turn, info)


def check_in(turn: Turn, info: AppointmentInfo) -> None:
    area = turn.content.area(info.area or "servicecentrum")
    waiting = area.waiting(turn.lang) if area else ""
    try:
        with traced(turn) as (client, trace):
            visit = client.arrive(info.id, deadline_s=CHECK_IN_DEADLINE_S, trace=trace,
                                  service_id=info.qmatic_service_ids[0] if info.qmatic_service_ids else None)
    except QmaticAlreadyArrived:
        turn.say("utter_already_checked_in_no_ticket", waiting=waiting)
        turn.note(outcome="already_arrived")
        turn.expect(None)
        return
    except QmaticError as exc:
        if isinstance(exc, QmaticVisitUncertain):
            turn.say("utter_check_in_uncertain")
            turn.set("handover", True)
            turn.note(handover=True, outcome="uncertain")
            turn.expect(None)
        else:
            qmatic_failed(turn, exc)
        return
    turn.runtime.appointments.forget()
    ticket = visit.ticket_id
    turn.set("ticket", ticket)
    turn.set("appointment", None)
    turn.set("candidates", None)

    early = info.start_time - local(branch_now(turn)) > EARLY_NOTICE
    turn.say("utter_checked_in_early" if early else "utter_checked_in", ticket=ticket, waiting=waiting,
             time=say_time(info.start_time, turn.lang),
             screen_data={"ticket": ticket, "waiting": waiting, "area": info.area})
    turn.note(ticket=ticket, outcome="checked_in", early=early)
    turn.expect(None)


def general_missing_document_advice(turn: Turn) -> None:
    """'I forgot my passport photo' outside the checklist: give that document's advice."""
    key = turn.entity("document")
    key = DOCUMENT_ALIASES.get(key, key)
    document = turn.content.documents.get(key) if key else None
    if document is None or document.advice is None:
        turn.say("utter_handover")
        turn.note(handover=True)
        turn.set("handover", True)
        return
    turn.say("utter_document_advice", advice=document.advice(turn.lang))
    turn.say("utter_anything_else")


@asks("utter_ask_document")
def ask_document_again(turn: Turn, key: str) -> None:
    appointment = AppointmentInfo.from_slot(turn.slot("appointment"))
    if appointment is None:
        turn.say(key)
        return
    next_document_or_check_in(turn, appointment, list(turn.slot("documents_pending") or []),
                              list(turn.slot("documents_missing") or []))
