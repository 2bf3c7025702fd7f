"""Read YAML while remembering where every value came from (file and line).

Hosts edit these files by hand, so every complaint must point at a line. PyYAML's
composer gives nodes with positions; we build plain Python values from them and keep
a map from each value's path (a tuple of keys/indexes) to its line. Duplicate keys,
which PyYAML would silently overwrite, are reported.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file, shown to hosts as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Source:
    """A parsed YAML file: its data plus the line of every value in it."""

    path: Path
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    display: str = ""

    def line(self, *path) -> int:
        """Line of the value at `path`, or of its nearest known parent (1 if none)."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def problem(self, path: tuple, message: str) -> Problem:
        return Problem(self.display or str(self.path), self.line(*path), message)


class YamlError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # e.g. a date that does not exist (2027-13-01): keep the text, the checks name it
        return node.value


def _build(loader, node, path: tuple, lines: dict, problems: list, display: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or isinstance(key, (list, dict)):
                problems.append(Problem(display, key_node.start_mark.line + 1, "a key must be plain text"))
                continue
            key = str(key) if not isinstance(key, (str, int)) else key
            if key in result:
                problems.append(Problem(display, key_node.start_mark.line + 1,
                                        f"'{key}' appears twice here (first on line {lines[path + (key,)]}); "
                                        "remove or rename one of them"))
                continue
            result[key] = _build(loader, value_node, path + (key,), lines, problems, display)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines, problems, display) for i, item in enumerate(node.value)]
    return _scalar(loader, node)


def _plain_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    hint = ""
    if "tab" in problem.lower() or "\\t" in problem:
        hint = " (use spaces, not tabs, to indent)"
    elif "mapping values are not allowed" in problem:
        hint = " (a text containing ': ' must be put in quotes)"
    elif "could not find expected ':'" in problem or "expected <block end>" in problem:
        hint = " (check the indentation of this line and the one before)"
    text = f"{context}, {problem}" if context else problem
    return f"this is not valid YAML: {text}{hint}"


def load_yaml(path: Path, display: str | None = None) -> Source:
    """Parse `path`; raise YamlError with file:line problems for syntax errors and duplicate keys."""
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlError([Problem(display, 1, "file not found")]) from None
    except IsADirectoryError:
        raise YamlError([Problem(display, 1, "this is a folder; give the path of a .yml file in it")]) from None
    except OSError as exc:
        raise YamlError([Problem(display, 1, f"cannot be read ({exc.strerror})")]) from None
    except UnicodeDecodeError as exc:
        raise YamlError([Problem(display, 1, f"not UTF-8 text ({exc.reason}); save the file as UTF-8")]) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise YamlError([Problem(display, line, _plain_message(exc))]) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    problems: list[Problem] = []
    data = None if node is None else _build(loader, node, (), lines, problems, display)
    if problems:
        raise YamlError(problems)
    return Source(path=path, data=data, lines=lines, display=display)


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
