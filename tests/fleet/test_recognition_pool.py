"""One speech model for every robot: recognitions share a bounded pool; a busy pool makes Elvie say
"one moment", and a hopeless wait ends in "say that again", never in silence."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from robot.fleet.figures import RobotFigures
from robot.fleet.recognition import RecognitionOverloaded, RecognitionPool
from robot.engine.inputs import TurnResult


class GatedRecogniser:
    """Encodes only when the test opens the gate; counts what ran at once."""

    languages = ("nl", "en")

    def __init__(self):
        self.gate = threading.Event()
        self.running = 0
        self.most_at_once = 0
        self.warm_ups = 0
        self._lock = threading.Lock()

    def warm_up(self):
        self.warm_ups += 1

    def encode(self, audio):
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.gate.wait(5)
        with self._lock:
            self.running -= 1
        return f"encoded {audio}"


def in_thread(fn):
    outcome = {}

    def run():
        try:
            outcome["value"] = fn()
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_two_robots_are_both_served_one_at_a_time_and_the_waiting_one_hears_one_moment():
    model = GatedRecogniser()
    pool = RecognitionPool(model, workers=1, waiting=4, patience_s=0.1, give_up_s=5)
    moments = {"a": 0, "b": 0}
    a = pool.for_robot("a", on_delay=lambda: moments.__setitem__("a", moments["a"] + 1))
    b = pool.for_robot("b", on_delay=lambda: moments.__setitem__("b", moments["b"] + 1))
    first, first_out = in_thread(lambda: a.encode("A"))
    while model.running == 0:
        pass
    second, second_out = in_thread(lambda: b.encode("B"))
    second.join(0.5)  # b waits past its patience: "one moment"
    assert moments == {"a": 0, "b": 1}
    model.gate.set()
    first.join(5), second.join(5)
    assert first_out["value"] == "encoded A" and second_out["value"] == "encoded B"
    assert model.most_at_once == 1 and pool.figures.delayed == 1
    a.warm_up(), b.warm_up()
    assert model.warm_ups == 1, "one model is warmed once, not once per robot"
    assert a.languages == ("nl", "en"), "everything else is the shared recogniser's"


def test_a_crowded_pool_says_one_moment_at_once_and_a_hopeless_wait_gives_up():
    model = GatedRecogniser()
    pool = RecognitionPool(model, workers=1, waiting=0, patience_s=0.05, give_up_s=0.2)
    told, gave_up = [], []
    busy = pool.for_robot("a")
    waiting = pool.for_robot("b", on_delay=lambda: told.append("b"), on_give_up=lambda: gave_up.append("b"))
    holder, _ = in_thread(lambda: busy.encode("A"))
    while model.running == 0:
        pass
    thread, outcome = in_thread(lambda: waiting.encode("B"))
    thread.join(2)
    assert told == ["b"] and gave_up == ["b"]
    assert isinstance(outcome["error"], RecognitionOverloaded)
    assert pool.figures.given_up == 1 and pool.figures.waiting == 0
    model.gate.set()
    holder.join(5)


def test_todays_counts_start_again_on_a_new_day():
    now = [datetime(2026, 12, 2, 23, 59)]
    figures = RobotFigures("noord", "Servicepunt Noord", now=lambda: now[0])
    figures.record(TurnResult(turn=1, input="say", lang="nl", ticket="A001", timings_ms={"total": 120.0}), "c1")
    figures.record(TurnResult(turn=2, input="not_heard", lang="nl", handover=True), "c1")
    snap = figures.snapshot()
    assert (snap["conversations"], snap["check_ins"], snap["handovers"], snap["not_understood"]) == (1, 1, 1, 1)
    now[0] += timedelta(minutes=2)
    assert figures.snapshot()["check_ins"] == 0 and figures.snapshot()["day"] == "2026-12-03"
