"""Speech models: prepared idempotently, checked at start-up, added from a zip or folder."""
from __future__ import annotations

import shutil
import zipfile

import pytest

from robot.speech.models import (ModelError, add_vosk, check_vosk, check_whisper, installed_vosk_languages,
                                 prepare_whisper, whisper_dir)


def test_prepare_is_idempotent_and_checked():
    folder = prepare_whisper()
    assert (folder / "model.bin").stat().st_size == 145_217_532
    assert prepare_whisper() == folder  # a second run leaves it alone


def test_a_missing_or_broken_model_is_a_clear_start_up_error(tmp_path):
    with pytest.raises(ModelError, match="run `elvie models prepare`"):
        check_whisper(tmp_path)
    (tmp_path / "whisper-base").mkdir()
    (tmp_path / "whisper-base" / "model.bin").write_bytes(b"truncated")
    with pytest.raises(ModelError, match="is broken"):
        check_whisper(tmp_path)
    from robot.speech.whisper_engine import WhisperRecogniser
    with pytest.raises(ModelError):
        WhisperRecogniser(tmp_path / "whisper-base")


def test_add_vosk_from_a_zip_and_from_a_folder(tmp_path):
    model = tmp_path / "vosk-model-small-xx-0.1"
    (model / "am").mkdir(parents=True)
    (model / "conf").mkdir()
    (model / "am" / "final.mdl").write_bytes(b"x")
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in model.rglob("*"):
            zipped.write(path, path.relative_to(tmp_path))
    root = tmp_path / "models"
    root.mkdir()
    assert add_vosk(archive, "nl", root) == root / "vosk" / "nl"
    assert add_vosk(model, "en", root).exists()
    assert installed_vosk_languages(root) == ["en", "nl"]
    assert check_vosk("nl", root)
    with pytest.raises(ModelError, match="does not look like a Vosk model"):
        add_vosk(tmp_path / "models" / "vosk" / "nl" / "am", "de", root)
    with pytest.raises(ModelError, match="add-vosk"):
        check_vosk("fr", root)


def test_elvie_models_cli(tmp_path):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "robot.cli", "models", "add-vosk", str(tmp_path / "nope.zip"),
                          "--lang", "nl"], capture_output=True, text=True)
    assert run.returncode == 1 and "does not exist" in run.stderr


def test_the_packaged_tokenizer_is_repaired(tmp_path):
    """The packaged tokenizer.json lost GPT-2's first merge; words starting with " t" must be one token."""
    import json

    from tokenizers import Tokenizer

    from robot.speech.models import repair_tokenizer

    folder = prepare_whisper()
    tokens = Tokenizer.from_file(str(folder / "tokenizer.json")).encode(" I want to talk to the desk",
                                                                        add_special_tokens=False).tokens
    assert tokens == ["ĠI", "Ġwant", "Ġto", "Ġtalk", "Ġto", "Ġthe", "Ġdesk"]
    broken = tmp_path / "tokenizer.json"
    data = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    data["model"]["merges"] = [m for m in data["model"]["merges"] if m not in ("Ġ t", ["Ġ", "t"])]
    broken.write_text(json.dumps(data), encoding="utf-8")
    assert repair_tokenizer(broken) and not repair_tokenizer(broken)


def test_the_end_of_turn_model_is_taken_from_the_wheel_only_if_it_matches(tmp_path):
    from robot.speech.models import SMART_TURN_MEMBER, check_smart_turn, prepare_smart_turn, smart_turn_path

    installed = prepare_smart_turn()  # set-up put it there; a second run leaves it alone
    assert installed.stat().st_size == 8_679_182 and check_smart_turn() == installed
    forged = tmp_path / "pipecat_ai-1.14.0-py3-none-any.whl"
    with zipfile.ZipFile(forged, "w") as wheel:
        wheel.writestr(SMART_TURN_MEMBER, b"not the model")
    with pytest.raises(ModelError, match="does not match"):
        prepare_smart_turn(tmp_path, wheel=forged)
    assert not smart_turn_path(tmp_path).exists()
    with zipfile.ZipFile(forged, "w") as wheel:
        wheel.writestr(SMART_TURN_MEMBER, installed.read_bytes())
    assert prepare_smart_turn(tmp_path, wheel=forged) == smart_turn_path(tmp_path)  # the real bytes pass
    smart_turn_path(tmp_path).write_bytes(b"truncated")
    with pytest.raises(ModelError, match="is broken"):
        check_smart_turn(tmp_path)
