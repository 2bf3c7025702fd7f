"""ALMotion and ALRobotPosture: joints and base that move over time on the robot's clock."""
from __future__ import annotations

import logging
import threading
import time

from ..clock import Clock
from ..naoqi_api.binding import NaoqiError, NaoqiModule
from ..state import StateStore, append_bounded
from .body_model import (CHAINS, JOINT_LIMITS, JOINTS, POSTURE_FAMILIES, POSTURES, WHEELS, Base, Joints, expand)
from .memory import ALMemory

log = logging.getLogger(__name__)

MOVE_CONFIG = [["MaxVelXY", 0.35], ["MaxVelTheta", 1.0], ["MaxAccXY", 0.3], ["MaxAccTheta", 0.75],
               ["MaxJerkXY", 1.0], ["MaxJerkTheta", 2.0], ["TorsoWy", 0.0]]


class Body:
    """What ALMotion and ALRobotPosture share: joints, base, posture and wake state."""

    def __init__(self, state: StateStore, memory: ALMemory, clock: Clock, time_scale: float):
        self.state = state
        self.memory = memory
        self.clock = clock
        self.time_scale = time_scale
        self.joints = Joints(clock, POSTURES["Crouch"])
        self.base = Base(clock)
        self.stop_posture = threading.Event()

    def names(self, method: str, names) -> list[str]:
        try:
            return expand(names)
        except KeyError as exc:
            raise NaoqiError(f"ALMotion::{method}\n\tunknown joint or chain name: {exc.args[0]}") from None

    def record(self, what: str) -> None:
        self.state.update(lambda s: append_bounded(s.motion_commands, what))

    def go_to(self, posture: str, speed: float) -> None:
        target = POSTURES[posture]
        self.stop_posture.clear()
        end = self.clock.now()
        for joint in JOINTS:
            end = max(end, self.joints.move_at_speed(joint, target[joint], max(0.05, min(1.0, speed))))
        duration = (end - self.clock.now())
        # choreographed transitions run at the simulator's time scale (tests use a fast one)
        if self.time_scale != 1.0:
            for joint in JOINTS:
                self.joints.move(joint, [(max(duration * self.time_scale, 1e-3), target[joint])])
            duration *= self.time_scale
        self.state.update(lambda s: setattr(s, "posture_target", posture))
        interrupted = self.clock.sleep(duration, self.stop_posture)
        if not interrupted:
            self.state.update(lambda s: (setattr(s, "posture", posture), setattr(s, "posture_target", None)))
            self.memory.raiseEvent("robotPoseChanged", posture)
            self.memory.raiseEvent("PostureFamilyChanged", POSTURE_FAMILIES[posture])

    def publish(self) -> None:
        """Copy where the body is now into the observable state (for the UI)."""
        angles = dict(zip(JOINTS, self.joints.angles(list(JOINTS))))
        pose = self.base.pose()
        rounded = ({j: round(a, 4) for j, a in angles.items()}, [round(v, 4) for v in pose])
        if rounded == getattr(self, "_published", None):
            return  # nothing moved: no state change, no UI update
        self._published = rounded

        def apply(s):
            s.joints = {j: round(a, 4) for j, a in angles.items()}
            s.head = {"HeadYaw": angles["HeadYaw"], "HeadPitch": angles["HeadPitch"]}
            s.arms = {j: a for j, a in angles.items() if j[0] in "LR"}
            s.base_pose = [round(v, 4) for v in pose]
        self.state.update(apply)


