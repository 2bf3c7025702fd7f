"""Hosts' mistakes in the content files are reported precisely (file:line: message)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from dialogue.content.loader import load_content

from .conftest import LOCALES, edit, problems


def test_the_shipped_content_is_valid():
    content = load_content(LOCALES)
    assert content.languages == ("nl", "en")
    assert content.services["paspoort"].documents[1].document == "pasfoto"


def test_yaml_syntax_error_names_file_and_line(locales):
    line = edit(locales / "services.yml", "    walk_in: false\n", "    walk_in: false\n   bad indent: [\n")
    found = problems(locales)
    assert any(p.startswith("locales/services.yml:") and "not valid YAML" in p for p in found), found
    assert int(found[0].split(":")[1]) in range(line, line + 3)


def test_tabs_get_a_hint(locales):
    edit(locales / "handover.yml", "attempts_before_host: 3", "attempts_before_host:\t3\n\tbad: 1")
    assert any("tabs" in p or "YAML" in p for p in problems(locales))


def test_unknown_document_reference_suggests_the_near_miss(locales):
    line = edit(locales / "services.yml", "      - document: pasfoto\n        if_missing: new_appointment\n  id_kaart",
                "      - document: pasfotoo\n        if_missing: new_appointment\n  id_kaart")
    found = problems(locales)
    assert f"locales/services.yml:{line}: service 'paspoort' needs document 'pasfotoo', which is not in " \
           f"documents.yml (did you mean 'pasfoto'?)" in found


def test_missing_translation(locales):
    line = edit(locales / "documents.yml", "      en: your CV\n", "")
    found = problems(locales)
    assert any(p.startswith("locales/documents.yml:") and "has no 'en' translation" in p for p in found), found


def test_response_missing_in_one_language(locales):
    edit(locales / "en" / "responses.yml", "utter_thank:", "utter_thanks:")
    found = problems(locales)
    assert any("response 'utter_thank' is missing in en" in p for p in found)
    assert any("response 'utter_thanks' is missing in nl" in p for p in found)


def test_unknown_gesture_is_an_error_with_suggestion(locales):
    line = edit(locales / "nl" / "responses.yml", "  gesture: wave\n  screen: welcome\nutter_ask_name",
                "  gesture: wavee\n  screen: welcome\nutter_ask_name")
    found = problems(locales)
    assert any(p.startswith(f"locales/nl/responses.yml:{line}: unknown gesture 'wavee' (did you mean 'wave'?)")
               for p in found), found


def test_unknown_screen_and_placeholder(locales):
    edit(locales / "en" / "responses.yml", "Your number is {ticket}.", "Your number is {tiket}.")
    edit(locales / "en" / "responses.yml", "  screen: goodbye", "  screen: goodby")
    found = problems(locales)
    assert any("unknown placeholder {tiket} (did you mean 'ticket'?)" in p for p in found)
    assert any("unknown screen 'goodby' (did you mean 'goodbye'?)" in p for p in found)


def test_placeholders_must_match_across_languages(locales):
    edit(locales / "en" / "responses.yml", "Your number is {ticket}. {waiting}", "You are checked in. {waiting}")
    assert any("response 'utter_checked_in' in en lacks {ticket}" in p for p in problems(locales))


def test_duplicate_keys_are_reported_not_silently_overwritten(locales):
    text = (locales / "documents.yml").read_text(encoding="utf-8")
    (locales / "documents.yml").write_text(text + "  cv:\n    name: {nl: cv, en: CV}\n", encoding="utf-8")
    found = problems(locales)
    assert any("'cv' appears twice here" in p for p in found), found


def test_bad_values(locales):
    edit(locales / "services.yml", "      - document: ontvangstbewijs\n        if_missing: proceed", "      - document: ontvangstbewijs\n        if_missing: procede")
    edit(locales / "opening_hours.yml", "friday: 09:00-17:00", "friday: 17:00-09:00")
    edit(locales / "handover.yml", "attempts_before_host: 3", "attempts_before_host: 1")
    edit(locales / "services.yml", "qmatic_service_ids: [10]", "qmatic_service_ids: [9]")
    found = problems(locales)
    assert any("if_missing should be one of proceed, reception, new_appointment, not 'procede' "
               "(did you mean 'proceed'?)" in p for p in found)
    assert any("closing time 09:00 is not after opening 17:00" in p for p in found)
    assert any("attempts_before_host should be larger" in p for p in found)
    assert any("Qmatic service id 9 is already used by service 'training_solliciteren'" in p for p in found)


def test_elvie_check_reports_and_fails(locales):
    edit(locales / "nl" / "tablet.yml", "btn_yes: Ja\n", "")
    run = subprocess.run([sys.executable, "-m", "robot.cli", "check", "--content", str(locales)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "tablet text 'btn_yes' is missing in nl" in run.stdout
    ok = subprocess.run([sys.executable, "-m", "robot.cli", "check"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Content OK" in ok.stdout


@pytest.mark.parametrize("name", ["documents.yml", "services.yml", "locations.yml", "opening_hours.yml"])
def test_one_tab_is_one_problem_at_its_line_not_a_cascade(locales, name):
    """A file that does not parse is one problem; the checks that depend on it wait until it does."""
    path = locales / name
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("  ") and line.strip()[:1].isalpha())
    lines[index] = "\t" + lines[index][2:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems(locales)
    assert len(found) == 1 and found[0].startswith(f"locales/{name}:{index + 1}: this is not valid YAML")
    assert "use spaces, not tabs" in found[0]
