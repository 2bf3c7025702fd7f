"""What each group of the virtual Pepper keeps and does, observed over qi as a client sees it."""
from __future__ import annotations

import math
import time

import pytest

from .conftest import advance_until, in_background


def wait_for(condition, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# ---------------------------------------------------------------- errors and surface
def test_errors_look_like_naoqi_without_traceback_or_paths(session):
    memory = session.service("ALMemory")
    with pytest.raises(RuntimeError) as error:
        memory.getData("No/Such/Key")
    message = str(error.value)
    assert message.startswith("ALMemory::getData\n\t")
    assert "No/Such/Key" in message
    assert "Traceback" not in message and "/work" not in message and ".py" not in message


def test_an_unexpected_failure_is_still_naoqi_shaped(session):
    with pytest.raises(RuntimeError) as error:
        session.service("ALMotion").setAngles("NoSuchJoint", 0.1, 0.5)
    assert str(error.value).startswith("ALMotion::setAngles\n\t")
    assert ".py" not in str(error.value)


def test_generic_module_methods(session):
    tts = session.service("ALTextToSpeech")
    assert tts.ping() is True
    assert tts.version().startswith("2.")
    assert "say" in tts.getMethodList()
    assert "say" in tts.getUsage("say")


# ---------------------------------------------------------------- memory
def test_memory_as_on_the_robot(session):
    memory = session.service("ALMemory")
    memory.declareEvent("Test/Event")
    assert "Test/Event" in memory.getEventList()
    received = []
    subscriber = memory.subscriber("Test/Event")
    subscriber.signal.connect(received.append)
    memory.raiseEvent("Test/Event", [1, "two"])
    assert wait_for(lambda: received == [[1, "two"]])
    memory.insertData("Test/Value", 3.5)
    memory.insertListData([["Test/A", 1], ["Test/B", "b"]])
    assert memory.getData("Test/Value") == 3.5
    assert memory.getListData(["Test/A", "Test/B"]) == [1, "b"]
    assert set(memory.getDataList("Test/")) >= {"Test/A", "Test/B", "Test/Value", "Test/Event"}
    assert "Test/A" in memory.getDataListName()
    memory.removeData("Test/A")
    assert "Test/A" not in memory.getDataListName()


def test_get_data_on_change_waits_for_the_next_value(session):
    memory = session.service("ALMemory")
    memory.insertData("Test/Changing", 1)
    thread, result = in_background(memory.getDataOnChange, "Test/Changing", 0)
    time.sleep(0.2)
    assert thread.is_alive()
    memory.insertData("Test/Changing", 2)
    thread.join(3)
    assert result == {"value": 2}


# ---------------------------------------------------------------- motion
def test_set_angles_moves_the_joint_over_time(pepper, session, clock):
    motion = session.service("ALMotion")
    thread, _ = in_background(motion.wakeUp)
    assert advance_until(clock, lambda: not thread.is_alive())
    motion.setAngles("HeadYaw", 1.0, 0.1)  # 10 % of 7.33 rad/s: ~1.4 s
    clock.advance(0.5)
    halfway = motion.getAngles("HeadYaw", True)[0]
    assert 0.2 < halfway < 0.8
    clock.advance(1.5)
    assert motion.getAngles("HeadYaw", True)[0] == pytest.approx(1.0, abs=1e-3)
    assert pepper.state.read(lambda s: s.joints["HeadYaw"]) == pytest.approx(1.0, abs=1e-3)


def test_angle_interpolation_follows_its_times_and_blocks(session, clock):
    motion = session.service("ALMotion")
    thread, _ = in_background(motion.wakeUp)
    assert advance_until(clock, lambda: not thread.is_alive())
    thread, _ = in_background(motion.angleInterpolation, ["HeadYaw"], [[0.5, -0.5]], [[1.0, 3.0]], True)
    time.sleep(0.1)
    clock.advance(1.0)
    assert motion.getAngles("HeadYaw", True)[0] == pytest.approx(0.5, abs=1e-3)
    assert thread.is_alive()
    clock.advance(1.0)
    assert motion.getAngles("HeadYaw", True)[0] == pytest.approx(0.0, abs=1e-3)
    clock.advance(1.1)
    thread.join(2)
    assert not thread.is_alive()
    assert motion.getAngles("HeadYaw", True)[0] == pytest.approx(-0.5, abs=1e-3)


def test_limp_joints_do_not_move(session, clock):
    motion = session.service("ALMotion")
    motion.setStiffnesses("Head", 0.0)
    motion.setAngles("HeadYaw", 1.0, 1.0)
    clock.advance(2)
    assert motion.getAngles("HeadYaw", True)[0] == pytest.approx(0.0)
    assert motion.getStiffnesses("Head") == [0.0, 0.0]


def test_move_to_updates_the_base_pose(session, clock):
    motion = session.service("ALMotion")
    thread, _ = in_background(motion.wakeUp)
    assert advance_until(clock, lambda: not thread.is_alive())
    thread, result = in_background(motion.moveTo, 1.0, 0.0, math.pi / 2)
    time.sleep(0.1)
    clock.advance(1.0)
    x, _, _ = motion.getRobotPosition(True)
    assert 0.2 < x < 0.5
    assert motion.moveIsActive()
    assert advance_until(clock, lambda: not thread.is_alive())
    assert result["value"] is True
    x, y, theta = motion.getRobotPosition(True)
    assert (x, y, theta) == pytest.approx((1.0, 0.0, math.pi / 2), abs=1e-3)
    motion.move(0.2, 0.0, 0.0)  # now facing +y: moves along the world's y axis
    clock.advance(2.0)
    x, y, _ = motion.getRobotPosition(True)
    assert (x, y) == pytest.approx((1.0, 0.4), abs=1e-3)
    motion.stopMove()
    clock.advance(2.0)
    assert motion.getRobotPosition(True)[1] == pytest.approx(0.4, abs=1e-3)


def test_postures_and_rest(session, clock):
    posture, motion = session.service("ALRobotPosture"), session.service("ALMotion")
    assert set(posture.getPostureList()) >= {"Stand", "StandInit", "StandZero", "Crouch"}
    thread, result = in_background(posture.goToPosture, "StandZero", 0.8)
    assert advance_until(clock, lambda: not thread.is_alive())
    assert result["value"] is True
    assert posture.getPosture() == "StandZero" and posture.getPostureFamily() == "Standing"
    assert motion.getAngles("HeadPitch", True)[0] == pytest.approx(0.0, abs=1e-3)
    assert posture.goToPosture("Sit", 0.5) is False
    thread, _ = in_background(motion.rest)
    assert advance_until(clock, lambda: not thread.is_alive())
    assert not motion.robotIsWakeUp() and posture.getPosture() == "Crouch"


# ---------------------------------------------------------------- LEDs
def test_leds_remember_colour_and_intensity(pepper, session, clock):
    leds = session.service("ALLeds")
    thread, _ = in_background(leds.fadeRGB, "FaceLeds", 0x00FF00, 0.5)
    assert advance_until(clock, lambda: not thread.is_alive())
    assert pepper.state.read(lambda s: s.leds["FaceLeds"]) == "#00ff00"
    leds.setIntensity("ChestLeds", 0.5)
    assert leds.getIntensity("ChestLeds") == pytest.approx(0.5)
    thread, _ = in_background(leds.fadeListRGB, "FaceLeds", [0xFF0000, 0x0000FF], [0.5, 1.0])
    time.sleep(0.05)
    clock.advance(0.6)
    assert wait_for(lambda: pepper.state.read(lambda s: s.leds["FaceLeds"]) == "#ff0000")
    assert advance_until(clock, lambda: not thread.is_alive())
    assert pepper.state.read(lambda s: s.leds["FaceLeds"]) == "#0000ff"
    leds.off("FaceLeds")
    assert leds.getIntensity("LeftFaceLed1") == 0.0


# ---------------------------------------------------------------- tablet
def test_tablet_shows_what_a_real_tablet_shows(pepper, session):
    tablet = session.service("ALTabletService")
    touches, finished = [], []
    tablet.onTouchDown.connect(lambda x, y: touches.append((x, y)))
    tablet.onPageFinished.connect(lambda: finished.append(True))
    assert tablet.showWebview("http://198.18.0.1/apps/elvie/") is True
    assert wait_for(lambda: finished)
    assert pepper.state.read(lambda s: (s.tablet["mode"], s.tablet_url)) == ("webview", "http://198.18.0.1/apps/elvie/")
    assert tablet.showImage("http://198.18.0.1/img/logo.png") is True
    assert pepper.state.read(lambda s: (s.tablet["mode"], s.tablet["image"])) == ("image", "http://198.18.0.1/img/logo.png")
    tablet.setOnTouchWebviewScaleFactor(1.5)
    assert tablet.getOnTouchScaleFactor() == pytest.approx(1.5)
    assert tablet.setBrightness(0.3) is True and tablet.getBrightness() == pytest.approx(0.3)
    pepper.tablet.touch(100.0, 200.0)
    assert wait_for(lambda: touches == [(100.0, 200.0)])
    tablet.hide()
    assert pepper.state.read(lambda s: s.tablet_visible) is False
    assert tablet.getWifiStatus() == "DISCONNECTED" and tablet.connectWifi("office") is False


# ---------------------------------------------------------------- abilities
def test_abilities_show_in_autonomous_life_and_the_state(pepper, session):
    life, blinking = session.service("ALAutonomousLife"), session.service("ALAutonomousBlinking")
    blinking.setEnabled(False)
    status = {s[0]: (s[1], s[2]) for s in life.getAutonomousAbilitiesStatus()}
    assert status["AutonomousBlinking"] == (False, False)
    assert life.getAutonomousAbilityEnabled("AutonomousBlinking") is False
    life.setAutonomousAbilityEnabled("BackgroundMovement", False)
    assert session.service("ALBackgroundMovement").isEnabled() is False
    assert pepper.state.read(lambda s: s.abilities["BackgroundMovement"]) is False
    with pytest.raises(RuntimeError, match="unknown ability"):
        life.setAutonomousAbilityEnabled("Dancing", True)


# ---------------------------------------------------------------- people, touch, battery
def test_people_perception_fills_the_real_memory_keys(pepper, session):
    memory = session.service("ALMemory")
    approached = []
    sub = memory.subscriber("EngagementZones/PersonApproached")
    sub.signal.connect(approached.append)
    person = pepper.person_arrives(distance=2.0)
    assert memory.getData("PeoplePerception/PeopleList") == [person]
    assert memory.getData(f"PeoplePerception/Person/{person}/Distance") == pytest.approx(2.0)
    assert memory.getData(f"PeoplePerception/Person/{person}/PositionInWorldFrame")[0] == pytest.approx(2.0)
    assert memory.getData(f"PeoplePerception/Person/{person}/IsFaceDetected") is True
    assert wait_for(lambda: approached == [person])  # zone 2
    pepper.person_moves_closer(1.0)
    assert wait_for(lambda: approached == [person, person])  # zone 1
    pepper.person_leaves()
    assert memory.getData("PeoplePerception/PeopleList") == []
    assert memory.getData("EngagementZones/PersonMovedAway") == person


def test_touch_raises_the_sensor_event_and_touch_changed(pepper, session):
    memory = session.service("ALMemory")
    changes = []
    sub = memory.subscriber("TouchChanged")
    sub.signal.connect(changes.append)
    pepper.touch("head_front")
    assert wait_for(lambda: len(changes) == 2)
    # qi delivers signals asynchronously: the press and the release may arrive in either order
    assert sorted(changes) == [[["Head", False], ["Head/Touch/Front", False]],
                               [["Head", True], ["Head/Touch/Front", True]]]
    assert memory.getData("FrontTactilTouched") == 0.0


def test_battery_drains_slowly_and_warns(pepper, session, clock):
    battery, memory = session.service("ALBattery"), session.service("ALMemory")
    assert battery.getBatteryCharge() == 100
    clock.advance(3600)
    assert 90 <= battery.getBatteryCharge() <= 92
    clock.advance(3600 * 9)  # ten hours in all: 432 s per percent
    assert battery.getBatteryCharge() <= 20
    assert memory.getData("BatteryLowDetected") is True
    assert memory.getData("BatteryChargeChanged") == battery.getBatteryCharge()


# ---------------------------------------------------------------- speech
def test_annotations_are_performed_never_spoken(pepper, session, clock):
    speech = session.service("ALAnimatedSpeech")
    text = ("^startTag(hello) Hello \\pau=500\\ there ^mode(contextual) \\rspd=90\\ friend "
            "^call(ALLeds.fadeRGB(\"FaceLeds\", \"red\", 0.0)) \\vct=110\\ \\rst\\ ^stopTag(hello)")
    thread, _ = in_background(speech.say, text)
    assert advance_until(clock, lambda: not thread.is_alive())
    spoken = pepper.state.read(lambda s: s.spoken[-1])
    assert spoken.text == "Hello there friend"
    assert spoken.gestures == ["animations/Stand/Gestures/Hey_1"]
    assert pepper.state.read(lambda s: s.leds["FaceLeds"]) == "#ff0000"


def test_speech_takes_time_and_can_be_stopped(pepper, session, clock):
    tts = session.service("ALTextToSpeech")
    thread, _ = in_background(tts.say, "one two three four five six seven eight nine ten")
    time.sleep(0.1)
    assert thread.is_alive()
    tts.stopAll()
    thread.join(2)
    assert not thread.is_alive()
    with pytest.raises(RuntimeError, match="ALTextToSpeech::setLanguage"):
        tts.setLanguage("Klingon")


def test_remote_audio_delivers_raw_bytes(pepper, session):
    import qi

    class Receiver:
        def __init__(self):
            self.buffers = []

        @qi.bind(qi.Void, (qi.Int32, qi.Int32, qi.Dynamic, qi.Buffer))
        def processRemote(self, channels, samples, stamp, buffer):  # noqa: N802
            self.buffers.append(buffer)

    session.listen("tcp://127.0.0.1:0")
    receiver = Receiver()
    service_id = session.registerService("TestAudio", receiver)
    audio = session.service("ALAudioDevice")
    audio.setClientPreferences("TestAudio", 16000, 3, 0)
    audio.subscribe("TestAudio")
    try:
        assert wait_for(lambda: len(receiver.buffers) >= 2)
        assert isinstance(receiver.buffers[0], (bytes, bytearray)) and len(receiver.buffers[0]) == 2730
    finally:
        audio.unsubscribe("TestAudio")
        session.unregisterService(service_id)


def test_remote_audio_to_an_untyped_receiver_is_the_bytes_not_their_repr(pepper, session):
    class Receiver:
        def __init__(self):
            self.buffers = []

        def processRemote(self, channels, samples, stamp, buffer):  # noqa: N802 - NAOqi's name
            self.buffers.append(buffer)

    session.listen("tcp://127.0.0.1:0")
    receiver = Receiver()
    service_id = session.registerService("TestAudioDynamic", receiver)
    audio = session.service("ALAudioDevice")
    pepper.microphone.feed(bytes(range(256)) * 11)
    audio.setClientPreferences("TestAudioDynamic", 16000, 3, 0)
    audio.subscribe("TestAudioDynamic")
    try:
        assert wait_for(lambda: receiver.buffers)
        first = receiver.buffers[0]
        assert len(first) == 2730 and not str(first).startswith("b'")
        assert first.encode("latin-1")[:512] == bytes(range(256)) * 2
    finally:
        audio.unsubscribe("TestAudioDynamic")
        session.unregisterService(service_id)


def test_what_is_not_simulated_says_so(session):
    motion = session.service("ALMotion")
    with pytest.raises(RuntimeError, match="ALMotion::getPosition\n\tCartesian control is not simulated"):
        motion.getPosition("Head", 2, True)
    with pytest.raises(RuntimeError, match="no legs"):
        motion.wbEnable(True)
