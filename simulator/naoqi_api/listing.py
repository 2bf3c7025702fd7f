"""Parse the NAOqi service listings (qiloop .idl notation) into typed method and signal entries."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
LISTINGS = ("nao-v6-naoqi-2.8.idl", "pepper-tablet.idl", "naoqi-2.5-documented.idl")
SERVICES = ("ALTextToSpeech", "ALAnimatedSpeech", "ALMemory", "ALMotion", "ALRobotPosture", "ALLeds",
            "ALBasicAwareness", "ALAutonomousLife", "ALTabletService", "ALPeoplePerception", "ALEngagementZones",
            "ALAutonomousBlinking", "ALBackgroundMovement", "ALListeningMovement", "ALSpeakingMovement",
            "ALBattery", "ALTouch", "ALAudioDevice", "ALSpeechRecognition")
FIRST_SERVICE_UID = 100  # below: qi's own object methods (metaObject, stats, trace)

_ENTRY = re.compile(r"\s*(fn|sig|prop) (\w+)\((.*?)\)(?: -> (.+?))? //uid:(\d+)\s*$")
_SCALARS = {"str": "s", "bool": "b", "int8": "c", "uint8": "C", "int16": "w", "uint16": "W", "int32": "i",
            "uint32": "I", "int64": "l", "uint64": "L", "float32": "f", "float64": "d", "any": "m", "obj": "o",
            "unknown": "m", "float": "f", "int": "i"}


@dataclass(frozen=True)
class Entry:
    service: str
    kind: str  # "fn", "sig" or "prop"
    name: str
    params: tuple[tuple[str, str], ...]  # (name, listing type)
    returns: str  # listing type; "" for none
    uid: int

    @property
    def public(self) -> bool:
        return self.uid >= FIRST_SERVICE_UID and not self.name.startswith("_")

    @property
    def param_signature(self) -> str:
        return "(" + "".join(qi_signature(t) for _, t in self.params) + ")"

    @property
    def return_signature(self) -> str:
        return qi_signature(self.returns) if self.returns else "v"


def qi_signature(listing_type: str) -> str:
    """The qi type signature of a listing type; structures unknown here become dynamic ('m')."""
    t = listing_type.strip()
    if t in _SCALARS:
        return _SCALARS[t]
    generic = re.fullmatch(r"(Vec|Map|Tuple)<(.*)>", t)
    if generic:
        args = [qi_signature(a) for a in _split_generic(generic.group(2))]
        kind = generic.group(1)
        if kind == "Vec":
            return f"[{args[0]}]"
        if kind == "Map":
            return "{" + "".join(args) + "}"
        return "(" + "".join(args) + ")"
    return "m"


def _split_generic(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += ch == "<"
        depth -= ch == ">"
        current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _params(text: str) -> tuple[tuple[str, str], ...]:
    if not text.strip():
        return ()
    params = []
    for part in _split_generic(text):
        name, _, kind = part.partition(":")
        params.append((name.strip(), kind.strip()))
    return tuple(params)


def parse(text: str) -> dict[str, list[Entry]]:
    services: dict[str, list[Entry]] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("interface "):
            current = line.split()[1]
            services.setdefault(current, [])
            continue
        if line.startswith("end"):
            current = None
            continue
        match = _ENTRY.match(line)
        if current is None or not match:
            continue
        kind, name, params, returns, uid = match.groups()
        services[current].append(Entry(current, kind, name, _params(params), (returns or "").strip(), int(uid)))
    return services


@lru_cache(maxsize=1)
def reference() -> dict[str, list[Entry]]:
    """Every listed entry of the services the virtual Pepper offers, by service."""
    merged: dict[str, list[Entry]] = {}
    for name in LISTINGS:
        for service, entries in parse((HERE / name).read_text(encoding="utf-8")).items():
            if service in SERVICES:
                merged[service] = entries
    missing = set(SERVICES) - set(merged)
    if missing:
        raise RuntimeError(f"no listing for {', '.join(sorted(missing))} in {HERE}")
    return merged


def public_entries(service: str) -> list[Entry]:
    """Public methods and signals (uid >= 100, no leading '_'); properties are listed with their signal."""
    return [e for e in reference()[service] if e.public and e.kind in ("fn", "sig")]
