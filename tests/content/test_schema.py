"""Every kind of mistake in the content is reported with its exact message and line (broken_content.yml)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialogue.content.loader import ContentInvalid, load_content
from dialogue.content.schema import Field, Integer, Record, Walk
from dialogue.content.yamlsource import Source

from .conftest import edit

CASES = yaml.safe_load((Path(__file__).parent / "broken_content.yml").read_text(encoding="utf-8"))


def reported(root: Path) -> list[str]:
    try:
        load_content(root)
    except ContentInvalid as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_each_mistake_is_reported_exactly(locales, case):
    for change in case["edits"]:
        edit(locales / change["file"], change["old"], change["new"])
    assert reported(locales) == case["problems"]


def test_a_record_reports_unknown_keys_and_falls_back_to_the_default():
    source = Source(Path("x.yml"), {"tries": "two", "tires": 1}, {(): 1, ("tries",): 2, ("tires",): 3}, "x.yml")
    walk = Walk(source, ("nl", "en"))
    values = walk.read(Record({"tries": Field(Integer(minimum=1), default=2)}), source.data, "x.yml")
    assert values == {"tries": 2}
    assert [str(p) for p in walk.problems] == [
        "x.yml:3: unknown setting 'tires' in x.yml (did you mean 'tries'?)",
        "x.yml:2: tries should be a whole number ≥ 1, not 'two'"]
