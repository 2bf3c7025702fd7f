"""The trained model is cached by a hash of its inputs: an unchanged project never retrains, a host's
wording change never retrains, a new training example does."""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from dialogue import training


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A copy of the Rasa project, so a test can change it."""
    copy = tmp_path / "dialogue"
    copy.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(training.DIALOGUE_DIR / name, copy / name)
    shutil.copytree(training.DIALOGUE_DIR / "data", copy / "data")
    monkeypatch.setattr(training, "DIALOGUE_DIR", copy)
    monkeypatch.setenv("ELVIE_MODELS_DIR", str(tmp_path / "models"))
    return copy


def test_the_hash_changes_with_training_data_and_not_otherwise(project):
    before = training.inputs_hash()
    assert training.inputs_hash() == before
    (project.parent / "locales-edit.yml").write_text("greeting: Hoi!\n", encoding="utf-8")  # not an input
    assert training.inputs_hash() == before
    nl = project / "data" / "nlu" / "nl.yml"
    nl.write_text(nl.read_text(encoding="utf-8").replace("- intent: greet\n  examples: |\n",
                                                        "- intent: greet\n  examples: |\n    - hoi hoi elvie\n", 1),
                  encoding="utf-8")
    assert training.inputs_hash() != before


def test_an_up_to_date_model_is_not_retrained(project, monkeypatch, capsys):
    target = training.model_path()
    target.parent.mkdir(parents=True)
    target.write_bytes(b"model")

    def no_training(*args, **kwargs):
        raise AssertionError("Rasa must not be started for an up-to-date model")

    monkeypatch.setattr(training.subprocess, "run", no_training)
    assert training.ensure_model() == target
    assert training.main(argparse.Namespace(force=False, verbose=False)) == 0
    assert "nothing to train" in capsys.readouterr().out


def test_a_training_records_its_time_and_what_came_from_rasas_cache(project, monkeypatch):
    target = training.model_path()

    def fake_rasa_train(command, cwd, env, stdout, stderr):
        stdout.write("INFO rasa.engine.training.hooks - Restored component 'CountVectorsFeaturizer' from cache.\n"
                     "INFO rasa.engine.training.hooks - Finished training component 'DIETClassifier'.\n")
        Path(command[command.index("--out") + 1], target.name).write_bytes(b"model")
        return argparse.Namespace(returncode=0)

    monkeypatch.setattr(training.subprocess, "run", fake_rasa_train)
    monkeypatch.setattr(training, "REPO_ROOT", project.parent)
    assert training.ensure_model() == target
    record = training.read_training_record(target)
    assert record["restored_from_cache"] == ["CountVectorsFeaturizer"]
    assert record["training_s"] >= 0
