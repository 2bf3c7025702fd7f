"""The tablet API's guard: the key, the allow-list, rotation, rate limits, bounded bodies and plain errors.

The real engine web server on a free port; the engine behind it is a recorder of taps (the full
stack with a stranger on the network runs in tests/e2e/test_tablet_access.py).
"""
from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from aiohttp import web

from dialogue.content.store import ContentStore
from robot.config import ConfigError, StackSettings, load_settings
from robot.engine.web import create_app
from robot.exposure import exposure_warnings
from robot.tablet.access import TabletAccess, TouchRateLimit, parse_client_networks
from robot.tablet.state import TabletState

VISITOR_WORDS = "my name is Emily Clarke"


class Recorder:
    def __init__(self, content: ContentStore, fail: bool = False):
        self.tablet, self.content, self.robot_connected = TabletState(lang="en"), content, True
        self.touches: list = []
        self.fail = fail

    def submit(self, item):
        if self.fail:
            raise RuntimeError(f"cannot handle {VISITOR_WORDS}")
        self.touches.append(item)
        future = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def content():
    store = ContentStore()
    try:
        yield store
    finally:
        store.close()


def serve(content, scenario, *, allow: str | None = None, fail: bool = False, clock=None):
    """Run `scenario(base_url, access, engine, http)` against a fresh server; the server always stops."""
    async def main():
        engine = Recorder(content, fail=fail)
        engine.tablet.update(screen="confirm_appointment", heard=VISITOR_WORDS, data={"time": "09:30"})
        access = TabletAccess(parse_client_networks(allow))
        limit = TouchRateLimit(per_second=5, burst=20, clock=clock or FakeClock())
        runner = web.AppRunner(create_app(engine, "control-token", access=access, touch_limit=limit))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
                await scenario(base, access, engine, http)
        finally:
            await runner.cleanup()
    asyncio.run(main())


async def fetch(http, method, url, **kwargs) -> tuple[int, str]:
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.text()


def test_without_the_key_every_tablet_endpoint_is_401_and_shows_nothing(content):
    async def scenario(base, access, engine, http):
        for key in ("", "?key=wrong", "?key=" + access.secret[:-1], "?key=" + access.secret.upper()):
            for method, path, body in (("GET", "/api/tablet/state", None), ("GET", "/api/tablet/state?after=0", None),
                                       ("GET", "/api/tablet/events", None),
                                       ("POST", "/api/tablet/touch", {"button": "yes"})):
                url = base + path + (key.replace("?", "&") if "?" in path else key)
                status, text = await fetch(http, method, url, json=body)
                assert status == 401, (path, key)
                assert "Emily" not in text and "09:30" not in text
        assert engine.touches == []
        status, text = await fetch(http, "GET", base + "/api/health")
        assert status == 200 and json.loads(text) == {"status": "ok"}
    serve(content, scenario)


def test_the_key_opens_state_events_touch_and_health_details(content):
    async def scenario(base, access, engine, http):
        key = "?key=" + access.secret
        status, text = await fetch(http, "GET", base + "/api/tablet/state" + key)
        assert status == 200 and json.loads(text)["heard"] == VISITOR_WORDS
        async with http.get(base + "/api/tablet/events", headers={"X-Elvie-Tablet-Key": access.secret}) as events:
            assert events.status == 200
            assert json.loads((await events.content.readline()).decode().removeprefix("data: "))["heard"]
        status, _ = await fetch(http, "POST", base + "/api/tablet/touch" + key, json={"button": "yes"})
        assert status == 202 and [t.button for t in engine.touches] == ["yes"]
        status, text = await fetch(http, "GET", base + "/api/health" + key)
        assert status == 200 and json.loads(text)["robot"] is True
        assert access.secret not in text
    serve(content, scenario)


def test_with_an_allow_list_the_key_alone_is_not_enough(content):
    async def scenario(base, access, engine, http):
        status, text = await fetch(http, "GET", base + "/api/tablet/state?key=" + access.secret)
        assert status == 403 and "Emily" not in text
        status, text = await fetch(http, "GET", base + "/api/health?key=" + access.secret)
        assert json.loads(text) == {"status": "ok"}
    serve(content, scenario, allow="198.18.0.1, 192.168.1.0/24")


def test_the_allow_list_admits_listed_addresses_only():
    access = TabletAccess(parse_client_networks("198.18.0.1, 192.168.1.0/24"))
    assert access.permits_client("198.18.0.1") and access.permits_client("192.168.1.77")
    assert access.permits_client("::ffff:198.18.0.1")
    assert not access.permits_client("198.18.0.2") and not access.permits_client(None)
    assert TabletAccess().permits_client("10.1.2.3")  # no list: the key decides


