"""The fleet file (`fleet.yml`): which robots one Elvie deployment serves.

    robots:
      stadhuis:
        naoqi: tcp://192.168.10.21:9559      # or "virtual": a virtual Pepper started beside Elvie
        qmatic_branch: 1                     # the Qmatic branch its visitors check in at
        location: Servicecentrum, Stadhuis   # shown on the fleet status page (no visitor data there)
        language: nl                         # the language a new visitor is greeted in
        tablet: 192.168.10.5:8711            # where this robot's tablet reaches its engine (this PC)
    status_port: 8790                        # the fleet status page and /metrics (default 8790)
    recognition_workers: 1                   # speech recognitions run at once (one loaded model)
    recognition_waiting: 4                   # waiting beyond this: Elvie says "one moment" at once

Hosts and operators edit it by hand, so every complaint names the file and the line, and a misspelt
key or language gets a "did you mean". Passwords never go in it (ELVIE_ROBOT_PASSWORD_<ID>).
"""
from __future__ import annotations

import difflib
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from core.paths import REPO_ROOT
from dialogue.content.language_pack import content_languages
from dialogue.content.yamlsource import Problem, Source, YamlError, load_yaml

FLEET_FILE = REPO_ROOT / "fleet.yml"
VIRTUAL = "virtual"
ROBOT_KEYS = ("naoqi", "qmatic_branch", "location", "language", "tablet", "user")
TOP_KEYS = ("robots", "status_port", "recognition_workers", "recognition_waiting")
ROBOT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
NAOQI_SCHEMES = ("tcp", "tcps")


class FleetInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class RobotEntry:
    """One robot of the fleet, as the fleet file describes it."""

    id: str
    naoqi: str  # "virtual" or tcp(s)://host:port
    qmatic_branch: int
    location: str
    language: str
    tablet_host: str  # where the robot's tablet reaches this robot's engine
    engine_port: int | None  # None: a free port (virtual robots, tests)
    user: str | None = None  # NAOqi 2.9 user; the password comes from ELVIE_ROBOT_PASSWORD_<ID>

    @property
    def virtual(self) -> bool:
        return self.naoqi == VIRTUAL

    @property
    def password_env(self) -> str:
        return "ELVIE_ROBOT_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", self.id.upper())


@dataclass(frozen=True)
class Fleet:
    robots: tuple[RobotEntry, ...]
    status_port: int = 8790
    recognition_workers: int = 1
    recognition_waiting: int = 4
    path: Path | None = None

    def robot(self, robot_id: str) -> RobotEntry:
        return next(r for r in self.robots if r.id == robot_id)


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(choices)}"


def _port(value) -> int | None:
    try:
        port = int(value)
    except (TypeError, ValueError):
        return None
    return port if 0 < port < 65536 else None


def _is_host(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return bool(re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,252})", text))


class _Check:
    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(self.source.problem(path, message))


def parse_fleet(source: Source, languages: tuple[str, ...] | None = None) -> Fleet:
    """The fleet in `source`, or FleetInvalid with every problem at its line."""
    languages = languages or content_languages()
    check = _Check(source)
    data = source.data
    if not isinstance(data, dict):
        check.add((), "expected 'robots:'' with one entry per robot (see docs/deployment.md)")
        raise FleetInvalid(check.problems)
    for key in data:
        if key not in TOP_KEYS:
            check.add((key,), f"unknown setting '{key}'{_did_you_mean(key, TOP_KEYS)}")
    numbers = {}
    for key, default, low in (("status_port", 8790, 0), ("recognition_workers", 1, 1),
                              ("recognition_waiting", 4, 0)):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (key == "status_port"
                                                                                     and value > 65535):
            check.add((key,), f"'{key}' must be a whole number of at least {low}, not {value!r}")
            value = default
        numbers[key] = value
    robots_data = data.get("robots")
    robots: list[RobotEntry] = []
    if not isinstance(robots_data, dict) or not robots_data:
        check.add(("robots",), "'robots' must list at least one robot: robots: {<id>: {naoqi: ..., ...}}")
    else:
        for robot_id, entry in robots_data.items():
            robot = _robot(check, str(robot_id), entry, languages)
            if robot is not None:
                robots.append(robot)
        _unique(check, robots)
    if check.problems:
        raise FleetInvalid(check.problems)
    return Fleet(robots=tuple(robots), path=source.path, **numbers)


