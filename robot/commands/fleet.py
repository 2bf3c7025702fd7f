"""`elvie fleet`: one Elvie for every robot in fleet.yml.

Starts the shared part once (Qmatic emulator unless a real Orchestra is configured, the action server
and Rasa, or the replicated set-up when `replicas` is 2 or more), a virtual Pepper for each robot marked
"virtual", then one engine per robot in this process on one content store and one speech model, and the
fleet status page with /metrics. Ctrl-C stops everything. `elvie run` (one robot) is unchanged.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import replace
from pathlib import Path

from robot.config import ConfigError, load_settings
from core.lifecycle import stop_requested
from core.logs import log_dir, setup_logging
from robot.supervisor import ChildFailed, PortInUse, Supervisor, free_port

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fleet", type=Path, default=None, help="the fleet file (default: fleet.yml, or ELVIE_FLEET)")
    parser.add_argument("--no-speech", action="store_true", help="do not listen to the robots' microphones")


def main(args: argparse.Namespace) -> int:
    from robot.fleet.config import FleetInvalid, load_fleet

    try:
        settings = load_settings(speech=False if args.no_speech else None)
        fleet = load_fleet(args.fleet)
    except ConfigError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    except FleetInvalid as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        print(f"\n{len(exc.problems)} problem(s) in the fleet file; nothing was started.", file=sys.stderr)
        return 2
    setup_logging("fleet", to_console=False)
    try:
        return asyncio.run(_run(settings, fleet))
    except (PortInUse, ChildFailed, ConfigError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2


def virtual_pepper_spec(settings, robot_id: str, qi_port: int, ui_port: int):
    """The virtual Pepper of one fleet robot, started like `elvie run` starts the single one."""
    from dialogue.training import ensure_model
    from robot.stack import specs

    spec = specs(replace(settings, simulator_qi_port=qi_port, simulator_ui_port=ui_port), ensure_model())["simulator"]
    return replace(spec, name=f"virtual Pepper {robot_id}")


async def _run(settings, fleet) -> int:
    from robot.fleet.runner import FleetRunner
    from robot.fleet.status import FleetStatus
    from robot.stack import bring_up

    supervisor = Supervisor()
    runner = None
    status = None
    try:
        stack = await bring_up(settings, supervisor, reuse=False, only=("qmatic", "actions", "rasa"))
        urls, uis, peppers = {}, {}, []
        for robot in fleet.robots:
            if robot.virtual:
                qi_port, ui_port = free_port(settings.host), free_port(settings.host)
                peppers.append(virtual_pepper_spec(settings, robot.id, qi_port, ui_port))
                urls[robot.id] = f"tcp://{settings.host}:{qi_port}"
                uis[robot.id] = settings.url(ui_port)
        supervisor.check_ports(peppers)
        await asyncio.gather(*(supervisor.start(spec) for spec in peppers))

        def dialogue_down() -> None:
            asyncio.ensure_future(_check_dialogue(supervisor, runner))

        runner = FleetRunner(fleet, settings, stack, robot_urls=urls, on_dialogue_down=dialogue_down)
        await runner.start(wait_s=None)
        status = await FleetStatus(runner).serve(settings.host, fleet.status_port)
        supervisor.watch()
        stop = stop_requested()
        print("", flush=True)
        print(f"Elvie is running for {len(fleet.robots)} robot(s).", flush=True)
        for robot in fleet.robots:
            slot = runner.slots[robot.id]
            where = f"virtual Pepper: {uis[robot.id]}/" if robot.virtual else f"robot {robot.naoqi}"
            print(f"  {robot.id} ({robot.location}, branch {robot.qmatic_branch}): tablet app "
                  f"http://{robot.tablet_host}:{slot.port}/tablet/  {where}", flush=True)
        print(f"  Fleet status: {settings.url(fleet.status_port)}/  (Prometheus: /metrics)", flush=True)
        print(f"  Logs: {log_dir()}/   Stop with Ctrl-C", flush=True)
        await stop.wait()
        print("\nStopping Elvie ...", flush=True)
    finally:
        if status is not None:
            await status.cleanup()
        if runner is not None:
            await runner.close()
        await supervisor.stop_all()
    return 0


async def _check_dialogue(supervisor: Supervisor, runner) -> None:
    """A robot could not reach Rasa: restart it if its process lives but no longer answers (once for all)."""
    if runner is None:
        return
    engine = next((slot.engine for slot in runner.slots.values() if slot.engine is not None), None)
    if engine is None or await engine.dialogue.healthy():
        return
    child = supervisor.children.get("Rasa server")
    if child is not None and child.process.poll() is None:
        await supervisor.restart("Rasa server", reason="does not answer")