def test_a_rotated_key_locks_the_old_one_out_and_ends_open_streams(content):
    async def scenario(base, access, engine, http):
        old = access.secret
        shown = []
        access.on_rotate(shown.append)
        async with http.get(base + "/api/tablet/events?key=" + old) as events:
            await events.content.readline()  # the current view
            status, _ = await fetch(http, "POST", base + "/api/control/rotate-tablet-key")
            assert status == 401  # rotating needs the control token
            status, _ = await fetch(http, "POST", base + "/api/control/rotate-tablet-key",
                                    headers={"X-Elvie-Token": "control-token"})
            assert status == 200
            rest = await asyncio.wait_for(events.content.read(), timeout=5)  # the stream ends
            assert b"Emily" not in rest
        assert access.secret != old and shown == [access.secret]
        assert (await fetch(http, "GET", base + "/api/tablet/state?key=" + old))[0] == 401
        assert (await fetch(http, "GET", base + "/api/tablet/state?key=" + access.secret))[0] == 200
    serve(content, scenario)


def test_every_start_makes_a_new_unguessable_key():
    keys = {TabletAccess().secret for _ in range(50)}
    assert len(keys) == 50 and min(len(k) for k in keys) >= 43  # 256 bits, URL-safe
    assert "secret" not in repr(TabletAccess()) and TabletAccess().secret not in repr(TabletAccess())


def test_touches_are_rate_limited_per_client(content):
    clock = FakeClock()

    async def scenario(base, access, engine, http):
        url = base + "/api/tablet/touch?key=" + access.secret
        statuses = [(await fetch(http, "POST", url, json={"button": "yes"}))[0] for _ in range(21)]
        assert statuses[:20] == [202] * 20 and statuses[20] == 429
        async with http.post(url, json={"button": "yes"}) as refused:
            assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
        clock.now += 1.0  # five more a second
        statuses = [(await fetch(http, "POST", url, json={"button": "yes"}))[0] for _ in range(6)]
        assert statuses == [202] * 5 + [429]
        assert len(engine.touches) == 25
    serve(content, scenario, clock=clock)


def test_bad_bodies_get_a_short_answer_not_a_traceback(content):
    async def scenario(base, access, engine, http):
        url = base + "/api/tablet/touch?key=" + access.secret
        status, text = await fetch(http, "POST", url, data=b"{not json", headers={"Content-Type": "application/json"})
        assert status == 400 and "Traceback" not in text
        status, text = await fetch(http, "POST", url, json=["yes"])
        assert status == 400
        status, text = await fetch(http, "POST", url, data=b"x" * (64 * 1024))
        assert status == 413 and "Traceback" not in text
        assert engine.touches == []
    serve(content, scenario)


def test_a_fault_is_a_plain_500_without_visitor_data(content, caplog):
    async def scenario(base, access, engine, http):
        status, text = await fetch(http, "POST", base + "/api/tablet/touch?key=" + access.secret,
                                   json={"button": "yes"})
        assert status == 500
        assert "Traceback" not in text and "Emily" not in text and "RuntimeError" not in text
    serve(content, scenario, fail=True)


def test_the_allow_list_setting_is_checked_where_it_is_written(tmp_path, monkeypatch):
    config = tmp_path / "elvie.yml"
    config.write_text("expose_tablet: true\ntablet_host: 192.168.1.10\ntablet_allow: [198.18.0.1, 192.168.1.20]\n")
    monkeypatch.setenv("ELVIE_CONFIG", str(config))
    settings = load_settings()
    assert settings.tablet_allow == "198.18.0.1,192.168.1.20"
    assert settings.engine_bind == "192.168.1.10"  # the interface the robot reaches, not 0.0.0.0
    config.write_text("tablet_allow: [198.18.0.1, the robot]\n")
    with pytest.raises(ConfigError, match=r"elvie.yml:1: 'tablet_allow': 'the robot' is not an IP address"):
        load_settings()


def test_check_warns_about_every_listener_exposed_without_a_credential():
    assert exposure_warnings(StackSettings()) == []
    exposed = exposure_warnings(StackSettings(host="0.0.0.0"))
    for name in ("simulator desktop UI", "Qmatic emulator", "Rasa server", "action server"):
        assert any(name in w for w in exposed), name
    assert not any("engine (tablet" in w for w in exposed)  # it has the key
    real = exposure_warnings(StackSettings(robot_url="tcp://192.168.1.20:9559", expose_tablet=True,
                                           tablet_host="192.168.1.10"))
    assert any("qi callback" in w for w in real) and any("tablet_allow" in w for w in real)
    # set up as docs/security.md says: only the robot's microphone callback remains, and it is named
    production = exposure_warnings(StackSettings(robot_url="tcp://192.168.1.20:9559", expose_tablet=True,
                                                 tablet_host="192.168.1.10", tablet_allow="192.168.1.20",
                                                 robot_listen_url="tcp://192.168.1.10:0"))
    assert len(production) == 1 and "qi callback" in production[0] and "192.168.1.10" in production[0]
