"""ALPeoplePerception and ALEngagementZones: people around the robot, in the real memory keys.

The simulator's "person arrives / moves closer / leaves" place a person in front of the robot;
both services fill `PeoplePerception/...` and `EngagementZones/...` as NAOqi does.
"""
from __future__ import annotations

import math
import threading

from ..naoqi_api.binding import NaoqiError, NaoqiModule
from ..state import StateStore
from .memory import ALMemory

HEAD_HEIGHT = 1.6


class _Extractor(NaoqiModule):
    """ALExtractor's subscribe / period / precision bookkeeping."""

    def __init__(self) -> None:
        super().__init__()
        self._subscribers: dict[str, tuple[int, float]] = {}
        self._paused = False

    def subscribe(self, name, period=500, precision=1.0):
        self._subscribers[name] = (int(period), float(precision))

    def unsubscribe(self, name):
        if name not in self._subscribers:
            raise NaoqiError(f"{self.SERVICE}::unsubscribe\n\t{name} is not subscribed")
        del self._subscribers[name]

    def updatePeriod(self, name, period):
        self._subscribers[name] = (int(period), self._subscribers.get(name, (500, 1.0))[1])

    def updatePrecision(self, name, precision):
        self._subscribers[name] = (self._subscribers.get(name, (500, 1.0))[0], float(precision))

    def getCurrentPeriod(self):
        return min((p for p, _ in self._subscribers.values()), default=500)

    def getCurrentPrecision(self):
        return max((q for _, q in self._subscribers.values()), default=1.0)

    def getMyPeriod(self, name):
        return self._subscribers.get(name, (500, 1.0))[0]

    def getMyPrecision(self, name):
        return self._subscribers.get(name, (500, 1.0))[1]

    def getSubscribersInfo(self):
        return [[name, period, precision] for name, (period, precision) in self._subscribers.items()]

    def isPaused(self):
        return self._paused

    def pause(self, status):
        self._paused = bool(status)

    def isProcessing(self):
        return bool(self._subscribers) and not self._paused

    def getOutputNames(self):
        return self.getMemoryKeyList()

    def getEventList(self):
        return list(self.EVENTS)

    def getMemoryKeyList(self):
        return list(self.KEYS)


class ALEngagementZones(_Extractor):
    SERVICE = "ALEngagementZones"
    EVENTS = ("EngagementZones/PersonApproached", "EngagementZones/PersonMovedAway",
              "EngagementZones/PersonEnteredZone1", "EngagementZones/PersonEnteredZone2",
              "EngagementZones/PersonEnteredZone3", "EngagementZones/LastPersonApproached")
    KEYS = EVENTS + ("EngagementZones/PeopleInZone1", "EngagementZones/PeopleInZone2",
                     "EngagementZones/PeopleInZone3")

    def __init__(self, memory: ALMemory):
        super().__init__()
        self._memory = memory
        self._limit_angle = 90.0
        self._first = 1.5
        self._second = 2.5

    def setLimitAngle(self, angle):
        self._limit_angle = float(angle)
        self.emit("limitAngleChanged", self._limit_angle)

    def getLimitAngle(self):
        return self._limit_angle

    def setFirstLimitDistance(self, distance):
        if distance >= self._second:
            raise NaoqiError("ALEngagementZones::setFirstLimitDistance\n\tmust be below the second limit distance")
        self._first = float(distance)
        self.emit("firstLimitChanged", self._first)

    def getFirstLimitDistance(self):
        return self._first

    def setSecondLimitDistance(self, distance):
        if distance <= self._first:
            raise NaoqiError("ALEngagementZones::setSecondLimitDistance\n\tmust be above the first limit distance")
        self._second = float(distance)
        self.emit("secondLimitChanged", self._second)

    def getSecondLimitDistance(self):
        return self._second

    def computeEngagementZone(self, *args):
        if len(args) == 3:
            x, y = float(args[0]), float(args[1])
        else:
            x_angle, _, distance = (float(v) for v in args[:3])
            x, y = distance * math.cos(x_angle), distance * math.sin(x_angle)
        return self.zone(x, y)

    def zone(self, x: float, y: float) -> int:
        """1 (close, in front), 2 (middle), 3 (far or outside the angle)."""
        distance = math.hypot(x, y)
        if abs(math.degrees(math.atan2(y, x))) > self._limit_angle / 2 or distance > self._second:
            return 3
        return 1 if distance <= self._first else 2


