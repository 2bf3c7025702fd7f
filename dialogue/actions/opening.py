"""Opening hours in the conversation: say that an area is closed and when it opens next.

The decisions are in dialogue/opening_hours.py (pure, branch-local `now` from the runtime's
BranchClock); this module only turns them into responses.
"""
from __future__ import annotations

from dialogue.opening_hours import AreaHours, area_hours
from dialogue.times import say_day, say_time

from .base import Turn
from .qmatic_calls import branch_now


def area_name(turn: Turn, key: str) -> str:
    area = turn.content.area(key)
    return area.name(turn.lang) if area else key


def closed_arguments(turn: Turn, state: AreaHours) -> dict:
    """{area, note, day, opens} for a closed area (note: the hosts' note for a closed day)."""
    now = branch_now(turn)
    note = state.closed_day.note(turn.lang) if state.closed_day and state.closed_day.note else ""
    arguments = {"area": area_name(turn, state.area), "note": note}
    if state.next_opening is not None:
        arguments.update(day=say_day(state.next_opening, now, turn.lang),
                         opens=say_time(state.next_opening, turn.lang))
    return arguments


def say_closed(turn: Turn, state: AreaHours, response: str = "utter_closed") -> None:
    """'The Service Centre is closed; we open again on Monday at 9.00.' (or 'today at 9.00': opens soon)."""
    arguments = closed_arguments(turn, state)
    now = branch_now(turn)
    if state.next_opening is None:
        response = "utter_closed_unknown"
    elif response == "utter_closed" and state.next_opening.date() == now.date() and not state.closed_day:
        response = "utter_opens_soon"
    screen = {"area": state.area, "opens": state.next_opening.strftime("%Y-%m-%d %H:%M")
              if state.next_opening else None, "note": arguments["note"]}
    turn.say(response, screen_data=screen, **arguments)
    turn.note(outcome="closed", area=state.area)


def closed_now(turn: Turn, area: str) -> AreaHours | None:
    """The area's state if it is closed now, else None."""
    state = area_hours(turn.content.opening_hours, area, branch_now(turn))
    return None if state.is_open else state
