"""Tricky names as visitors say or type them, against the emulator's default day.

Used by the matcher tests and the Qmatic benchmark (precision / recall). Each case: what was
heard or typed, and the full names that must be among the matches (empty: nobody should match).
A case goes the way a visitor's words go: the name is taken from the sentence (dialogue/names.py),
then matched against the day's appointments (integrations/qmatic/matching.py).
"""
from __future__ import annotations

from datetime import datetime

from dialogue.names import extract_name
from integrations.qmatic.emulator.fixtures import load_fixture, seeded_at
from integrations.qmatic.matching import match_name
from integrations.qmatic.models import Appointment, appointment_from_json
from integrations.qmatic.times import zone

NAME_CASES: list[tuple[str, tuple[str, ...]]] = [
    # plain and formal
    ("Jan de Vries", ("Jan de Vries",)),
    ("mijn naam is jan de vries", ("Jan de Vries",)),
    ("ik ben Johan de Vries", ("Johan de Vries",)),
    ("de vries", ("Jan de Vries", "Johan de Vries")),          # same surname: ask for the time
    ("J. de Vries", ("Jan de Vries", "Johan de Vries")),       # same initial too
    ("vries", ("Jan de Vries", "Johan de Vries")),             # prefix dropped
    ("de fries", ("Jan de Vries", "Johan de Vries")),          # v heard as f
    # Dutch prefixes
    ("anouk van der berg", ("Anouk van der Berg",)),
    ("fan der berg", ("Anouk van der Berg",)),                 # van heard as fan
    ("vanderberg", ("Anouk van der Berg",)),                   # run together
    ("Berg", ("Anouk van der Berg",)),
    ("pieter ten hove", ("Pieter ten Hove",)),
    ("Hove", ("Pieter ten Hove",)),
    ("thijs van den broek", ("Thijs van den Broek",)),
    ("wilma t hart", ("Wilma 't Hart",)),
    ("Fenna van Dijk", ("Fenna van Dijk",)),
    ("fenna van dyk", ("Fenna van Dijk",)),                    # ij / y
    ("sem de jong", ("Sem de Jong",)),
    # Moroccan, Turkish, Surinamese, Polish, Somali, Syrian
    ("fatima el amrani", ("Fatima el Amrani",)),
    ("Fatima Amrani", ("Fatima el Amrani",)),
    ("fatma elamrani", ("Fatima el Amrani",)),
    ("mohammed bouzid", ("Mohamed Bouzid",)),
    ("yassine ait taleb", ("Yassine Ait Taleb",)),
    ("Mehmet Yilmaz", ("Mehmet Yılmaz",)),
    ("yilmaz", ("Mehmet Yılmaz", "Ayşe Yılmaz")),
    ("ayse yilmaz", ("Ayşe Yılmaz",)),
    ("jilmaz", ("Mehmet Yılmaz", "Ayşe Yılmaz")),
    ("emre kaja", ("Emre Kaya",)),
    ("shanti ramdin", ("Shanti Ramdin",)),
    ("ravi jagesar", ("Ravi Jagessar",)),
    ("Priscilla Sedney", ("Priscilla Sedney",)),
    ("katarzyna nowak", ("Katarzyna Nowak",)),
    ("nowak", ("Katarzyna Nowak",)),
    ("piotr kowalczyk", ("Piotr Kowalczyk",)),
    ("agnieszka wisniewska", ("Agnieszka Wiśniewska",)),
    ("wisnieska", ("Agnieszka Wiśniewska",)),
    ("hana al khatib", ("Hana Al Khatib",)),
    ("rachid benali", ("Rachid Benali",)),
    ("sevda demir", ("Sevda Demir",)),
    # English, reversed order, spelled
    ("James Smith", ("James Smith",)),
    ("smith james", ("James Smith",)),
    ("my name is emily clarke", ("Emily Clarke",)),
    ("emily clark", ("Emily Clarke",)),
    ("j a n s e n", ("Daan Jansen", "Sanne Janssen")),
    ("daan jansen", ("Daan Jansen",)),
    ("sanne janssen", ("Sanne Janssen",)),
    ("sanne jansen", ("Sanne Janssen",)),                      # double s lost
    ("lotte bakker", ("Lotte Bakker",)),
    ("bram fisser", ("Bram Visser",)),
    ("noor mulder", ("Noor Mulder",)),
    ("ricardo martina", ("Ricardo Martina",)),
    # first name only (several may match, the dialogue then asks)
    ("Priscilla", ("Priscilla Sedney",)),
    # nobody
    ("Kees van Oranje", ()),
    ("hallo", ()),
    ("ik heb een afspraak", ()),
    ("Tom Peters", ()),
    ("dank u wel tot ziens", ()),
    ("Marco Rossi", ()),
]


def case_day():
    """The default fixture day as the name cases see it: seeded at a fixed 10:00 in the branch's time
    zone, so that its appointments ("-60m" ... "+90m") all fall on one day whenever the cases run (at
    23:30 UTC the machine's date and Amsterdam's differ, and "+20m" is tomorrow there)."""
    moment = datetime(2026, 12, 2, 10, 0, tzinfo=zone("Europe/Amsterdam"))
    state = seeded_at(load_fixture(None), moment)
    day = moment.date()
    return [a for a in (appointment_from_json(x) for x in state.appointments.values()) if a.start.date() == day]


def found(said: str, appointments: list[Appointment]) -> set[str]:
    """The full names of the appointments that match what a visitor said or typed."""
    name = extract_name(said)
    return {m.appointment.display_name for m in match_name(name, appointments)} if name else set()


def evaluate(appointments) -> dict[str, float]:
    """Precision and recall of match_name over NAME_CASES (counted per expected / returned name), over
    one day's appointments (`case_day()`), as the dialogue searches only today's."""
    true_positive = returned = expected = 0
    failures = []
    for query, wanted in NAME_CASES:
        names = found(query, appointments)
        hits = names & set(wanted)
        true_positive += len(hits)
        returned += len(names)
        expected += len(wanted)
        if names != set(wanted):
            failures.append((query, sorted(wanted), sorted(names)))
    return {"precision": true_positive / returned if returned else 1.0,
            "recall": true_positive / expected if expected else 1.0,
            "cases": len(NAME_CASES), "failures": failures}
