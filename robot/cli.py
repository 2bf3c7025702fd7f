"""The `elvie` command line.

Each subcommand lives in its own module (named in COMMANDS) that defines
`configure(parser)` and `main(args) -> int`; modules are imported only when their
command runs, so `elvie --help` stays fast and a broken optional part cannot break
the others.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("robot.commands.run", "start everything (Rasa, actions, Qmatic, robot, engine) and print the URL"),
    "fleet": ("robot.commands.fleet", "serve every robot in fleet.yml from one Elvie (status page + /metrics)"),
    "converse": ("robot.commands.converse", "play a scripted visitor against the real stack"),
    "simulator": ("simulator.cli", "start the virtual Pepper (qi services + desktop web UI)"),
    "check": ("robot.commands.check", "validate the host-editable content (YAML) and report file:line errors"),
    "train": ("dialogue.training", "train the Rasa model if its inputs changed (cached by hash)"),
    "actions": ("dialogue.server", "run the Rasa action server with the NLG endpoint"),
    "qmatic-emulator": ("integrations.qmatic.cli", "run the Qmatic Orchestra emulator"),
    "models": ("robot.speech.cli", "prepare speech models (Whisper) or add a Vosk model"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="elvie", description="Elvie, the reception robot's conversation engine")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0
    name = argv[0]
    if name not in COMMANDS:
        parser.error(f"unknown command {name!r}; choose from: {', '.join(COMMANDS)}")
    module = importlib.import_module(COMMANDS[name][0])
    sub = argparse.ArgumentParser(prog=f"elvie {name}", description=COMMANDS[name][1])
    module.configure(sub)
    args = sub.parse_args(argv[1:])
    try:
        return int(module.main(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
