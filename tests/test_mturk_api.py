"""Coming from MTurk: a boto3 script creates HITs, Telegram workers do them, the script reviews."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_of, rows
from tests.auxil.mturk import (
    ANSWERS_NS,
    call,
    client,
    hit_params,
    new_api_key,
    question_form,
    refused,
    requester_with_api_key,
)
from tests.auxil.people import funded_requester, user_of, workers
from tests.auxil.stages import api_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the MTurk API on a free local port."""
    async with api_stage(tmp_path, clock) as opened:
        yield opened


def answer_ids(assignment: dict[str, Any]) -> dict[str, list[str]]:
    """QuestionIdentifier -> SelectionIdentifiers of an Assignment.Answer."""
    root = ET.fromstring(assignment["Answer"])
    assert root.tag == f"{ANSWERS_NS}QuestionFormAnswers"
    return {
        a.findtext(f"{ANSWERS_NS}QuestionIdentifier", ""): [
            s.text or "" for s in a.findall(f"{ANSWERS_NS}SelectionIdentifier")
        ]
        for a in root.findall(f"{ANSWERS_NS}Answer")
    }


async def test_script_posts_workers_answer_in_telegram_script_reviews(
    stage: Stage, admin: Actor
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")

    hit_type = await call(
        stage,
        mturk,
        "create_hit_type",
        Title="Sky colour",
        Description="Tell us the colour of the sky",
        Reward="0.05",
        AssignmentDurationInSeconds=300,
        Keywords="sky, colour",
    )
    created = await call(
        stage,
        mturk,
        "create_hit_with_hit_type",
        HITTypeId=hit_type["HITTypeId"],
        MaxAssignments=2,
        LifetimeInSeconds=86_400,
        Question=question_form(),
    )
    hit = created["HIT"]
    assert hit["HITStatus"] == "Assignable" and hit["Reward"] == "0.05"
    assert hit["NumberOfAssignmentsAvailable"] == 2 and hit["HITTypeId"] == hit_type["HITTypeId"]

    for worker, choice in ((ann, "Blue"), (bob, "Green")):
        assert "Sky colour" in worker.last_text() and "$0.05" in worker.last_text()
        await worker.press("Accept")
        assert "Look outside first." in worker.last_text()
        assert "What colour is the sky?" in worker.last_text()
        await worker.press(choice)
        await worker.press("Submit")
        assert "Submitted" in worker.last_text()

    listed = await call(stage, mturk, "list_assignments_for_hit", HITId=hit["HITId"])
    assert listed["NumResults"] == 2
    by_worker = {a["WorkerId"]: a for a in listed["Assignments"]}
    ann_user = await stage.services.market.people.user(ann.tg_id)
    bob_user = await stage.services.market.people.user(bob.tg_id)
    assert ann_user is not None and bob_user is not None
    assert set(by_worker) == {ann_user.alias, bob_user.alias}, "workers appear as aliases"
    assert answer_ids(by_worker[ann_user.alias]) == {"sky": ["blue"]}
    assert answer_ids(by_worker[bob_user.alias]) == {"sky": ["green"]}
    assert {a["AssignmentStatus"] for a in listed["Assignments"]} == {"Submitted"}

    ann_id = by_worker[ann_user.alias]["AssignmentId"]
    bob_id = by_worker[bob_user.alias]["AssignmentId"]
    await call(stage, mturk, "approve_assignment", AssignmentId=ann_id)
    await call(stage, mturk, "reject_assignment", AssignmentId=bob_id, RequesterFeedback="Wrong")
    again = await refused(stage, mturk, "approve_assignment", AssignmentId=ann_id)
    assert again["Code"] == "RequestError" and "Submitted" in again["Message"]

    assert "Approved" in ann.last_text() and "+$0.05" in ann.last_text()
    assert "Rejected" in bob.last_text() and "Wrong" in bob.last_text()
    balances = await stage.services.accounts.balances()
    assert balances[f"wrk:{ann_user.id}"] == 5, "paid exactly once despite the repeat"
    assert balances.get(f"wrk:{bob_user.id}", 0) == 0

    got = await call(stage, mturk, "get_assignment", AssignmentId=ann_id)
    assert got["Assignment"]["AssignmentStatus"] == "Approved"
    assert got["HIT"]["HITStatus"] == "Reviewable"
    assert got["HIT"]["NumberOfAssignmentsCompleted"] == 2
    reviewable = await call(stage, mturk, "list_reviewable_hits")
    assert [h["HITId"] for h in reviewable["HITs"]] == [hit["HITId"]]

    money = await call(stage, mturk, "get_account_balance")
    await rita.send("/balance")
    assert money == {**money, "AvailableBalance": "9.95", "OnHoldBalance": "0.00"}
    assert "$9.95" in rita.last_text() and "$0.00" in rita.last_text()


async def test_unique_request_token_returns_the_same_hit(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    params: dict[str, Any] = {
        "Title": "Sky colour",
        "Description": "Tell us",
        "Reward": "0.10",
        "AssignmentDurationInSeconds": 120,
        "LifetimeInSeconds": 3_600,
        "MaxAssignments": 3,
        "Question": question_form(),
        "UniqueRequestToken": "row-17",
    }
    first = await call(stage, mturk, "create_hit", **params)
    second = await call(stage, mturk, "create_hit", **params)
    assert first["HIT"]["HITId"] == second["HIT"]["HITId"]
    money = await call(stage, mturk, "get_account_balance")
    assert money["AvailableBalance"] == "9.70" and money["OnHoldBalance"] == "0.30"
    pushes = [t for t in ann.texts() if "Sky colour" in t]
    assert len(pushes) == 1, "one HIT, one push"

    more = {
        "HITId": first["HIT"]["HITId"],
        "NumberOfAdditionalAssignments": 2,
        "UniqueRequestToken": "x",
    }
    await call(stage, mturk, "create_additional_assignments_for_hit", **more)
    await call(stage, mturk, "create_additional_assignments_for_hit", **more)
    hit = (await call(stage, mturk, "get_hit", HITId=first["HIT"]["HITId"]))["HIT"]
    assert hit["MaxAssignments"] == 5 and hit["NumberOfAssignmentsAvailable"] == 5
    money = await call(stage, mturk, "get_account_balance")
    assert money["AvailableBalance"] == "9.50" and money["OnHoldBalance"] == "0.50"


async def test_a_create_stopped_once_its_hit_is_stored_keeps_its_token(
    stage: Stage, admin: Actor
) -> None:
    """The bot stops a CreateHIT (shutting down) just after its HIT was stored: the script's
    retry with the same UniqueRequestToken gets that HIT, not a second one (the token was
    dropped) nor "still running" for good (the token never got its HIT)."""
    rita, mturk = await requester_with_api_key(stage, admin)
    params = hit_params(MaxAssignments=3, UniqueRequestToken="row-9")
    create = stage.services.mturk_api.operations["CreateHIT"]
    target = database_of(stage)
    stopped = asyncio.ensure_future(create(await user_of(stage, rita), params))
    while not rows(target, "SELECT id FROM hits"):  # stored, its answer not yet out
        await asyncio.sleep(0)
    stopped.cancel()
    with suppress(asyncio.CancelledError):
        await stopped

    again = await call(stage, mturk, "create_hit", **params)

    ((hit_id,),) = rows(target, "SELECT id FROM hits")
    assert again["HIT"]["HITId"] == f"GBH{hit_id:08d}"
    money = await call(stage, mturk, "get_account_balance")
    assert money["OnHoldBalance"] == "0.15", "escrowed once"


async def test_paginators_walk_every_hit(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    made = []
    for n in range(5):
        created = await call(
            stage,
            mturk,
            "create_hit",
            Title=f"Item {n}",
            Description="Tag it",
            Reward="0.01",
            AssignmentDurationInSeconds=60,
            LifetimeInSeconds=600,
            Question=question_form(f"Item {n}?"),
        )
        made.append(created["HIT"]["HITId"])
    pages = await asyncio.to_thread(
        lambda: list(mturk.get_paginator("list_hits").paginate(PaginationConfig={"PageSize": 2}))
    )
    assert [p["NumResults"] for p in pages] == [2, 2, 1]
    assert [h["HITId"] for p in pages for h in p["HITs"]] == made
    assert "NextToken" in pages[0] and "NextToken" not in pages[-1]
    bad = await refused(stage, mturk, "list_hits", NextToken="forged")
    assert "NextToken" in bad["Message"]


async def test_wrong_secret_and_revoked_key_are_refused(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1_000)
    key_id, secret = await new_api_key(rita)
    params: dict[str, Any] = {
        "Title": "Sky",
        "Description": "d",
        "Reward": "0.05",
        "AssignmentDurationInSeconds": 60,
        "LifetimeInSeconds": 600,
        "Question": question_form(),
    }
    forged = client(stage, key_id, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    error = await refused(stage, forged, "create_hit", **params)
    assert error["Code"] == "RequestError" and "signature" in error["Message"]
    unknown = await refused(stage, client(stage, "GBAKNOSUCHKEY0000000", secret), "list_hits")
    assert "unknown or revoked" in unknown["Message"]

    mturk = client(stage, key_id, secret)
    assert (await call(stage, mturk, "list_hits"))["NumResults"] == 0, "nothing was created"
    await rita.send("/apikey")
    await rita.press("Revoke")
    assert "revoked" in rita.last_text()
    error = await refused(stage, mturk, "create_hit", **params)
    assert "unknown or revoked" in error["Message"]
    await rita.send("/balance")
    assert "$10.00" in rita.last_text(), "no money moved"
    async with stage.services.db.reading() as conn:
        async with conn.execute("SELECT COUNT(*) FROM hits") as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == 0


async def test_bad_question_and_short_funds_create_nothing(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin, cents=100)
    base: dict[str, Any] = {
        "Title": "Sky",
        "Description": "d",
        "Reward": "0.05",
        "AssignmentDurationInSeconds": 60,
        "LifetimeInSeconds": 600,
    }
    broken = await refused(stage, mturk, "create_hit", **base, Question="<QuestionForm><Oops>")
    assert "not well-formed XML" in broken["Message"]
    upload = question_form().replace(
        "<SelectionAnswer>", "<FileUploadAnswer><MaxFileSizeInBytes>9</MaxFileSizeInBytes>"
    )
    upload = upload.split("<StyleSuggestion>")[0] + "</FileUploadAnswer></AnswerSpecification>"
    upload += "</Question></QuestionForm>"
    unsupported = await refused(stage, mturk, "create_hit", **base, Question=upload)
    assert "FileUploadAnswer is not supported" in unsupported["Message"]
    poor = await refused(
        stage, mturk, "create_hit", **base, Question=question_form(), MaxAssignments=30
    )
    assert "insufficient funds" in poor["Message"]
    other = await refused(stage, mturk, "list_review_policy_results_for_hit", HITId="GBH00000001")
    assert "not supported by gigbot" in other["Message"]

    assert (await call(stage, mturk, "list_hits"))["NumResults"] == 0
    money = await call(stage, mturk, "get_account_balance")
    assert money["AvailableBalance"] == "1.00" and money["OnHoldBalance"] == "0.00"


async def test_expire_then_delete_refunds_unused_slots(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    created = await call(
        stage,
        mturk,
        "create_hit",
        Title="Sky colour",
        Description="d",
        Reward="0.25",
        AssignmentDurationInSeconds=60,
        LifetimeInSeconds=600,
        MaxAssignments=4,
        Question=question_form(),
    )
    hit_id = created["HIT"]["HITId"]
    await ann.press("Accept")
    busy = await refused(stage, mturk, "delete_hit", HITId=hit_id)
    assert "not Reviewable" in busy["Message"]
    await ann.press("Blue")
    await ann.press("Submit")

    await call(stage, mturk, "update_expiration_for_hit", HITId=hit_id, ExpireAt=0)
    hit = (await call(stage, mturk, "get_hit", HITId=hit_id))["HIT"]
    assert hit["HITStatus"] == "Reviewable" and hit["NumberOfAssignmentsAvailable"] == 0
    assert hit["Expiration"].timestamp() == pytest.approx(clock.now())
    late = stage.user("Late")
    await late.send(f"/start hit_{int(hit_id[3:])}")
    assert "is closed" in late.last_text(), "the deep link says so; no Accept to press"

    still = await refused(stage, mturk, "delete_hit", HITId=hit_id)
    assert "awaiting review" in still["Message"]
    (submitted,) = (await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id))[
        "Assignments"
    ]
    await call(stage, mturk, "approve_assignment", AssignmentId=submitted["AssignmentId"])
    await call(stage, mturk, "delete_hit", HITId=hit_id)
    assert (await call(stage, mturk, "list_hits"))["NumResults"] == 0
    money = await call(stage, mturk, "get_account_balance")
    assert money == {**money, "AvailableBalance": "9.75", "OnHoldBalance": "0.00"}
    balances = await stage.services.accounts.balances()
    assert sum(balances.values()) == 0
