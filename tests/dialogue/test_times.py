from datetime import datetime

import pytest

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
])
def test_spoken_times_are_understood(text, expected):
    assert expected in parse_times(text)


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
