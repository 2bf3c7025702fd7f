"""ALLeds: Pepper's eye, ear and shoulder LEDs, as groups of RGB LEDs with fades on the clock."""
from __future__ import annotations

import random
import threading

from ..clock import Clock
from ..naoqi_api.binding import NaoqiError, NaoqiModule
from ..state import StateStore

COLOURS = {"white": (1.0, 1.0, 1.0), "red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0),
           "yellow": (1.0, 1.0, 0.0), "magenta": (1.0, 0.0, 1.0), "cyan": (0.0, 1.0, 1.0)}
LEAVES = ([f"LeftFaceLed{i}" for i in range(1, 9)] + [f"RightFaceLed{i}" for i in range(1, 9)]
          + [f"LeftEarLed{i}" for i in range(1, 11)] + [f"RightEarLed{i}" for i in range(1, 11)] + ["ChestLed"])
GROUPS = {
    "LeftFaceLeds": [f"LeftFaceLed{i}" for i in range(1, 9)],
    "RightFaceLeds": [f"RightFaceLed{i}" for i in range(1, 9)],
    "LeftEarLeds": [f"LeftEarLed{i}" for i in range(1, 11)],
    "RightEarLeds": [f"RightEarLed{i}" for i in range(1, 11)],
    "ChestLeds": ["ChestLed"],
}
GROUPS["FaceLeds"] = GROUPS["LeftFaceLeds"] + GROUPS["RightFaceLeds"]
GROUPS["EarLeds"] = GROUPS["LeftEarLeds"] + GROUPS["RightEarLeds"]
GROUPS["AllLeds"] = list(LEAVES)
SHOWN_GROUPS = ("FaceLeds", "LeftFaceLeds", "RightFaceLeds", "EarLeds", "ChestLeds")
DEFAULT = {leaf: ((0.0, 0.0, 1.0) if "Ear" in leaf else (1.0, 1.0, 1.0)) for leaf in LEAVES}


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)


