"""Coming from MTurk, web tasks: an ExternalQuestion or HTMLQuestion HIT done in a web page
that a Telegram button opens, posted back to gigbot's /mturk/externalSubmit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.mturk import _wire as wire
from tests.auxil.mturk import (
    button_url,
    call,
    free_text,
    params,
    post_form,
    refused,
    requester_with_api_key,
    web_task,
)
from tests.auxil.people import hispanic_worker, workers
from tests.auxil.stages import api_stage, later

PAGE = (
    "<!DOCTYPE html><html><body><form id='mturk_form' method='post'>"
    "<input type='hidden' name='assignmentId' id='assignmentId'>"
    "<input name='bird'><input type='submit'></form>"
    "<script>document.cookie; fetch('/')</script></body></html>"
)
HTML = (
    '<HTMLQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    f'2011-11-11/HTMLQuestion.xsd"><HTMLContent><![CDATA[{PAGE}]]></HTMLContent>'
    "<FrameHeight>0</FrameHeight></HTMLQuestion>"
)


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the MTurk API (and its web pages) on a free local port."""
    async with api_stage(tmp_path, clock) as opened:
        yield opened


def as_sent(served: str) -> bool:
    """The page as the requester wrote it, with gigbot's submit script first in it
    (bot/mturk/_taskpage.py)."""
    start, script = served.find("<script>(function(){var S="), served.find("})();</script>")
    return start >= 0 and served[:start] + served[script + len("})();</script>") :] == PAGE


async def test_external_question_answered_through_the_web_page(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit_id = await web_task(stage, mturk)

    preview = button_url(ann, "Preview")
    assert preview.startswith("https://tasks.example.org/label?batch=3&")
    seen = params(preview)
    assert seen["assignmentId"] == "ASSIGNMENT_ID_NOT_AVAILABLE" and seen["hitId"] == hit_id
    from_preview = await post_form(
        stage,
        seen["turkSubmitTo"] + "/mturk/externalSubmit",
        {"assignmentId": "ASSIGNMENT_ID_NOT_AVAILABLE", "bird": "robin"},
    )
    assert from_preview.status_code == 409 and "preview" in from_preview.text

    await ann.press("Accept")
    task = button_url(ann, "Open the task page")
    given = params(task)
    ann_user = await stage.services.market.people.user(ann.tg_id)
    assert ann_user is not None
    assert task.startswith("https://tasks.example.org/label?batch=3&")
    assert given["hitId"] == hit_id and given["workerId"] == ann_user.alias, "alias only"
    assert str(ann.tg_id) not in task
    submit_to = given["turkSubmitTo"] + "/mturk/externalSubmit"
    form = {"assignmentId": given["assignmentId"], "bird": "robin", "sure": "yes"}

    token = given["turkSubmitTo"].rsplit("/", 1)[1]
    forged = submit_to.replace(token, token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert (await post_form(stage, forged, form)).status_code == 403
    bare = given["turkSubmitTo"].split("/w/")[0] + "/mturk/externalSubmit"
    assert (await post_form(stage, bare, form)).status_code == 403, "no token, no submission"
    other = {**form, "assignmentId": "GBA99999999"}
    assert (await post_form(stage, submit_to, other)).status_code == 409
    listed = await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id)
    assert listed["NumResults"] == 0, "nothing was submitted by the refused posts"

    done = await post_form(stage, submit_to, form)
    assert done.status_code == 200 and "Submitted “Label the bird”" in done.text
    assert "Submitted: Label the bird" in ann.last_text()
    again = await post_form(stage, submit_to, {**form, "bird": "crow"})
    assert again.status_code == 409

    (assignment,) = (await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id))[
        "Assignments"
    ]
    assert assignment["AssignmentId"] == given["assignmentId"]
    assert assignment["WorkerId"] == ann_user.alias
    assert assignment["AssignmentStatus"] == "Submitted"
    assert free_text(assignment["Answer"]) == {"bird": "robin", "sure": "yes"}
    await call(stage, mturk, "approve_assignment", AssignmentId=assignment["AssignmentId"])
    balances = await stage.services.accounts.balances()
    assert balances[f"wrk:{ann_user.id}"] == 10


async def test_html_question_served_sandboxed_and_submitted(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit_id = await web_task(
        stage, mturk, Title="Name the bird", Description="d", Reward="0.05", Question=HTML
    )

    async with httpx.AsyncClient() as browser:
        shown = await browser.get(button_url(ann, "Preview"))
        assert shown.status_code == 200 and as_sent(shown.text), "served as sent"
        await ann.press("Accept")
        task = button_url(ann, "Open the task page")
        page = await browser.get(task)
        forged = await browser.get(task.replace("/task?", "0/task?"))
    assert page.status_code == 200 and as_sent(page.text)
    assert "sandbox allow-scripts allow-forms" in page.headers["content-security-policy"]
    assert "allow-same-origin" not in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert forged.status_code == 403 and PAGE not in forged.text

    await later(stage, 150)  # half the time gone: the reminder leads back to the same page
    assert "left to finish" in ann.last_text()
    await ann.press("Open the task")
    assert task in [url for row in ann.last().buttons() for _, _, url in row]

    given = params(task)
    assert task.startswith(given["turkSubmitTo"].split("/w/")[0] + "/w/")
    done = await post_form(
        stage,
        given["turkSubmitTo"] + "/mturk/externalSubmit",
        {"assignmentId": given["assignmentId"], "bird": "wren"},
    )
    assert done.status_code == 200
    (assignment,) = (await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id))[
        "Assignments"
    ]
    assert free_text(assignment["Answer"]) == {"bird": "wren"}
    async with httpx.AsyncClient() as browser:
        closed = await browser.get(task)
    assert closed.status_code == 409 and PAGE not in closed.text

    broken = await refused(
        stage,
        mturk,
        "create_hit",
        Title="x",
        Description="d",
        Reward="0.05",
        AssignmentDurationInSeconds=300,
        LifetimeInSeconds=3_600,
        Question="<HTMLQuestion><FrameHeight>0</FrameHeight></HTMLQuestion>",
    )
    assert "HTMLContent is required" in broken["Message"]


