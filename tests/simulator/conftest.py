"""Fixtures for the virtual Pepper's own tests: a robot on a fake clock and a qi client session."""
from __future__ import annotations

import threading
import time

import pytest
import qi

from simulator.clock import FakeClock
from simulator.robot import SimulatorSettings, VirtualPepper


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def pepper(clock):
    robot = VirtualPepper(SimulatorSettings(port=0, time_scale=1.0, clock=clock, realtime_audio=True))
    robot.start()
    try:
        yield robot
    finally:
        robot.stop()


@pytest.fixture
def session(pepper):
    client = qi.Session()
    client.connect(pepper.url)
    try:
        yield client
    finally:
        client.close()


def in_background(call, *args):
    """Run a blocking robot call on a thread; returns (thread, result holder)."""
    result: dict = {}

    def run():
        try:
            result["value"] = call(*args)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            result["error"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def advance_until(clock, condition, step=0.1, limit=60.0):
    """Advance the fake clock in steps until `condition()` holds (or `limit` seconds of robot time)."""
    spent = 0.0
    while not condition() and spent < limit:
        clock.advance(step)
        spent += step
        time.sleep(0.005)
    return condition()
