"""A conversation script's mistakes are named at their lines, all at once (`elvie converse --script`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from robot.commands.script import ScriptError, load_script

BROKEN = """name: broken
lang: xx
turns:
  - say: hallo
  - sensor: {name: Nose, times: 99}
  - touch: 3
  - wait: soon
  - audio: nothere.wav
  - say: hallo
    expect: {intnet: greet}
  - 5
"""


def test_every_mistake_is_named_at_its_line(tmp_path):
    script = tmp_path / "broken.yml"
    script.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ScriptError) as info:
        load_script(script)
    lines = str(info.value).splitlines()
    assert [line.split(":")[1] for line in lines] == ["5", "6", "7", "8", "10", "11", "2"]
    assert "unknown sensor 'Nose'" in lines[0] and "times must be a whole number from 1 to 50" in lines[0]
    assert "unknown expectation 'intnet' (did you mean 'intent'?)" in lines[4]
    assert lines[6].endswith("lang must be one of nl, en, not 'xx'")


def test_a_good_script_loads():
    script = load_script(Path(__file__).parents[1] / "conversations" / "checkin_nl.yml")
    assert script.lang == "nl" and script.turns[0].kind == "say"
