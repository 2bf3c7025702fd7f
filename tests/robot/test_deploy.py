"""The robot server's one-command install: the systemd unit it writes restarts after a crash and stops
the whole control group, runs `elvie run` from this checkout, never as root, and systemd accepts it."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "scripts" / "install-robot-server.sh"


def unit_for(user: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(INSTALL), "--print", "--user", user], capture_output=True, text=True, timeout=30)


def test_the_unit_restarts_on_failure_and_stops_everything_together():
    result = unit_for("nobody")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for directive in ("Restart=on-failure", "KillMode=control-group", f"ExecStart={REPO}/.venv/bin/elvie run",
                      f"WorkingDirectory={REPO}", "User=nobody", f"EnvironmentFile=-{REPO}/.env",
                      "ExecReload=/bin/kill -HUP $MAINPID"):
        assert directive in lines, directive
    assert "@" not in result.stdout.replace("$MAINPID", "")  # every placeholder filled in


def test_it_never_runs_elvie_as_root():
    result = unit_for("root")
    assert result.returncode != 0 and "does not run as root" in result.stderr


def test_an_unknown_user_is_named():
    result = unit_for("no-such-elvie-user")
    assert result.returncode != 0 and "no user 'no-such-elvie-user'" in result.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path):
    unit = tmp_path / "elvie.service"
    unit.write_text(unit_for("nobody").stdout)
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    problems = [line for line in result.stderr.splitlines() if "elvie.service" in line and "nobody" not in line]
    assert result.returncode == 0 and problems == [], result.stderr
