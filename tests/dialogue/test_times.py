import shutil
from datetime import datetime

import pytest

from core.paths import CONTENT_DIR
from dialogue.times import closest, join_words, parse_times, say_time


@pytest.mark.parametrize("text, expected", [
    ("om half tien", 9 * 60 + 30),
    ("half 10", 9 * 60 + 30),
    ("kwart over twee", 14 * 60 + 15),
    ("kwart voor drie", 14 * 60 + 45),
    ("tien voor half elf", 10 * 60 + 20),
    ("vijf over half twee", 13 * 60 + 35),
    ("om 10 uur", 10 * 60),
    ("14.30", 14 * 60 + 30),
    ("at half past nine", 9 * 60 + 30),
    ("quarter to three", 14 * 60 + 45),
    ("my appointment is at 10:45", 10 * 60 + 45),
    ("2 pm", 14 * 60),
    ("ten thirty", 10 * 60 + 30),
    ("nine o'clock", 9 * 60),
    ("tien over half elf", 10 * 60 + 40),
    ("vijf minuten voor tien", 9 * 60 + 55),
    ("ten to three", 14 * 60 + 50),
    ("12 pm", 12 * 60),
    ("at twenty past eleven", 11 * 60 + 20),
])
def test_spoken_times_are_understood(text, expected):
    assert expected in parse_times(text)


def test_a_time_is_read_once_in_its_longest_phrase():
    assert parse_times("tien voor half elf") == [10 * 60 + 20, 22 * 60 + 20]  # not also 'half elf' (10:30)


def test_a_language_brings_its_own_time_phrases(tmp_path, monkeypatch):
    """A new language's language.yml is all it takes for Elvie to read its times."""
    locales = tmp_path / "locales"
    shutil.copytree(CONTENT_DIR, locales)
    (locales / "tr").mkdir()
    (locales / "tr" / "language.yml").write_text((locales / "en" / "language.yml").read_text(encoding="utf-8").replace(
        "time_phrases:", 'time_phrases:\n  "saat {h} buçuk": "h:30"').replace(
        "numbers: {", "numbers: {dokuz: 9, "), encoding="utf-8")
    monkeypatch.setenv("ELVIE_CONTENT_DIR", str(locales))
    assert parse_times("saat dokuz buçuk") == [9 * 60 + 30, 21 * 60 + 30]


def test_no_time_in_plain_text():
    assert parse_times("ik heb een afspraak") == []


def test_closest_picks_the_matching_appointment():
    targets = [9 * 60 + 30, 10 * 60 + 15, 14 * 60]
    assert closest(parse_times("half tien"), targets) == 0
    assert closest(parse_times("om twee uur"), targets) == 2
    assert closest(parse_times("om vier uur"), targets) is None


def test_times_are_said_the_local_way():
    moment = datetime(2026, 11, 24, 9, 30)
    assert say_time(moment, "nl") == "9.30 uur"
    assert say_time(moment, "en") == "9:30"
    assert join_words(["9.30 uur", "10.15 uur", "14.00 uur"], "nl") == "9.30 uur, 10.15 uur of 14.00 uur"
