"""Hosts edit the YAML while Elvie runs: valid changes are used within 2 s without retraining or a
restart; invalid ones are reported (log, simulator UI) and the last good content stays in use."""
from __future__ import annotations

import asyncio
import json
import shutil
import time

import pytest

from dialogue.training import model_path
from robot.harness import LocalElvie

pytestmark = pytest.mark.slow

NEW_DOCUMENT = """  trouwboekje:
    name:
      nl: uw trouwboekje
      en: your family record book
    advice:
      nl: Geen trouwboekje bij u? U kunt het later nasturen.
      en: No family record book with you? You can send it in later.
"""
NEW_SERVICE = """  naamskeuze:
    area: servicecentrum
    name: {nl: het doorgeven van een naamskeuze, en: registering a choice of surname}
    qmatic_service_ids: [12]
    walk_in: false
    documents:
      - document: huidig_id
        if_missing: reception
      - document: trouwboekje
        if_missing: proceed
"""
DAY = {
    "branches": [{"id": 1, "name": "Servicecentrum Stadhuis", "services": [1, 12], "entry_points": {"SW_RECEPTION": 2}}],
    "queues": [{"id": 3, "name": "Burgerzaken", "letter": "B"}],
    "services": [{"id": 1, "name": "Paspoort aanvragen", "queue": 3}, {"id": 12, "name": "Naamskeuze", "queue": 3}],
    "appointments": [{"id": 4001, "branch": 1, "time": "+30m", "service": 12, "first_name": "Roos",
                      "last_name": "Verhagen"}],
}


@pytest.fixture
def content(stack):
    root = stack["content"]
    backup = root.parent / "backup"
    shutil.copytree(root, backup, dirs_exist_ok=True)
    try:
        yield root
    finally:
        shutil.rmtree(root)
        shutil.copytree(backup, root)
        time.sleep(1.2)  # let every process take the original back


def append(path, text):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_a_new_service_with_documents_is_used_without_retraining(stack, content):
    model_before = model_path()

    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.seed_qmatic(DAY)
            append(content / "documents.yml", NEW_DOCUMENT)
            append(content / "services.yml", NEW_SERVICE)
            started = time.monotonic()
            while "naamskeuze" not in elvie.engine.content.current.services:
                assert time.monotonic() - started < 2.0, "the engine should pick the change up within 2 s"
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # the action server polls the same way
            await elvie.say("ik heb een afspraak")
            confirm = await elvie.say("Roos Verhagen")
            assert "het doorgeven van een naamskeuze" in confirm.say[0]
            await elvie.say("ja")
            second = await elvie.say("ja")
            assert "uw trouwboekje" in second.say[0]
            done = await elvie.say("nee")
            assert "later nasturen" in done.say[0] and done.ticket == "B001"
    stack["loop"].run(scenario())
    assert model_path() == model_before


def test_a_wording_change_is_heard_at_once(stack, content):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            path = content / "nl" / "responses.yml"
            path.write_text(path.read_text(encoding="utf-8").replace("    - Wat is uw naam?\n    - Mag ik uw naam?",
                                                                      "    - Hoe heet u?"), encoding="utf-8")
            await asyncio.sleep(1.6)
            result = await elvie.say("ik heb een afspraak")
            assert result.say == ["Hoe heet u?"]
    stack["loop"].run(scenario())


def test_a_broken_edit_is_reported_and_elvie_keeps_going(stack, content):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.say("hallo")
            path = content / "services.yml"
            path.write_text(path.read_text(encoding="utf-8").replace("document: pasfoto", "document: pasfotto", 1),
                            encoding="utf-8")
            await asyncio.sleep(1.5)
            problems = elvie.engine.content.problems
            assert problems and "did you mean 'pasfoto'?" in str(problems[0])
            assert (await elvie.say("ik heb een afspraak")).screen == "ask_name"  # still talking
            events = [e for e in elvie.robot.snapshot()["events"] if e["name"] == "Elvie/ContentProblems"]
            assert events and "pasfotto" in json.loads(events[-1]["value"])[0]
    stack["loop"].run(scenario())
