"""Coming from MTurk, the task language: MTurk's CreateHIT has no field for it, so an
unchanged script's HIT takes the language its task is written in (bot/mturk/_language.py):
an HTMLQuestion's `<html lang>`, else the words workers read (title, description,
questions, the page's text), else its requester's language as a HIT made in Telegram.
Who is pushed a HIT follows its language (a worker takes tasks in their own language and
English until they choose others)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.mturk import _wire as wire
from tests.auxil.mturk import call, hit_params, question_form, requester_with_api_key
from tests.auxil.people import hispanic_worker, workers
from tests.auxil.stages import api_stage

SPANISH_PAGE = (
    '<!DOCTYPE html><html lang="es-419"><body><form id="mturk_form" method="post">'
    '<input type="hidden" name="assignmentId" id="assignmentId">'
    "<p>Bird name</p><input name='bird'><input type='submit'></form></body></html>"
)


def html_question(page: str) -> str:
    return (
        '<HTMLQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
        f'2011-11-11/HTMLQuestion.xsd"><HTMLContent><![CDATA[{page}]]></HTMLContent>'
        "<FrameHeight>0</FrameHeight></HTMLQuestion>"
    )


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the MTurk API on a free local port."""
    async with api_stage(tmp_path, clock) as opened:
        yield opened


async def created(stage: Stage, mturk: Any, **params: Any) -> tuple[int, str]:
    """CreateHIT through boto3; (gigbot's HIT number, its task language)."""
    answer = await call(stage, mturk, "create_hit", **hit_params(**params))
    hit_id = wire.parse_hit_id(answer["HIT"]["HITId"])
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None
    return hit_id, hit.language


def pushed(worker: Actor, since: int) -> int:
    """How many HITs were pushed to the worker (messages with an Accept) after `since`."""
    return sum(
        any("Accept" in label or "Aceptar" in label for row in m.buttons() for label, _, _ in row)
        for m in worker.messages()[since:]
    )


async def test_an_english_script_of_a_spanish_speaking_requester_reaches_english_workers(
    stage: Stage, admin: Actor
) -> None:
    """Rita reads gigbot in Spanish; her MTurk script posts the English sky question as it
    always did: the HIT is in English and pushed to Ann, who takes English tasks only."""
    rita, mturk = await requester_with_api_key(stage, admin)
    await rita.send("/language")
    await rita.press("Español")
    (ann,) = await workers(stage, "Ann")
    seen = len(ann.messages())
    _, language = await created(stage, mturk)
    assert language == "en"
    assert pushed(ann, seen) == 1

    # Her Spanish QuestionForm is in Spanish (and so reaches Spanish-speaking workers).
    spanish = question_form("¿De qué color es el cielo? Mira por la ventana.", "Azul", "Gris")
    _, language = await created(
        stage,
        mturk,
        Title="Color del cielo",
        Description="Dinos el color del cielo",
        Question=spanish,
    )
    assert language == "es"
    assert pushed(ann, seen) == 1, "not pushed to a worker who takes English tasks only"

    # With too few words to tell, the HIT is in her language, as in Telegram.
    _, language = await created(
        stage, mturk, Title="Sky", Description="Sky", Question=question_form("Sky?")
    )
    assert language == "es"


async def test_an_html_page_says_its_language(stage: Stage, admin: Actor) -> None:
    """An English-speaking requester's HTMLQuestion whose page says `<html lang="es-419">`
    (its few words say nothing) is a Spanish task: pushed to Bea, who reads Spanish, and
    not to Ann, who takes English tasks only. The same page without `lang` whose text is
    Russian is a Russian task."""
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    bea = await hispanic_worker(stage, "Bea")
    seen_ann, seen_bea = len(ann.messages()), len(bea.messages())
    _, language = await created(
        stage, mturk, Title="Bird", Description="Bird", Question=html_question(SPANISH_PAGE)
    )
    assert language == "es"
    assert pushed(bea, seen_bea) == 1 and pushed(ann, seen_ann) == 0

    russian = SPANISH_PAGE.replace(' lang="es-419"', "").replace(
        "Bird name", "Как называется эта птица? Напишите её название."
    )
    _, language = await created(
        stage, mturk, Title="Bird", Description="Bird", Question=html_question(russian)
    )
    assert language == "ru"
