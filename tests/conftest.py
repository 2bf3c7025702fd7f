"""Shared fixtures. Every qi session, server and thread started here is stopped in `finally`."""
from __future__ import annotations

import os

import pytest

from core.paths import REPO_ROOT

os.environ.setdefault("ELVIE_LOG_DIR", str(REPO_ROOT / "var" / "log" / "tests"))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture
def virtual_pepper():
    from simulator.robot import SimulatorSettings, VirtualPepper

    robot = VirtualPepper(SimulatorSettings(port=0, time_scale=0.02))
    robot.start()
    try:
        yield robot
    finally:
        robot.stop()
