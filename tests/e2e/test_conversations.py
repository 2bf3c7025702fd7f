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


@pytest.mark.parametrize("given, message", [("folder", "this is a folder; give the path of a .yml file in it"),
                                            ("missing.yml", "file not found")])
def test_a_script_path_that_is_not_a_file_is_a_clear_error(tmp_path, given, message):
    (tmp_path / "folder").mkdir()
    path = tmp_path / given
    run = subprocess.run([sys.executable, "-m", "robot.cli", "converse", "--script", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip() == f"ERROR: {path}:1: {message}"
