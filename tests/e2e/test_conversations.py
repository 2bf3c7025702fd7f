"""Every scripted conversation (tests/conversations/*.yml) through `elvie converse`, the real CLI,
against the shared stack: the engine and a virtual Pepper per script, Rasa, actions and the Qmatic emulator.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).resolve().parents[1] / "conversations").glob("*.yml"))


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_conversation(script, converse_env):
    run = subprocess.run([sys.executable, "-m", "robot.cli", "converse", "--script", str(script), "--json"],
                         capture_output=True, text=True, env=converse_env, timeout=240)
    turns = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    failed = [t for t in turns if t.get("failed")]
    report = "\n".join(f"turn {t['turn']}: {t['failed']} (said: {t.get('say')})" for t in failed)
    assert run.returncode == 0, f"{script.name}:\n{report}\n{run.stderr[-2000:]}"
    assert len(turns) == len(__import__("yaml").safe_load(script.read_text())["turns"])
    for turn in turns:  # the JSON a developer gets has every field the issue names
        assert {"turn", "lang", "intent", "confidence", "entities", "say", "screen", "gestures", "qmatic", "ticket",
                "handover"} <= set(turn)


TIME_PATTERNS = {"naive": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$",
                 "utc": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$",
                 "offset": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$"}


@pytest.mark.slow
def test_the_emulator_answers_in_the_format_this_run_selected(stack):
    """The suite runs once per format (ELVIE_QMATIC_TIME_FORMAT, ELVIE_QMATIC_NUMERIC_STATUS): make sure
    the emulator really answers in it, as Orchestra and the calendar API do."""
    import os
    import re

    import requests

    from robot.stack import EMULATOR_PASSWORD, EMULATOR_USER

    mode = os.environ.get("ELVIE_QMATIC_TIME_FORMAT", "naive")
    numeric = os.environ.get("ELVIE_QMATIC_NUMERIC_STATUS", "") not in ("", "0", "false")
    base, auth = stack["urls"].qmatic, (EMULATOR_USER, EMULATOR_PASSWORD)
    today = requests.get(f"{base}/rest/appointment/appointments/search", auth=auth, timeout=5,
                         params={"branchId": 1, "fromDate": "2000-01-01", "toDate": "2100-01-01"}).json()
    assert today and all(re.match(TIME_PATTERNS[mode], a["startTime"]) for a in today), today[0]["startTime"]
    code = next(a["properties"]["publicId"] for a in today if a["properties"].get("publicId"))
    calendar = requests.get(f"{base}/calendar-backend/api/v1/appointments/publicid/{code}", auth=auth,
                            timeout=5).json()["appointment"]
    assert isinstance(calendar["status"], int) == numeric
    assert "qpId" not in calendar["branch"] and all("qpId" not in s for s in calendar["services"])


@pytest.mark.parametrize("given, message", [("folder", "this is a folder; give the path of a .yml file in it"),
                                            ("missing.yml", "file not found")])
def test_a_script_path_that_is_not_a_file_is_a_clear_error(tmp_path, given, message):
    (tmp_path / "folder").mkdir()
    path = tmp_path / given
    run = subprocess.run([sys.executable, "-m", "robot.cli", "converse", "--script", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip() == f"ERROR: {path}:1: {message}"
