"""A crashed Elvie leaves nothing behind: children die with it, and a new start reclaims stale ones from
an earlier run — but never signals a program that is not Elvie's."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from robot.orphans import MARK, reclaim_stale, start_time
from robot.supervisor import Supervisor, free_port, port_free

REPO = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    return start_time(pid) is not None  # a zombie counts as gone: it holds no port and runs no code


def wait_gone(pids, limit_s: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit_s and any(alive(p) for p in pids):
        time.sleep(0.02)
    return time.monotonic() - started


def sleeper(env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], env=env,
                            start_new_session=True)


def dead_pid() -> tuple[int, int]:
    """A supervisor that has gone: a process that ran and was reaped (its pid and start time)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    started = start_time(process.pid)
    process.kill()
    process.wait()
    return process.pid, started


def write_record(directory: Path, owner: tuple[int, int], children: list[tuple[int, int, str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"children-{owner[0]}-1.json"
    path.write_text(json.dumps({"pid": owner[0], "start": owner[1], "mark": f"{owner[0]}:{owner[1]}",
                                "children": [{"pid": p, "start": s, "name": n} for p, s, n in children]}))
    return path


def test_children_die_within_two_seconds_of_a_killed_supervisor(tmp_path):
    port = free_port()
    script = textwrap.dedent(f"""
        import asyncio, sys
        from robot.supervisor import ChildSpec, Supervisor
        async def main():
            supervisor = Supervisor()
            spec = ChildSpec("test server", [sys.executable, "-m", "http.server", "{port}", "--bind", "127.0.0.1"],
                             {port}, ready_path="/", ready_timeout_s=15)
            child = await supervisor.start(spec)
            print(child.process.pid, flush=True)
            await asyncio.sleep(120)
        asyncio.run(main())
    """)
    env = dict(os.environ, ELVIE_LOG_DIR=str(tmp_path / "log"), ELVIE_RUN_DIR=str(tmp_path / "run"))
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    child = None
    try:
        child = int(parent.stdout.readline())
        assert alive(child) and not port_free("127.0.0.1", port)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_gone([child], 5.0) < 2.0
        assert port_free("127.0.0.1", port)
    finally:
        parent.kill()
        if child is not None and alive(child):
            os.killpg(child, signal.SIGKILL)


def test_stale_children_are_reclaimed_and_foreign_programs_are_left_alone(tmp_path):
    run_dir = tmp_path / "run"
    owner = dead_pid()
    stale = sleeper()
    grandchild = sleeper(env=dict(os.environ, **{MARK: f"{owner[0]}:{owner[1]}"}))
    foreign = sleeper()  # a program that got a recorded pid after the crash: its start time differs
    live_child = sleeper()
    processes = [stale, grandchild, foreign, live_child]
    try:
        write_record(run_dir, owner, [(stale.pid, start_time(stale.pid), "Rasa server"),
                                      (foreign.pid, start_time(foreign.pid) - 1, "action server")])
        # a supervisor that still runs (this test process): its record is not touched
        (run_dir / "children-live-1.json").write_text(json.dumps({
            "pid": os.getpid(), "start": start_time(os.getpid()), "mark": "x",
            "children": [{"pid": live_child.pid, "start": start_time(live_child.pid), "name": "virtual Pepper"}]}))
        stopped = reclaim_stale(run_dir, grace_s=2.0)
        for process in (stale, grandchild):
            process.wait(timeout=5)
        assert sorted(stopped) == ["Rasa server", "a process it started"]
        assert alive(foreign.pid) and alive(live_child.pid)
        assert not (run_dir / f"children-{owner[0]}-1.json").exists()
        assert (run_dir / "children-live-1.json").exists()
    finally:
        for process in processes:
            process.kill()
            process.wait()


def test_a_new_start_frees_the_port_a_stale_child_holds(tmp_path, monkeypatch):
    monkeypatch.setenv("ELVIE_RUN_DIR", str(tmp_path / "run"))
    port = free_port()
    stale = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while port_free("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.05)
        write_record(tmp_path / "run", dead_pid(), [(stale.pid, start_time(stale.pid), "Qmatic emulator")])
        Supervisor().reclaim_stale()
        stale.wait(timeout=10)
        assert port_free("127.0.0.1", port)
    finally:
        stale.kill()
        stale.wait()


def test_a_supervisor_that_stops_cleanly_leaves_no_record(tmp_path, monkeypatch):
    import asyncio

    from robot.supervisor import ChildSpec

    monkeypatch.setenv("ELVIE_RUN_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("ELVIE_LOG_DIR", str(tmp_path / "log"))
    port = free_port()

    async def scenario():
        supervisor = Supervisor()
        try:
            await supervisor.start(ChildSpec("test server", [sys.executable, "-m", "http.server", str(port),
                                                             "--bind", "127.0.0.1"], port, ready_path="/"))
            record = json.loads(supervisor.record.path.read_text())
            assert [c["name"] for c in record["children"]] == ["test server"]
        finally:
            await supervisor.stop_all()
        assert list((tmp_path / "run").glob("children-*.json")) == []
    asyncio.run(scenario())
