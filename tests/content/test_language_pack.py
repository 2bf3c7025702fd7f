"""A language comes from content: locales/<lang>/speech.yml carries what the ear needs, and `elvie check`
names whatever a new language folder still lacks."""
from __future__ import annotations

import shutil

from dialogue.content.check import content_problems
from dialogue.content.language_pack import content_languages, language_pack
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
"""


def add_turkish(locales, pack: str | None = TURKISH):
    shutil.copytree(locales / "en", locales / "tr")
    (locales / "tr" / "speech.yml").unlink()
    if pack is not None:
        (locales / "tr" / "speech.yml").write_text(pack, encoding="utf-8")


def test_a_new_language_without_its_speech_file_is_named(locales):
    add_turkish(locales, pack=None)
    assert any(p.startswith("locales/tr/speech.yml:1:") and "not found" in p for p in problems(locales))


def test_a_new_language_is_told_every_translation_and_its_nlu_examples(locales):
    add_turkish(locales)
    content, found = content_problems(locales)
    assert content is None  # not before every shared text has its Turkish translation:
    assert "locales/documents.yml:6: the name of document 'pasfoto' has no 'tr' translation" in map(str, found)
    assert [str(p) for p in found if "nlu" in p.file] == [
        "dialogue/data/nlu/tr.yml:1: missing: the NLU examples of 'tr' (locales/tr/ exists); copy another "
        "language's file, translate it and run `make train`"]


def test_the_speech_file_names_its_mistakes_at_their_lines(locales):
    line = edit(locales / "en" / "speech.yml", "name_phrases:", "name_frases:")
    found = problems(locales)
    assert f"locales/en/speech.yml:{line}: unknown setting 'name_frases' (did you mean 'name_phrases'?)" in found
    assert any("locales/en/speech.yml:" in p and "'name_phrases' is missing" in p for p in found)


def test_an_unquoted_yes_gets_a_hint(locales):
    line = edit(locales / "en" / "speech.yml", '"no", "yes"', "no, yes")
    assert any(p.startswith(f"locales/en/speech.yml:{line}:") and "put False in quotes" in p
               for p in problems(locales))


def test_what_the_speech_file_says_reaches_the_ear(locales, monkeypatch):
    add_turkish(locales)
    monkeypatch.setenv("ELVIE_CONTENT_DIR", str(locales))
    assert content_languages() == ("nl", "en", "tr") and language_pack("tr").naoqi_language == "Turkish"
    assert sounds_unfinished("bir randevum var ve", "tr")  # Elvie waits: the sentence goes on
    assert sounds_unfinished("A gibi Ankara", "tr") and not sounds_unfinished("evet", "tr")
