"""Elvie's children die with it, and a new start reclaims any that an earlier run left behind.

A service manager restarts a crashed Elvie at once; if the old Rasa, action server, Qmatic
emulator or virtual Pepper still held their ports, the new start would fail and loop. Two layers:

1. Each child asks the kernel to kill it when its parent dies (`prctl(PR_SET_PDEATHSIG, SIGKILL)`,
   set between fork and exec), so a SIGKILL or OOM kill of Elvie takes the children along at once.
   SIGKILL, not SIGTERM: Rasa needs seconds to stop politely, and after a crash nothing waits for it.
   The kernel sends it when the *thread* that started the child ends, so children are always started
   from the supervisor's event-loop thread, which lives as long as the supervisor.
2. Each supervisor records its children (pid and kernel start time) in <run dir>/children-<pid>-<n>.json
   and marks their environment with ELVIE_SUPERVISOR=<pid>:<start time>, which grandchildren inherit.
   A new start reads the records of supervisors that are gone and stops what they left: a process
   only when its start time still matches the record or it carries that dead supervisor's mark. A
   pid the kernel has since given to another program matches neither, so a foreign program is never
   signalled. Records of a supervisor that still runs are left alone.
"""
from __future__ import annotations

import ctypes
import itertools
import json
import logging
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MARK = "ELVIE_SUPERVISOR"
PR_SET_PDEATHSIG = 1
KILL = int(signal.SIGKILL)
# Resolved here, in the parent: between fork and exec the child only calls it (no import, no lookup),
# which is safe even while other threads (the speech models loading) hold locks.
_prctl = ctypes.CDLL(None, use_errno=True).prctl
_prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
_prctl.restype = ctypes.c_int


def run_dir() -> Path:
    """Where supervisors record their children (ELVIE_RUN_DIR, default var/run)."""
    return Path(os.environ.get("ELVIE_RUN_DIR", "var/run"))


def start_time(pid: int) -> int | None:
    """The kernel's start time of `pid` (clock ticks since boot), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()  # the command name in (...) may contain spaces
    if fields and fields[0] == "Z":  # a zombie has finished; only its parent's bookkeeping remains
        return None
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def die_with_parent(parent_pid: int):
    """A `preexec_fn`: the child is killed when the thread that started it ends (or its process dies)."""
    def preexec() -> None:
        _prctl(PR_SET_PDEATHSIG, KILL, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died between fork and prctl: nobody would reap us
            os._exit(1)
    return preexec


@dataclass(frozen=True)
class Recorded:
    pid: int
    start: int
    name: str


class ChildRecord:
    """This supervisor's entry in the run dir: rewritten whenever a child starts or stops."""

    _serial = itertools.count(1)

    def __init__(self, directory: Path | None = None):
        self.directory = directory or run_dir()
        self.pid = os.getpid()
        self.start = start_time(self.pid) or 0
        self.mark = f"{self.pid}:{self.start}"
        # one file per supervisor: a test process may run several at once
        self.path = self.directory / f"children-{self.pid}-{next(self._serial)}.json"
        self._children: dict[int, Recorded] = {}

    def add(self, pid: int, name: str) -> None:
        started = start_time(pid)
        if started is not None:
            self._children[pid] = Recorded(pid, started, name)
            self._write()

    def remove(self, pid: int) -> None:
        if self._children.pop(pid, None) is not None:
            self._write()

    def clear(self) -> None:
        self._children.clear()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def _write(self) -> None:
        if not self._children:
            self.clear()
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        data = {"pid": self.pid, "start": self.start, "mark": self.mark,
                "children": [asdict(c) for c in self._children.values()]}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)


def reclaim_stale(directory: Path | None = None, grace_s: float = 5.0) -> list[str]:
    """Stop what supervisors that are gone left running; returns the names of what was stopped."""
    directory = directory or run_dir()
    stopped: list[str] = []
    for path in sorted(directory.glob("children-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            owner, owner_start, mark = int(data["pid"]), int(data["start"]), str(data["mark"])
            children = [Recorded(int(c["pid"]), int(c["start"]), str(c["name"])) for c in data["children"]]
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable child record %s", path.name)
            continue
        if start_time(owner) == owner_start:
            continue  # that supervisor still runs: its children are its own business
        targets = {c.pid: c.name for c in children if start_time(c.pid) == c.start}
        targets.update({pid: "a process it started" for pid in _marked(mark) if pid not in targets})
        for pid, name in targets.items():
            log.warning("stopping the %s (pid %d) left running by an earlier Elvie (pid %d)", name, pid, owner)
            stopped.append(name)
        _stop(targets, grace_s)
        try:
            path.unlink()
        except FileNotFoundError:
            pass
    return stopped


def _marked(mark: str) -> list[int]:
    """Processes of this user whose environment carries `ELVIE_SUPERVISOR=<mark>` (children and theirs)."""
    needle = f"{MARK}={mark}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes() + b"\0"
        except OSError:  # another user's process, or gone
            continue
        if b"\0" + needle in b"\0" + environ:
            found.append(int(entry.name))
    return found


def _stop(targets: dict[int, str], grace_s: float) -> None:
    """SIGTERM, then SIGKILL what is still there after `grace_s` (start times re-checked before each signal)."""
    starts = {pid: start_time(pid) for pid in targets}
    for pid, started in starts.items():
        if started is not None:
            _signal(pid, started, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(start_time(pid) == s for pid, s in starts.items() if s is not None):
        time.sleep(0.05)
    for pid, started in starts.items():
        if started is not None and start_time(pid) == started:
            _signal(pid, started, signal.SIGKILL)


def _signal(pid: int, started: int, sig: int) -> None:
    if start_time(pid) != started:
        return
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
