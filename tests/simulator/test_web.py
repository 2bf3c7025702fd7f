"""The desktop UI's API shows the new state and drives the new controls."""
from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer

from simulator.web import create_app


def run(pepper, scenario):
    async def main():
        client = TestClient(TestServer(create_app(pepper)))
        await client.start_server()
        try:
            return await scenario(client)
        finally:
            await client.close()
    return asyncio.run(main())


def test_state_has_what_the_ui_shows(pepper):
    async def scenario(client):
        state = await (await client.get("/api/state")).json()
        assert set(state["joints"]) >= {"HeadYaw", "HeadPitch", "LShoulderPitch", "HipPitch"}
        assert state["leds"]["LeftFaceLeds"] == "#ffffff"
        assert state["abilities"]["BasicAwareness"] is True
        assert state["battery"] == 100 and state["base_pose"] == [0.0, 0.0, 0.0]
    run(pepper, scenario)


def test_person_closer_tablet_touch_and_abilities(pepper, session):
    touches = []
    session.service("ALTabletService").onTouchDown.connect(lambda x, y: touches.append((x, y)))

    async def scenario(client):
        assert (await client.post("/api/person/arrive")).status == 200
        first = (await (await client.get("/api/state")).json())["people"][0]["distance"]
        assert (await client.post("/api/person/closer")).status == 200
        closer = (await (await client.get("/api/state")).json())["people"][0]["distance"]
        assert closer < first
        assert (await client.post("/api/tablet/touch", json={"x": 100, "y": 50})).status == 200
        assert (await client.post("/api/tablet/touch", json={"x": 5000, "y": 50})).status == 400
        assert (await client.post("/api/ability/AutonomousBlinking", json={"enabled": False})).status == 200
        assert (await client.post("/api/ability/Dancing", json={"enabled": False})).status == 404
        assert (await client.post("/api/ability/SpeakingMovement", json={})).status == 400
        state = await (await client.get("/api/state")).json()
        assert state["abilities"]["AutonomousBlinking"] is False
        for _ in range(100):
            if touches:
                break
            await asyncio.sleep(0.02)
    run(pepper, scenario)
    assert touches == [(100.0, 50.0)]
    assert session.service("ALAutonomousBlinking").isEnabled() is False


def test_an_exposed_desktop_ui_answers_only_with_its_key(pepper):
    """Exposed beyond loopback, the UI (which shows what visitors say) needs its key: without it 401 and no
    state; the key as query or as the cookie that opening the page with it sets."""
    async def scenario(client):
        assert (await client.get("/")).status == 200  # the page itself carries no data
        for path in ("/api/state", "/api/qmatic/state"):
            refused = await client.get(path)
            assert refused.status == 401 and "joints" not in await refused.text()
        assert (await client.get("/api/state?key=wrong")).status == 401
        assert (await client.post("/api/person/arrive")).status == 401
        assert (await client.get("/api/state?key=s3cret-ui-key")).status == 200
        page = await client.get("/?key=s3cret-ui-key")  # the browser keeps the key as a cookie
        assert page.status == 200
        assert (await client.get("/api/state")).status == 200

    async def main():
        client = TestClient(TestServer(create_app(pepper, ui_key="s3cret-ui-key")))
        await client.start_server()
        try:
            await scenario(client)
        finally:
            await client.close()
    asyncio.run(main())


def test_the_simulator_refuses_to_expose_its_ui_without_a_key(monkeypatch, capsys):
    import argparse

    from simulator import cli

    monkeypatch.delenv("ELVIE_SIMULATOR_UI_KEY", raising=False)
    parser = argparse.ArgumentParser()
    cli.configure(parser)
    assert cli.main(parser.parse_args(["--host", "0.0.0.0", "--ui-port", "0", "--qi-port", "0"])) == 2
    assert "ELVIE_SIMULATOR_UI_KEY" in capsys.readouterr().err
