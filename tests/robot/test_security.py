"""Every server binds to 127.0.0.1 by default; exposing the tablet is explicit; secrets stay out of files."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from robot.config import ConfigError, StackSettings, load_settings
from robot.stack import specs


def test_every_child_process_binds_to_loopback(tmp_path):
    settings = StackSettings()
    for spec in specs(settings, tmp_path / "model.tar.gz").values():
        assert spec.host == "127.0.0.1"
        assert "127.0.0.1" in spec.argv, spec.name
        assert "0.0.0.0" not in spec.argv
    assert settings.engine_bind == "127.0.0.1"
    assert replace(settings, tablet_host="192.168.1.10").engine_bind == "127.0.0.1"  # exposing is explicit
    # exposed: on the interface the robot reaches; on every interface only for a host name
    assert replace(settings, expose_tablet=True, tablet_host="192.168.1.10").engine_bind == "192.168.1.10"
    assert replace(settings, expose_tablet=True, tablet_host="elvie-pc.local").engine_bind == "0.0.0.0"


def test_configuration_errors_name_file_and_line(tmp_path, monkeypatch):
    config = tmp_path / "elvie.yml"
    config.write_text("engine_port: 8700\nrobot_ulr: tcp://1.2.3.4:9559\n")
    monkeypatch.setenv("ELVIE_CONFIG", str(config))
    with pytest.raises(ConfigError, match=r"elvie.yml:2: unknown setting 'robot_ulr'"):
        load_settings()
    config.write_text("engine_port: eighty\n")
    with pytest.raises(ConfigError, match=r"elvie.yml:1: 'engine_port' has an invalid value"):
        load_settings()
    config.write_text("engine_port: [8700\n")
    with pytest.raises(ConfigError, match=r"elvie.yml:\d+: this is not valid YAML"):
        load_settings()


def test_tokens_are_kept_out_of_the_repository():
    root = Path(__file__).resolve().parents[2]
    ignored = (root / ".gitignore").read_text()
    assert "/var/" in ignored and ".env" in ignored
    import subprocess
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
    assert not [f for f in tracked if f.startswith("var/") or f.endswith(".env") or f == "elvie.yml"]


def test_tokens_that_look_like_options_reach_every_child_intact(tmp_path):
    """A token may start with "-" (an old var/secrets.json holds base64 ones): each child's own parser gets it whole."""
    import argparse

    from rasa.__main__ import create_argument_parser

    from integrations.qmatic import cli as qmatic_cli
    from simulator import cli as simulator_cli

    settings = replace(StackSettings(), rasa_token="-rasa", qmatic_admin_token="-qmatic")
    children = specs(settings, tmp_path / "model.tar.gz")

    rasa_args = create_argument_parser().parse_args(children["rasa"].argv[1:])
    assert rasa_args.auth_token == "-rasa"
    for name, configure, attribute in (("qmatic", qmatic_cli.configure, "admin_token"),
                                       ("simulator", simulator_cli.configure, "qmatic_admin_token")):
        parser = argparse.ArgumentParser()
        configure(parser)
        argv = children[name].argv
        command_at = argv.index("robot.cli") + 2
        assert getattr(parser.parse_args(argv[command_at:]), attribute) == "-qmatic", name
