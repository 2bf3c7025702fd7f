"""`make bench`: run every benchmark and write benchmarks/results/latest.{json,md,png}.

Each benchmark module exposes `run(quick: bool = False) -> dict` returning figures whose keys
carry their unit (`text_turn_p50_ms`, `nlu_intent_f1_nl`, ...). Baselines run in the same
benchmark as what they are compared with, so ratios hold on a noisy machine. A benchmark that
fails is reported with its error and does not stop the others.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from .report import write_markdown, write_plot

RESULTS = Path(__file__).resolve().parent / "results"
# Benchmarks whose figures are times run one after another on an otherwise idle machine. Those that
# measure only accuracy, correctness or memory run side by side afterwards, each in its own process
# (the spoken-understanding and acoustic benchmarks take ~25 and ~40 minutes on 2 cores); the durations
# they report (cross-validation seconds, Vosk decode times) are therefore marked as measured under that load.
TIMED = ("startup", "text_turns", "qmatic_checkin", "speech", "fleet")
CONCURRENT = ("nlu", "vosk_bias", "soak", "faq", "spoken_understanding", "acoustics")
MODULES = TIMED + CONCURRENT


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=RESULTS.parent.parent).stdout.strip()
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller samples (a smoke run)")
    parser.add_argument("--only", nargs="*", choices=MODULES, help="run only these")
    args = parser.parse_args(argv)
    figures: dict[str, object] = {}
    errors: dict[str, str] = {}
    durations: dict[str, float] = {}
    begun = time.monotonic()
    chosen = args.only or MODULES
    for name in [m for m in TIMED if m in chosen]:
        _collect(name, lambda n=name: _timed_isolated(n, args.quick), figures, errors, durations)
    side_by_side = [m for m in CONCURRENT if m in chosen]
    with ThreadPoolExecutor(max_workers=max(1, len(side_by_side))) as pool:
        running = {name: pool.submit(_timed_isolated, name, args.quick) for name in side_by_side}
        if side_by_side:
            print(f"[bench] side by side: {', '.join(side_by_side)} ...", flush=True)
        for name, future in running.items():
            _collect(name, future.result, figures, errors, durations)
    meta = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": _commit(),
            "machine": platform.node(), "cpus": _cpus(), "python": platform.python_version(),
            "quick": args.quick, "benchmark_duration_s": durations, "run_side_by_side": side_by_side,
            "total_duration_s": round(time.monotonic() - begun, 1), "errors": errors}
    if args.only and (RESULTS / "latest.json").exists():  # a partial run updates the last full one
        previous = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
        last = previous.pop("meta", {})
        figures = {**previous, **figures}
        rerun = {"date": meta["date"], "commit": meta["commit"], "benchmarks": list(chosen), "errors": errors}
        meta = {**last, "updated": (last.get("updated") or []) + [rerun],
                "benchmark_duration_s": {**(last.get("benchmark_duration_s") or {}), **durations},
                "errors": {**(last.get("errors") or {}), **errors}}
    result = {"meta": meta, **figures}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    write_markdown(result, RESULTS / "latest.md")
    write_plot(result, RESULTS / "latest.png")
    print(f"[bench] wrote {RESULTS / 'latest.json'}, latest.md and latest.png", flush=True)
    return 1 if errors else 0


def _collect(name: str, run, figures: dict, errors: dict, durations: dict) -> None:
    """Run (or wait for) one benchmark, which returns (figures, its own duration); a failure is reported
    and the others go on."""
    started = time.monotonic()
    print(f"[bench] {name} ...", flush=True)
    try:
        result, durations[name] = run()
        figures.update(result)
    except Exception as exc:  # noqa: BLE001 - report and go on with the other benchmarks
        errors[name] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    durations.setdefault(name, round(time.monotonic() - started, 1))
    print(f"[bench] {name} done in {durations[name]} s", flush=True)


def _timed_isolated(name: str, quick: bool) -> tuple[dict, float]:
    started = time.monotonic()
    result = _run_isolated(name, quick)
    return result, round(time.monotonic() - started, 1)


def _run_isolated(name: str, quick: bool) -> dict:
    """Each benchmark in its own process, so one's memory (Rasa, TensorFlow, Whisper) cannot inflate another's."""
    command = [sys.executable, "-m", f"benchmarks.{name}"] + (["--quick"] if quick else [])
    run = subprocess.run(command, capture_output=True, text=True, cwd=RESULTS.parent.parent, timeout=3600)
    text = "\n" + run.stdout
    output = text[text.rfind("\n{") + 1:] if "\n{" in text else ""  # the JSON printed last
    if run.returncode != 0 or not output:
        raise RuntimeError(f"benchmark {name} failed (exit {run.returncode}): {run.stderr[-1500:]}")
    return json.loads(output)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)


if __name__ == "__main__":
    sys.exit(main())