async def test_the_card_follows_a_web_task_returned_or_timed_out(
    stage: Stage, admin: Actor
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    created = await call(
        stage,
        mturk,
        "create_hit",
        Title="Name the bird",
        Description="d",
        Reward="0.05",
        AssignmentDurationInSeconds=300,
        LifetimeInSeconds=3_600,
        MaxAssignments=2,
        Question=HTML,
    )
    hit_id = created["HIT"]["HITId"]

    await ann.press("Accept")
    ann_card = ann.last().message_id
    ann_task = button_url(ann, "Open the task page")
    await ann.press("Return", ann_card)
    await stage.settle()
    (card,) = [m for m in ann.messages() if m.message_id == ann_card]
    assert "Returned" in (card.text or "") and card.buttons() == [], "no page link, no timer"

    await bob.press("Accept")
    bob_card = bob.last().message_id
    bob_task = button_url(bob, "Open the task page")
    await later(stage, 301)  # the time allotted runs out with the page still open
    (card,) = [m for m in bob.messages() if m.message_id == bob_card]
    assert "Out of time" in (card.text or "") and card.buttons() == []

    for task in (ann_task, bob_task):  # the pages and their submits are closed too
        given = params(task)
        async with httpx.AsyncClient() as browser:
            page = await browser.get(task)
        late = await post_form(
            stage,
            given["turkSubmitTo"] + "/mturk/externalSubmit",
            {"assignmentId": given["assignmentId"], "bird": "wren"},
        )
        assert page.status_code == 409 and PAGE not in page.text
        assert late.status_code == 409
    listed = await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id)
    assert listed["NumResults"] == 0


async def test_a_web_task_speaks_the_workers_language(stage: Stage, admin: Actor) -> None:
    """A Spanish worker reads a web task in Spanish: its message in Telegram (the prompt
    stored with the HIT is English) and gigbot's notes on its page; a page that cannot tell
    who opened it speaks the browser's language. The requester's page is shown as written."""
    rita, mturk = await requester_with_api_key(stage, admin)
    bea = await hispanic_worker(stage, "Bea")
    await web_task(stage, mturk)
    preview = params(button_url(bea, "Vista previa"))
    await bea.press("Aceptar")
    shown = bea.last_text()
    assert "This task is a web page" not in shown
    assert "Esta tarea es una página web. Ábrela con el botón de abajo" in shown
    given = params(button_url(bea, "Abrir la página de la tarea"))
    submit_to = given["turkSubmitTo"] + "/mturk/externalSubmit"

    empty = await post_form(stage, submit_to, {"assignmentId": given["assignmentId"]})
    assert empty.status_code == 400 and "No se envió nada" in empty.text
    done = await post_form(stage, submit_to, {"assignmentId": given["assignmentId"], "b": "x"})
    assert done.status_code == 200 and '<html lang="es">' in done.text
    assert "Enviada: «Label the bird» — 0,10\xa0US$ pendientes de revisión" in done.text
    again = await post_form(stage, submit_to, {"assignmentId": given["assignmentId"], "b": "y"})
    assert again.status_code == 409 and "Esta tarea ya no está abierta" in again.text

    async with httpx.AsyncClient(headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}) as phone:
        from_preview = await phone.post(
            preview["turkSubmitTo"] + "/mturk/externalSubmit",
            data={"assignmentId": preview["assignmentId"], "b": "x"},
        )
        forged = await phone.post(submit_to.replace("/w/", "/w/9"), data={"b": "x"})
    assert from_preview.status_code == 409 and "Это предпросмотр" in from_preview.text
    assert forged.status_code == 403 and "Эта ссылка недействительна" in forged.text


async def test_a_web_tasks_question_is_read_in_each_readers_language(
    stage: Stage, admin: Actor
) -> None:
    """The prompt gigbot stores with a web task (English) is said in the reader's language
    wherever it shows: the requester's review card and results, the dispute card."""
    rita, mturk = await requester_with_api_key(stage, admin)
    bea = await hispanic_worker(stage, "Bea")
    hit_id = await web_task(stage, mturk)  # in English, Rita's language then
    await rita.send("/language")
    await rita.press("Русский")
    await bea.press("Aceptar")
    given = params(button_url(bea, "Abrir la página de la tarea"))
    submit_to = given["turkSubmitTo"] + "/mturk/externalSubmit"
    await post_form(stage, submit_to, {"assignmentId": given["assignmentId"], "bird": "robin"})

    await rita.send("/review")
    assert "• Это задание — веб-страница. Откройте её кнопкой ниже" in rita.last_text()
    assert "This task is a web page" not in rita.last_text()
    await rita.send(f"/results {wire.parse_hit_id(hit_id)}")
    assert "1. Это задание — веб-страница." in rita.last_text()
    await rita.send("/review")
    await rita.press("Отклонить")
    await rita.send("Not a bird")
    await bea.press("Disputar")
    await bea.send("A robin is a bird.")
    card = rita.last_text()
    assert "A robin is a bird." in card and "Это задание — веб-страница." in card
    assert "This task is a web page" not in card