def _robot(check: _Check, robot_id: str, entry, languages: tuple[str, ...]) -> RobotEntry | None:
    p = ("robots", robot_id)
    before = len(check.problems)
    if not ROBOT_ID.match(robot_id):
        check.add(p, f"robot id '{robot_id}': use lower-case letters, digits, '-' or '_' (at most 32)")
    if not isinstance(entry, dict):
        check.add(p, f"robot '{robot_id}' needs naoqi, qmatic_branch, location and language")
        return None
    for key in entry:
        if key not in ROBOT_KEYS:
            check.add(p + (key,), f"robot '{robot_id}': unknown key '{key}'{_did_you_mean(key, ROBOT_KEYS)}")
    for key in ("naoqi", "qmatic_branch", "location", "language"):
        if key not in entry:
            check.add(p, f"robot '{robot_id}' has no '{key}'")
    naoqi = str(entry.get("naoqi", VIRTUAL)).strip()
    if naoqi != VIRTUAL:
        parts = urlsplit(naoqi)
        if parts.scheme not in NAOQI_SCHEMES or not parts.hostname:
            hint = _did_you_mean(naoqi, (VIRTUAL,)) if "://" not in naoqi else ""
            check.add(p + ("naoqi",), f"robot '{robot_id}': naoqi '{naoqi}' must be 'virtual', "
                                      f"tcp://IP:9559 (NAOqi 2.5) or tcps://IP:9503 (NAOqi 2.9){hint}")
    branch = entry.get("qmatic_branch", 1)
    if isinstance(branch, bool) or not isinstance(branch, int) or branch < 1:
        check.add(p + ("qmatic_branch",), f"robot '{robot_id}': qmatic_branch must be the branch number "
                                          f"in Qmatic (1 or more), not {branch!r}")
    location = entry.get("location", "")
    if not isinstance(location, str) or not location.strip():
        check.add(p + ("location",), f"robot '{robot_id}': location must name where the robot stands")
    language = entry.get("language", languages[0])
    if language not in languages:
        check.add(p + ("language",), f"robot '{robot_id}': language '{language}' is not one of the "
                                     f"site's languages{_did_you_mean(language, languages)}")
    tablet_host, engine_port = "127.0.0.1", None
    tablet = entry.get("tablet")
    if tablet is not None:
        host, _, port = str(tablet).rpartition(":")
        if not host:
            host, port = str(tablet), ""
        if not _is_host(host) or (port and _port(port) is None):
            check.add(p + ("tablet",), f"robot '{robot_id}': tablet '{tablet}' must be HOST:PORT, the address "
                                       "of this PC as the robot's tablet reaches it and this robot's engine port")
        else:
            tablet_host, engine_port = host, _port(port) if port else None
    elif naoqi != VIRTUAL:
        check.add(p, f"robot '{robot_id}' is a real Pepper: give 'tablet: HOST:PORT' (this PC's address as "
                     "the robot's tablet reaches it)")
    user = entry.get("user")
    if user is not None and not str(naoqi).startswith("tcps://"):
        check.add(p + ("user",), f"robot '{robot_id}': 'user' is for NAOqi 2.9 robots (naoqi: tcps://IP:9503)")
    if len(check.problems) > before:
        return None
    return RobotEntry(id=robot_id, naoqi=naoqi, qmatic_branch=branch, location=location.strip(),
                      language=language, tablet_host=tablet_host, engine_port=engine_port,
                      user=str(user) if user is not None else None)


def _unique(check: _Check, robots: list[RobotEntry]) -> None:
    seen_naoqi: dict[str, str] = {}
    seen_port: dict[tuple[str, int], str] = {}
    for robot in robots:
        if not robot.virtual:
            if robot.naoqi in seen_naoqi:
                check.add(("robots", robot.id, "naoqi"), f"robot '{robot.id}': {robot.naoqi} is robot "
                                                         f"'{seen_naoqi[robot.naoqi]}' already")
            seen_naoqi[robot.naoqi] = robot.id
        if robot.engine_port is not None:
            key = (robot.tablet_host, robot.engine_port)
            if key in seen_port:
                check.add(("robots", robot.id, "tablet"), f"robot '{robot.id}': port {robot.engine_port} is "
                                                          f"robot '{seen_port[key]}'s already")
            seen_port[key] = robot.id


def fleet_path() -> Path:
    return Path(os.environ.get("ELVIE_FLEET", FLEET_FILE))


def load_fleet(path: Path | None = None, languages: tuple[str, ...] | None = None) -> Fleet:
    """Read and validate the fleet file (FleetInvalid: file:line problems)."""
    path = Path(path or fleet_path())
    try:
        source = load_yaml(path)
    except YamlError as exc:
        raise FleetInvalid(exc.problems) from None
    return parse_fleet(source, languages)
