"""Pepper's joints, chains, limits and postures; joint and base trajectories over a clock.

Angles in radians (hands: 0 closed .. 1 open). Limits and postures are Pepper 1.8's as given in
the NAOqi 2.5 documentation (joints page, ALRobotPosture predefined postures), rounded.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

# name: (min, max, max velocity rad/s)
JOINT_LIMITS: dict[str, tuple[float, float, float]] = {
    "HeadYaw": (-2.0857, 2.0857, 7.33), "HeadPitch": (-0.7068, 0.6371, 9.23),
    "LShoulderPitch": (-2.0857, 2.0857, 7.33), "LShoulderRoll": (0.0087, 1.5620, 9.17),
    "LElbowYaw": (-2.0857, 2.0857, 7.33), "LElbowRoll": (-1.5620, -0.0087, 9.17),
    "LWristYaw": (-1.8239, 1.8239, 17.38), "LHand": (0.0, 1.0, 3.0),
    "HipRoll": (-0.5149, 0.5149, 2.27), "HipPitch": (-1.0385, 1.0385, 2.27), "KneePitch": (-0.5149, 0.5149, 2.93),
    "RShoulderPitch": (-2.0857, 2.0857, 7.33), "RShoulderRoll": (-1.5620, -0.0087, 9.17),
    "RElbowYaw": (-2.0857, 2.0857, 7.33), "RElbowRoll": (0.0087, 1.5620, 9.17),
    "RWristYaw": (-1.8239, 1.8239, 17.38), "RHand": (0.0, 1.0, 3.0),
}
JOINTS = tuple(JOINT_LIMITS)
WHEELS = ("WheelFL", "WheelFR", "WheelB")
CHAINS = {
    "Head": ("HeadYaw", "HeadPitch"),
    "LArm": ("LShoulderPitch", "LShoulderRoll", "LElbowYaw", "LElbowRoll", "LWristYaw", "LHand"),
    "Leg": ("HipRoll", "HipPitch", "KneePitch"),
    "RArm": ("RShoulderPitch", "RShoulderRoll", "RElbowYaw", "RElbowRoll", "RWristYaw", "RHand"),
}
CHAINS["Arms"] = CHAINS["LArm"] + CHAINS["RArm"]
for _all in ("Body", "Joints", "JointActuators", "Actuators", "BodyJoints", "BodyActuators"):
    CHAINS[_all] = JOINTS

_STAND = {"HeadYaw": 0.0, "HeadPitch": -0.21, "LShoulderPitch": 1.56, "LShoulderRoll": 0.14, "LElbowYaw": -1.22,
          "LElbowRoll": -0.52, "LWristYaw": 0.0, "LHand": 0.6, "HipRoll": 0.0, "HipPitch": -0.03,
          "KneePitch": 0.0, "RShoulderPitch": 1.56, "RShoulderRoll": -0.14, "RElbowYaw": 1.22,
          "RElbowRoll": 0.52, "RWristYaw": 0.0, "RHand": 0.6}
POSTURES: dict[str, dict[str, float]] = {
    "Stand": _STAND,
    "StandInit": _STAND,
    "StandZero": {j: (0.5 if j.endswith("Hand") else 0.0) for j in JOINTS} | {"LShoulderRoll": 0.0087,
                                                                                "LElbowRoll": -0.0087,
                                                                                "RShoulderRoll": -0.0087,
                                                                                "RElbowRoll": 0.0087},
    "Crouch": _STAND | {"HeadPitch": 0.64, "HipPitch": -1.04, "KneePitch": 0.51, "LHand": 0.0, "RHand": 0.0,
                        "LShoulderPitch": 1.57, "RShoulderPitch": 1.57},
}
POSTURE_FAMILIES = {"Stand": "Standing", "StandInit": "Standing", "StandZero": "Standing", "Crouch": "Crouching"}

BASE_MAX_XY = 0.35  # m/s
BASE_MAX_THETA = 1.0  # rad/s


def expand(names) -> list[str]:
    """Joint names for a joint, a chain or a list of them (NAOqi accepts all three)."""
    items = [names] if isinstance(names, str) else list(names)
    joints: list[str] = []
    for item in items:
        if item in CHAINS:
            joints.extend(CHAINS[item])
        elif item in JOINT_LIMITS:
            joints.append(item)
        else:
            raise KeyError(item)
    return joints


def clamp(joint: str, angle: float) -> float:
    low, high, _ = JOINT_LIMITS[joint]
    return min(high, max(low, float(angle)))


@dataclass
class Trajectory:
    """Keyframes (time, angle) of one joint; linear between them, constant after the last."""

    frames: list[tuple[float, float]] = field(default_factory=list)

    def at(self, t: float) -> float:
        frames = self.frames
        if t <= frames[0][0]:
            return frames[0][1]
        for (t0, a0), (t1, a1) in zip(frames, frames[1:]):
            if t <= t1:
                return a0 if t1 <= t0 else a0 + (a1 - a0) * (t - t0) / (t1 - t0)
        return frames[-1][1]

    @property
    def end(self) -> float:
        return self.frames[-1][0]


class Joints:
    """Where every joint is at any moment of the clock."""

    def __init__(self, clock, start: dict[str, float]):
        self._clock = clock
        self._lock = threading.Lock()
        now = clock.now()
        self._trajectories = {j: Trajectory([(now, start[j])]) for j in JOINTS}
        self.stiffness = {j: 0.0 for j in JOINTS}

    def angles(self, joints: list[str]) -> list[float]:
        now = self._clock.now()
        with self._lock:
            return [self._trajectories[j].at(now) for j in joints]

    def targets(self, joints: list[str]) -> list[float]:
        with self._lock:
            return [self._trajectories[j].frames[-1][1] for j in joints]

    def move(self, joint: str, frames: list[tuple[float, float]]) -> float:
        """Replace the joint's motion by `frames` (relative seconds, absolute angles) from now; end time."""
        now = self._clock.now()
        with self._lock:
            current = self._trajectories[joint].at(now)
            self._trajectories[joint] = Trajectory([(now, current)] + [(now + t, clamp(joint, a)) for t, a in frames])
            return self._trajectories[joint].end

    def move_at_speed(self, joint: str, target: float, fraction: float) -> float:
        current = self.angles([joint])[0]
        target = clamp(joint, target)
        fraction = min(1.0, max(0.01, float(fraction)))
        seconds = abs(target - current) / (JOINT_LIMITS[joint][2] * fraction)
        return self.move(joint, [(max(seconds, 1e-3), target)])

    def hold(self, joints: list[str]) -> None:
        now = self._clock.now()
        with self._lock:
            for j in joints:
                self._trajectories[j] = Trajectory([(now, self._trajectories[j].at(now))])

    def busy_until(self, joints: list[str]) -> float:
        with self._lock:
            return max(self._trajectories[j].end for j in joints)


