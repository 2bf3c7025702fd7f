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
