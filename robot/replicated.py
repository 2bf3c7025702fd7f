"""The replicated setup: several Rasa servers and action servers behind HAProxy, on Rasa's real stores.

Turned on by `replicas: 2` (or more) in elvie.yml; the default (1) is the single-robot stack of
robot/stack.py. The engine talks to the balancer on `rasa_port`, Rasa's replicas reach the action servers
through the balancer on `actions_port`; the replicas themselves listen on free ports chosen at each start.

Every replica keeps conversations in Rasa's SQL tracker store on PostgreSQL and takes the conversation's
lock in Rasa's `RedisLockStore`, so any replica can carry any conversation on: when one dies, HAProxy
sends the next turn to another (a refused connection is retried there; health checks take the dead one
out), which reads the conversation from PostgreSQL. Turns are spread round-robin over the replicas.

TICKET_LOCK_LIFETIME: Rasa holds a conversation's lock (a ticket in Redis) while it handles a turn; a replica
that dies holding one leaves it until it expires, and the conversation's next turn waits for that. Here the
lifetime is `lock_lifetime_s` (8 s), not Rasa's 60 s, chosen between two bounds (robot/config.py checks them):
- above the longest a live turn holds the lock: every Qmatic call a turn makes is bounded (reads 2.5 s with
  retries, a check-in 1.8 s + ~1 s to learn the outcome of a timed-out one, dialogue/actions/qmatic_calls.py),
  so with a slow Qmatic a turn still ends within ~5 s and keeps its lock (no second turn of the same
  conversation runs beside it: no double check-in);
- below the engine's 10 s turn timeout (robot/engine/dialogue_client.py): the visitor's repeat after a
  replica died inside their turn waits out the dead lock and is answered, instead of timing out as well.
"""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

from dialogue.training import REPO_ROOT, ensure_model, rasa_env, rasa_executable

from .config import StackSettings
from .stores import (PostgresAddress, RedisAddress, StoreError, ThrowawayStores, ensure_database,
                     parse_postgres_url, parse_redis_url)
from .supervisor import ChildSpec, Supervisor, free_port

log = logging.getLogger(__name__)

BASE_ENDPOINTS = REPO_ROOT / "dialogue" / "endpoints.yml"
TRACKER_PASSWORD_ENV = "ELVIE_TRACKER_STORE_PASSWORD"
LOCK_PASSWORD_ENV = "ELVIE_LOCK_STORE_PASSWORD"


@dataclass
class Replicated:
    """What a replicated start brought up: where each part listens."""

    rasa_ports: list[int]
    action_ports: list[int]
    stats_port: int
    postgres: PostgresAddress
    redis: RedisAddress
    directory: Path
    rasa_names: list[str] = field(default_factory=list)

    def stats_url(self, host: str) -> str:
        return f"http://{host}:{self.stats_port}/stats;csv"


def endpoints_yaml(postgres: PostgresAddress, redis: RedisAddress) -> str:
    """dialogue/endpoints.yml plus the tracker store and lock store (passwords stay in the environment)."""
    data = yaml.safe_load(BASE_ENDPOINTS.read_text(encoding="utf-8"))
    data["tracker_store"] = {"type": "SQL", "dialect": "postgresql", "url": postgres.host, "port": postgres.port,
                             "db": postgres.database, "username": postgres.user,
                             "password": "${" + TRACKER_PASSWORD_ENV + "}"}
    data["lock_store"] = {"type": "redis", "url": redis.host, "port": redis.port, "db": redis.db,
                          "password": "${" + LOCK_PASSWORD_ENV + "}", "key_prefix": "elvie"}
    return "# Written by `elvie run` for the replicated setup (robot/replicated.py).\n" + \
        yaml.safe_dump(data, sort_keys=False)


def haproxy_config(host: str, rasa_port: int, actions_port: int, stats_port: int, rasa_ports: list[int],
                   action_ports: list[int]) -> str:
    rasa_servers = "\n".join(f"    server rasa{i + 1} {host}:{port} check" for i, port in enumerate(rasa_ports))
    action_servers = "\n".join(f"    server actions{i + 1} {host}:{port} check"
                               for i, port in enumerate(action_ports))
    return f"""# Written by `elvie run` for the replicated setup (robot/replicated.py).
global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A refused connection never reached a replica: safe to send the request to another one.
    # (Never retried after it was sent: the turn might have been handled.)
    retries 3
    retry-on conn-failure
    option redispatch 1
    default-server inter 1s fall 2 rise 2

frontend rasa
    bind {host}:{rasa_port}
    default_backend rasa_replicas

backend rasa_replicas
    # Any replica can take any turn: conversations live in the tracker store, and the lock store keeps
    # two turns of one conversation from running at once. (The REST channel's URL is the same for every
    # conversation, so hashing it would send every turn to one replica.)
    balance roundrobin
    option httpchk GET /
{rasa_servers}

frontend actions
    bind {host}:{actions_port}
    default_backend action_replicas

backend action_replicas
    balance roundrobin
    option httpchk GET /health
{action_servers}

listen stats
    bind {host}:{stats_port}
    stats enable
    stats uri /stats
"""