class Base:
    """The omnidirectional base: its pose in the world frame, moved by targets or velocities over time."""

    def __init__(self, clock):
        self._clock = clock
        self._lock = threading.Lock()
        self._start = (0.0, 0.0, 0.0)
        self._t0 = clock.now()
        self._velocity = (0.0, 0.0, 0.0)  # robot frame, while in velocity mode
        self._target: tuple[float, float, float] | None = None  # world pose at the end of a moveTo
        self._t1 = self._t0

    def pose(self) -> list[float]:
        with self._lock:
            return list(self._pose_at(self._clock.now()))

    def velocity(self) -> list[float]:
        now = self._clock.now()
        with self._lock:
            if self._target is not None and now < self._t1:
                x0, y0, th0 = self._start
                x1, y1, th1 = self._target
                span = self._t1 - self._t0
                vx_w, vy_w = (x1 - x0) / span, (y1 - y0) / span
                th = self._pose_at(now)[2]
                return [vx_w * math.cos(th) + vy_w * math.sin(th), -vx_w * math.sin(th) + vy_w * math.cos(th),
                        (th1 - th0) / span]
            return list(self._velocity) if self._target is None else [0.0, 0.0, 0.0]

    def target(self) -> list[float]:
        with self._lock:
            return list(self._target if self._target is not None else self._pose_at(self._clock.now()))

    def active_until(self) -> float | None:
        """When the current motion ends; None if it goes on until stopped; now if idle."""
        now = self._clock.now()
        with self._lock:
            if self._target is not None:
                return self._t1
            return None if any(self._velocity) else now

    def move_to(self, dx: float, dy: float, dtheta: float, seconds: float | None = None) -> float:
        now = self._clock.now()
        with self._lock:
            x, y, th = self._pose_at(now)
            target = (x + dx * math.cos(th) - dy * math.sin(th), y + dx * math.sin(th) + dy * math.cos(th),
                      _wrap(th + dtheta))
            if seconds is None:
                seconds = max(math.hypot(dx, dy) / BASE_MAX_XY, abs(dtheta) / BASE_MAX_THETA, 0.05)
            self._start, self._t0, self._target, self._t1 = (x, y, th), now, target, now + seconds
            self._start_theta_delta = dtheta
            self._velocity = (0.0, 0.0, 0.0)
            return self._t1

    def move(self, vx: float, vy: float, vtheta: float) -> None:
        now = self._clock.now()
        with self._lock:
            self._start, self._t0 = self._pose_at(now), now
            self._target = None
            self._velocity = (float(vx), float(vy), float(vtheta))

    def stop(self) -> None:
        now = self._clock.now()
        with self._lock:
            self._start, self._t0 = self._pose_at(now), now
            self._target, self._velocity = None, (0.0, 0.0, 0.0)

    def _pose_at(self, t: float) -> tuple[float, float, float]:
        x0, y0, th0 = self._start
        if self._target is not None:
            x1, y1, th1 = self._target
            k = 1.0 if t >= self._t1 or self._t1 <= self._t0 else (t - self._t0) / (self._t1 - self._t0)
            dth = getattr(self, "_start_theta_delta", _wrap(th1 - th0))
            return x0 + (x1 - x0) * k, y0 + (y1 - y0) * k, _wrap(th0 + dth * k)
        vx, vy, w = self._velocity
        dt = max(0.0, t - self._t0)
        if abs(w) < 1e-9:
            return (x0 + (vx * math.cos(th0) - vy * math.sin(th0)) * dt,
                    y0 + (vx * math.sin(th0) + vy * math.cos(th0)) * dt, th0)
        th = th0 + w * dt
        # exact integration of a constant body-frame velocity while turning
        dx = (vx * (math.sin(th) - math.sin(th0)) + vy * (math.cos(th) - math.cos(th0))) / w
        dy = (vx * (math.cos(th0) - math.cos(th)) + vy * (math.sin(th) - math.sin(th0))) / w
        return x0 + dx, y0 + dy, _wrap(th)


def _wrap(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi
