"""NAOqi 2.9 mode: Elvie's own connection code reaches the virtual Pepper over tcps with user and password."""
from __future__ import annotations

import time

import pytest
import qi

from robot.events import VisitorEvent
from robot.naoqi.body import NaoqiBody
from robot.naoqi.connection import RobotConnection, RobotSettings, RobotUnavailable
from simulator.robot import SimulatorSettings, VirtualPepper


@pytest.fixture
def pepper29():
    robot = VirtualPepper(SimulatorSettings(port=0, time_scale=0.02, user="nao", password="s3cret-Pepper"))
    robot.start()
    try:
        yield robot
    finally:
        robot.stop()


def test_the_robot_listens_on_tcps_only(pepper29):
    assert pepper29.url.startswith("tcps://127.0.0.1:")


def test_elvie_connects_with_user_and_password_and_drives_the_body(pepper29):
    events: list[VisitorEvent] = []
    body = NaoqiBody(RobotConnection(RobotSettings(url=pepper29.url, user="nao", password="s3cret-Pepper",
                                                   first_backoff_s=0.1)))
    body.start(events.append, attempts=2)
    try:
        body.speak("Goedemorgen", "nl", "wave")
        assert pepper29.state.read(lambda s: s.spoken[-1].text) == "Goedemorgen"
        pepper29.touch("head_front")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any(e.kind == "touch" for e in events):
            time.sleep(0.02)
        assert any(e.kind == "touch" for e in events)
    finally:
        body.close()


@pytest.mark.parametrize("user, password", [("nao", "wrong"), ("root", "s3cret-Pepper")])
def test_wrong_credentials_are_refused(pepper29, user, password):
    connection = RobotConnection(RobotSettings(url=pepper29.url, user=user, password=password))
    with pytest.raises(RobotUnavailable):
        connection.connect()
    connection.close()
    assert pepper29.gate.refused >= 1


def test_a_client_without_credentials_is_refused(pepper29):
    session = qi.Session()
    with pytest.raises(RuntimeError):
        session.connect(pepper29.url)
    session.close()
    assert pepper29.gate.refused >= 1