def _stores(settings: StackSettings) -> tuple[PostgresAddress, RedisAddress, ThrowawayStores | None]:
    if settings.tracker_store_url and settings.lock_store_url:
        return (parse_postgres_url(settings.tracker_store_url, os.environ.get(TRACKER_PASSWORD_ENV, "")),
                parse_redis_url(settings.lock_store_url, os.environ.get(LOCK_PASSWORD_ENV, "")), None)
    if settings.tracker_store_url or settings.lock_store_url:
        raise StoreError("set both tracker_store_url and lock_store_url, or neither (then Elvie starts "
                         "throwaway PostgreSQL and Redis)")
    throwaway = ThrowawayStores.create(settings.host)
    return throwaway.postgres, throwaway.redis, throwaway


async def _answers(url: str) -> bool:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1.5)) as http:
            async with http.get(url) as response:
                return response.status == 200
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
        return False


async def bring_up_replicated(settings: StackSettings, supervisor: Supervisor,
                              reuse: bool) -> Replicated | None:
    """Start the stores (unless configured), the action servers, the Rasa replicas and HAProxy.

    With `reuse`, a balancer that already answers is taken as the running replicated stack (None).
    """
    host = settings.host
    if reuse and await _answers(f"http://{host}:{settings.rasa_port}/status?token={settings.rasa_token}"):
        log.info("reusing the replicated Rasa behind the balancer on port %d", settings.rasa_port)
        return None
    haproxy = shutil.which("haproxy")
    if not haproxy:
        raise StoreError("the replicated setup needs HAProxy: apt-get install haproxy")
    model = ensure_model()
    postgres, redis, throwaway = _stores(settings)
    directory = throwaway.directory if throwaway else Path(tempfile.mkdtemp(prefix="elvie-replicated-"))
    count = settings.replicas
    up = Replicated(rasa_ports=[free_port(host) for _ in range(count)],
                    action_ports=[free_port(host) for _ in range(count)], stats_port=free_port(host),
                    postgres=postgres, redis=redis, directory=directory)
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(endpoints_yaml(postgres, redis), encoding="utf-8")
    balancer_config = directory / "haproxy.cfg"
    balancer_config.write_text(haproxy_config(host, settings.rasa_port, settings.actions_port, up.stats_port,
                                              up.rasa_ports, up.action_ports), encoding="utf-8")

    from .stack import qmatic_env

    first = list(throwaway.specs()) if throwaway else []
    first.append(ChildSpec("load balancer", [haproxy, "-f", str(balancer_config), "-db"], settings.rasa_port,
                           host, ready_timeout_s=15))
    actions = [ChildSpec(f"action server {i + 1}", [*_elvie(), "actions", "--host", host, "--port", str(port)],
                         port, host, ready_path="/health", ready_timeout_s=60, env=qmatic_env(settings))
               for i, port in enumerate(up.action_ports)]
    env = rasa_env()
    env.update({"ELVIE_ACTION_URL": settings.url(settings.actions_port) + "/webhook",
                "ELVIE_NLG_URL": settings.url(settings.actions_port) + "/nlg",
                TRACKER_PASSWORD_ENV: postgres.password, LOCK_PASSWORD_ENV: redis.password,
                "TICKET_LOCK_LIFETIME": str(settings.lock_lifetime_s)})
    rasas = [ChildSpec(f"Rasa server {i + 1}", [rasa_executable(), "run", "--enable-api",
                                                f"--auth-token={settings.rasa_token}", "-m", str(model),
                                                "--endpoints", str(endpoints), "-i", host, "-p", str(port)],
                       port, host, ready_path=f"/status?token={settings.rasa_token}", ready_timeout_s=240, env=env)
             for i, port in enumerate(up.rasa_ports)]
    up.rasa_names = [spec.name for spec in rasas]
    supervisor.check_ports(first + actions + rasas)
    for spec in first + actions + rasas:
        print(f"[elvie] starting the {spec.name} on port {spec.port} ...", flush=True)
    await _all(supervisor, first)
    await asyncio.to_thread(ensure_database, postgres)
    # The first replica creates Rasa's tables; the others start once they exist (two at once would race).
    await _all(supervisor, actions + rasas[:1])
    await _all(supervisor, rasas[1:])
    return up


def _elvie() -> list[str]:
    from .stack import ELVIE

    return list(ELVIE)


async def _all(supervisor: Supervisor, specs: list[ChildSpec]) -> None:
    results = await asyncio.gather(*(supervisor.start(spec) for spec in specs), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise errors[0]
