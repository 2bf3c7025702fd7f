"""Name matching on tricky spoken and typed names; never another visitor's data by accident."""
from __future__ import annotations

import pytest

from dialogue.name_cases import NAME_CASES, case_day, evaluate, found
from integrations.qmatic.matching import match_name, match_reference, phonetic


@pytest.fixture(scope="module")
def today():
    return case_day()


def test_there_are_at_least_forty_cases():
    assert len(NAME_CASES) >= 40


@pytest.mark.parametrize("query, wanted", NAME_CASES, ids=[q for q, _ in NAME_CASES])
def test_name_case(today, query, wanted):
    assert found(query, today) == set(wanted)


def test_precision_and_recall(today):
    result = evaluate(today)
    assert result["precision"] >= 0.95 and result["recall"] >= 0.95, result["failures"]


def test_scores_are_ordered_and_explained(today):
    matches = match_name("de vries", today)
    assert len(matches) == 2 and matches[0].score >= matches[1].score >= 0.82
    assert "Vries" not in repr(matches[0])


def test_phonetic_key_folds_common_confusions():
    assert phonetic("Vries") == phonetic("fries")
    assert phonetic("Janssen") == phonetic("jansen")
    assert phonetic("Dijk") == phonetic("dyk")


@pytest.mark.parametrize("text, code", [("mijn code is QM-4821", "QM-4821"), ("qm 4821", "QM4821"), ("q m 4 8 2 1", "QM4821"),
                                        ("de code is AB12CD", "AB12CD"), ("afspraaknummer 12345678", "12345678"),
                                        ("ik heb een afspraak", None)])
def test_booking_codes_in_free_text(text, code):
    assert match_reference(text) == code