class ALMotion(NaoqiModule):
    SERVICE = "ALMotion"
    DEFAULTS = {"FallManagerEnabled": True, "PushRecoveryEnabled": True, "SmartStiffnessEnabled": True,
                "DiagnosisEffectEnabled": True, "BreathEnabled": False, "IdlePostureEnabled": False,
                "CollisionProtectionEnabled": True, "ExternalCollisionProtectionEnabled": True,
                "OrthogonalSecurityDistance": 0.4, "TangentialSecurityDistance": 0.1, "EnableNotifications": True}

    def __init__(self, body: Body):
        super().__init__()
        self._body = body
        self._joints = body.joints
        self._base = body.base
        self._clock = body.clock
        self._move_arms = [True, True]
        self._stop_move = threading.Event()

    # -- waking and resting
    def wakeUp(self):
        self._body.record("wakeUp")
        for joint in JOINTS:
            self._joints.stiffness[joint] = 1.0
        self._body.go_to("Stand", 0.5)
        self._body.state.update(lambda s: setattr(s, "awake", True))
        self._body.memory.raiseEvent("robotIsWakeUp", True)
        return True

    def rest(self):
        self._body.record("rest")
        self.stopMove()
        self._body.go_to("Crouch", 0.5)
        for joint in JOINTS:
            self._joints.stiffness[joint] = 0.0
        self._body.state.update(lambda s: setattr(s, "awake", False))
        self._body.memory.raiseEvent("robotIsWakeUp", False)

    def robotIsWakeUp(self):
        return self._body.state.read(lambda s: s.awake)

    # -- stiffness
    def setStiffnesses(self, names, stiffnesses):
        joints = self._body.names("setStiffnesses", names)
        values = _per_joint(stiffnesses, len(joints), "setStiffnesses")
        for joint, value in zip(joints, values):
            self._joints.stiffness[joint] = min(1.0, max(0.0, float(value)))
        self._body.record(f"setStiffnesses {names}")

    def stiffnessInterpolation(self, names, stiffness_lists, time_lists):
        joints = self._body.names("stiffnessInterpolation", names)
        finals = [(v[-1] if isinstance(v, (list, tuple)) else v) for v in _per_joint(stiffness_lists, len(joints),
                                                                                    "stiffnessInterpolation")]
        times = [t[-1] if isinstance(t, (list, tuple)) else t for t in _per_joint(time_lists, len(joints),
                                                                                 "stiffnessInterpolation")]
        self._clock.sleep(max(float(t) for t in times) if times else 0.0)
        for joint, value in zip(joints, finals):
            self._joints.stiffness[joint] = min(1.0, max(0.0, float(value)))

    def getStiffnesses(self, names):
        return [self._joints.stiffness[j] for j in self._body.names("getStiffnesses", names)]

    # -- joints
    def setAngles(self, names, angles, speed):
        joints = self._body.names("setAngles", names)
        targets = _per_joint(angles, len(joints), "setAngles")
        speeds = _per_joint(speed, len(joints), "setAngles")
        self._body.record(f"setAngles {joints}")
        for joint, target, fraction in zip(joints, targets, speeds):
            if self._joints.stiffness[joint] > 0:
                self._joints.move_at_speed(joint, float(target), float(fraction))

    def changeAngles(self, names, changes, speed):
        joints = self._body.names("changeAngles", names)
        deltas = _per_joint(changes, len(joints), "changeAngles")
        current = self._joints.targets(joints)
        self.setAngles(joints, [c + float(d) for c, d in zip(current, deltas)], speed)

    def angleInterpolation(self, names, angle_lists, time_lists, is_absolute):
        joints = self._body.names("angleInterpolation", names)
        angles = _per_joint(angle_lists, len(joints), "angleInterpolation")
        times = _per_joint(time_lists, len(joints), "angleInterpolation")
        self._body.record(f"angleInterpolation {joints}")
        end = self._clock.now()
        for joint, joint_angles, joint_times in zip(joints, angles, times):
            joint_angles = list(joint_angles) if isinstance(joint_angles, (list, tuple)) else [joint_angles]
            joint_times = list(joint_times) if isinstance(joint_times, (list, tuple)) else [joint_times]
            if len(joint_angles) != len(joint_times) or any(b <= a for a, b in zip(joint_times, joint_times[1:])) \
                    or joint_times[0] <= 0:
                raise NaoqiError("ALMotion::angleInterpolation\n\teach joint needs as many strictly increasing "
                                 "positive times as angles")
            if not is_absolute:
                base = self._joints.targets([joint])[0]
                joint_angles = [base + float(a) for a in joint_angles]
            if self._joints.stiffness[joint] > 0:  # a limp joint does not follow, but the task still runs
                self._joints.move(joint, list(zip(map(float, joint_times), map(float, joint_angles))))
            end = max(end, self._clock.now() + float(joint_times[-1]))
        self._clock.sleep(end - self._clock.now())

    def angleInterpolationWithSpeed(self, names, targets, speed):
        joints = self._body.names("angleInterpolationWithSpeed", names)
        self.setAngles(joints, targets, speed)
        self._clock.sleep(self._joints.busy_until(joints) - self._clock.now())

    def angleInterpolationBezier(self, names, times, control_points):
        joints = self._body.names("angleInterpolationBezier", names)
        finals = []
        for points in control_points:
            first = points[-1] if isinstance(points, (list, tuple)) else points
            finals.append(float(first[0] if isinstance(first, (list, tuple)) else first))
        self.angleInterpolation(joints, [[a] for a in finals], [[t[-1]] for t in times], True)

    def getAngles(self, names, use_sensors):
        return self._joints.angles(self._body.names("getAngles", names))

    def openHand(self, hand):
        self.angleInterpolationWithSpeed(hand, 1.0, 0.5)

    def closeHand(self, hand):
        self.angleInterpolationWithSpeed(hand, 0.0, 0.5)

    def getJointNames(self, name):
        return self._body.names("getJointNames", name)

    def getBodyNames(self, name):
        return self._body.names("getBodyNames", name)

    def getSensorNames(self):
        return list(JOINTS) + list(WHEELS)

    def getLimits(self, name):
        return [[low, high, speed, 0.0] for low, high, speed in
                (JOINT_LIMITS[j] for j in self._body.names("getLimits", name))]

    def getSummary(self):
        angles = self._joints.angles(list(JOINTS))
        lines = ["---------------------- Model ----------------------", "  Robot:  Pepper", "",
                 "---------------------- Joints ----------------------",
                 "  Name  Stiffness  Command  Sensor"]
        lines += [f"  {j}  {self._joints.stiffness[j]:.2f}  {a:.2f}  {a:.2f}" for j, a in zip(JOINTS, angles)]
        return "\n".join(lines)

    def getRobotConfig(self):
        return [["Model Type", "Robot Version", "Body Type"], ["juliette", "1.8", "Pepper"]]

    def getMotionCycleTime(self):
        return 12

    # -- base
    def moveInit(self):
        self._body.record("moveInit")

    def moveTo(self, *args):
        self._body.record("moveTo")
        if len(args) in (1, 2) and isinstance(args[0], (list, tuple)):
            points = args[0] if args[0] and isinstance(args[0][0], (list, tuple)) else [args[0]]
            for point in points:
                if not self._move_to(*[float(v) for v in point[:3]]):
                    return False
            return True
        seconds = float(args[3]) if len(args) >= 4 and isinstance(args[3], (int, float)) else None
        return self._move_to(float(args[0]), float(args[1]), float(args[2]), seconds)

    walkTo = moveTo

    def _move_to(self, x: float, y: float, theta: float, seconds: float | None = None) -> bool:
        self._note_base("moveTo", [x, y, theta])
        if not self.robotIsWakeUp():
            return False
        self._stop_move.clear()
        end = self._base.move_to(x, y, theta, seconds)
        self._body.state.update(lambda s: setattr(s, "base_moving", True))
        stopped = self._clock.sleep(end - self._clock.now(), self._stop_move)
        self._body.state.update(lambda s: setattr(s, "base_moving", False))
        self._body.publish()
        return not stopped

    def moveAlong(self, trajectory, scale=1.0):
        return self.moveTo(*[float(v) for v in trajectory[1][:3]]) if len(trajectory) > 1 else False

    def move(self, x, y, theta, config=None):
        self._note_base("move", [x, y, theta])
        if self.robotIsWakeUp():
            self._base.move(x, y, theta)
            self._body.state.update(lambda s: setattr(s, "base_moving", any((x, y, theta))))

    def moveToward(self, x, y, theta, config=None):
        for value in (x, y, theta):
            if not -1.0 <= value <= 1.0:
                raise NaoqiError("ALMotion::moveToward\n\tnormalized velocities must be between -1.0 and 1.0")
        self.move(x * 0.35, y * 0.35, theta * 1.0)

    def setWalkTargetVelocity(self, x, y, theta, frequency, *configs):
        self.moveToward(x, y, theta)

    def stopMove(self):
        self._body.record("stopMove")
        self._stop_move.set()
        self._base.stop()
        self._body.state.update(lambda s: setattr(s, "base_moving", False))
        return True

    stopWalk = stopMove

    def killMove(self):
        self.stopMove()

    killWalk = killMove

    def killAll(self):
        self.stopMove()
        self._joints.hold(list(JOINTS))

    def walkInit(self):
        self.moveInit()

    def moveIsActive(self):
        until = self._base.active_until()
        return until is None or until > self._clock.now()

    walkIsActive = moveIsActive

    def waitUntilMoveIsFinished(self):
        while self.moveIsActive():
            until = self._base.active_until()
            if until is None:
                self._clock.sleep(0.1, self._stop_move)
            else:
                self._clock.sleep(until - self._clock.now(), self._stop_move)
            if self._stop_move.is_set():
                return

    waitUntilWalkIsFinished = waitUntilMoveIsFinished

    def getRobotPosition(self, use_sensors):
        return self._base.pose()

    def getNextRobotPosition(self):
        return self._base.target()

    def getRobotVelocity(self):
        return self._base.velocity()

    def getMoveConfig(self, config):
        return [list(item) for item in MOVE_CONFIG]

    def getFootGaitConfig(self, config):
        return [list(item) for item in MOVE_CONFIG]

    def setMoveArmsEnabled(self, left, right):
        self._move_arms = [bool(left), bool(right)]

    def getMoveArmsEnabled(self, chain):
        return {"LArm": self._move_arms[0], "RArm": self._move_arms[1]}.get(chain, all(self._move_arms))

    setWalkArmsEnabled = setMoveArmsEnabled

    def getWalkArmsEnabled(self):
        return list(self._move_arms)

    def areResourcesAvailable(self, names):
        return True

    def getTaskList(self):
        return []

    def _note_base(self, method: str, args) -> None:
        log.warning("base movement requested: %s%s", method, tuple(args))
        self._body.state.update(lambda s: s.base_moves.append({"method": method, "args": list(args),
                                                               "time": time.time()}))


