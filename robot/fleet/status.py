"""The fleet status page and Prometheus `/metrics`, for hosts and operators.

  GET /               the status page (robot/fleet/static/: one card per robot, refreshed every 5 s)
  GET /api/fleet      the same figures as JSON
  GET /metrics        Prometheus text: the same figures per robot, turn latencies as histograms

Only counts and states: each robot's connection, battery, state (idle, in conversation, handover), today's
conversations, check-ins, handovers, not-understood turns and errors, engine restarts, the recognition
pool's load. Never a visitor's words, name, date of birth, booking code or ticket. Listens where the
rest of the stack does (127.0.0.1 by default); it has no credential of its own, see docs/deployment.md.
"""
from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from .figures import LATENCY_BUCKETS_S

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
STATES = ("idle", "in conversation", "handover", "starting", "restarting")
COUNTS = (("conversations", "conversations started today"), ("check_ins", "visitors checked in today"),
          ("handovers", "conversations handed over to a host today"),
          ("not_understood", "visitor turns not understood today"), ("errors", "errors today"),
          ("turns", "turns today"))


class FleetCollector:
    """Reads the runner's figures at every scrape (prometheus_client's custom collector protocol)."""

    def __init__(self, runner):
        self.runner = runner

    def collect(self):
        figures = self.runner.figures()
        up = GaugeMetricFamily("elvie_robot_connected", "1 when the robot is connected to its engine",
                               labels=["robot", "location"])
        battery = GaugeMetricFamily("elvie_robot_battery_percent", "the robot's battery charge",
                                    labels=["robot"])
        state = GaugeMetricFamily("elvie_robot_state", "1 for the robot's current state", labels=["robot", "state"])
        restarts = GaugeMetricFamily("elvie_engine_restarts", "times the robot's engine was restarted",
                                     labels=["robot"])
        counts = {key: GaugeMetricFamily(f"elvie_{key}_today", text, labels=["robot"]) for key, text in COUNTS}
        for f in figures:
            up.add_metric([f["robot"], f["location"]], 1.0 if f["connected"] else 0.0)
            if f["battery_percent"] is not None:
                battery.add_metric([f["robot"]], float(f["battery_percent"]))
            for name in STATES:
                state.add_metric([f["robot"], name], 1.0 if f["state"] == name else 0.0)
            restarts.add_metric([f["robot"]], float(f["restarts"]))
            for key, family in counts.items():
                family.add_metric([f["robot"]], float(f[key]))
        yield from (up, battery, state, restarts, *counts.values())
        pool = self.runner.pool
        if pool is not None:
            for key, text in (("waiting", "recognition steps waiting for the shared model"),
                              ("delayed", "recognition steps that made Elvie say 'one moment'"),
                              ("given_up", "utterances given up because recognition was overloaded")):
                family = GaugeMetricFamily(f"elvie_recognition_{key}", text)
                family.add_metric([], float(getattr(pool.figures, key)))
                yield family


class FleetStatus:
    def __init__(self, runner):
        self.runner = runner
        self.registry = CollectorRegistry()
        self.latency = Histogram("elvie_turn_seconds", "visitor turn latency (input to the answer done)",
                                 ["robot", "kind"], buckets=LATENCY_BUCKETS_S, registry=self.registry)
        self.registry.register(FleetCollector(runner))

    def _take_latencies(self) -> None:
        for slot in self.runner.slots.values():
            for kind, seconds in slot.figures.take_latencies():
                self.latency.labels(slot.entry.id, kind).observe(seconds)

    def app(self) -> web.Application:
        app = web.Application()

        async def index(_request):
            return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

        async def fleet(_request):
            pool = self.runner.pool
            return web.json_response({"robots": self.runner.figures(),
                                      "recognition": None if pool is None else {
                                          "workers": pool.workers, "waiting": pool.figures.waiting,
                                          "delayed": pool.figures.delayed, "given_up": pool.figures.given_up}},
                                     headers={"Cache-Control": "no-store"})

        async def metrics(_request):
            self._take_latencies()
            body = generate_latest(self.registry)
            return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

        app.router.add_get("/", index)
        app.router.add_static("/static/", STATIC, show_index=False)
        app.router.add_get("/api/fleet", fleet)
        app.router.add_get("/metrics", metrics)
        return app

    async def serve(self, host: str, port: int) -> web.AppRunner:
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        return runner