class ALPeoplePerception(_Extractor):
    SERVICE = "ALPeoplePerception"
    DEFAULTS = {"MaximumDetectionRange": 3.0, "MinimumBodyHeight": 0.9, "MaximumBodyHeight": 2.2,
                "TimeBeforePersonDisappears": 2.0, "TimeBeforeVisiblePersonDisappears": 1.0,
                "FaceDetectionEnabled": True, "FastModeEnabled": False, "GraphicalDisplayEnabled": False,
                "MovementDetectionEnabled": False}
    EVENTS = ("PeoplePerception/PeopleDetected", "PeoplePerception/PeopleList", "PeoplePerception/JustArrived",
              "PeoplePerception/JustLeft", "PeoplePerception/NonVisiblePeopleList",
              "PeoplePerception/VisiblePeopleList", "PeoplePerception/PopulationUpdated")
    KEYS = EVENTS

    def __init__(self, state: StateStore, memory: ALMemory, zones: ALEngagementZones):
        super().__init__()
        self._state = state
        self._memory = memory
        self._zones = zones
        self._people: dict[int, list[float]] = {}
        self._zone_of: dict[int, int] = {}
        self._next_id = 16000
        self._lock = threading.Lock()
        self._publish_lists()

    def setMaximumDetectionRange(self, distance):
        self.store("MaximumDetectionRange", float(distance))
        self.emit("maximumDetectionRangeChanged", float(distance))

    def resetPopulation(self):
        for person in list(self._people):
            self.leave(person)
        self.emit("populationReset")

    # -- helpers: the simulator places people (never exposed over qi)
    def arrive(self, distance: float = 2.0, angle: float = 0.0) -> int:
        with self._lock:
            self._next_id += 1
            person = self._next_id
        self._memory.raiseEvent("PeoplePerception/JustArrived", person)
        self.emit("justArrived", person)
        self.move(person, distance, angle)
        return person

    def move(self, person: int, distance: float, angle: float = 0.0) -> None:
        x, y = distance * math.cos(angle), distance * math.sin(angle)
        with self._lock:
            self._people[person] = [x, y, HEAD_HEIGHT]
        prefix = f"PeoplePerception/Person/{person}"
        for key, value in (("PositionInRobotFrame", [x, y, HEAD_HEIGHT]),
                           ("PositionInWorldFrame", [x, y, HEAD_HEIGHT]),
                           ("PositionInTorsoFrame", [x, y, HEAD_HEIGHT - 0.8]),
                           ("Distance", float(distance)), ("AnglesYawPitch", [angle, -0.1]),
                           ("IsFaceDetected", distance <= 2.5), ("IsVisible", True), ("RealHeight", 1.75),
                           ("NotSeenSince", 0.0), ("PresentSince", 0.0)):
            self._memory.insertData(f"{prefix}/{key}", value)
        self._publish_lists()
        self._update_zone(person, x, y)

    def leave(self, person: int) -> None:
        with self._lock:
            if self._people.pop(person, None) is None:
                return
            old_zone = self._zone_of.pop(person, None)
        for key in self._memory.getDataList(f"PeoplePerception/Person/{person}/"):
            self._memory.removeData(key)
        if old_zone in (1, 2):
            self._memory.raiseEvent("EngagementZones/PersonMovedAway", person)
        self._publish_zones()
        self._memory.raiseEvent("PeoplePerception/JustLeft", person)
        self.emit("justLeft", person)
        self._publish_lists()

    def people(self) -> dict[int, list[float]]:
        with self._lock:
            return {k: list(v) for k, v in self._people.items()}

    def _update_zone(self, person: int, x: float, y: float) -> None:
        zone = self._zones.zone(x, y)
        with self._lock:
            old = self._zone_of.get(person)
            self._zone_of[person] = zone
        if zone == old:
            return
        self._memory.raiseEvent(f"EngagementZones/PersonEnteredZone{zone}", person)
        if old is not None and zone < old:
            self._memory.raiseEvent("EngagementZones/PersonApproached", person)
            self._memory.insertData("EngagementZones/LastPersonApproached", person)
        elif old is None and zone in (1, 2):
            self._memory.raiseEvent("EngagementZones/PersonApproached", person)
            self._memory.insertData("EngagementZones/LastPersonApproached", person)
        elif old is not None and zone > old:
            self._memory.raiseEvent("EngagementZones/PersonMovedAway", person)
        self._publish_zones()

    def _publish_zones(self) -> None:
        with self._lock:
            zones = dict(self._zone_of)
        for zone in (1, 2, 3):
            self._memory.insertData(f"EngagementZones/PeopleInZone{zone}", [p for p, z in zones.items() if z == zone])

    def _publish_lists(self) -> None:
        with self._lock:
            people = {k: list(v) for k, v in self._people.items()}
        ids = sorted(people)
        self._memory.insertData("PeoplePerception/PeopleList", ids)
        self._memory.insertData("PeoplePerception/VisiblePeopleList", ids)
        self._memory.insertData("PeoplePerception/NonVisiblePeopleList", [])
        detected = [[0, 0], [[p, math.hypot(*people[p][:2]), 0.0, 0.0, 0.0, 0.0, people[p][:3]] for p in ids]]
        self._memory.raiseEvent("PeoplePerception/PeopleDetected", detected)
        self._memory.raiseEvent("PeoplePerception/PopulationUpdated", ids)
        self._state.update(lambda s: setattr(s, "people", [{"id": p, "position": people[p],
                                                            "distance": round(math.hypot(*people[p][:2]), 2)}
                                                           for p in ids]))
