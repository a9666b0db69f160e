"""Coming from MTurk, reviewing: RequesterFeedback reaches the worker with the verdict, and
OverrideRejection approves work rejected by mistake (paid from the balance, once, with the
marketplace's fee as an approval pays it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import answer_poll
from tests.auxil.invariants import ledger_sums_to_zero
from tests.auxil.mturk import call, refused, requester_with_api_key, sky_colour_hit
from tests.auxil.people import workers
from tests.auxil.stages import api_stage, failing_on_errors


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with api_stage(tmp_path, clock) as opened:
        yield opened


async def answer_sky(worker: Actor) -> None:
    await answer_poll(worker, "Blue")


async def test_feedback_reaches_the_worker_and_a_rejection_is_overridden(
    stage: Stage, admin: Actor
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin, cents=1_000)
    ann, bob = await workers(stage, "Ann", "Bob")
    hit_id = (await call(stage, mturk, "create_hit", **sky_colour_hit()))["HIT"]["HITId"]
    await answer_sky(ann)
    await answer_sky(bob)
    await stage.settle()
    first, second = (await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id))[
        "Assignments"
    ]
    ann_user = await stage.services.market.people.user(ann.tg_id)
    assert ann_user is not None
    ann_work, bob_work = (first, second) if first["WorkerId"] == ann_user.alias else (second, first)

    await call(
        stage,
        mturk,
        "approve_assignment",
        AssignmentId=bob_work["AssignmentId"],
        RequesterFeedback="Spot on, thanks!",
    )
    assert "Approved: Sky colour" in bob.last_text()
    assert "The requester says: Spot on, thanks!" in bob.last_text()

    await call(
        stage,
        mturk,
        "reject_assignment",
        AssignmentId=ann_work["AssignmentId"],
        RequesterFeedback="Answer missing",
    )
    assert "Rejected: Sky colour" in ann.last_text() and "Answer missing" in ann.last_text()
    balance = await call(stage, mturk, "get_account_balance")
    assert balance["AvailableBalance"] == "9.95", "the rejected reward came back"

    again = await refused(stage, mturk, "approve_assignment", AssignmentId=ann_work["AssignmentId"])
    assert again["Code"] == "RequestError" and "Submitted" in again["Message"]
    await call(
        stage,
        mturk,
        "approve_assignment",
        AssignmentId=ann_work["AssignmentId"],
        OverrideRejection=True,
        RequesterFeedback="Sorry, my script misread it.",
    )
    assert "Approved: Sky colour" in ann.last_text()
    assert "Sorry, my script misread it." in ann.last_text()
    (now,) = [
        a
        for a in (await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id))["Assignments"]
        if a["AssignmentId"] == ann_work["AssignmentId"]
    ]
    assert now["AssignmentStatus"] == "Approved" and "RequesterFeedback" not in now
    balance = await call(stage, mturk, "get_account_balance")
    assert balance["AvailableBalance"] == "9.90", "paid from the balance, once"
    twice = await refused(
        stage,
        mturk,
        "approve_assignment",
        AssignmentId=ann_work["AssignmentId"],
        OverrideRejection=True,
    )
    assert "Submitted" in twice["Message"]
    balances = await stage.services.accounts.balances()
    assert balances[f"wrk:{ann_user.id}"] == 5


async def test_an_overridden_rejection_pays_the_fee_as_an_approval_does(
    tmp_path: Path, clock: FakeClock
) -> None:
    fee_stage = await Stage.open(
        tmp_path / "fees.sqlite3",
        clock=clock,
        mturk_listen="127.0.0.1:0",
        overrides={"fee_percent": 10.0},
    )
    async with failing_on_errors(fee_stage):
        rita, mturk = await requester_with_api_key(fee_stage, fee_stage.admin(), cents=1_000)
        (ann,) = await workers(fee_stage, "Ann")
        hit = {**sky_colour_hit(), "Reward": "0.50", "MaxAssignments": 1}
        hit_id = (await call(fee_stage, mturk, "create_hit", **hit))["HIT"]["HITId"]
        await answer_sky(ann)
        await fee_stage.settle()
        (work,) = (await call(fee_stage, mturk, "list_assignments_for_hit", HITId=hit_id))[
            "Assignments"
        ]
        await call(
            fee_stage, mturk, "reject_assignment",
            AssignmentId=work["AssignmentId"], RequesterFeedback="Answer missing",
        )  # fmt: skip
        await call(
            fee_stage, mturk, "approve_assignment",
            AssignmentId=work["AssignmentId"], OverrideRejection=True,
        )  # fmt: skip
        balances = await ledger_sums_to_zero(fee_stage)
        ann_user = await fee_stage.services.market.people.user(ann.tg_id)
        assert ann_user is not None
        assert balances[f"wrk:{ann_user.id}"] == 50
        assert balances["fees"] == 5, "the fee the rejection refunded is taken again"
        assert (await call(fee_stage, mturk, "get_account_balance"))["AvailableBalance"] == "9.45"
