"""Elvie's Rasa custom actions (rasa-sdk). Every action module is imported here, so the steps each one
registers (steps.py: how to ask its questions again, what it can make of an unplaced turn) are there
whichever module is used first."""
from . import checkin, faq, greeting, lookup, opening, repair, routing, walk_in  # noqa: F401
