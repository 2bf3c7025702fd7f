"""A language comes from content: locales/<lang>/language.yml carries what the ear needs, and `elvie check`
names whatever a new language folder still lacks."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from dialogue.content.check import content_problems
from dialogue.content.language_pack import check_pack, content_languages, language_pack
from dialogue.content.yamlsource import Source
from dialogue.times import join_words, say_day
from robot.speech.unfinished import sounds_unfinished

from .conftest import edit, problems

TURKISH = """espeak_voice: tr
naoqi_language: Turkish
common_words: [ben, bir, ve, bu, evet, hayır, randevum, var]
expected:
  affirm: [evet]
  deny: [hayır]
name_phrases: ["benim adım {name}"]
digits: {sıfır: 0, bir: 1, iki: 2}
unfinished_endings: [ve, ile, bir]
spelling: ["{letter} gibi {word}"]
clock: "{hour}:{minute}"
today: bugün
tomorrow: yarın
on_day: "{day}"
days: [pazartesi, salı, çarşamba, perşembe, cuma, cumartesi, pazar]
months: [ocak, şubat, mart, nisan, mayıs, haziran, temmuz, ağustos, eylül, ekim, kasım, aralık]
or: veya
spoken_times: {whole: "saat {hour}", half: "saat {hour} buçuk", quarter_past: "saat {hour}'i çeyrek geçe",
  quarter_to: "saat {next}'e çeyrek kala", other: "saat {h24}.{minute}"}
"""


def add_turkish(locales, pack: str | None = TURKISH):
    shutil.copytree(locales / "en", locales / "tr")
    (locales / "tr" / "language.yml").unlink()
    if pack is not None:
        (locales / "tr" / "language.yml").write_text(pack, encoding="utf-8")


def test_a_new_language_without_its_language_file_is_named(locales):
    add_turkish(locales, pack=None)
    assert any(p.startswith("locales/tr/language.yml:1:") and "not found" in p for p in problems(locales))


def test_a_new_language_is_told_every_translation_and_its_nlu_examples(locales):
    add_turkish(locales)
    content, found = content_problems(locales)
    assert content is None  # not before every shared text has its Turkish translation:
    assert "locales/documents.yml:6: the name of document 'pasfoto' has no 'tr' translation" in map(str, found)
    assert [str(p) for p in found if "nlu" in p.file] == [
        "dialogue/data/nlu/tr.yml:1: missing: the NLU examples of 'tr' (locales/tr/ exists); copy another "
        "language's file, translate it and run `make train`"]


def test_the_language_file_names_its_mistakes_at_their_lines(locales):
    line = edit(locales / "en" / "language.yml", "name_phrases:", "name_frases:")
    found = problems(locales)
    assert f"locales/en/language.yml:{line}: unknown setting 'name_frases' (did you mean 'name_phrases'?)" in found
    assert any("locales/en/language.yml:" in p and "'name_phrases' is missing" in p for p in found)


def test_an_unquoted_yes_gets_a_hint(locales):
    line = edit(locales / "en" / "language.yml", '"no", "yes"', "no, yes")
    assert any(p.startswith(f"locales/en/language.yml:{line}:") and "put False in quotes" in p
               for p in problems(locales))


def test_what_the_language_file_says_reaches_the_ear(locales, monkeypatch):
    add_turkish(locales)
    monkeypatch.setenv("ELVIE_CONTENT_DIR", str(locales))
    assert content_languages() == ("nl", "en", "tr") and language_pack("tr").naoqi_language == "Turkish"
    assert sounds_unfinished("bir randevum var ve", "tr")  # Elvie waits: the sentence goes on
    assert sounds_unfinished("A gibi Ankara", "tr") and not sounds_unfinished("evet", "tr")
    assert say_day(datetime(2026, 12, 8), datetime(2026, 12, 5), "tr") == "salı"
    assert join_words(["9:30", "10:00"], "tr") == "9:30 veya 10:00"


def test_a_language_file_that_is_not_a_set_of_settings_says_so_and_names_each_one_missing():
    found = [str(p) for p in check_pack(Source(Path("language.yml"), ["espeak_voice: tr"], {(): 1}, "language.yml"))]
    assert found[0] == "language.yml:1: should be a set of 'name: value' entries"
    assert "language.yml:1: 'espeak_voice' is missing: the espeak-ng voice of the virtual Pepper, e.g. gmw/nl" in found
    assert not any("hour_words" in p for p in found)  # it may be left out


def test_a_time_phrase_says_what_it_means_in_hours_and_minutes(locales):
    meaning = edit(locales / "nl" / "language.yml", '"half {h}": "h-1:30"', '"half {h}": "half over"')
    slot = edit(locales / "nl" / "language.yml", '"kwart over {h}": "h:15"', '"kwart over {uur}": "h:15"')
    found = problems(locales)
    assert any(p.startswith(f"locales/nl/language.yml:{meaning}: 'half over' is not a time") for p in found), found
    assert f"locales/nl/language.yml:{slot}: a time phrase needs {{h}} and may have {{m}}" in found
