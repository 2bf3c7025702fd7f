"""Scripted visitors for `elvie converse`: the YAML format, its validation and its expectations.

    name: greeting in Dutch
    lang: nl                      # optional; otherwise detected
    qmatic: fixtures/today.yml    # optional emulator seed (relative to this file)
    turns:
      - say: "Hallo Elvie"        # what the visitor says (as recognised text)
        expect: {intent: greet, screen: welcome, lang: nl, say_contains: "Elvie"}
      - touch: "yes"              # a tablet button id, or {button: name, value: "Jan de Vries"}
      - audio: clips/x.wav        # 16 kHz mono WAV through the speech pipeline
      - sensor: head_touch        # a robot sensor event (also: push, person_arrives, person_leaves)
      - sensor: {name: head_front, times: 6}   # a burst of touches (rough handling)
      - wait: 2                   # seconds without input

`expect` (optional, per turn): intent, screen, lang, responses (list, in order), say_contains
(text or list; case-insensitive, in any spoken sentence), say_not_contains, ticket (true/false
or the exact number), handover (bool), qmatic (list of "operation:status"), session_ended,
spoken (false: Elvie stays silent).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialogue.content.language_pack import content_languages
from dialogue.content.yamlsource import Problem, Source, YamlError, did_you_mean, load_yaml

TURN_KINDS = ("say", "touch", "audio", "sensor", "wait")
SENSOR_NAMES = ("head_touch", "head_front", "head_middle", "head_rear", "hand_left", "hand_right",
                "bumper_left", "bumper_right", "bumper_back", "push", "person_arrives", "person_leaves")
EXPECT_KEYS = ("intent", "screen", "lang", "responses", "say_contains", "say_not_contains", "ticket", "handover",
               "qmatic", "session_ended", "spoken", "error")


class ScriptError(ValueError):
    pass


@dataclass(frozen=True)
class ScriptTurn:
    kind: str
    value: Any
    expect: dict[str, Any]
    line: int


@dataclass(frozen=True)
class Script:
    name: str
    path: Path
    turns: tuple[ScriptTurn, ...]
    lang: str | None = None
    qmatic: Path | None = None


def load_script(path: Path) -> Script:
    try:
        source = load_yaml(path)
    except YamlError as exc:
        raise ScriptError(str(exc)) from None
    data = source.data
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ScriptError(f"{path}:1: a script is a mapping with 'name' and 'turns'")
    for key in data:
        if key not in ("name", "lang", "qmatic", "turns"):
            problems.append(source.problem((key,), f"unknown key '{key}' (use name, lang, qmatic, turns)"))
    turns_data = data.get("turns")
    if not isinstance(turns_data, list) or not turns_data:
        problems.append(source.problem(("turns",), "'turns' must be a non-empty list"))
        turns_data = []
    turns = [turn for i, item in enumerate(turns_data) if (turn := _turn(source, path, i, item, problems))]
    qmatic = data.get("qmatic")
    qmatic_path = (path.parent / str(qmatic)).resolve() if qmatic else None
    if qmatic_path is not None and not qmatic_path.exists():
        problems.append(source.problem(("qmatic",), f"Qmatic fixture not found: {qmatic_path}"))
    lang = data.get("lang")
    if lang is not None and lang not in content_languages():
        problems.append(source.problem(("lang",), f"lang must be one of {', '.join(content_languages())}, "
                                                  f"not {lang!r}"))
    if problems:
        raise ScriptError("\n".join(str(p) for p in problems))
    return Script(name=str(data.get("name") or path.stem), path=path, turns=tuple(turns), lang=lang,
                  qmatic=qmatic_path)


def _turn(source: Source, path: Path, i: int, item: Any, problems: list[Problem]) -> ScriptTurn | None:
    """Turn `i` of the script, or None (its problems added)."""
    if not isinstance(item, dict):
        problems.append(source.problem(("turns", i), "each turn is a mapping like {say: ...}"))
        return None
    kinds = [k for k in item if k in TURN_KINDS]
    unknown = [k for k in item if k not in TURN_KINDS and k != "expect"]
    if len(kinds) != 1 or unknown:
        problems.append(source.problem(("turns", i), f"a turn needs exactly one of {', '.join(TURN_KINDS)}"
                                       + (f"; unknown: {', '.join(map(str, unknown))}" if unknown else "")))
        return None
    kind = kinds[0]
    expect = item.get("expect") or {}
    if not isinstance(expect, dict):
        problems.append(source.problem(("turns", i, "expect"), "'expect' must be a mapping"))
        expect = {}
    for key in expect:
        if key not in EXPECT_KEYS:
            problems.append(source.problem(("turns", i, "expect", key),
                                           f"unknown expectation '{key}'{did_you_mean(key, EXPECT_KEYS)}"))
    value, problem = _turn_value(kind, item[kind], path)
    if problem:
        problems.append(source.problem(("turns", i, kind), problem))
    return ScriptTurn(kind=kind, value=value, expect=expect, line=source.line("turns", i))


def _turn_value(kind: str, value: Any, path: Path) -> tuple[Any, str | None]:
    """What a turn of this kind does, and the problem with it if any."""
    if kind == "sensor":
        name = value.get("name") if isinstance(value, dict) else value
        times = value.get("times", 1) if isinstance(value, dict) else 1
        problems = []
        if name not in SENSOR_NAMES:
            problems.append(f"unknown sensor '{name}'; use one of " + ", ".join(SENSOR_NAMES))
        if not isinstance(times, int) or not 1 <= times <= 50:
            problems.append("times must be a whole number from 1 to 50")
        return {"name": name, "times": times}, "; ".join(problems) or None
    if kind == "audio":
        clip = (path.parent / str(value)).resolve()
        return clip, None if clip.exists() else f"audio file not found: {clip}"
    if kind == "touch" and not (isinstance(value, str) or (isinstance(value, dict) and "button" in value)):
        return value, "touch is a button id or {button: ..., value: ...}"
    if kind == "wait" and not isinstance(value, (int, float)):
        return value, "wait takes a number of seconds"
    return value, None


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def check(expect: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Differences between a turn's expectations and its result (empty: as expected)."""
    failures = []
    spoken = " ".join(result.get("say") or []).lower()
    for key, wanted in expect.items():
        if key in ("intent", "screen", "lang", "handover", "session_ended", "error"):
            if result.get(key) != wanted:
                failures.append(f"{key}: expected {wanted!r}, got {result.get(key)!r}")
        elif key == "responses":
            if [r for r in result.get("responses") or []] != _as_list(wanted):
                failures.append(f"responses: expected {_as_list(wanted)}, got {result.get('responses')}")
        elif key == "say_contains":
            for text in _as_list(wanted):
                if str(text).lower() not in spoken:
                    failures.append(f"say_contains: {text!r} not in {result.get('say')}")
        elif key == "say_not_contains":
            for text in _as_list(wanted):
                if str(text).lower() in spoken:
                    failures.append(f"say_not_contains: {text!r} was said: {result.get('say')}")
        elif key == "ticket":
            ticket = result.get("ticket")
            ok = (bool(ticket) == wanted) if isinstance(wanted, bool) else (ticket == wanted)
            if not ok:
                failures.append(f"ticket: expected {wanted!r}, got {ticket!r}")
        elif key == "qmatic":
            calls = [f"{c.get('operation')}:{c.get('status')}" for c in result.get("qmatic") or []]
            for call in _as_list(wanted):
                if call not in calls:
                    failures.append(f"qmatic: expected a call {call!r}, got {calls}")
        elif key == "spoken":
            if bool(result.get("say")) != bool(wanted):
                failures.append(f"spoken: expected {'speech' if wanted else 'silence'}, got {result.get('say')}")
    return failures
