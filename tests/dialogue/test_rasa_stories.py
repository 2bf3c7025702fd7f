"""`rasa test core` on the test stories: the policy predicts every action of every story."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dialogue.training import REPO_ROOT, ensure_model, rasa_env, rasa_executable


@pytest.mark.slow
def test_rasa_test_stories_pass(tmp_path):
    model = ensure_model()
    stories = REPO_ROOT / "dialogue" / "tests" / "test_stories.yml"
    run = subprocess.run([rasa_executable(), "test", "core", "--stories", str(stories), "-m", str(model),
                          "--out", str(tmp_path), "--no-plot", "--fail-on-prediction-errors"],
                         capture_output=True, text=True, env=rasa_env(), cwd=REPO_ROOT, timeout=600)
    failed = (tmp_path / "failed_test_stories.yml")
    report = failed.read_text() if failed.exists() else ""
    assert run.returncode == 0, report[-3000:] or run.stdout[-3000:] + run.stderr[-3000:]