# Cartesian control and NAO's legged walk are not simulated: they fail clearly instead of answering
# with numbers of the wrong shape. (Whole-body balance and foot steps do not exist on Pepper's wheels.)
NOT_SIMULATED = {
    "Cartesian control is not simulated by the virtual Pepper": (
        "getPosition", "setPosition", "setPositions", "changePosition", "positionInterpolation",
        "positionInterpolations", "getTransform", "setTransform", "setTransforms", "changeTransform",
        "transformInterpolation", "transformInterpolations", "getCOM", "getMass", "getSupportPolygon",
        "getChainClosestObstaclePosition", "isCollision"),
    "Pepper has no legs: foot steps and whole-body balance are NAO's": (
        "setFootSteps", "setFootStepsWithSpeed", "getFootSteps", "wbEnable", "wbFootState",
        "wbEnableBalanceConstraint", "wbGoToBalance", "wbGoToBalanceWithSpeed", "wbEnableEffectorControl",
        "wbSetEffectorControl", "wbEnableEffectorOptimization"),
}


def _not_simulated(name: str, reason: str):
    def method(self, *args):
        raise NaoqiError(f"ALMotion::{name}\n\t{reason}")
    method.__name__ = name
    return method


for _reason, _names in NOT_SIMULATED.items():
    for _name in _names:
        setattr(ALMotion, _name, _not_simulated(_name, _reason))


