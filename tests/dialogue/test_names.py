"""Name extraction: sentences visitors say instead of a name are not names; real names in all their
variants are (particles, initials, hyphens, diacritics, Turkish, Moroccan, Polish, Surinamese names)."""
from __future__ import annotations

import pytest

from dialogue.names import extract_name

NOT_NAMES = {
    "nl": [
        "ik ben te laat", "ik ben een beetje te laat", "ik ben wat te laat", "sorry ik ben te laat",
        "ik heb een afspraak maar ik ben te laat", "ik ben te vroeg", "ik ben een beetje te vroeg",
        "ik ben veel te vroeg", "ik ben hier voor mijn moeder", "ik ben hier voor mijn vader",
        "ik ben hier voor mijn zoon", "ik ben hier voor mijn dochter", "ik kom voor mijn moeder",
        "ik kom voor mijn vader", "ik kom voor mijn oma", "ik kom voor mijn kind", "ik kom met mijn zoon",
        "ik ben hier voor een afspraak", "ik ben hier voor mijn afspraak", "ik ben hier voor mijn paspoort",
        "ik kom voor mijn rijbewijs", "ik ben de begeleider", "ik ben mantelzorger", "ik ben de tolk",
        "ik ben hier namens mijn vader", "mijn moeder heeft een afspraak", "mijn vader heeft een afspraak",
        "ik heb een afspraak", "ik heb een afspraak om half elf", "ik weet het niet", "ik weet het niet meer",
        "ik ben het vergeten", "ik ben er", "ik ben hier", "ik ben er al", "ik wacht al een tijdje",
        "voor mijn moeder", "voor mijn paspoort", "om half elf", "kwart over tien", "ik ben geboren op 12 april",
        "hallo", "goedemorgen", "ja", "nee", "dank u wel", "ik heet", "mijn naam is", "ik ben mevrouw",
        "de afspraak is voor mijn man", "ik ben hier samen met mijn vrouw", "ik ben er even niet",
        "ik moet naar de wc", "waar is de wc",
    ],
    "en": [
        "I'm late", "I'm a bit late", "I'm a little late", "sorry I'm late", "I am late",
        "I have an appointment but I'm late", "I'm early", "I'm a bit early", "I am a little early",
        "I'm too early", "I'm here for my mother", "I'm here for my father", "I'm here for my son",
        "I'm here for my daughter", "I'm here for my mother, she has an appointment", "I'm here with my mother",
        "I am here for my dad", "I'm here for my grandmother", "I'm here for my husband",
        "I'm here for my wife", "I'm here for an appointment", "I'm here for my appointment",
        "I'm here for my passport", "I'm here for my driving licence", "I'm her carer", "I'm his carer",
        "I'm the interpreter", "I'm here on behalf of my father", "my mother has an appointment",
        "my father has an appointment", "I have an appointment", "I have an appointment at half past ten",
        "I don't know", "I don't remember", "I'm here", "I am here already", "I'm waiting",
        "for my mother", "for my passport", "at half past ten", "quarter past ten", "I was born on 12 April",
        "hello", "good morning", "yes", "no", "thank you", "my name is", "it's for my son",
        "the appointment is for my husband", "I'm here with my wife", "I'm just early today",
        "where are the toilets", "I need the bathroom",
    ],
}

REAL_NAMES = [
    ("de Vries", "de Vries"), ("van den Berg", "van den Berg"), ("Anouk van der Berg", "Anouk van der Berg"),
    ("mijn naam is Jan de Vries", "Jan de Vries"), ("ik ben Johan de Vries", "Johan de Vries"),
    ("I'm Emily Clarke", "Emily Clarke"), ("my name is James Smith", "James Smith"),
    ("J. de Vries", "J. de Vries"), ("A. Jansen", "A. Jansen"), ("D", "D"),
    ("Pieter ten Hove", "Pieter ten Hove"), ("Wilma 't Hart", "Wilma 't Hart"),
    ("Fatima el Amrani", "Fatima el Amrani"), ("El Amrani", "El Amrani"), ("Yassine Ait Taleb", "Yassine Ait Taleb"),
    ("Mehmet Yılmaz", "Mehmet Yılmaz"), ("Ayşe Yılmaz", "Ayşe Yılmaz"), ("Şükrü Öztürk", "Şükrü Öztürk"),
    ("Agnieszka Wiśniewska", "Agnieszka Wiśniewska"), ("Łukasz Kowalczyk", "Łukasz Kowalczyk"),
    ("Katarzyna Nowak", "Katarzyna Nowak"), ("Jansen-Bakker", "Jansen-Bakker"),
    ("Anna Jansen-de Jong", "Anna Jansen-de Jong"), ("Hana Al Khatib", "Hana Al Khatib"),
    ("Shanti Ramdin", "Shanti Ramdin"), ("O'Brien", "O'Brien"), ("Zoë van Dijk", "Zoë van Dijk"),
    ("op naam van Katarzyna Nowak", "Katarzyna Nowak"), ("ja, de Jong", "de Jong"), ("Bakker", "Bakker"),
    ("Visser", "Visser"), ("de Wit", "de Wit"), ("Groot", "Groot"), ("Mohamed Bouzid", "Mohamed Bouzid"),
]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_false_names(lang):
    sentences = NOT_NAMES[lang]
    assert len(sentences) >= 50
    false_names = {s: extract_name(s) for s in sentences if extract_name(s)}
    assert false_names == {}


@pytest.mark.parametrize("said, name", REAL_NAMES, ids=[r[0] for r in REAL_NAMES])
def test_real_name_variants_are_found(said, name):
    assert extract_name(said) == name


def test_codes_and_times_are_not_names():
    assert extract_name("QM4102") is None and extract_name("11.30") is None and extract_name("12-04-1980") is None


def test_hesitations_are_no_part_of_a_name():
    assert extract_name("mijn naam is Jan, uh, de Vries") == "Jan de Vries"
    assert extract_name("uh Emily Clarke") == "Emily Clarke"
    assert extract_name("ehm") is None
