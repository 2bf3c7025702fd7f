"""The full stack for end-to-end tests: Qmatic emulator, action server and Rasa, started once.

They run on free ports in child processes, exactly as `elvie run` starts them; each test (or
each `elvie converse` run) brings its own engine and virtual Pepper and reuses these.

The stack shares one clock (ELVIE_CLOCK): an ordinary Wednesday morning in the branch's time zone,
so that the suite never depends on when it runs (opening hours, "today"). The emulator answers in
the format that ELVIE_QMATIC_TIME_FORMAT (naive, utc, offset) and ELVIE_QMATIC_NUMERIC_STATUS
select, as real servers do: run the suite once per format.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import replace

import pytest

from robot.config import load_settings
from robot.supervisor import Supervisor, free_port


class _Loop:
    """An asyncio loop in a thread, for driving async set-up from sync fixtures."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout=300):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


SUITE_CLOCK = "2026-12-02T10:00:00+01:00"  # a Wednesday, 10:00 in Europe/Amsterdam: both areas open


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    import shutil

    from core.paths import CONTENT_DIR
    from robot.stack import bring_up

    # The whole stack reads a copy of locales/, so hot-reload tests can edit it like a host would.
    content = tmp_path_factory.mktemp("content") / "locales"
    shutil.copytree(CONTENT_DIR, content)
    os.environ["ELVIE_CONTENT_DIR"] = str(content)
    os.environ.setdefault("ELVIE_CLOCK", f"{SUITE_CLOCK}@{time.time():.3f}")

    settings = load_settings(speech=False)
    # each test brings its own engine and virtual Pepper (LocalElvie, or `elvie converse`)
    settings = replace(settings, rasa_port=free_port(), actions_port=free_port(), qmatic_port=free_port())
    env = {"ELVIE_RASA_PORT": str(settings.rasa_port), "ELVIE_ACTIONS_PORT": str(settings.actions_port),
           "ELVIE_QMATIC_PORT": str(settings.qmatic_port)}
    loop = _Loop()
    supervisor = Supervisor()
    try:
        urls = loop.run(bring_up(settings, supervisor, reuse=False, only=("qmatic", "actions", "rasa")))
        yield {"settings": settings, "urls": urls, "env": env, "loop": loop, "supervisor": supervisor,
               "content": content}
    finally:
        loop.run(supervisor.stop_all())
        loop.close()
        os.environ.pop("ELVIE_CONTENT_DIR", None)
        if os.environ.get("ELVIE_CLOCK", "").startswith(SUITE_CLOCK + "@"):
            os.environ.pop("ELVIE_CLOCK")


@pytest.fixture
def converse_env(stack):
    env = dict(os.environ)
    env.update(stack["env"])
    env.pop("ELVIE_ROBOT_URL", None)
    return env