def _per_joint(value, count: int, method: str) -> list:
    """NAOqi's broadcasting: one value for every joint, or one per joint."""
    if isinstance(value, (int, float)):
        return [value] * count
    values = list(value)
    if len(values) == 1 and count > 1:
        return values * count
    if len(values) != count:
        raise NaoqiError(f"ALMotion::{method}\n\texpected {count} values (one per joint), got {len(values)}")
    return values


class ALRobotPosture(NaoqiModule):
    SERVICE = "ALRobotPosture"

    def __init__(self, body: Body):
        super().__init__()
        self._body = body
        self._max_tries = 3

    def goToPosture(self, name, speed):
        if name not in POSTURES:
            return False
        if not self._body.state.read(lambda s: s.awake):
            for joint in JOINTS:
                self._body.joints.stiffness[joint] = 1.0
            self._body.state.update(lambda s: setattr(s, "awake", True))
        self._body.go_to(name, float(speed))
        return self.getPosture() == name

    applyPosture = goToPosture

    def stopMove(self):
        self._body.stop_posture.set()
        self._body.joints.hold(list(JOINTS))

    def getPosture(self):
        return self._body.state.read(lambda s: s.posture)

    def getPostureFamily(self):
        return POSTURE_FAMILIES.get(self.getPosture(), "Unknown")

    def getPostureList(self):
        return sorted(POSTURES)

    def getPostureFamilyList(self):
        return sorted(set(POSTURE_FAMILIES.values()))

    def setMaxTryNumber(self, tries):
        self._max_tries = int(tries)


__all__ = ["ALMotion", "ALRobotPosture", "Body", "CHAINS"]
