"""locales/faq.yml: hosts' practical questions are checked with file:line errors, a new question is matched
within two seconds of saving (no retraining), and the matcher never takes an appointment sentence for one."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import yaml

from dialogue.content.loader import load_content
from dialogue.content.store import ContentStore
from dialogue.faq import FaqIndex, index_for

from .conftest import LOCALES, edit, problems

NLU = Path(__file__).resolve().parents[2] / "dialogue" / "data" / "nlu"
REQUIRED = ("toilets", "waiting_area", "opening_hours", "lift", "parking", "wifi", "payment", "other_location")


def test_the_shipped_questions_cover_what_visitors_ask_most():
    content = load_content(LOCALES)
    assert set(REQUIRED) <= set(content.faq)
    for entry in content.faq.values():
        assert all(len(entry.phrasings[lang]) >= 3 for lang in content.languages)
    assert content.faq["other_location"].location == "noord"
    assert content.faq["opening_hours"].answer_closed is not None


@pytest.mark.parametrize("old, new, message", [
    ("    gesture: point_desk\n\n  waiting_area:", "    gesture: point_left\n\n  waiting_area:",
     "unknown gesture 'point_left'"),
    ("    location: noord", "    location: zuid", "location 'zuid' is not under other_locations"),
    ("      nl: Vandaag is het Servicecentrum open tot {closes}.", "      nl: Vandaag zijn we open tot {sluit}.",
     "placeholder {sluit} cannot be used here"),
    ("      en:\n        - where can i wait\n", "      en:\n        - where are the toilets\n",
     "is also a phrasing of question 'toilets'"),
    ("    area: servicecentrum\n    gesture: explain", "    area: stadhuis\n    gesture: explain",
     "area should be servicecentrum or werkacademie"),
    ("    answer:\n      nl: De lift is", "    antwoord:\n      nl: De lift is", "unknown setting 'antwoord'"),
])
def test_mistakes_are_reported_with_file_and_line(locales, old, new, message):
    line = edit(locales / "faq.yml", old, new)
    found = [p for p in problems(locales) if message in p]
    assert found, problems(locales)
    file, reported, _ = found[0].split(":", 2)
    assert file == "locales/faq.yml" and abs(int(reported) - line) <= 2, (found[0], line)


def test_hours_without_a_closed_answer_are_refused(locales):
    text = (locales / "faq.yml").read_text()
    start = text.index("    answer_closed:")
    end = text.index("    area: servicecentrum")
    (locales / "faq.yml").write_text(text[:start] + text[end:])
    assert any("also give answer_closed" in p for p in problems(locales))


def test_a_question_without_phrasings_in_a_language_is_refused(locales):
    edit(locales / "faq.yml", "      en:\n        - is there wifi\n", "      fr:\n        - y a-t-il du wifi\n")
    found = problems(locales)
    assert any("unknown language 'fr'" in p for p in found)
    assert any("question 'wifi' needs at least one en phrasing" in p for p in found)


def test_elvie_check_names_the_faq_line(locales):
    import subprocess
    import sys

    edit(locales / "faq.yml", "    gesture: point_desk\n\n  waiting_area:", "    gesture: pointing\n\n  waiting_area:")
    run = subprocess.run([sys.executable, "-m", "robot.cli", "check", "--content", str(locales)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "locales/faq.yml:" in run.stdout + run.stderr and "pointing" in run.stdout + run.stderr


def test_a_host_added_question_is_matched_within_two_seconds_of_saving(locales):
    store = ContentStore(locales, poll_s=0.2)
    try:
        assert index_for(store.current.faq).match("waar kan ik een kopje koffie halen", "nl") is None
        reloaded = threading.Event()
        store.watch(lambda content, problems: reloaded.set() if content else None)
        with open(locales / "faq.yml", "a", encoding="utf-8") as faq:
            faq.write("""
  coffee:
    phrasings:
      nl: [waar kan ik koffie halen, is er een koffieautomaat, mag ik een kopje koffie]
      en: [where can i get coffee, is there a coffee machine, can i have a coffee]
    answer:
      nl: De koffieautomaat staat naast de wachtruimte.
      en: The coffee machine is next to the waiting area.
""")
        saved = time.monotonic()
        assert reloaded.wait(2.0)
        found = index_for(store.current.faq).match("waar kan ik een kopje koffie halen", "nl")
        assert time.monotonic() - saved < 2.0
        assert found is not None and found.key == "coffee"
    finally:
        store.close()


def _examples(lang: str, intent: str) -> list[str]:
    import re

    for item in yaml.safe_load((NLU / f"{lang}.yml").read_text())["nlu"]:
        if item.get("intent") == intent:
            lines = [line[2:].strip() for line in item["examples"].splitlines() if line.strip()]
            return [re.sub(r"\[([^\]]+)\]\{[^}]*\}|\[([^\]]+)\]\([^)]*\)", lambda m: m.group(1) or m.group(2), line)
                    for line in lines]
    return []


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("intent", ["check_in", "inform_name", "inform_time", "inform_booking_code", "dont_know"])
def test_appointment_sentences_are_never_taken_for_a_practical_question(lang, intent):
    """Only out_of_scope / not-understood turns reach the matcher; even if a check-in sentence (or a name, a time,
    a code) did, it stays what it is."""
    index = FaqIndex(load_content(LOCALES).faq)
    sentences = _examples(lang, intent)
    assert sentences
    stolen = {s: index.match(s, lang).key for s in sentences if index.match(s, lang)}
    assert stolen == {}
