"""The engine exposed as for a real Pepper (`expose_tablet`), with a stranger on the network.

Loopback aliases stand in for machines: on Linux all of 127.0.0.0/8 is loopback, so the engine
listens on 127.0.0.3 (this machine's address as the robot sees it, `tablet_host`), the robot's
tablet connects from 127.0.0.1, and a laptop on the municipal network from 127.0.0.2. The visitor
talks to the full stack (Rasa, actions, Qmatic emulator, virtual Pepper) as in every e2e test.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace

import aiohttp
import pytest

from robot.harness import LocalElvie
from core.logs import RedactingFilter
from core.logs import log_dir as current_log_dir

pytestmark = pytest.mark.slow

ENGINE_ADDRESS = "127.0.0.3"  # tablet_host: where the robot reaches this machine
TABLET = "127.0.0.1"  # the robot's tablet
STRANGER = "127.0.0.2"  # a laptop on the same network
FIXTURE = "tests/conversations/fixtures/today.yml"
PRIVACY_FIXTURE = "tests/conversations/fixtures/privacy.yml"
VISITOR_DATA = ["Emily", "Clarke", "driving licence"]
PRIVATE = ["Wilhelmina", "Zwanenburg", "1957-03-14", "PV7731", "14-03-1957"]


def exposed(stack, **overrides):
    settings = replace(stack["settings"], expose_tablet=True, tablet_host=ENGINE_ADDRESS, **overrides)
    return LocalElvie(settings, time_scale=0.02)


async def request(source: str, method: str, url: str, **kwargs) -> tuple[int, str]:
    """An HTTP request whose client address is `source` (the machine it comes from)."""
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:
        async with http.request(method, url, **kwargs) as response:
            if response.content_type == "text/event-stream" and response.status == 200:
                return response.status, (await response.content.readline()).decode()
            return response.status, await response.text()


def api(elvie: LocalElvie, path: str, key: str | None = None) -> str:
    url = f"http://{ENGINE_ADDRESS}:{elvie.running.port}{path}"
    return url + ("&" if "?" in url else "?") + f"key={key}" if key is not None else url


async def visitor_gives_her_name(elvie: LocalElvie) -> None:
    await elvie.seed_qmatic(FIXTURE)
    for words in ("Hello", "I have an appointment", "my name is Emily Clarke"):
        await elvie.say(words)
    assert elvie.engine.tablet.view.screen == "confirm_appointment"


def test_a_stranger_gets_401_on_every_tablet_endpoint_and_no_visitor_data(stack):
    async def scenario():
        async with exposed(stack) as elvie:
            await visitor_gives_her_name(elvie)
            key = elvie.running.access.secret
            for given in (None, "", "guess", key[:-1] + ("A" if key[-1] != "A" else "B")):
                for method, path, body in (("GET", "/api/tablet/state", None),
                                           ("GET", "/api/tablet/state?after=0", None),
                                           ("GET", "/api/tablet/events", None),
                                           ("POST", "/api/tablet/touch", {"button": "yes"}),
                                           ("POST", "/api/tablet/touch?wait=1", {"button": "help"})):
                    status, text = await request(STRANGER, method, api(elvie, path, given), json=body)
                    assert status == 401, (path, given)
                    assert not [word for word in VISITOR_DATA if word.lower() in text.lower()], (path, text)
            status, text = await request(STRANGER, "GET", api(elvie, "/api/health"))
            assert status == 200 and json.loads(text) == {"status": "ok"}
            status, _ = await request(STRANGER, "GET", api(elvie, "/tablet/"))
            assert status == 200  # the app itself is static: it shows nothing without the key
            # the stranger's taps changed nothing: the visitor is still asked to confirm her appointment
            assert elvie.engine.tablet.view.screen == "confirm_appointment"
            # listening where the robot reaches this machine, not on every interface
            with pytest.raises(aiohttp.ClientConnectorError):
                await request(TABLET, "GET", f"http://127.0.0.4:{elvie.running.port}/api/health")
    stack["loop"].run(scenario())


def test_the_robots_tablet_with_the_key_works_as_before(stack):
    async def scenario():
        async with exposed(stack) as elvie:
            await visitor_gives_her_name(elvie)
            shown = elvie.robot.snapshot()["tablet_url"]
            assert shown == elvie.tablet_url and shown.startswith(f"http://{ENGINE_ADDRESS}:")
            key = elvie.running.access.secret
            status, text = await request(TABLET, "GET", shown.replace("/tablet/?", "/api/tablet/state?"))
            view = json.loads(text)
            assert status == 200 and view["heard"] == "my name is Emily Clarke"
            assert view["screen"] == "confirm_appointment" and "driving licence" in json.dumps(view)
            status, line = await request(TABLET, "GET", api(elvie, "/api/tablet/events", key))
            assert status == 200 and json.loads(line.removeprefix("data: "))["version"] == view["version"]
            status, text = await request(TABLET, "POST", api(elvie, "/api/tablet/touch?wait=1", key),
                                         json={"button": "yes"})
            assert status == 200 and json.loads(text)["screen"] == "document"
            status, text = await request(TABLET, "GET", api(elvie, "/api/health", key))
            assert status == 200 and json.loads(text)["robot"] is True
    stack["loop"].run(scenario())


def test_with_the_allow_list_the_key_alone_from_a_foreign_address_is_refused(stack):
    async def scenario():
        async with exposed(stack, tablet_allow=TABLET) as elvie:
            await visitor_gives_her_name(elvie)
            key = elvie.running.access.secret
            for method, path, body in (("GET", "/api/tablet/state", None), ("GET", "/api/tablet/events", None),
                                       ("POST", "/api/tablet/touch", {"button": "yes"})):
                status, text = await request(STRANGER, method, api(elvie, path, key), json=body)
                assert status == 403, path
                assert not [word for word in VISITOR_DATA if word.lower() in text.lower()]
            status, text = await request(STRANGER, "GET", api(elvie, "/api/health", key))
            assert json.loads(text) == {"status": "ok"}
            status, text = await request(TABLET, "GET", api(elvie, "/api/tablet/state", key))
            assert status == 200 and json.loads(text)["heard"] == "my name is Emily Clarke"
    stack["loop"].run(scenario())


def test_a_rotated_key_locks_the_old_one_out_and_the_robot_gets_the_new_url(stack):
    async def scenario():
        async with exposed(stack) as elvie:
            await visitor_gives_her_name(elvie)
            old_url, old_key = elvie.tablet_url, elvie.running.access.secret
            connector = aiohttp.TCPConnector(local_addr=(TABLET, 0))
            async with aiohttp.ClientSession(connector=connector) as http:
                async with http.get(api(elvie, "/api/tablet/events", old_key)) as events:
                    await events.content.readline()
                    async with http.post(api(elvie, "/api/control/rotate-tablet-key"),
                                         headers={"X-Elvie-Token": elvie.settings.control_token}) as rotated:
                        assert rotated.status == 200
                    rest = await asyncio.wait_for(events.content.read(), timeout=10)  # the stream closes
                    assert b"Clarke" not in rest
            for _ in range(100):  # the virtual Pepper's tablet is given the new URL
                if elvie.robot.snapshot()["tablet_url"] != old_url:
                    break
                await asyncio.sleep(0.05)
            new_url = elvie.robot.snapshot()["tablet_url"]
            assert new_url == elvie.tablet_url != old_url
            status, _ = await request(TABLET, "GET", old_url.replace("/tablet/?", "/api/tablet/state?"))
            assert status == 401
            status, text = await request(TABLET, "GET", new_url.replace("/tablet/?", "/api/tablet/state?"))
            assert status == 200 and json.loads(text)["screen"] == "confirm_appointment"
            new_key = elvie.running.access.secret
        async with exposed(stack) as restarted:  # a restart makes yet another key
            assert restarted.running.access.secret not in (old_key, new_key)
    stack["loop"].run(scenario())


def test_the_logs_of_a_full_conversation_hold_neither_the_key_nor_visitor_data(stack, tmp_path, monkeypatch):
    shared = current_log_dir()  # where the shared stack (Rasa, actions, emulator) logs
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    monkeypatch.setenv("ELVIE_LOG_DIR", str(log_dir))  # the virtual Pepper started here logs there too
    monkeypatch.setenv("ELVIE_LOG_LEVEL", "DEBUG")
    handler = logging.FileHandler(log_dir / "engine.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    keys = []

    async def scenario():
        async with exposed(stack) as elvie:
            await elvie.seed_qmatic(PRIVACY_FIXTURE)
            keys.append(elvie.running.access.secret)
            for words in ("Hallo Elvie", "ik heb een afspraak, mijn naam is Wilhelmina Zwanenburg", "nee",
                          "mijn code is PV7731"):
                await elvie.say(words)
            for button in ("yes", "have_it", "have_it"):  # the rest by touch, through the tablet API
                await elvie.touch(button)
            assert elvie.engine.tablet.view.screen == "ticket"
            await request(STRANGER, "GET", api(elvie, "/api/tablet/state", "guess"))  # a refused attempt
            elvie.running.access.rotate()
            keys.append(elvie.running.access.secret)
            await elvie.touch("help")
            await elvie.say("tot ziens")
    try:
        stack["loop"].run(scenario())
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()
    written = [p for p in log_dir.rglob("*") if p.is_file()]
    assert {"engine.log", "virtual Pepper.log"} <= {p.name for p in written}
    written += list(shared.glob("*.log"))
    assert "tablet" in (log_dir / "engine.log").read_text(encoding="utf-8")  # the engine did log its work
    leaks = []
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{path.name}: the tablet key" for key in keys if key in text]
        leaks += [f"{path.name}: {word}" for word in PRIVATE if word.lower() in text.lower()]
    assert not leaks, leaks
