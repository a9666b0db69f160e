"""Coming from MTurk, the worker side: bonuses, messages, blocks, qualifications, requirements."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import forge
from tests.auxil.mturk import (
    alias_of,
    call,
    hit_params,
    question_form,
    refused,
    requester_with_api_key,
    worked,
)
from tests.auxil.people import workers
from tests.auxil.stages import api_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the MTurk API on a free local port."""
    async with api_stage(tmp_path, clock) as opened:
        yield opened


async def _bird_expert(stage: Stage, mturk: Any) -> str:
    """CreateQualificationType "Bird expert" (active); its id."""
    made = await call(
        stage,
        mturk,
        "create_qualification_type",
        Name="Bird expert",
        Description="Knows their birds",
        QualificationTypeStatus="Active",
    )
    return str(made["QualificationType"]["QualificationTypeId"])


async def test_bonus_moves_money_once_and_is_listed(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    hit_id, assignment = await worked(stage, mturk, ann, bob)
    ann_alias, bob_alias = await alias_of(stage, ann), await alias_of(stage, bob)

    bonus = {
        "WorkerId": ann_alias,
        "AssignmentId": assignment[ann_alias],
        "BonusAmount": "0.50",
        "Reason": "Great work",
        "UniqueRequestToken": "bonus-ann-1",
    }
    await call(stage, mturk, "send_bonus", **bonus)
    await call(stage, mturk, "send_bonus", **bonus)  # a retried script: pays nothing more
    await call(
        stage,
        mturk,
        "send_bonus",
        WorkerId=bob_alias,
        AssignmentId=assignment[bob_alias],
        BonusAmount="0.25",
        Reason="Thanks",
        UniqueRequestToken="bonus-bob-1",
    )
    wrong = await refused(
        stage, mturk, "send_bonus", **{**bonus, "WorkerId": bob_alias, "UniqueRequestToken": "x"}
    )
    assert "was not done by" in wrong["Message"]

    balances = await stage.services.accounts.balances()
    ann_user = await stage.services.market.people.user(ann.tg_id)
    assert ann_user is not None
    assert balances[f"wrk:{ann_user.id}"] == 50, "paid once despite the repeat"
    assert [t for t in ann.texts() if "Bonus +$0.50" in t and "Great work" in t] != []
    assert len([t for t in ann.texts() if "Bonus" in t]) == 1, "told once"
    money = await call(stage, mturk, "get_account_balance")
    assert money["AvailableBalance"] == "9.15" and money["OnHoldBalance"] == "0.10"

    pages = await asyncio.to_thread(
        lambda: list(
            mturk.get_paginator("list_bonus_payments").paginate(
                HITId=hit_id, PaginationConfig={"PageSize": 1}
            )
        )
    )
    assert [p["NumResults"] for p in pages] == [1, 1]
    paid = [b for p in pages for b in p["BonusPayments"]]
    assert [(b["WorkerId"], b["BonusAmount"], b["Reason"]) for b in paid] == [
        (ann_alias, "0.50", "Great work"),
        (bob_alias, "0.25", "Thanks"),
    ]
    one = await call(stage, mturk, "list_bonus_payments", AssignmentId=assignment[bob_alias])
    assert [b["WorkerId"] for b in one["BonusPayments"]] == [bob_alias]


async def test_blocked_worker_cannot_take_the_requesters_hits(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    ann_alias = await alias_of(stage, ann)
    await call(stage, mturk, "create_worker_block", WorkerId=ann_alias, Reason="Random clicks")
    listed = await call(stage, mturk, "list_worker_blocks")
    assert listed["WorkerBlocks"] == [{"WorkerId": ann_alias, "Reason": "Random clicks"}]
    unknown = await refused(stage, mturk, "create_worker_block", WorkerId="W-NOPE", Reason="x")
    assert "does not exist" in unknown["Message"]

    created = await call(stage, mturk, "create_hit", **hit_params())
    number = int(created["HIT"]["HITId"][3:])
    assert not any("Sky colour" in t for t in ann.texts()), "no push to a blocked worker"
    assert any("Sky colour" in t for t in bob.texts())
    await ann.send(f"/start hit_{number}")
    assert "isn't open to you" in ann.last_text()
    alert = await forge(stage, ann, f"acc:{number}")  # an old or replayed Accept: still refused
    assert "no longer exists" in (alert or ""), "blocked: as if the HIT were gone"
    async with stage.services.db.reading() as conn:
        async with conn.execute("SELECT COUNT(*) FROM assignments") as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == 0, "the blocked worker got no assignment"

    await call(stage, mturk, "delete_worker_block", WorkerId=ann_alias, Reason="Second chance")
    assert (await call(stage, mturk, "list_worker_blocks"))["WorkerBlocks"] == []
    await ann.send(f"/start hit_{number}")
    await ann.press("Accept")
    assert "What colour is the sky?" in ann.last_text()


async def test_qualification_granted_listed_and_told(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    qual_id = await _bird_expert(stage, mturk)
    got = await call(stage, mturk, "get_qualification_type", QualificationTypeId=qual_id)
    assert got["QualificationType"]["Name"] == "Bird expert"
    twice = await refused(
        stage,
        mturk,
        "create_qualification_type",
        Name="Bird expert",
        Description="again",
        QualificationTypeStatus="Active",
    )
    assert "already created" in twice["Message"]
    system = await call(
        stage, mturk, "get_qualification_type", QualificationTypeId="000000000000000000L0"
    )
    assert system["QualificationType"]["Name"] == "Worker_PercentAssignmentsApproved"

    ann_alias, bob_alias = await alias_of(stage, ann), await alias_of(stage, bob)
    for alias, value in ((ann_alias, 3), (bob_alias, 1)):
        await call(
            stage,
            mturk,
            "associate_qualification_with_worker",
            QualificationTypeId=qual_id,
            WorkerId=alias,
            IntegerValue=value,
        )
    assert "granted the qualification “Bird expert” (level 3)" in ann.last_text()
    assert "granted the qualification “Bird expert”" in bob.last_text()
    pages = await asyncio.to_thread(
        lambda: list(
            mturk.get_paginator("list_workers_with_qualification_type").paginate(
                QualificationTypeId=qual_id, PaginationConfig={"PageSize": 1}
            )
        )
    )
    held = {q["WorkerId"]: q["IntegerValue"] for p in pages for q in p["Qualifications"]}
    assert held == {ann_alias: 3, bob_alias: 1} and len(pages) == 2

    await call(
        stage,
        mturk,
        "disassociate_qualification_from_worker",
        QualificationTypeId=qual_id,
        WorkerId=bob_alias,
        Reason="Too many mistakes",
    )
    listed = await call(
        stage, mturk, "list_workers_with_qualification_type", QualificationTypeId=qual_id
    )
    assert [q["WorkerId"] for q in listed["Qualifications"]] == [ann_alias]

    other, theirs = await requester_with_api_key(stage, admin, name="Olga", cents=100)
    foreign = await refused(
        stage,
        theirs,
        "associate_qualification_with_worker",
        QualificationTypeId=qual_id,
        WorkerId=bob_alias,
    )
    assert "does not exist" in foreign["Message"]


async def test_qualification_requirements_are_stored(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    qual_id = await _bird_expert(stage, mturk)
    requirements = [
        {
            "QualificationTypeId": "000000000000000000L0",
            "Comparator": "GreaterThanOrEqualTo",
            "IntegerValues": [95],
        },
        {
            "QualificationTypeId": "00000000000000000040",
            "Comparator": "GreaterThan",
            "IntegerValues": [10],
        },
        {
            "QualificationTypeId": "00000000000000000071",
            "Comparator": "In",
            "LocaleValues": [{"Country": "US"}, {"Country": "GB"}],
        },
        {"QualificationTypeId": qual_id, "Comparator": "Exists"},
    ]
    type_params = {
        k: v for k, v in hit_params().items() if k not in ("LifetimeInSeconds", "Question")
    }
    with_reqs = await call(
        stage, mturk, "create_hit_type", **type_params, QualificationRequirements=requirements
    )
    plain = await call(stage, mturk, "create_hit_type", **type_params)
    assert with_reqs["HITTypeId"] != plain["HITTypeId"], "requirements are part of the type"
    created = await call(
        stage,
        mturk,
        "create_hit_with_hit_type",
        HITTypeId=with_reqs["HITTypeId"],
        LifetimeInSeconds=600,
        Question=question_form(),
    )
    hit = created["HIT"]
    assert hit["QualificationRequirements"] == requirements
    async with stage.services.db.reading() as conn:
        async with conn.execute(
            "SELECT kind, qualification_id, value FROM hit_requirements WHERE hit_id = ?",
            (int(hit["HITId"][3:]),),
        ) as cur:
            rows = {tuple(r) for r in await cur.fetchall()}
    assert rows == {
        ("approval_rate", None, "95"),
        ("approved_count", None, "11"),
        ("locale", None, "en"),
        ("qualification", int(qual_id[3:]), str(-(2**31))),
    }

    masters = [{"QualificationTypeId": "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH", "Comparator": "Exists"}]
    refusal = await refused(
        stage, mturk, "create_hit", **hit_params(QualificationRequirements=masters)
    )
    assert "Masters is not supported" in refusal["Message"]
    unknown = [dict(requirements[0], Comparator="Between")]
    refusal = await refused(
        stage, mturk, "create_hit", **hit_params(QualificationRequirements=unknown)
    )
    assert "Comparator must be one of GreaterThanOrEqualTo" in refusal["Message"]
    mixed = [
        dict(
            requirements[2],
            Comparator="EqualTo",
            LocaleValues=[{"Country": "US"}, {"Country": "DE"}],
        )
    ]
    refusal = await refused(
        stage, mturk, "create_hit", **hit_params(QualificationRequirements=mixed)
    )
    assert "these countries speak de, en; use In or NotIn" in refusal["Message"]
    foreign = [{"QualificationTypeId": "GBQ99999999", "Comparator": "Exists"}]
    refusal = await refused(
        stage, mturk, "create_hit", **hit_params(QualificationRequirements=foreign)
    )
    assert "does not exist" in refusal["Message"]
    assert (await call(stage, mturk, "list_hits"))["NumResults"] == 1, "refusals create nothing"


async def test_notify_workers_relays_within_the_limit(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    await worked(stage, mturk, ann)
    ann_alias, bob_alias = await alias_of(stage, ann), await alias_of(stage, bob)
    message = {"Subject": "New batch <soon>", "MessageText": "More birds tomorrow & after."}

    sent = await call(
        stage, mturk, "notify_workers", **message, WorkerIds=[ann_alias, bob_alias, "W-NOPE"]
    )
    failed = {
        f["WorkerId"]: f["NotifyWorkersFailureCode"] for f in sent["NotifyWorkersFailureStatuses"]
    }
    assert failed == {bob_alias: "HardFailure", "W-NOPE": "HardFailure"}
    assert "Message from requester Rita" in ann.last_text()
    assert "New batch <soon>\nMore birds tomorrow & after." in ann.last_text(), "escaped, intact"
    assert not any("More birds" in t for t in bob.texts()), "only workers who worked for Rita"

    for _ in range(2):
        await call(stage, mturk, "notify_workers", **message, WorkerIds=[ann_alias])
    limited = await call(stage, mturk, "notify_workers", **message, WorkerIds=[ann_alias])
    (status,) = limited["NotifyWorkersFailureStatuses"]
    assert status["NotifyWorkersFailureCode"] == "SoftFailure"
    assert len([t for t in ann.texts() if "More birds" in t]) == 3
    clock.advance(24 * 3600 + 1)
    again = await call(stage, mturk, "notify_workers", **message, WorkerIds=[ann_alias])
    assert again["NotifyWorkersFailureStatuses"] == []
    assert len([t for t in ann.texts() if "More birds" in t]) == 4
