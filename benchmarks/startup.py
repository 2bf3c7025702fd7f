"""Set-up and start-up times: a fresh set-up, a second set-up with nothing changed, training the
dialogue model from scratch, and `elvie run` (what `make run` starts) until it says it is ready.

"Fresh" creates a new virtualenv and installs every locked package into it; the package cache of
the machine is warm (as on a developer's machine after the first download), which is noted.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _timed(command: list[str], env: dict | None = None, timeout: float = 1800) -> float:
    started = time.monotonic()
    run = subprocess.run(command, cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                         timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {run.stdout[-1500:]}{run.stderr[-1500:]}")
    return time.monotonic() - started


def _fresh_setup_s() -> float:
    with tempfile.TemporaryDirectory(prefix="elvie-venv-") as tmp:
        return _timed(["bash", "scripts/bootstrap.sh"], env={"ELVIE_VENV": str(Path(tmp) / "venv")})


def _training() -> tuple[float, str]:
    """A full training of the current model: the one `elvie train` recorded if Rasa's cache supplied none
    of its components (`make bench` trains first when the inputs changed), otherwise one from scratch."""
    from dialogue.training import model_path, read_training_record

    record = read_training_record(model_path())
    if record and record.get("restored_from_cache") == []:
        return record["training_s"], f"full training of the current model by `elvie train` at {record['date']}"
    with tempfile.TemporaryDirectory(prefix="elvie-train-") as tmp:
        env = {"ELVIE_MODELS_DIR": tmp, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")}
        return _timed([sys.executable, "-m", "robot.cli", "train", "--force"], env=env), "trained from scratch here"


def _run_ready_s() -> float:
    """`elvie run` on free ports until "Elvie is running", then Ctrl-C; everything must stop."""
    from robot.supervisor import free_port

    env = dict(os.environ)
    for name in ("ENGINE", "SIMULATOR_UI", "QMATIC", "RASA", "ACTIONS", "SIMULATOR_QI"):
        env[f"ELVIE_{name}_PORT"] = str(free_port())
    env["ELVIE_LOG_DIR"] = str(REPO / "var" / "log" / "bench-run")
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "robot.cli", "run"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    ready = None
    try:
        for line in process.stdout:
            if "Elvie is running" in line:
                ready = time.monotonic() - started
                break
            if time.monotonic() - started > 240:
                break
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise RuntimeError("elvie run did not stop within 60 s of Ctrl-C")
    if ready is None:
        raise RuntimeError("elvie run did not become ready")
    return ready


def run(quick: bool = False) -> dict:
    result = {"setup_second_run_s": round(_timed(["bash", "scripts/bootstrap.sh"]), 1),
              "make_run_ready_s": round(_run_ready_s(), 1)}
    if not quick:
        result["setup_fresh_s"] = round(_fresh_setup_s(), 1)
        result["setup_fresh_note"] = "new virtualenv, warm package cache"
        seconds, how = _training()
        result["rasa_training_s"] = round(seconds, 1)
        result["rasa_training_note"] = how
    return result


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