class ALLeds(NaoqiModule):
    SERVICE = "ALLeds"

    def __init__(self, state: StateStore, clock: Clock):
        super().__init__()
        self._state = state
        self._clock = clock
        self._colours = dict(DEFAULT)
        self._groups = {k: list(v) for k, v in GROUPS.items()}
        self._lock = threading.Lock()
        self._publish()

    def _leaves(self, method: str, name: str) -> list[str]:
        if name in self._groups:
            return self._groups[name]
        if name in self._colours:
            return [name]
        raise NaoqiError(f"ALLeds::{method}\n\t\"{name}\" is neither a LED nor a group of LEDs")

    def _set(self, leaves: list[str], rgb: tuple[float, float, float]) -> None:
        with self._lock:
            for leaf in leaves:
                self._colours[leaf] = rgb
        self._publish()

    def _publish(self) -> None:
        with self._lock:
            shown = {}
            for group in (*SHOWN_GROUPS, *[g for g in self._groups if g not in GROUPS]):
                colours = {self._colours[leaf] for leaf in self._groups[group]}
                shown[group] = hex_colour(next(iter(colours))) if len(colours) == 1 else "mixed"
            shown["LeftFaceLeds"] = hex_colour(self._colours["LeftFaceLed1"])
            shown["RightFaceLeds"] = hex_colour(self._colours["RightFaceLed1"])
        self._state.update(lambda s: setattr(s, "leds", shown))

    def fadeRGB(self, name, *args):
        if len(args) == 4:
            rgb = (float(args[0]), float(args[1]), float(args[2]))
        elif isinstance(args[0], str):
            if args[0] not in COLOURS:
                raise NaoqiError(f"ALLeds::fadeRGB\n\tunknown colour \"{args[0]}\"; known: {', '.join(COLOURS)}")
            rgb = COLOURS[args[0]]
        else:
            value = int(args[0])
            rgb = (((value >> 16) & 0xFF) / 255, ((value >> 8) & 0xFF) / 255, (value & 0xFF) / 255)
        self._set(self._leaves("fadeRGB", name), rgb)
        self._clock.sleep(float(args[-1]))

    def fadeListRGB(self, name, rgb_list, time_list):
        leaves = self._leaves("fadeListRGB", name)
        if len(list(rgb_list)) != len(list(time_list)):
            raise NaoqiError("ALLeds::fadeListRGB\n\trgbList and timeList must have the same length")
        started = self._clock.now()
        for value, at in zip(rgb_list, time_list):
            self._clock.sleep(started + float(at) - self._clock.now())
            value = int(value)
            self._set(leaves, (((value >> 16) & 0xFF) / 255, ((value >> 8) & 0xFF) / 255, (value & 0xFF) / 255))

    def fade(self, name, intensity, duration):
        self.setIntensity(name, intensity)
        self._clock.sleep(float(duration))

    def setIntensity(self, name, intensity):
        if not 0.0 <= intensity <= 1.0:
            raise NaoqiError("ALLeds::setIntensity\n\tintensity must be between 0.0 and 1.0")
        leaves = self._leaves("setIntensity", name)
        with self._lock:
            for leaf in leaves:
                r, g, b = self._colours[leaf]
                peak = max(r, g, b)
                self._colours[leaf] = ((r / peak * intensity, g / peak * intensity, b / peak * intensity) if peak
                                       else (intensity, intensity, intensity))
        self._publish()

    def getIntensity(self, name):
        leaves = self._leaves("getIntensity", name)
        with self._lock:
            values = [max(self._colours[leaf]) for leaf in leaves]
        return values[0] if len(values) == 1 else values

    def on(self, name):
        self.setIntensity(name, 1.0)

    def off(self, name):
        self._set(self._leaves("off", name), (0.0, 0.0, 0.0))

    def reset(self, name):
        leaves = self._leaves("reset", name)
        with self._lock:
            for leaf in leaves:
                self._colours[leaf] = DEFAULT[leaf]
        self._publish()

    def createGroup(self, name, leds):
        for led in leds:
            self._leaves("createGroup", led)
        with self._lock:
            self._groups[name] = [leaf for led in leds for leaf in (self._groups.get(led) or [led])]
        self._publish()

    def listGroups(self):
        return sorted(self._groups)

    def listGroup(self, name):
        if name not in self._groups:
            raise NaoqiError(f"ALLeds::listGroup\n\t\"{name}\" is not a group of LEDs")
        return list(self._groups[name])

    def listLEDs(self):
        return list(LEAVES)

    def listLED(self, name):
        return self._leaves("listLED", name)

    def rasta(self, duration):
        self._animate("FaceLeds", [COLOURS["red"], COLOURS["yellow"], COLOURS["green"]], float(duration))

    def randomEyes(self, duration):
        rng = random.Random()
        self._animate("FaceLeds", [(rng.random(), rng.random(), rng.random()) for _ in range(6)], float(duration))

    def rotateEyes(self, rgb, time_for_rotation, total_duration):
        value = int(rgb)
        colour = (((value >> 16) & 0xFF) / 255, ((value >> 8) & 0xFF) / 255, (value & 0xFF) / 255)
        self._animate("FaceLeds", [colour], float(total_duration))

    def earLedsSetAngle(self, degrees, duration, leave_on):
        lit = max(0, min(10, round(int(degrees) % 360 / 36)))
        for side in ("Left", "Right"):
            leaves = GROUPS[f"{side}EarLeds"]
            self._set(leaves[:lit], (0.0, 0.0, 1.0))
            self._set(leaves[lit:], (0.0, 0.0, 0.0))
        self._clock.sleep(float(duration))
        if not leave_on:
            self.off("EarLeds")

    def _animate(self, group: str, colours: list, duration: float) -> None:
        step = duration / len(colours)
        for colour in colours:
            self._set(self._leaves("animate", group), colour)
            self._clock.sleep(step)
