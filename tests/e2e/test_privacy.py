"""No names, dates of birth or booking codes in any log or file Elvie writes (AVG/GDPR)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ["Wilhelmina", "Zwanenburg", "1957-03-14", "1955-09-30", "PV7731", "PV7732", "14-03-1957"]
NOT_ELVIES_OUTPUT = ("rasa-cache", "speech-clips")  # caches of training data and benchmark clips


@pytest.mark.slow
def test_nothing_personal_is_written(converse_env, tmp_path):
    log_dir = tmp_path / "logs"
    env = dict(converse_env, ELVIE_LOG_DIR=str(log_dir), ELVIE_LOG_LEVEL="DEBUG")
    started = time.time()
    script = ROOT / "tests" / "conversations" / "privacy_checkin.yml"
    run = subprocess.run([sys.executable, "-m", "robot.cli", "converse", "--script", str(script), "--json"],
                         capture_output=True, text=True, env=env, timeout=240)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    written = [p for p in log_dir.rglob("*") if p.is_file()]
    written += [p for p in (ROOT / "var").rglob("*") if p.is_file() and p.stat().st_mtime >= started
                and not any(part in NOT_ELVIES_OUTPUT for part in p.parts)]
    assert any(p.name == "converse.log" for p in written), "the engine should have written its log"
    leaks = []
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{path.name}: {secret}" for secret in SECRETS if secret.lower() in text.lower()]
    assert not leaks, leaks
    # the shared stack's own logs (Rasa, actions, emulator) are scanned too
    shared = Path(os.environ.get("ELVIE_LOG_DIR", ROOT / "var" / "log" / "tests"))
    for path in shared.glob("*.log"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not [s for s in SECRETS if s.lower() in text.lower()], path.name
