"""The turn contract between the dialogue (Rasa, its actions and NLG) and the runtime.

Rasa carries two kinds of message back to the engine, each as a bot message's `custom` payload:
- `BotMessage`: one thing Elvie says and shows, rendered from locales/ by the NLG endpoint;
- `TurnTrace`: what the actions did this turn that the runtime must know (what Elvie expects next,
  the Qmatic calls with their timings, a ticket, a hand-over), written by the actions once per turn.
Both are written and read here only, so the two sides cannot drift apart.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

MESSAGE_KEY = "elvie"  # custom payload marker of a BotMessage (its format version)
TRACE_KEY = "elvie_trace"  # custom payload key of a TurnTrace


@dataclass(frozen=True)
class BotMessage:
    """One thing Elvie says (rendered by the NLG endpoint from locales/)."""

    text: str
    lang: str
    response: str | None = None
    gesture: str | None = None
    screen: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_rasa(self) -> dict:
        """As the NLG endpoint answers Rasa."""
        return {"text": self.text, "custom": self.to_custom()}

    def to_custom(self) -> dict:
        return {MESSAGE_KEY: 1, "response": self.response, "lang": self.lang, "text": self.text,
                "gesture": self.gesture, "screen": self.screen, "data": dict(self.data)}

    @classmethod
    def from_custom(cls, custom: Mapping[str, Any], lang: str) -> "BotMessage":
        return cls(text=custom.get("text") or "", lang=custom.get("lang") or lang, response=custom.get("response"),
                   gesture=custom.get("gesture"), screen=custom.get("screen"), data=custom.get("data") or {})


@dataclass
class TurnTrace:
    """What the actions of one turn tell the runtime (never shown to the visitor; no personal data)."""

    expect: dict | None = None  # what Elvie asks for next: {"kind": ..., details that bias recognition}
    qmatic: list[dict] = field(default_factory=list)  # each call: operation, status, ms (and error)
    ticket: str | None = None
    handover: bool = False
    notes: dict[str, Any] = field(default_factory=dict)  # outcome, faq, ...: for logs and tests

    def note(self, **items: Any) -> None:
        for key, value in items.items():
            if key in ("ticket", "handover"):
                setattr(self, key, value)
            else:
                self.notes[key] = value

    def __bool__(self) -> bool:
        return bool(self.expect or self.qmatic or self.ticket or self.handover or self.notes)

    def to_custom(self) -> dict:
        return {TRACE_KEY: asdict(self)}

    @classmethod
    def from_custom(cls, payload: Mapping[str, Any]) -> "TurnTrace":
        return cls(expect=payload.get("expect"), qmatic=list(payload.get("qmatic") or []),
                   ticket=payload.get("ticket"), handover=bool(payload.get("handover")),
                   notes=dict(payload.get("notes") or {}))


def read_replies(replies: list[dict], lang: str) -> tuple[list[BotMessage], list[TurnTrace]]:
    """Rasa's bot messages for one turn: what Elvie says, and the actions' traces."""
    messages: list[BotMessage] = []
    traces: list[TurnTrace] = []
    plain: list[str] = []
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get(TRACE_KEY), dict):
            traces.append(TurnTrace.from_custom(custom[TRACE_KEY]))
        elif isinstance(custom, dict) and custom.get(MESSAGE_KEY):
            if custom.get("text"):
                messages.append(BotMessage.from_custom(custom, lang))
        elif reply.get("text"):
            plain.append(reply["text"])
    if not messages and plain:  # a response that did not come through our NLG (should not happen)
        messages = [BotMessage(text=text, lang=lang) for text in plain]
    return messages, traces
