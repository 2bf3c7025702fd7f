"""ALAnimatedSpeech / ALTextToSpeech annotations, parsed as NAOqi does; they are never spoken.

`^start(anim)`, `^stop(anim)`, `^wait(anim)`, `^run(anim)`, `^mode(m)`, `^call(Service.method(args))`,
`^pCall(...)`, `^startTag(tag)`, `^stopTag(tag)`, `^waitTag(tag)`, `^runTag(tag)`, and the text-to-speech
tags `\\pau=N\\` (pause, ms), `\\rspd=N\\` (speed, %), `\\vct=N\\` (pitch, %), `\\vol=N\\`, `\\rst\\` (reset)
and any other `\\name=value\\`.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

ANIMATION_COMMANDS = ("start", "stop", "wait", "run", "mode", "call", "pCall", "startTag", "stopTag", "waitTag",
                      "runTag")
_TOKEN = re.compile(r"\^(startTag|stopTag|waitTag|runTag|start|stop|wait|run|mode|call|pCall)\(((?:[^()]|\([^()]*\))*)\)"
                    r"|\\\\?(rst)\\\\?|\\\\?(\w+)=([\w.\-]+)\\\\?")
_CALL = re.compile(r"\s*(\w+)\.(\w+)\((.*)\)\s*$", re.S)

# Tags of ALAnimatedSpeech's default tag set and an animation of Pepper's stock set for each.
TAG_ANIMATIONS = {
    "hello": "animations/Stand/Gestures/Hey_1", "hey": "animations/Stand/Gestures/Hey_1",
    "yes": "animations/Stand/Gestures/Yes_1", "affirmative": "animations/Stand/Gestures/Yes_1",
    "no": "animations/Stand/Gestures/No_3", "negative": "animations/Stand/Gestures/No_3",
    "explain": "animations/Stand/Gestures/Explain_1", "me": "animations/Stand/Gestures/Me_1",
    "you": "animations/Stand/Gestures/You_1", "bow": "animations/Stand/Gestures/BowShort_1",
    "thinking": "animations/Stand/Gestures/Thinking_1", "calm": "animations/Stand/Gestures/CalmDown_1",
    "enthusiastic": "animations/Stand/Gestures/Enthusiastic_4", "far": "animations/Stand/Gestures/Far_1",
    "please": "animations/Stand/Gestures/Please_1", "show": "animations/Stand/Gestures/ShowTablet_2",
    "idontknow": "animations/Stand/Gestures/IDontKnow_1", "everything": "animations/Stand/Gestures/Everything_1",
}


@dataclass(frozen=True)
class Step:
    kind: str  # "say", an animation command, or a TTS tag name ("pau", "rspd", "vct", "vol", "rst", ...)
    value: str = ""


def parse(text: str) -> list[Step]:
    """Split annotated text into what is said and the commands between the words."""
    steps: list[Step] = []
    position = 0
    for match in _TOKEN.finditer(text):
        _add_words(steps, text[position:match.start()])
        position = match.end()
        if match.group(1):
            steps.append(Step(match.group(1), match.group(2).strip()))
        elif match.group(3):
            steps.append(Step("rst"))
        else:
            steps.append(Step(match.group(4), match.group(5)))
    _add_words(steps, text[position:])
    return steps


def _add_words(steps: list[Step], chunk: str) -> None:
    words = " ".join(chunk.split())
    if words:
        steps.append(Step("say", words))


def spoken_text(text: str) -> str:
    """The words only: what a listener hears."""
    return " ".join(s.value for s in parse(text) if s.kind == "say")


def started_animations(text: str, tags: dict[str, str] | None = None) -> list[str]:
    """Animations the text starts (`^start`/`^run`, and the animation a `^startTag`/`^runTag` picks)."""
    result = []
    for step in parse(text):
        if step.kind in ("start", "run"):
            result.append(step.value)
        elif step.kind in ("startTag", "runTag"):
            result.append((tags or TAG_ANIMATIONS).get(step.value.lower(), f"tag:{step.value}"))
    return result


def parse_call(expression: str) -> tuple[str, str, list]:
    """`ALLeds.fadeRGB("FaceLeds", "red", 0.5)` -> ("ALLeds", "fadeRGB", ["FaceLeds", "red", 0.5])."""
    match = _CALL.match(expression)
    if not match:
        raise ValueError(f"not a call: {expression!r}")
    service, method, args = match.groups()
    values = ast.literal_eval(f"[{args}]") if args.strip() else []
    return service, method, values
