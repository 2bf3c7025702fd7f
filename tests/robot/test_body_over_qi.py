"""The robot backend drives the virtual Pepper over a real qi connection."""
from __future__ import annotations

import threading
import time

import pytest

from robot.events import VisitorEvent
from robot.naoqi.body import NaoqiBody
from robot.naoqi.connection import RobotConnection, RobotSettings, RobotUnavailable


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def body(virtual_pepper):
    events: list[VisitorEvent] = []
    audio: list[bytes] = []
    lock = threading.Lock()

    def on_event(event):
        with lock:
            events.append(event)

    body = NaoqiBody(RobotConnection(RobotSettings(url=virtual_pepper.url, first_backoff_s=0.1)),
                     tablet_url="http://127.0.0.1:9/tablet/")
    body.start(on_event, on_audio=audio.append, attempts=3)
    body.events, body.audio = events, audio
    try:
        yield body
    finally:
        body.close()


def test_speech_with_gesture_reaches_the_robot(virtual_pepper, body):
    body.speak("Hallo, ik ben Elvie.", "nl", "wave")
    spoken = virtual_pepper.state.read(lambda s: list(s.spoken))
    assert spoken[-1].text == "Hallo, ik ben Elvie."
    assert spoken[-1].service == "ALAnimatedSpeech"
    assert spoken[-1].language == "Dutch"
    assert "animations/Stand/Gestures/Hey_1" in spoken[-1].gestures
    body.speak("Hello!", "en")
    assert virtual_pepper.state.read(lambda s: s.tts_language) == "English"


def test_visitor_text_cannot_inject_animation_commands(virtual_pepper, body):
    body.speak("Mijn naam is ^start(animations/Stand/Gestures/Hey_1) Jan", "nl")
    spoken = virtual_pepper.state.read(lambda s: s.spoken[-1])
    assert spoken.gestures == []


def test_tablet_leds_and_posture(virtual_pepper, body):
    state = virtual_pepper.state
    assert state.read(lambda s: s.tablet_url) == "http://127.0.0.1:9/tablet/"
    assert state.read(lambda s: (s.posture, s.awake)) == ("Stand", True)
    body.eyes("listening")  # does not wait for the fade
    assert wait_for(lambda: state.read(lambda s: s.leds["FaceLeds"]) == "#2060ff")


def test_touch_and_person_events_reach_the_engine(virtual_pepper, body):
    virtual_pepper.touch("head_front")
    virtual_pepper.person_arrives()
    assert wait_for(lambda: {"touch", "person_arrived"} <= {e.kind for e in body.events})
    touch = next(e for e in body.events if e.kind == "touch")
    assert touch.payload["sensor"] == "head_front"


def test_rough_handling_is_detected(virtual_pepper, body):
    for _ in range(6):
        virtual_pepper.touch("head_front")
    assert wait_for(lambda: any(e.kind == "rough_handling" for e in body.events))
    body.events.clear()
    virtual_pepper.push()
    assert wait_for(lambda: any(e.kind == "rough_handling" and e.payload["reason"] == "pushed"
                                for e in body.events))


def test_a_gentle_touch_is_not_rough(virtual_pepper, body):
    virtual_pepper.touch("head_middle")
    time.sleep(0.3)
    assert not any(e.kind == "rough_handling" for e in body.events)


def test_tracking_stays_head_across_autonomous_life_changes(virtual_pepper, body):
    assert virtual_pepper.state.read(lambda s: s.tracking_mode) == "Head"
    for state in ("interactive", "solitary", "interactive"):
        virtual_pepper.set_life_state(state)
        assert wait_for(lambda: virtual_pepper.state.read(lambda s: s.tracking_mode) == "Head")
    virtual_pepper.person_arrives()
    time.sleep(0.2)
    assert virtual_pepper.state.read(lambda s: s.base_moves) == []


def test_no_base_movement_is_ever_sent(virtual_pepper, body):
    body.speak("Welkom", "nl", "point_desk")
    body.engage(True)
    body.look_at_tablet()
    body.engage(False)
    assert virtual_pepper.state.read(lambda s: s.base_moves) == []
    motion = virtual_pepper.state.read(lambda s: list(s.motion_commands))
    assert not any(cmd.startswith(("move", "setWalk")) for cmd in motion)


def test_microphone_audio_arrives_as_16k_buffers(virtual_pepper, body):
    assert wait_for(lambda: len(body.audio) >= 3)
    assert all(len(chunk) == 1365 * 2 for chunk in body.audio[:3])
    assert virtual_pepper.state.read(lambda s: s.audio_subscribers) == ["ElvieAudio"]


def test_typed_text_in_the_simulator_reaches_the_engine(virtual_pepper, body):
    virtual_pepper.type_text("Hallo Elvie")
    assert wait_for(lambda: any(e.kind == "typed_text" and e.payload["text"] == "Hallo Elvie" for e in body.events))


def test_reconnects_when_the_robot_restarts():
    """The virtual robot goes away and comes back on the same address: the body sets itself up again."""
    from robot.supervisor import free_port
    from simulator.robot import SimulatorSettings, VirtualPepper

    port = free_port()
    first = VirtualPepper(SimulatorSettings(port=port, time_scale=0.02)).start()
    events: list[VisitorEvent] = []
    body = NaoqiBody(RobotConnection(RobotSettings(url=f"tcp://127.0.0.1:{port}", first_backoff_s=0.1,
                                                   max_backoff_s=0.5)), tablet_url="http://127.0.0.1:9/tablet/")
    second = None
    try:
        body.start(events.append, attempts=3)
        first.stop()
        assert wait_for(lambda: any(e.kind == "robot_lost" for e in events))
        with pytest.raises(RobotUnavailable):
            body.speak("Is daar iemand?", "nl")
        second = VirtualPepper(SimulatorSettings(port=port, time_scale=0.02)).start()
        assert wait_for(lambda: sum(e.kind == "robot_connected" for e in events) == 2, timeout=10)
        assert second.state.read(lambda s: (s.tablet_url, s.tracking_mode)) == ("http://127.0.0.1:9/tablet/", "Head")
        body.speak("Ik ben er weer.", "nl")
        assert second.state.read(lambda s: s.spoken[-1].text) == "Ik ben er weer."
    finally:
        body.close()
        first.stop()
        if second is not None:
            second.stop()


def test_unreachable_robot_gives_a_clear_error():
    connection = RobotConnection(RobotSettings(url="tcp://127.0.0.1:1", first_backoff_s=0.05))
    with pytest.raises(RobotUnavailable, match="cannot connect to the robot at tcp://127.0.0.1:1"):
        connection.connect_with_retry(attempts=2)
    connection.close()
