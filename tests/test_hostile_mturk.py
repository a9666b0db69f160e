"""Hostile input through the MTurk side (issue 19): web-task forms and tokens, free-text
lengths, NotifyWorkers, and parameters that must be refused, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.fit import units
from tests.auxil.mturk import (
    FORM_NS,
    alias_of,
    button_url,
    call,
    client,
    free_text,
    new_api_key,
    params,
    post_form,
    refused,
    requester_with_api_key,
    web_task,
    worked,
)
from tests.auxil.people import funded_requester, workers
from tests.auxil.stages import api_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with api_stage(tmp_path, clock) as opened:
        yield opened


async def _accepted_web_task(stage: Stage, admin: Actor) -> tuple[Actor, Any, str, dict[str, str]]:
    """Rita's web task, accepted by Ann: (Rita, her MTurk client, the HIT's id, the query of
    the task page Ann's button opens)."""
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit_id = await web_task(stage, mturk, AssignmentDurationInSeconds=600)
    await ann.press("Accept")
    return rita, mturk, hit_id, params(button_url(ann, "Open the task page"))


async def test_web_task_forms_are_bounded_and_bad_tokens_refused(
    stage: Stage, admin: Actor
) -> None:
    rita, mturk, hit_id, given = await _accepted_web_task(stage, admin)
    submit_to = given["turkSubmitTo"] + "/mturk/externalSubmit"
    form = {"assignmentId": given["assignmentId"]}

    huge = await post_form(stage, submit_to, {**form, "notes": "x" * 900_000})
    assert huge.status_code == 413 and "too long" in huge.text
    wide = await post_form(stage, submit_to, {**form, **{f"f{n}": "y" * 400 for n in range(201)}})
    assert wide.status_code == 413, "too many fields"
    total = await post_form(stage, submit_to, {**form, **{f"f{n}": "z" * 9_000 for n in range(6)}})
    assert total.status_code == 413, "each field fits, all of them do not"
    listed = await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id)
    assert listed["NumResults"] == 0, "nothing was stored by the refused posts"

    essay = "The robin sings at dawn 🐦 " * 380  # 10,000 characters less a few: allowed
    done = await post_form(stage, submit_to, {**form, "bird": "robin", "notes": essay[:9_990]})
    assert done.status_code == 200, done.text
    await rita.send("/review")
    card = rita.last_text()
    assert "Label the bird" in card and "shortened" in card and units(card) <= 4096
    await rita.press("Full answers")
    ((_, content),) = stage.sim.sent_documents(rita.tg_id)
    assert essay[:9_990].strip() in content.decode("utf-8")


async def test_web_task_tokens_with_odd_characters_are_refused(stage: Stage, admin: Actor) -> None:
    _, mturk, hit_id, given = await _accepted_web_task(stage, admin)
    bare = given["turkSubmitTo"].split("/w/")[0] + "/mturk/externalSubmit"
    for token in ("²-abc", "1-é", "١-00", "-", "99999999999999999999-ab"):
        form = {"assignmentId": given["assignmentId"], "gigbotToken": token, "bird": "robin"}
        assert (await post_form(stage, bare, form)).status_code == 403, token
    listed = await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id)
    assert listed["NumResults"] == 0


def free_text_form(max_length: str) -> str:
    """A QuestionForm of one free-text question with this Length maxLength."""
    return (
        f'<QuestionForm xmlns="{FORM_NS}QuestionForm.xsd">'
        "<Question><QuestionIdentifier>day</QuestionIdentifier>"
        "<QuestionContent><Text>Tell us about your day</Text></QuestionContent>"
        "<AnswerSpecification><FreeTextAnswer><Constraints>"
        f'<Length maxLength="{max_length}"/></Constraints></FreeTextAnswer>'
        "</AnswerSpecification></Question></QuestionForm>"
    )


async def test_free_text_max_length_is_bounded(stage: Stage, admin: Actor) -> None:
    _, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    for bad in ("0", "-5", "²", "lots"):
        error = await refused(stage, mturk, "create_hit", **_hit(free_text_form(bad)))
        assert "maxLength must be a whole number" in error["Message"], bad
    created = await call(
        stage, mturk, "create_hit", **_hit(free_text_form("99999999999999999999999999"))
    )
    await ann.press("Accept")
    assert "up to 4000 characters" in ann.last_text()
    await ann.send("x" * 4001)
    assert "the limit is 4000" in ann.last_text()
    day = ("A good day. " * 340)[:3999] + "!"
    await ann.send(day)
    await ann.press("Submit")
    (assignment,) = (
        await call(stage, mturk, "list_assignments_for_hit", HITId=created["HIT"]["HITId"])
    )["Assignments"]
    assert free_text(assignment["Answer"]) == {"day": day}


def _hit(question: str) -> dict[str, object]:
    return {
        "Title": "Your day",
        "Description": "A few words",
        "Reward": "0.10",
        "AssignmentDurationInSeconds": 600,
        "LifetimeInSeconds": 3_600,
        "Question": question,
    }


