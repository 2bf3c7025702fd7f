"""`elvie run` (what `make run` starts): a port already in use is a clear error naming it; a SIGKILL (a crash,
an OOM kill) takes every child along within 2 s, so the next start (a service manager's restart) gets ready;
Ctrl-C stops every process it started, so all their ports are free again. (One start serves both: each start
loads Rasa, ~20 s.)"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from robot.orphans import start_time
from robot.supervisor import free_port, port_free

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("ENGINE", "SIMULATOR_UI", "QMATIC", "RASA", "ACTIONS", "SIMULATOR_QI")


def _environment(tmp_path) -> tuple[dict, dict[str, int]]:
    ports = {name: free_port() for name in SERVICES}
    env = dict(os.environ, ELVIE_LOG_DIR=str(tmp_path / "log"), ELVIE_RUN_DIR=str(tmp_path / "run"))
    env.update({f"ELVIE_{name}_PORT": str(port) for name, port in ports.items()})
    return env, ports


def _start(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "robot.cli", "run", "--no-speech"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_a_port_in_use_is_named(tmp_path):
    env, ports = _environment(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports["QMATIC"]))
        taken.listen()
        process = _start(env)
        try:
            output, _ = process.communicate(timeout=120)
        finally:
            _stop(process)
    assert process.returncode == 2
    assert f"port {ports['QMATIC']} on 127.0.0.1 is already in use" in output
    assert "Qmatic" in output or "qmatic" in output
    assert all(port_free("127.0.0.1", port) for name, port in ports.items() if name != "QMATIC")


def _wait_running(process: subprocess.Popen) -> None:
    lines = []
    deadline = time.monotonic() + 240
    for line in process.stdout:
        lines.append(line)
        if "Elvie is running" in line or time.monotonic() > deadline:
            break
    assert any("Elvie is running" in line for line in lines), "".join(lines[-30:])


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_a_killed_elvie_leaves_no_child_the_next_start_gets_ready_and_ctrl_c_stops_everything(tmp_path):
    env, ports = _environment(tmp_path)
    first = _start(env)
    second = None
    try:
        _wait_running(first)
        children = _children(first.pid)
        assert len(children) == 4, children  # Qmatic emulator, action server, Rasa, virtual Pepper
        first.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        first.wait(timeout=10)
        while time.monotonic() - killed < 5 and any(start_time(c) is not None for c in children):
            time.sleep(0.02)
        outlived_s = time.monotonic() - killed
        assert [c for c in children if start_time(c) is not None] == []
        assert outlived_s < 2.0, f"children outlived elvie run by {outlived_s:.1f} s"
        second = _start(env)
        _wait_running(second)
        assert not any(port_free("127.0.0.1", port) for port in ports.values()), "every service listens again"
        second.send_signal(signal.SIGINT)  # Ctrl-C
        second.wait(timeout=60)
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    assert second.returncode == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(port_free("127.0.0.1", p) for p in ports.values()):
        time.sleep(0.2)
    assert [name for name, port in ports.items() if not port_free("127.0.0.1", port)] == []
