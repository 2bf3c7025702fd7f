"""Which processes make up Elvie, how each is started, and how to tell it is up.

Used by `elvie run` (starts everything, fails clearly if a port is taken) and by
`elvie converse` (reuses what already answers, starts the rest).
"""
from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from dialogue.training import REPO_ROOT, ensure_model, rasa_env, rasa_executable

from .config import StackSettings
from .supervisor import ChildSpec, Supervisor, port_open

log = logging.getLogger(__name__)

ELVIE = [sys.executable, "-m", "robot.cli"]
EMULATOR_USER = "elvie"
EMULATOR_PASSWORD = "elvie"


@dataclass(frozen=True)
class StackUrls:
    rasa: str
    actions: str
    qmatic: str | None  # None when a real Orchestra is configured
    robot: str
    simulator_ui: str | None


def qmatic_env(settings: StackSettings) -> dict[str, str]:
    """How the action server reaches Qmatic: a real Orchestra's config file, or the emulator."""
    if settings.qmatic_config:
        return {"ELVIE_QMATIC_CONFIG": str(Path(settings.qmatic_config).resolve())}
    return {"ELVIE_QMATIC_BASE_URL": settings.url(settings.qmatic_port), "ELVIE_QMATIC_USER": EMULATOR_USER,
            "ELVIE_QMATIC_PASSWORD": EMULATOR_PASSWORD}


def specs(settings: StackSettings, model: Path) -> dict[str, ChildSpec]:
    host = settings.host
    result: dict[str, ChildSpec] = {}
    if not settings.qmatic_config:
        argv = ELVIE + ["qmatic-emulator", "--host", host, "--port", str(settings.qmatic_port),
                        f"--admin-token={settings.qmatic_admin_token}"]
        if settings.qmatic_fixtures:
            argv += ["--fixtures", settings.qmatic_fixtures]
        result["qmatic"] = ChildSpec("Qmatic emulator", argv, settings.qmatic_port, host, ready_timeout_s=20)
    result["actions"] = ChildSpec("action server", ELVIE + ["actions", "--host", host, "--port",
                                                            str(settings.actions_port)],
                                  settings.actions_port, host, ready_path="/health", ready_timeout_s=60,
                                  env=qmatic_env(settings))
    rasa_argv = [rasa_executable(), "run", "--enable-api", f"--auth-token={settings.rasa_token}", "-m", str(model),
                 "--endpoints", str(REPO_ROOT / "dialogue" / "endpoints.yml"), "-i", host,
                 "-p", str(settings.rasa_port)]
    env = rasa_env()
    env.update({"ELVIE_ACTION_URL": settings.url(settings.actions_port) + "/webhook",
                "ELVIE_NLG_URL": settings.url(settings.actions_port) + "/nlg"})
    result["rasa"] = ChildSpec("Rasa server", rasa_argv, settings.rasa_port, host,
                               ready_path=f"/status?token={settings.rasa_token}", ready_timeout_s=180, env=env)
    if not settings.robot_url:
        argv = ELVIE + ["simulator", "--host", host, "--qi-port", str(settings.simulator_qi_port),
                        "--ui-port", str(settings.simulator_ui_port),
                        "--time-scale", str(settings.speech_time_scale)]
        if not settings.qmatic_config:
            argv += ["--qmatic-url", settings.url(settings.qmatic_port),
                     f"--qmatic-admin-token={settings.qmatic_admin_token}"]
        if settings.speak_aloud:
            argv.append("--speak")
        if settings.simulator_echo:
            argv.append("--echo")
        result["simulator"] = ChildSpec("virtual Pepper", argv, settings.simulator_ui_port, host, ready_path="/",
                                        ready_timeout_s=30)
    return result


def urls(settings: StackSettings) -> StackUrls:
    return StackUrls(rasa=settings.url(settings.rasa_port), actions=settings.url(settings.actions_port),
                     qmatic=None if settings.qmatic_config else settings.url(settings.qmatic_port),
                     robot=settings.robot_url or f"tcp://{settings.host}:{settings.simulator_qi_port}",
                     simulator_ui=None if settings.robot_url else settings.url(settings.simulator_ui_port))


async def _answers(url: str) -> bool:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1.5)) as http:
            async with http.get(url) as response:
                return response.status == 200
    except (aiohttp.ClientError, OSError, TimeoutError):
        return False


async def bring_up(settings: StackSettings, supervisor: Supervisor, reuse: bool,
                   only: tuple[str, ...] | None = None) -> StackUrls:
    """Start the stack's processes, all at once (reusing ones that already answer if `reuse`)."""
    supervisor.reclaim_stale()  # first: an orphan of a crashed run is neither reused nor in the way
    if settings.replicas > 1:  # Rasa and actions behind a balancer on rasa_port / actions_port
        from .replicated import bring_up_replicated

        if only is None or "rasa" in only or "actions" in only:
            await bring_up_replicated(settings, supervisor, reuse)
        only = tuple(n for n in (only or ("qmatic", "simulator")) if n not in ("rasa", "actions"))
    model = ensure_model()
    all_specs = specs(settings, model)
    order = [name for name in ("qmatic", "actions", "rasa", "simulator") if name in all_specs
             and (only is None or name in only)]
    to_start = []
    for name in order:
        spec = all_specs[name]
        up = (await _answers(f"http://{spec.host}:{spec.port}{spec.ready_path}") if spec.ready_path
              else port_open(spec.host, spec.port))
        if reuse and up:
            log.info("reusing the running %s on port %d", spec.name, spec.port)
            continue
        to_start.append(spec)
    supervisor.check_ports(to_start)
    for spec in to_start:
        print(f"[elvie] starting the {spec.name} on port {spec.port} ...", flush=True)
    # All at once: none needs another to start, and Rasa's ~30 s start-up dominates.
    results = await asyncio.gather(*(supervisor.start(spec) for spec in to_start), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise errors[0]
    return urls(settings)
