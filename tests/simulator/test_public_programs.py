"""Programs others wrote for a real Pepper (see public_programs/SOURCES.md) run against the virtual one,
unchanged: they are given the simulator's address on their own command line."""
from __future__ import annotations

import contextlib
import math
import os
import queue
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
import qi

from simulator.clock import ScaledClock
from simulator.robot import SimulatorSettings, VirtualPepper

PROGRAMS = Path(__file__).resolve().parent / "public_programs" / "spqrel_tools"


def python3_source(name: str) -> str:
    """lib2to3's mechanical translation (print statements, `except X, e`); the logic stays as published."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lib2to3.refactor import RefactoringTool, get_fixers_from_package

        tool = RefactoringTool(get_fixers_from_package("lib2to3.fixes"))
        return str(tool.refactor_string((PROGRAMS / name).read_text(encoding="utf-8"), name))


@contextlib.contextmanager
def virtual_pepper(clock=None):
    robot = VirtualPepper(SimulatorSettings(port=0, time_scale=0.05, clock=clock))
    robot.start()
    client = qi.Session()
    client.connect(robot.url)
    try:
        yield robot, client
    finally:
        client.close()
        robot.stop()


class Program:
    """A program running in its own process, its output collected line by line."""

    def __init__(self, tmp_path: Path, name: str, robot: VirtualPepper, *args: str):
        path = tmp_path / name
        path.write_text(python3_source(name), encoding="utf-8")
        port = robot.url.rsplit(":", 1)[1]
        env = {**os.environ, "PEPPER_IP": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, str(path), "--pip", "127.0.0.1", "--pport", port, *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                        cwd=tmp_path)
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_output(self, text: str, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return True
            time.sleep(0.05)
        return False

    def finish(self, timeout: float = 60.0) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def test_setposture_changes_the_posture_and_says_so(tmp_path):
    with virtual_pepper() as (robot, _):
        program = Program(tmp_path, "setposture.py", robot, "--posture", "StandZero")
        assert program.finish() == 0, program.output
        assert "Robot posture:  Crouch" in program.output
        assert "Robot posture:  StandZero" in program.output
        said = [s.text for s in robot.state.read(lambda s: list(s.spoken))]
        assert said == ["Hello! My current posture is Crouch", "Changing my posture to StandZero"]


def test_setstate_changes_the_autonomous_life_state(tmp_path):
    with virtual_pepper() as (robot, _):
        program = Program(tmp_path, "setstate.py", robot, "--state", "interactive")
        assert program.finish() == 0, program.output
        assert "Robot state:  interactive" in program.output
        assert robot.state.read(lambda s: s.autonomous_life) == "interactive"


def test_showimage_shows_the_image_on_the_tablet(tmp_path):
    with virtual_pepper() as (robot, _):
        program = Program(tmp_path, "showimage.py", robot)
        assert program.finish() == 0, program.output
        shown = robot.state.read(lambda s: dict(s.tablet))
        assert shown["mode"] == "image" and shown["image"] == "http://198.18.0.1/apps/spqrel/spqrel_logo.jpg"


def test_headscan_turns_the_head_left_right_and_back(tmp_path):
    with virtual_pepper(ScaledClock(10.0)) as (robot, client):
        client.service("ALMotion").wakeUp()
        seen: list[float] = []
        program = Program(tmp_path, "headscan.py", robot)
        while program.process.poll() is None:
            seen.append(robot.body.joints.angles(["HeadYaw"])[0])
            time.sleep(0.02)
        assert program.finish() == 0, program.output
        assert max(seen) > 1.4 and min(seen) < -1.4  # looked left (1.6), then right (-1.6)
        robot.tick()
        assert robot.state.read(lambda s: s.joints["HeadYaw"]) == pytest.approx(0.0, abs=1e-3)


def test_movesquare_drives_a_square_and_comes_back(tmp_path):
    with virtual_pepper() as (robot, client):
        client.service("ALMotion").wakeUp()
        program = Program(tmp_path, "moveSquare.py", robot)
        assert program.finish(timeout=90) == 0, program.output
        assert "Initial Robot Position [0.0, 0.0, 0.0]" in program.output
        final = [float(v) for v in program.lines[-1].split("[", 1)[1].rstrip("]").split(",")]
        # four sides of ~1 m (one driven with move() for 5 s at 0.2 m/s) and four quarter turns
        assert math.hypot(final[0], final[1]) < 0.1
        assert abs(final[2]) < 0.05


def test_touchscreen_prints_where_the_tablet_was_touched(tmp_path):
    with virtual_pepper() as (robot, client):
        program = Program(tmp_path, "touchscreen.py", robot)
        try:
            expected = "coordinates are x:  640.0  y:  400.0"
            deadline = time.monotonic() + 20  # touch until the program has connected its callback
            while time.monotonic() < deadline and program.process.poll() is None:
                robot.tablet.touch(640.0, 400.0)
                if program.wait_for_output(expected, timeout=0.3):
                    break
            assert program.wait_for_output(expected, timeout=1), program.output
        finally:
            program.stop()


def test_react_touch_sees_touch_changed_and_the_hand_sensor(tmp_path):
    with virtual_pepper() as (robot, client):
        program = Program(tmp_path, "react_touch.py", robot)
        try:
            assert program.wait_for_output("Right Hand value thread= 0.0"), program.output
            robot.touch("hand_right")
            assert program.wait_for_output("Right Hand value subscriber= 1.0"), program.output
            assert program.wait_for_output("['RArm', 'RHand/Touch/Back']"), program.output
        finally:
            program.stop()
        assert "Traceback" not in program.output, program.output
