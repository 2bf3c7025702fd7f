"""Start, watch and stop Elvie's child processes (Rasa, actions, Qmatic emulator, simulator).

Each child runs in its own process group with its output in var/log/<name>.log. The
supervisor checks ports before starting (a clear error naming the port), waits until each
child answers, restarts a child that dies (with backoff), and on stop terminates every
process group it started — Ctrl-C leaves nothing running. A crash of the supervisor's process
takes the children along, and a new start reclaims what an earlier run left (robot/orphans.py).
"""
from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import aiohttp

from core.logs import log_dir
from robot.orphans import MARK, ChildRecord, die_with_parent, reclaim_stale

log = logging.getLogger(__name__)
_random = random.SystemRandom()


class PortInUse(RuntimeError):
    def __init__(self, port: int, name: str, host: str):
        super().__init__(f"port {port} on {host} is already in use, so the {name} cannot start there. "
                         f"Stop the program using it (e.g. `ss -ltnp 'sport = :{port}'`) or choose another port "
                         f"in elvie.yml / ELVIE_*_PORT.")
        self.port = port


class ChildFailed(RuntimeError):
    pass


@dataclass
class ChildSpec:
    name: str
    argv: list[str]
    port: int
    host: str = "127.0.0.1"
    ready_path: str | None = None  # HTTP path that answers 200 when ready; None: port accepts connections
    ready_timeout_s: float = 60.0
    env: dict[str, str] = field(default_factory=dict)
    restart: bool = True


@dataclass
class Child:
    spec: ChildSpec
    process: subprocess.Popen
    started: float
    restarts: int = 0
    log_path: Path | None = None


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def ephemeral_ports() -> range:
    """The ports the kernel hands out for outgoing connections and `bind(0)`."""
    try:
        low, high = (int(part) for part in EPHEMERAL_RANGE_FILE.read_text().split())
        return range(low, high + 1)
    except (OSError, ValueError):
        return range(32768, 61000)  # Linux's default


def free_port(host: str = "127.0.0.1") -> int:
    """A free port for a child to listen on, chosen below the ephemeral range.

    A port taken from `bind(0)` is ephemeral: between choosing it and the child binding it,
    any outgoing connection or qi listener on the machine may be given the same port, and the
    child then fails with "address already in use". Ports below the range are never handed out
    by the kernel, so only another explicit choice could collide, and `port_free` checks that.
    """
    high = ephemeral_ports().start
    low = max(1024, high - 12000)
    if high - low < 1000:  # an unusual range leaves no room below it: fall back to the kernel's choice
        with socket.socket() as probe:
            probe.bind((host, 0))
            return probe.getsockname()[1]
    for _ in range(200):
        port = _random.randrange(low, high)
        if port_free(host, port):
            return port
    raise OSError(f"no free port between {low} and {high} on {host}")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class Supervisor:
    def __init__(self, on_restart: Callable[[str], None] | None = None):
        self.children: dict[str, Child] = {}
        self._watch_task: asyncio.Task | None = None
        self._stopping = False
        self.on_restart = on_restart
        self.record = ChildRecord()

    def reclaim_stale(self) -> None:
        """Stop children that a crashed earlier Elvie left holding their ports (never a foreign program)."""
        for name in reclaim_stale():
            print(f"[elvie] stopped the {name} left running by an earlier Elvie", flush=True)

    def check_ports(self, specs: list[ChildSpec]) -> None:
        for spec in specs:
            if not port_free(spec.host, spec.port):
                raise PortInUse(spec.port, spec.name, spec.host)

    def _spawn(self, spec: ChildSpec) -> Child:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        log_path = directory / f"{spec.name}.log"
        env = dict(os.environ)
        env.update(spec.env)
        env[MARK] = self.record.mark
        with open(log_path, "ab") as out:
            # From the event-loop thread only: the child dies with the thread that started it.
            process = subprocess.Popen(spec.argv, stdout=out, stderr=subprocess.STDOUT, env=env,
                                       start_new_session=True, preexec_fn=die_with_parent(os.getpid()))
        self.record.add(process.pid, spec.name)
        log.info("started %s (pid %d)", spec.name, process.pid)
        return Child(spec=spec, process=process, started=time.monotonic(), log_path=log_path)

    async def start(self, spec: ChildSpec) -> Child:
        child = self._spawn(spec)
        self.children[spec.name] = child
        await self.wait_ready(child)
        return child

    async def wait_ready(self, child: Child) -> None:
        spec = child.spec
        deadline = time.monotonic() + spec.ready_timeout_s
        url = f"http://{spec.host}:{spec.port}{spec.ready_path}" if spec.ready_path else None
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                if child.process.poll() is not None:
                    self.record.remove(child.process.pid)
                    raise ChildFailed(f"the {spec.name} stopped during start-up (exit {child.process.returncode}); "
                                      f"see {child.log_path}:\n{_tail(child.log_path)}")
                if url is None:
                    if port_open(spec.host, spec.port):
                        return
                else:
                    try:
                        async with http.get(url) as response:
                            if response.status == 200:
                                return
                    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                        pass
                await asyncio.sleep(0.25)
        raise ChildFailed(f"the {spec.name} did not become ready within {spec.ready_timeout_s:.0f} s; "
                          f"see {child.log_path}:\n{_tail(child.log_path)}")

    def watch(self) -> None:
        if self._watch_task is None:
            self._watch_task = asyncio.create_task(self._watch(), name="supervisor")

    async def _watch(self) -> None:
        while not self._stopping:
            await asyncio.sleep(1.0)
            for name, child in list(self.children.items()):
                if child.process.poll() is None or not child.spec.restart or self._stopping:
                    continue
                await self.restart(name, reason=f"exited with {child.process.returncode}")

    async def restart(self, name: str, reason: str) -> None:
        child = self.children.get(name)
        if child is None or self._stopping:
            return
        log.error("%s %s; restarting it", name, reason)
        self._terminate(child)
        backoff = min(30.0, 1.0 * (2 ** min(child.restarts, 5)))
        await asyncio.sleep(backoff if child.restarts else 0.2)
        new = self._spawn(child.spec)
        new.restarts = child.restarts + 1
        self.children[name] = new
        try:
            await self.wait_ready(new)
            log.info("%s is back", name)
        except ChildFailed as exc:
            log.error("%s", exc)
        if self.on_restart:
            self.on_restart(name)

    def _terminate(self, child: Child, timeout: float = 8.0) -> None:
        try:
            self._stop_group(child, timeout)
        finally:
            self.record.remove(child.process.pid)

    @staticmethod
    def _stop_group(child: Child, timeout: float) -> None:
        if child.process.poll() is not None:
            return
        try:
            os.killpg(child.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            child.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(child.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.process.wait(timeout=5)

    async def stop_all(self) -> None:
        self._stopping = True
        if self._watch_task is not None:
            self._watch_task.cancel()
        for child in reversed(list(self.children.values())):
            await asyncio.to_thread(self._terminate, child)
            log.info("stopped %s", child.spec.name)
        self.children.clear()
        self.record.clear()


def _tail(path: Path | None, lines: int = 15) -> str:
    if path is None or not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join("    " + line for line in text[-lines:])
