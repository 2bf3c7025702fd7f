"""The replicated set-up on real servers: two Rasa replicas and two action servers behind HAProxy, Rasa's SQL
tracker store on PostgreSQL and its RedisLockStore on redis-server. A replica killed in the middle of a
conversation costs nothing: the other carries it on from PostgreSQL, and the visitor is checked in once."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from dataclasses import replace

import pytest

from robot.config import load_settings
from robot.engine.settings import EngineSettings
from robot.harness import LocalElvie
from robot.supervisor import Supervisor, free_port
from tests.e2e.conftest import SUITE_CLOCK

pytestmark = pytest.mark.slow

NEEDED = ("haproxy", "initdb", "postgres", "redis-server")


@pytest.fixture(scope="module")
def replicated():
    missing = [name for name in NEEDED if not shutil.which(name)]
    if missing:
        pytest.fail(f"the replicated set-up needs {', '.join(missing)}: `make setup` installs them as root "
                    "(Debian: haproxy, postgresql-15, redis-server)")
    from robot.stack import bring_up

    clock = os.environ.get("ELVIE_CLOCK")
    os.environ["ELVIE_CLOCK"] = f"{SUITE_CLOCK}@{time.time():.3f}"
    settings = replace(load_settings(speech=False), rasa_port=free_port(), actions_port=free_port(),
                       qmatic_port=free_port(), replicas=2)
    loop = asyncio.new_event_loop()
    supervisor = Supervisor()
    try:
        loop.run_until_complete(bring_up(settings, supervisor, reuse=False, only=("qmatic", "actions", "rasa")))
        yield settings, supervisor, loop
    finally:
        loop.run_until_complete(supervisor.stop_all())
        loop.close()
        if clock is None:
            os.environ.pop("ELVIE_CLOCK", None)
        else:
            os.environ["ELVIE_CLOCK"] = clock


def both_replicas(supervisor: Supervisor, loop) -> None:
    """An earlier test may have killed one: start it again (the balancer takes it back)."""
    for name in ("Rasa server 1", "Rasa server 2"):
        if supervisor.children[name].process.poll() is not None:
            loop.run_until_complete(supervisor.restart(name, reason="was killed by a test"))
    time.sleep(2.5)  # HAProxy's health check: two good answers a second apart


def kill(supervisor: Supervisor, name: str) -> None:
    child = supervisor.children[name]
    os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait(10)


def test_a_killed_rasa_replica_loses_no_conversation_and_doubles_no_check_in(replicated):
    settings, supervisor, loop = replicated
    both_replicas(supervisor, loop)
    assert {"Rasa server 1", "Rasa server 2", "action server 1", "action server 2", "load balancer",
            "PostgreSQL", "Redis"} <= set(supervisor.children)

    async def scenario():
        async with LocalElvie(settings, EngineSettings(greet_on_arrival=False)) as elvie:
            await elvie.seed_qmatic("tests/conversations/fixtures/today.yml")
            results = [await elvie.say(line) for line in ("Hello", "I have an appointment", "my name is Emily Clarke")]
            conversation = elvie.engine.conversation.id
            kill(supervisor, "Rasa server 1")  # mid-conversation: Elvie has just asked "is that right?"
            results.append(await elvie.say("yes"))
            while not any(r.ticket for r in results) and len(results) < 9:
                results.append(await elvie.say("yes"))
            stored = await stored_events(supervisor, conversation)
            qmatic = await elvie.qmatic_admin("GET", "state")
            return results, conversation, stored, qmatic

    results, conversation, stored, qmatic = loop.run_until_complete(asyncio.wait_for(scenario(), 300))
    assert not any(r.error for r in results), [(r.heard, r.error) for r in results]
    assert [r.ticket for r in results if r.ticket] == ["R001"], [(r.heard, r.responses) for r in results]
    arrivals = [c for r in results for c in r.qmatic if c["operation"] == "arrive"]
    assert [c["status"] for c in arrivals] == [200], arrivals
    assert stored > 0, "the conversation lives in PostgreSQL"
    assert supervisor.children["Rasa server 1"].process.poll() is not None
    emily = [a for a in qmatic["appointments"] if a["id"] == 2007]
    assert emily[0]["status"] == "ARRIVED"
    assert len([v for v in qmatic["visits"] if v.get("appointmentId") == 2007]) == 1, qmatic["visits"]


async def stored_events(supervisor: Supervisor, conversation: str) -> int:
    """Rows of this conversation in Rasa's events table (read with the tracker store's own credentials)."""
    import psycopg2
    import yaml

    from robot.replicated import TRACKER_PASSWORD_ENV

    rasa = supervisor.children["Rasa server 2"]
    endpoints = yaml.safe_load(open(rasa.spec.argv[rasa.spec.argv.index("--endpoints") + 1], encoding="utf-8"))
    store = endpoints["tracker_store"]

    def count() -> int:
        connection = psycopg2.connect(host=store["url"], port=store["port"], dbname=store["db"],
                                      user=store["username"], password=rasa.spec.env[TRACKER_PASSWORD_ENV])
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM events WHERE sender_id = %s", (conversation,))
                return cursor.fetchone()[0]
        finally:
            connection.close()

    return await asyncio.to_thread(count)


def test_replicated_settings_are_checked(tmp_path, monkeypatch):
    from robot.config import ConfigError

    config = tmp_path / "elvie.yml"
    monkeypatch.setenv("ELVIE_CONFIG", str(config))
    config.write_text("replicas: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'replicas' must be 1"):
        load_settings()
    for lifetime in (5, 10, 60):
        config.write_text(f"replicas: 2\nlock_lifetime_s: {lifetime}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="'lock_lifetime_s' must be at least 6 s .* below the engine's 10 s"):
            load_settings()
    config.write_text("replicas: 2\n", encoding="utf-8")
    assert load_settings().lock_lifetime_s == 8


def test_the_replicas_share_the_tracker_store_and_lock_store_and_no_password_is_written():
    import yaml

    from robot.replicated import endpoints_yaml, haproxy_config
    from robot.stores import PostgresAddress, RedisAddress

    text = endpoints_yaml(PostgresAddress("127.0.0.1", 5433, password="s3cret-pg"),
                          RedisAddress("127.0.0.1", 6380, password="s3cret-redis"))
    data = yaml.safe_load(text)
    assert data["tracker_store"]["type"] == "SQL" and data["tracker_store"]["dialect"] == "postgresql"
    assert data["lock_store"]["type"] == "redis" and data["lock_store"]["port"] == 6380
    assert "s3cret" not in text and "${ELVIE_TRACKER_STORE_PASSWORD}" in text
    balancer = haproxy_config("127.0.0.1", 5005, 5055, 5099, [6001, 6002], [7001, 7002])
    assert "server rasa2 127.0.0.1:6002 check" in balancer and "retry-on conn-failure" in balancer


def test_three_robots_carry_on_when_a_replica_dies_mid_conversation(replicated):
    import aiohttp
    import yaml

    from robot.engine.inputs import TextInput
    from robot.fleet.runner import FleetOptions, FleetRunner
    from robot.stack import urls as stack_urls
    from simulator.robot import SimulatorSettings, VirtualPepper
    from tests.e2e.test_fleet import VISITORS, fleet

    settings, supervisor, loop = replicated
    both_replicas(supervisor, loop)
    peppers = {}

    async def say_all(run, turns):
        async def one(robot_id, lines):
            return [await run.slots[robot_id].engine.handle(TextInput(text=line, source="typed")) for line in lines]
        return dict(zip(turns, await asyncio.gather(*(one(r, lines) for r, lines in turns.items()))))

    async def scenario():
        urls = {robot_id: robot.url for robot_id, robot in peppers.items()}
        options = FleetOptions(engine=EngineSettings(greet_on_arrival=False))
        async with FleetRunner(fleet(), settings, stack_urls(settings), robot_urls=urls, options=options) as run:
            async with aiohttp.ClientSession() as http:
                seed = yaml.safe_load(open("tests/conversations/fixtures/today.yml", encoding="utf-8"))
                async with http.post(f"{settings.url(settings.qmatic_port)}/admin/seed", json=seed,
                                     headers={"X-Admin-Token": settings.qmatic_admin_token}) as response:
                    assert response.status < 300
            before = await say_all(run, {r: lines[:3] for r, (lines, _, _) in VISITORS.items()})
            kill(supervisor, "Rasa server 2")  # every visitor is in the middle of their conversation
            after = await say_all(run, {r: lines[3:] + [("yes" if lines[0] == "Hello" else "ja")] * 4
                                        for r, (lines, _, _) in VISITORS.items()})
            return {r: before[r] + after[r] for r in VISITORS}

    try:
        for robot_id in VISITORS:
            peppers[robot_id] = VirtualPepper(SimulatorSettings(port=0, time_scale=0.02)).start()
        results = loop.run_until_complete(asyncio.wait_for(scenario(), 300))
    finally:
        for robot in peppers.values():
            robot.stop()
    qmatic = loop.run_until_complete(_qmatic_state(settings))
    for robot_id, (_, ticket, _) in VISITORS.items():
        turns = results[robot_id]
        assert not any(r.error for r in turns), [(r.heard, r.error) for r in turns]
        assert [r.ticket for r in turns if r.ticket] == [ticket], [(r.heard, r.responses) for r in turns]
    arrived = [v.get("appointmentId") for v in qmatic["visits"] if v.get("appointmentId")]
    assert sorted(arrived) == [2004, 2005, 2007], "each visitor checked in once, none twice, none lost"


async def _qmatic_state(settings) -> dict:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{settings.url(settings.qmatic_port)}/admin/state",
                            headers={"X-Admin-Token": settings.qmatic_admin_token}) as response:
            return await response.json()


def busy_replica(supervisor: Supervisor) -> str | None:
    """The Rasa replica HAProxy has a request open with right now (from its statistics page)."""
    import csv
    import io
    import re

    import requests

    config = open(supervisor.children["load balancer"].spec.argv[2], encoding="utf-8").read()
    stats = re.search(r"listen stats\n\s+bind (\S+)", config).group(1)
    rows = csv.DictReader(io.StringIO(requests.get(f"http://{stats}/stats;csv", timeout=5).text.lstrip("# ")))
    busy = [row["svname"] for row in rows if row["pxname"] == "rasa_replicas" and row["svname"].startswith("rasa")
            and int(row["scur"] or 0) > 0]
    return f"Rasa server {busy[0].removeprefix('rasa')}" if busy else None


def test_a_replica_dying_inside_the_check_in_turn_checks_nobody_in_twice(replicated):
    settings, supervisor, loop = replicated
    both_replicas(supervisor, loop)

    async def scenario():
        async with LocalElvie(settings, EngineSettings(greet_on_arrival=False)) as elvie:
            await elvie.seed_qmatic("tests/conversations/fixtures/today.yml")
            # Qmatic is slow to check in: the replica handling that turn is killed while it waits
            await elvie.qmatic_admin("POST", "faults", {"endpoint": "arrive", "kind": "latency", "ms": 2500,
                                                        "times": 1})
            results = [await elvie.say(line) for line in ("Hello", "I have an appointment", "my name is Emily Clarke")]
            killed = None
            while killed is None and len(results) < 9:
                turn = asyncio.ensure_future(elvie.say("yes"))
                await asyncio.sleep(1.0)
                if not turn.done():
                    killed = await asyncio.to_thread(busy_replica, supervisor)
                    if killed:
                        kill(supervisor, killed)
                results.append(await turn)
            interrupted = results[-1]
            repeats = []
            while len(repeats) < 3 and not any(r.ticket or "utter_already_checked_in" in " ".join(r.responses)
                                               for r in repeats):
                repeats.append(await elvie.say("yes"))  # the visitor says it again
            qmatic = await elvie.qmatic_admin("GET", "state")
            return killed, interrupted, repeats, qmatic

    killed, interrupted, repeats, qmatic = loop.run_until_complete(asyncio.wait_for(scenario(), 300))
    assert killed, "the check-in turn should have been inside a replica"
    assert interrupted.error == "dialogue_unavailable" and interrupted.say, "Elvie apologises for the lost turn"
    assert repeats and not repeats[0].error and repeats[0].say, "the repeat waits out the dead lock and is answered"
    visits = [v for v in qmatic["visits"] if v.get("appointmentId") == 2007]
    assert len(visits) == 1, f"checked in {len(visits)} times"
    assert [a for a in qmatic["appointments"] if a["id"] == 2007][0]["status"] == "ARRIVED"
    told = " ".join(" ".join(r.say) for r in [interrupted, *repeats])
    assert visits[0]["ticketId"] in told or any("utter_already_checked_in" in " ".join(r.responses)
                                                for r in repeats), [r.to_json() for r in repeats]
