"""Assemble a running engine: robot body over qi, dialogue client, content, tablet server, ear.

Shared by `elvie run` and `elvie converse`, so both run exactly the same engine. Every start makes
a new tablet secret (robot/tablet/access.py) and shows the tablet app with it on the robot; the
secret is registered with the log filter, so even an accidental log line cannot carry it.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from aiohttp import web

from dialogue.content.store import ContentStore
from robot.engine.dialogue_client import RasaClient
from robot.engine.engine import Engine
from robot.engine.settings import EngineSettings
from robot.engine.web import create_app
from core.logs import register_sensitive
from robot.naoqi.body import NaoqiBody
from robot.naoqi.connection import RobotConnection, RobotSettings
from robot.tablet.access import TabletAccess, parse_client_networks
from robot.tablet.state import TabletState

from .config import StackSettings
from .stack import StackUrls

log = logging.getLogger(__name__)


@dataclass
class RunningEngine:
    engine: Engine
    body: NaoqiBody
    runner: web.AppRunner
    content: ContentStore
    ear: object | None
    port: int
    access: TabletAccess
    tablet_base_url: str  # without the secret
    owns_content: bool = True  # False in a fleet: the content store is shared by every robot
    content_listener: object = None

    @property
    def tablet_url(self) -> str:
        """The URL the robot's tablet shows: it carries the current secret, so never log or print it."""
        return self.access.url(self.tablet_base_url)

    async def close(self) -> None:
        await self.engine.stop()
        await self.runner.cleanup()
        if self.ear is not None:
            self.ear.close()
        self.body.close()
        await self.engine.dialogue.close()
        if self.owns_content:
            self.content.close()
        elif self.content_listener in self.content._listeners:  # the shared store outlives this engine
            self.content._listeners.remove(self.content_listener)


def make_ear(settings: StackSettings):
    if not settings.speech:
        return None
    from robot.engine.ear import Ear  # imports the speech models; fails clearly when they are missing
    return Ear()


async def start_engine(settings: StackSettings, stack: StackUrls, engine_settings: EngineSettings = EngineSettings(),
                       *, ear, on_dialogue_down=None, robot_attempts: int | None = None,
                       content: ContentStore | None = None, robot_password: str | None = None) -> RunningEngine:
    """`ear`: the speech pipeline from `make_ear` (None: no speech); the engine owns it from here on.
    `content`: a store shared with other engines (a fleet); None: the engine's own."""
    owns_content = content is None
    content = content or ContentStore()
    tablet = TabletState(lang=engine_settings.default_lang)
    dialogue = RasaClient(stack.rasa, token=settings.rasa_token)
    robot = RobotSettings(url=stack.robot, user=settings.robot_user,
                          password=robot_password or os.environ.get("ELVIE_ROBOT_PASSWORD"),
                          listen_url=settings.robot_listen_url)
    body = NaoqiBody(RobotConnection(robot))
    engine = Engine(body, dialogue, content, tablet, engine_settings, ear=ear, on_dialogue_down=on_dialogue_down)
    if ear is not None:
        ear.attach(engine)
    access = TabletAccess(parse_client_networks(settings.tablet_allow))
    register_sensitive([access.secret])
    app = create_app(engine, settings.control_token, access=access)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.engine_bind, settings.engine_port)
    await site.start()
    port = runner.addresses[0][1] if runner.addresses else settings.engine_port
    await engine.start()

    def on_content(new, problems) -> None:
        if engine.loop and not engine.loop.is_closed():
            engine.loop.call_soon_threadsafe(engine.content_changed, problems)

    content.watch(on_content)
    running = RunningEngine(engine=engine, body=body, runner=runner, content=content, ear=ear, port=port,
                            access=access, tablet_base_url=settings.tablet_base_url(port), owns_content=owns_content,
                            content_listener=on_content)
    body.tablet_url = running.tablet_url  # shown on (every re)connect to the robot
    access.on_rotate(lambda secret: _show_new_tablet_url(running, secret))
    try:
        await asyncio.to_thread(body.start, engine.robot_event, ear.feed if ear is not None else None, True,
                                robot_attempts)
    except Exception:
        await running.close()
        raise
    return running


def _show_new_tablet_url(running: RunningEngine, secret: str) -> None:
    """After a rotation: the robot's tablet reloads with the new secret (the old one is refused already)."""
    register_sensitive([secret])
    url = running.tablet_url
    running.body.tablet_url = url
    if not running.body.connection.connected:
        log.info("new tablet key made; the robot's tablet gets it when the robot is back")
        return

    def show() -> None:
        try:
            running.body.show_tablet(url)
            log.info("new tablet key made and shown on the robot's tablet")
        except Exception as exc:  # noqa: BLE001 - the robot may drop at any moment; reconnecting shows it again
            log.warning("could not show the new tablet URL on the robot: %s", type(exc).__name__)

    asyncio.get_running_loop().run_in_executor(None, show)
