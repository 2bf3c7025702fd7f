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
from datetime import datetime, timezone
from pathlib import Path

from .report import write_markdown, write_plot

RESULTS = Path(__file__).resolve().parent / "results"
MODULES = ("startup", "nlu", "text_turns", "qmatic_checkin", "speech", "vosk_bias", "soak")


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
    for name in args.only or MODULES:
        started = time.monotonic()
        print(f"[bench] {name} ...", flush=True)
        try:
            figures.update(_run_isolated(name, args.quick))
        except Exception as exc:  # noqa: BLE001 - report and go on with the other benchmarks
            errors[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        durations[name] = round(time.monotonic() - started, 1)
        print(f"[bench] {name} done in {durations[name]} s", flush=True)
    if args.only and (RESULTS / "latest.json").exists():  # a partial run updates the last full one
        previous = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
        previous.pop("meta", None)
        figures = {**previous, **figures}
    result = {
        "meta": {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": _commit(),
                 "machine": platform.node(), "cpus": _cpus(), "python": platform.python_version(),
                 "quick": args.quick, "benchmark_duration_s": durations, "errors": errors},
        **figures,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    write_markdown(result, RESULTS / "latest.md")
    write_plot(result, RESULTS / "latest.png")
    print(f"[bench] wrote {RESULTS / 'latest.json'}, latest.md and latest.png", flush=True)
    return 1 if errors else 0


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