async def test_notify_workers_delivers_the_longest_message_mturk_allows(
    stage: Stage, admin: Actor
) -> None:
    """A 200-character subject and 4096 characters of text (emoji count two in Telegram)
    arrive whole, in parts that each fit; the call counts once against the daily limit;
    one character more than MTurk allows is refused and nothing is sent."""
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    await worked(stage, mturk, ann)
    ann_alias = await alias_of(stage, ann)
    subject = ("Big news 📣 " * 20)[:200]
    text = ("Birds 🐦 & <more> tomorrow. " * 160)[:4095] + "!"
    before = len(ann.messages())

    sent = await call(
        stage, mturk, "notify_workers", Subject=subject, MessageText=text, WorkerIds=[ann_alias]
    )
    assert sent["NotifyWorkersFailureStatuses"] == []
    parts = [m.text or "" for m in ann.messages()[before:]]
    assert len(parts) == 2 and all(units(p) <= 4096 for p in parts)
    assert subject in parts[0] and "(1/2)" in parts[0] and "(2/2)" in parts[1]
    bodies = [p.split("\n", 2 if n == 0 else 1)[-1] for n, p in enumerate(parts)]
    bodies[-1] = bodies[-1].rsplit("\n\n", 1)[0]
    assert "".join(bodies).replace(" ", "").replace("\n", "") == text.replace(" ", "")

    for too_long in ({"Subject": subject + "x"}, {"MessageText": text + "x"}):
        error = await refused(
            stage,
            mturk,
            "notify_workers",
            **{"Subject": subject, "MessageText": text, **too_long},
            WorkerIds=[ann_alias],
        )
        assert "longer than" in error["Message"]
    await call(stage, mturk, "notify_workers", Subject="Hi", MessageText="1", WorkerIds=[ann_alias])
    await call(stage, mturk, "notify_workers", Subject="Hi", MessageText="2", WorkerIds=[ann_alias])
    limited = await call(
        stage, mturk, "notify_workers", Subject="Hi", MessageText="3", WorkerIds=[ann_alias]
    )
    (status,) = limited["NotifyWorkersFailureStatuses"]
    assert status["NotifyWorkersFailureCode"] == "SoftFailure", "the long one counted once"


async def raw_call(
    stage: Stage, key: tuple[str, str], operation: str, body: bytes
) -> httpx.Response:
    """A request boto3 would not send (NaN, nested lists), signed as boto3 signs."""
    request = AWSRequest(
        method="POST",
        url=stage.mturk_url + "/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"MTurkRequesterServiceV20170117.{operation}",
        },
    )
    SigV4Auth(Credentials(*key), "mturk-requester", "us-east-1").add_auth(request)
    async with httpx.AsyncClient() as http:
        answered = await http.post(request.url, content=body, headers=dict(request.headers))
    await stage.settle()
    return answered


async def test_odd_parameters_are_refused_and_change_nothing(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin, cents=1_000)
    key = await new_api_key(rita)
    mturk = client(stage, *key)
    (ann,) = await workers(stage, "Ann")
    hit_id, by_alias = await worked(stage, mturk, ann)
    (assignment_id,) = by_alias.values()
    before = (await call(stage, mturk, "get_hit", HITId=hit_id))["HIT"]["Expiration"]

    for when in (b"NaN", b"Infinity", b"-Infinity", b"1e308", b"-1e308", b'"soon"', b"true"):
        body = b'{"HITId": "%s", "ExpireAt": %s}' % (hit_id.encode(), when)
        answered = await raw_call(stage, key, "UpdateExpirationForHIT", body)
        assert answered.status_code == 400, (when, answered.text)
        assert answered.json()["__type"] == "RequestError" and "ExpireAt" in answered.text
    after = (await call(stage, mturk, "get_hit", HITId=hit_id))["HIT"]["Expiration"]
    assert after == before, "nothing was written"

    for statuses in (b'[["Submitted"]]', b'[{"a": 1}]', b'"Submitted"', b"[1]", b"[null]"):
        body = b'{"HITId": "%s", "AssignmentStatuses": %s}' % (hit_id.encode(), statuses)
        answered = await raw_call(stage, key, "ListAssignmentsForHIT", body)
        assert answered.status_code == 400 and "AssignmentStatuses" in answered.text, statuses

    for reward in ("99999999999999999999999.00", "100.01", "1e3", "0.05\n", "٠.٠٥"):
        error = await refused(
            stage, mturk, "create_hit", **_hit(free_text_form("10")) | {"Reward": reward}
        )
        assert "Reward must" in error["Message"], reward
    bonus = await refused(
        stage,
        mturk,
        "send_bonus",
        WorkerId=next(iter(by_alias)),
        AssignmentId=assignment_id,
        BonusAmount="99999999999999999999",
        Reason="thanks",
    )
    assert "BonusAmount must be at most 100.00" in bonus["Message"]
    assert (await call(stage, mturk, "list_hits"))["NumResults"] == 1, "nothing was created"
    balances = await stage.services.accounts.balances()
    assert sum(balances.values()) == 0

    soon = clock.now() + 600
    await call(stage, mturk, "update_expiration_for_hit", HITId=hit_id, ExpireAt=soon)
    hit = (await call(stage, mturk, "get_hit", HITId=hit_id))["HIT"]
    assert hit["Expiration"].timestamp() == pytest.approx(soon), "a real time still works"
