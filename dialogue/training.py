"""Train the Rasa model only when its inputs changed (`elvie train`, `make train`).

The model is stored as models/rasa/<hash>.tar.gz where <hash> covers everything that goes
into training: config.yml, domain.yml, every file under dialogue/data/ and the Rasa version.
Wording in locales/ is not an input (the NLG endpoint renders it at run time), so hosts'
edits never trigger retraining.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from core.paths import DIALOGUE_DIR, REPO_ROOT, models_root

KEEP_MODELS = 3


def rasa_models_dir() -> Path:
    return models_root() / "rasa"


def training_inputs() -> list[Path]:
    files = [DIALOGUE_DIR / "config.yml", DIALOGUE_DIR / "domain.yml"]
    files += sorted(p for p in (DIALOGUE_DIR / "data").rglob("*.yml") if p.is_file())
    return files


def inputs_hash() -> str:
    import rasa

    digest = hashlib.sha256(f"rasa {rasa.__version__}\n".encode())
    for path in training_inputs():
        digest.update(str(path.relative_to(DIALOGUE_DIR)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return rasa_models_dir() / f"{inputs_hash()}.tar.gz"


def rasa_env() -> dict[str, str]:
    """Environment for every Rasa process: no telemetry (no network), caches inside the repo."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("RASA_CACHE_DIRECTORY", str(REPO_ROOT / "var" / "rasa-cache"))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # Two inter-op threads and one thread per op: ~10 % faster DIET training on 2 cores than TensorFlow's
    # default pools, which spend much of their time waking each other up (futex) on small ops.
    env.setdefault("TF_INTER_OP_PARALLELISM_THREADS", "2")
    env.setdefault("TF_INTRA_OP_PARALLELISM_THREADS", "1")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def rasa_executable() -> str:
    candidate = Path(sys.executable).with_name("rasa")
    return str(candidate) if candidate.exists() else "rasa"


def ensure_model(force: bool = False, quiet: bool = True) -> Path:
    """Return the trained model for the current inputs, training it first if needed."""
    target = model_path()
    if target.exists() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print("[train] training the Rasa model (its training data or configuration changed); "
          "this takes a minute or two ...", flush=True)
    command = [rasa_executable(), "train", "--config", str(DIALOGUE_DIR / "config.yml"),
               "--domain", str(DIALOGUE_DIR / "domain.yml"), "--data", str(DIALOGUE_DIR / "data"),
               "--out", str(target.parent), "--fixed-model-name", target.name[: -len(".tar.gz")]]
    log_path = REPO_ROOT / "var" / "log" / "rasa-train.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        result = subprocess.run(command, cwd=REPO_ROOT, env=rasa_env(), stdout=log if quiet else None,
                                stderr=subprocess.STDOUT if quiet else None)
    if result.returncode != 0 or not target.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:] if quiet else ""
        raise RuntimeError(f"Rasa training failed (exit {result.returncode}); see {log_path}\n{tail}")
    seconds = time.monotonic() - started
    print(f"[train] model ready in {seconds:.0f} s: {target}", flush=True)
    restored = RESTORED.findall(log_path.read_text(encoding="utf-8", errors="replace")) if quiet else None
    _write_training_record(target, seconds, restored)
    _prune(target)
    return target


RESTORED = re.compile(r"Restored component '(\w+)' from cache")


def training_record_path(model: Path) -> Path:
    return model.with_name(model.name[: -len(".tar.gz")] + ".training.json")


def _write_training_record(model: Path, seconds: float, restored: list[str] | None) -> None:
    """How long this model took to train, and which components Rasa's cache supplied (None: unknown).

    benchmarks/startup.py reports the time of a training that restored nothing, instead of training
    the same model a second time."""
    record = {"training_s": round(seconds, 1), "restored_from_cache": restored, "cpus": os.cpu_count(),
              "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    training_record_path(model).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def read_training_record(model: Path) -> dict | None:
    try:
        return json.loads(training_record_path(model).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _prune(keep: Path) -> None:
    models = sorted(keep.parent.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        if old != keep:
            old.unlink(missing_ok=True)
            training_record_path(old).unlink(missing_ok=True)
    shutil.rmtree(REPO_ROOT / ".rasa", ignore_errors=True)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="train even if a model for these inputs exists")
    parser.add_argument("--verbose", action="store_true", help="show Rasa's own output")


def main(args: argparse.Namespace) -> int:
    target = model_path()
    if target.exists() and not args.force:
        print(f"[train] model up to date ({target.name}); nothing to train")
        return 0
    try:
        ensure_model(force=args.force, quiet=not args.verbose)
    except RuntimeError as exc:
        print(f"[train] ERROR: {exc}", file=sys.stderr)
        return 1
    return 0
