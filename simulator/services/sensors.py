"""ALTouch and ALBattery: touch sensors with NAOqi's events, and a battery that drains slowly."""
from __future__ import annotations

import math

from ..clock import Clock
from ..naoqi_api.binding import NaoqiModule
from ..state import StateStore
from .memory import ALMemory

# sensor id (UI) -> (per-sensor event, TouchChanged name, body part)
SENSORS = {
    "head_front": ("FrontTactilTouched", "Head/Touch/Front", "Head"),
    "head_middle": ("MiddleTactilTouched", "Head/Touch/Middle", "Head"),
    "head_rear": ("RearTactilTouched", "Head/Touch/Rear", "Head"),
    "head_touch": ("MiddleTactilTouched", "Head/Touch/Middle", "Head"),
    "hand_left": ("HandLeftBackTouched", "LHand/Touch/Back", "LArm"),
    "hand_right": ("HandRightBackTouched", "RHand/Touch/Back", "RArm"),
    "bumper_left": ("LeftBumperPressed", "Bumper/FrontLeft", "Base"),
    "bumper_right": ("RightBumperPressed", "Bumper/FrontRight", "Base"),
    "bumper_back": ("BackBumperPressed", "Bumper/Back", "Base"),
}
TOUCH_EVENTS = tuple(dict.fromkeys(event for event, _, _ in SENSORS.values()))
SECONDS_PER_PERCENT = 432.0  # a full battery lasts about 12 hours
LOW_BATTERY = 20


class ALTouch(NaoqiModule):
    SERVICE = "ALTouch"

    def __init__(self, memory: ALMemory):
        super().__init__()
        self._memory = memory
        self._pressed: dict[str, bool] = {name: False for _, name, _ in SENSORS.values()}
        for name in self._pressed:  # the DCM's sensor values, as on the robot
            memory.insertData(f"Device/SubDeviceList/{name}/Sensor/Value", 0.0)

    def getSensorList(self):
        return list(self._pressed)

    def getStatus(self):
        return [[name, pressed, []] for name, pressed in self._pressed.items()]

    # -- helper: a sensor is pressed or released (never exposed over qi)
    def sense(self, sensor: str, pressed: bool) -> None:
        event, name, part = SENSORS[sensor]
        if self._pressed.get(name) == pressed:
            return
        self._pressed[name] = pressed
        self._memory.insertData(f"Device/SubDeviceList/{name}/Sensor/Value", 1.0 if pressed else 0.0)
        self._memory.raiseEvent(event, 1.0 if pressed else 0.0)
        part_pressed = any(p for n, p in self._pressed.items() if SENSORS_BY_NAME[n] == part)
        self._memory.raiseEvent("TouchChanged", [[part, part_pressed], [name, pressed]])


SENSORS_BY_NAME = {name: part for _, name, part in SENSORS.values()}


class ALBattery(NaoqiModule):
    SERVICE = "ALBattery"

    def __init__(self, state: StateStore, memory: ALMemory, clock: Clock, charge: float = 100.0):
        super().__init__()
        self._state = state
        self._memory = memory
        self._clock = clock
        self._charge = float(charge)
        self._since = clock.now()
        self._charging = False
        self._reported = math.ceil(self._charge)
        self._low = False
        self._publish()

    def getBatteryCharge(self):
        self.tick()
        return self._reported

    # -- helpers (never exposed over qi)
    def tick(self) -> None:
        now = self._clock.now()
        elapsed, self._since = now - self._since, now
        change = elapsed / SECONDS_PER_PERCENT * (2.0 if self._charging else -1.0)
        self._charge = min(100.0, max(0.0, self._charge + change))
        if int(self._charge) != self._reported:
            self._reported = math.ceil(self._charge)
            self._memory.raiseEvent("BatteryChargeChanged", self._reported)
            self._publish()
            if self._reported <= LOW_BATTERY and not self._low:
                self._low = True
                self._memory.raiseEvent("BatteryLowDetected", True)
            elif self._reported > LOW_BATTERY:
                self._low = False

    def set_charging(self, charging: bool) -> None:
        self.tick()
        self._charging = charging
        self._memory.raiseEvent("BatteryChargingFlagChanged", charging)
        self._memory.raiseEvent("BatteryPowerPluggedChanged", charging)

    def _publish(self) -> None:
        self._memory.insertData("Device/SubDeviceList/Battery/Charge/Sensor/Value", self._charge / 100.0)
        self._state.update(lambda s: setattr(s, "battery", self._reported))
