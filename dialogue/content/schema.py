"""The shape of the host-editable YAML files, declared once, and one walker that checks data against it.

A schema is a tree of small nodes: `Record` (named fields), `MapOf` (entries under keys the host chooses,
e.g. services), `ListOf`, per-language `Text`, `Integer`, `Number`, `Boolean`, `Choice`, `Plain` text,
`Url`, `Date`, `Raw` (taken as written) and `Guard` (only values a test accepts). `Walk.read(node, value,
what)` checks a file's data against its schema, adds every problem as `file:line: message` at the path
of the value it is about (so the line is right), reports unknown keys with "did you mean", and returns
the converted value: None (or the field's default) where a value is invalid.

Adding a setting is adding a field to a record, e.g. in services.yml (dialogue/content/loader.py):

    "walk_in": Field(Boolean(), default=False),

`what` names the value in messages (default: the setting's name). It may use `{key}` (the key of the
entry it is in, e.g. the service), `{what}` (the name of the enclosing record) and an earlier field of the
same record (its converted value: "the note for {date}"). A field left out is its `default` if it has one,
its `missing` problem if it has one, and otherwise read as None: a required `Text` then says it is
missing, an `Integer` that None is not a whole number. A `gate` field stops its record when invalid.
Checks that need more than one value (an id used twice, a key that must exist in another file) stay with
the code that reads the file; a kind of value only one file has is a small `Node` subclass there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from . import model
from .model import frozen_map
from .yamlsource import Problem, Source, did_you_mean

NOT_A_MAPPING = "{what} should be a list of 'name: value' entries, not {kind}"


def kind(value: Any) -> str:
    """How a host would name what they wrote instead of what was expected."""
    return {list: "a list", dict: "a set of entries", str: "a text", type(None): "nothing"}.get(type(value),
                                                                                            repr(value))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class At:
    """Where a value is: its path in the file, how messages name it and the key of the entry it is in."""

    path: tuple = ()
    what: str = ""
    key: Any = None

    def to(self, step: Any, what: str, key: Any = None) -> "At":
        return At(self.path + (step,), what, self.key if key is None else key)


@dataclass
class Walk:
    """Checks the values of one file against their schema, collecting problems."""

    source: Source
    languages: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def read(self, node: "Node", value: Any, what: str) -> Any:
        """`value` (a whole file's data) checked against `node`; `what` names it in messages."""
        return node.read(self, value, At(what=what))


class Node:
    """A kind of value; `read` adds the problems of `value` and returns it converted (None: invalid)."""

    def read(self, walk: Walk, value: Any, at: At) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Raw(Node):
    """Taken as written; the code reading the file checks it against other values."""

    def read(self, walk: Walk, value: Any, at: At) -> Any:
        return value


@dataclass(frozen=True)
class Text(Node):
    """A text per language: `{nl: ..., en: ...}`."""

    required: bool = True

    def read(self, walk: Walk, value: Any, at: At) -> model.Text | None:
        languages, what = walk.languages, at.what
        if value is None:
            if self.required:
                walk.add(at.path, f"{what} is missing; give it for every language ({', '.join(languages)})")
            return None
        if isinstance(value, str):
            example = ", ".join(f"{lang}: ..." for lang in languages)
            walk.add(at.path, f"{what} needs a text per language, e.g. {example}")
            return model.Text({lang: value for lang in languages})
        if not isinstance(value, dict):
            walk.add(at.path, f"{what} should be texts per language, not {kind(value)}")
            return None
        by_lang = {}
        for lang, text in value.items():
            if lang not in languages:
                walk.add(at.path + (lang,), f"unknown language '{lang}'{did_you_mean(lang, languages)}")
            elif not isinstance(text, str) or not text.strip():
                walk.add(at.path + (lang,), f"the {lang} text of {what} is empty")
            else:
                by_lang[lang] = text.strip()
        for lang in languages:
            if lang not in value:
                walk.add(at.path, f"{what} has no '{lang}' translation")
        return model.Text(frozen_map(by_lang))


@dataclass(frozen=True)
class Integer(Node):
    minimum: int = 0
    optional: bool = False  # None is fine (and stays None)

    def read(self, walk: Walk, value: Any, at: At) -> int | None:
        if value is None and self.optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < self.minimum:
            walk.add(at.path, f"{at.what} should be a whole number ≥ {self.minimum}, not {value!r}")
            return None
        return value


@dataclass(frozen=True)
class Number(Node):
    """A positive number; left out, it is `default`."""

    default: float

    def read(self, walk: Walk, value: Any, at: At) -> float:
        if value is None:
            return self.default
        if not is_number(value) or value <= 0:
            walk.add(at.path, f"{at.what} should be a positive number, not {value!r}")
            return self.default
        return float(value)


@dataclass(frozen=True)
class Boolean(Node):
    def read(self, walk: Walk, value: Any, at: At) -> bool | None:
        if not isinstance(value, bool):
            walk.add(at.path, f"{at.what} should be true or false, not {value!r}")
            return None
        return value


@dataclass(frozen=True)
class Choice(Node):
    """One of `options`. `problem` may use {value}, {what} and {suggestion} (" (did you mean 'x'?)")."""

    options: tuple[str, ...]
    problem: str
    optional: bool = False

    def read(self, walk: Walk, value: Any, at: At) -> str | None:
        if value is None and self.optional:
            return None
        if value not in self.options:
            walk.add(at.path, self.problem.format(value=value, what=at.what,
                                                  suggestion=did_you_mean(value, self.options)))
            return None
        return value


@dataclass(frozen=True)
class Plain(Node):
    """One text, the same in every language (an address); `problem` may use {what} and {value}."""

    problem: str
    optional: bool = False  # None and an empty text are fine

    def read(self, walk: Walk, value: Any, at: At) -> str | None:
        if value is None and self.optional:
            return None
        if not isinstance(value, str) or not (self.optional or value.strip()):
            walk.add(at.path, self.problem.format(what=at.what, value=value))
            return None
        return value


@dataclass(frozen=True)
class Url(Node):
    """An optional http(s) address."""

    def read(self, walk: Walk, value: Any, at: At) -> str | None:
        if value is not None and not (isinstance(value, str) and value.startswith(("http://", "https://"))):
            walk.add(at.path, f"{at.what} should be an http(s) address, not {value!r}")
            return None
        return value


@dataclass(frozen=True)
class Date(Node):
    """A date such as 2026-12-25."""

    def read(self, walk: Walk, value: Any, at: At) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            walk.add(at.path, f"a date should look like 2026-12-25, not {value!r}")
            return None


@dataclass(frozen=True)
class Guard(Node):
    """`node`, but only for values `accepts` takes; any other value is just `problem`."""

    node: Node
    accepts: Callable[[Any], bool]
    problem: str

    def read(self, walk: Walk, value: Any, at: At) -> Any:
        if not self.accepts(value):
            walk.add(at.path, self.problem)
            return None
        return self.node.read(walk, value, at)


_NO_DEFAULT = object()


@dataclass(frozen=True)
class Field:
    """A named setting of a record. Left out, it is `default` (if given) without a check; invalid, too.

    `missing`: the problem (at the record's line) when it is left out, instead of reading it as None.
    `gate`: the rest of the record depends on this setting; when it is invalid (a problem, no value), the
    fields after it are not checked and the record is None (its problem is the one worth reading)."""

    node: Node
    what: str = ""  # default: the setting's name
    default: Any = _NO_DEFAULT
    missing: str = ""
    gate: bool = False


class _Names(dict):
    def __missing__(self, name: str) -> str:
        return "None"


@dataclass(frozen=True)
class Record(Node):
    """Named fields. Returns {name: value} (or `build(key, values)`), also when some values are invalid.

    `wrap`: a value of one of `wrap_types` instead of a mapping stands for that one field
    (`- pasfoto` for `- document: pasfoto`). `optional`: None is fine (and stays None). `empty`: the
    problem (at the enclosing record's line) when there are no entries; the record is then None.
    `unknown`: the problem of a key that is not a field, with {key}, {what} and {suggestion}."""

    fields: dict[str, Field]
    build: Callable[[Any, dict], Any] | None = None
    wrap: str = ""
    wrap_types: tuple[type, ...] = (str,)
    optional: bool = False
    empty: str = ""
    unknown: str = "unknown setting '{key}' in {what}{suggestion}"

    def read(self, walk: Walk, value: Any, at: At) -> Any:
        if value is None and self.optional:
            return None
        if self.wrap and isinstance(value, self.wrap_types):
            value = {self.wrap: value}
        data = mapping(walk, value, at)
        if self.empty and not data:
            walk.add(at.path[:-1], self.empty)
            return None
        for key in data:
            if key not in self.fields:
                walk.add(at.path + (key,), self.unknown.format(key=key, what=at.what,
                                                               suggestion=did_you_mean(key, self.fields)))
        values: dict[str, Any] = {}
        for name, spec in self.fields.items():
            known = len(walk.problems)
            values[name] = self._field(walk, data, name, spec, at, values)
            if spec.gate and values[name] is None and len(walk.problems) > known:
                return None
        return self.build(at.key, values) if self.build else values

    @staticmethod
    def _field(walk: Walk, data: dict, name: str, spec: Field, at: At, values: dict[str, Any]) -> Any:
        has_default = spec.default is not _NO_DEFAULT
        if name not in data and spec.missing:
            walk.add(at.path, spec.missing)
            return None
        if name not in data and has_default:
            return spec.default
        what = (spec.what or name).format_map(_Names(values, key=at.key, what=at.what))
        result = spec.node.read(walk, data.get(name), at.to(name, what))
        return spec.default if result is None and has_default else result


@dataclass(frozen=True)
class MapOf(Node):
    """Entries under keys the host chooses (services, documents). Returns {key: value} of the valid ones.

    `entry`: how messages name an entry, with {key}. `key_problem(key)`: why a key may not be used, or None."""

    node: Node
    entry: str = "{key}"
    key_problem: Callable[[Any], str | None] | None = None

    def read(self, walk: Walk, value: Any, at: At) -> dict:
        result = {}
        for key, item in mapping(walk, value, at).items():
            problem = self.key_problem(key) if self.key_problem else None
            if problem:
                walk.add(at.path + (key,), problem)
                continue
            converted = self.node.read(walk, item, at.to(key, self.entry.format(key=key), key))
            if converted is not None:
                result[key] = converted
        return result


@dataclass(frozen=True)
class ListOf(Node):
    """A list ('- ' lines). Returns one value per item, None for an invalid one, so indexes match the file.

    `problem`: what to say when it is not a list (with {what}); `required`: left out or empty is `problem`
    too; `single`: one item of these types may be written without the list; `item`: how messages name an
    item."""

    node: Node
    problem: str
    item: str = ""
    single: tuple[type, ...] = ()
    required: bool = False

    def read(self, walk: Walk, value: Any, at: At) -> list:
        if isinstance(value, self.single) and not isinstance(value, bool):
            value = [value]
        if self.required and not value:
            walk.add(at.path, self.problem.format(what=at.what))
            return []
        if not value:
            return []
        if not isinstance(value, list):
            walk.add(at.path, self.problem.format(what=at.what))
            return []
        return [self.node.read(walk, item, at.to(i, self.item or at.what)) for i, item in enumerate(value)]


def mapping(walk: Walk, value: Any, at: At) -> dict:
    """`value` as a mapping; anything else is a problem (and read as no entries)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        walk.add(at.path, NOT_A_MAPPING.format(what=at.what, kind=kind(value)))
        return {}
    return value
