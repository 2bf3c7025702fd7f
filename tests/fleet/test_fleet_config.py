"""The fleet file: hosts' mistakes are named with file, line and a likely fix; `elvie check` reports them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from robot.fleet.config import FleetInvalid, load_fleet

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
robots:
  stadhuis:
    naoqi: tcp://192.168.10.21:9559
    qmatic_branch: 1
    location: Servicecentrum, Stadhuis
    language: nl
    tablet: 192.168.10.5:8711
  noord:
    naoqi: virtual
    qmatic_branch: 2
    location: Servicepunt Noord
    language: en
status_port: 8790
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fleet.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(FleetInvalid) as caught:
        load_fleet(write(tmp_path, text), ("nl", "en"))
    return [str(p) for p in caught.value.problems]


def test_a_good_fleet_file_lists_its_robots(tmp_path):
    fleet = load_fleet(write(tmp_path, GOOD), ("nl", "en"))
    stadhuis, noord = fleet.robots
    assert (stadhuis.id, stadhuis.naoqi, stadhuis.qmatic_branch, stadhuis.tablet_host, stadhuis.engine_port) == \
        ("stadhuis", "tcp://192.168.10.21:9559", 1, "192.168.10.5", 8711)
    assert noord.virtual and noord.language == "en" and noord.engine_port is None
    assert fleet.status_port == 8790 and fleet.recognition_workers == 1


def test_a_misspelt_key_is_named_at_its_line_with_a_suggestion(tmp_path):
    found = problems(tmp_path, GOOD.replace("    qmatic_branch: 2", "    qmatic_brnch: 2"))
    assert any(p.startswith(f"{tmp_path / 'fleet.yml'}:10:") and "unknown key 'qmatic_brnch'" in p
               and "did you mean 'qmatic_branch'" in p for p in found), found
    assert any("has no 'qmatic_branch'" in p for p in found)


def test_a_wrong_language_and_a_bad_naoqi_address_are_explained(tmp_path):
    text = GOOD.replace("language: en", "language: eng").replace("tcp://192.168.10.21:9559", "virtul")
    found = problems(tmp_path, text)
    assert any(":12:" in p and "language 'eng'" in p and "did you mean 'en'" in p for p in found), found
    assert any(":3:" in p and "naoqi 'virtul'" in p and "did you mean 'virtual'" in p for p in found), found


def test_a_real_pepper_needs_a_tablet_address_and_robots_do_not_share_one(tmp_path):
    missing = problems(tmp_path, GOOD.replace("    tablet: 192.168.10.5:8711\n", ""))
    assert any(":2:" in p and "give 'tablet: HOST:PORT'" in p for p in missing), missing
    twice = GOOD.replace("    naoqi: virtual", "    naoqi: tcp://192.168.10.21:9559\n    tablet: 192.168.10.5:8711")
    found = problems(tmp_path, twice)
    assert any("is robot 'stadhuis' already" in p for p in found) and any("port 8711" in p for p in found), found


def test_a_broken_yaml_file_names_its_line(tmp_path):
    found = problems(tmp_path, GOOD.replace("  noord:\n", "  noord\n"))
    assert found and found[0].startswith(str(tmp_path / "fleet.yml") + ":")


def test_elvie_check_reports_the_fleet_file(tmp_path):
    path = write(tmp_path, GOOD.replace("status_port: 8790", "status_prt: 8790"))
    env = dict(os.environ, ELVIE_FLEET=str(path))
    run = subprocess.run([sys.executable, "-m", "robot.cli", "check"], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert run.returncode == 1
    assert f"{path}:13: unknown setting 'status_prt'; did you mean 'status_port'?" in run.stdout
    write(tmp_path, GOOD)
    run = subprocess.run([sys.executable, "-m", "robot.cli", "check"], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert run.returncode == 0 and "Fleet OK: 2 robot(s)" in run.stdout, run.stdout + run.stderr


def test_elvie_fleet_refuses_a_broken_fleet_file_before_starting_anything(tmp_path):
    path = write(tmp_path, GOOD.replace("language: en", "language: english"))
    run = subprocess.run([sys.executable, "-m", "robot.cli", "fleet", "--fleet", str(path)], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert f"{path}:12: robot 'noord': language 'english'" in run.stderr and "nothing was started" in run.stderr
