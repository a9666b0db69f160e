"""Coming from MTurk, the fair-pay floor: MTurk has no estimate and AssignmentDurationInSeconds
is a generous limit, so a HIT made by the API is accepted and judged on the work time gigbot
measures (accept to submit). Workers are shown honest rates all along."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import Limits
from tests.auxil.gestures import do_poll
from tests.auxil.mturk import call, question_form, refused, requester_with_api_key
from tests.auxil.people import workers
from tests.auxil.stages import SCRIPTED_BURST, failing_on_errors


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The API on, the product's $8.00/h floor, room for a scripted crowd."""
    roomy = Limits(private_burst=SCRIPTED_BURST, global_per_sec=300)
    opened = await Stage.open(
        tmp_path / "gigbot.sqlite3",
        clock=clock,
        limits=roomy,
        min_hourly=8.00,
        mturk_listen="127.0.0.1:0",
    )
    async with failing_on_errors(opened):
        yield opened


def typical_hit(reward: str = "0.05") -> dict[str, Any]:
    """As MTurk scripts post it: 10 minutes allowed for well under a minute of work."""
    return {
        "Title": "Sky colour",
        "Description": "Tell us the colour of the sky",
        "Reward": reward,
        "AssignmentDurationInSeconds": 600,
        "LifetimeInSeconds": 86_400,
        "MaxAssignments": 8,
        "Question": question_form(),
    }


async def test_a_hit_without_an_estimate_is_judged_on_measured_time(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin, cents=10_000)
    crew = await workers(stage, "Ann", "Bob", "Cy", "Dee", "Eve")
    created = await call(stage, mturk, "create_hit", **typical_hit())
    hit = created["HIT"]
    assert hit["HITStatus"] == "Assignable", "not refused on the 10-minute limit"
    assert hit["HITReviewStatus"] == "NotReviewed"
    push = crew[0].last_text()
    assert "≥$0.30/h (if it takes all 10m: no estimate given)" in push, "the least it pays"
    assert "≈" not in push, "no guess from the questions"

    for worker in crew:  # each takes a minute: $3.00/h
        await do_poll(worker, clock, "Blue", 60)
    await stage.settle()
    hit_number = int(hit["HITId"].removeprefix("GBH"))
    told = rita.last_text()
    assert "takes workers 1m (median" in told and "$3.00/h" in told
    assert f"/raise {hit_number} 0.14" in told
    paused = (await call(stage, mturk, "get_hit", HITId=hit["HITId"]))["HIT"]
    assert paused["HITReviewStatus"] == "MarkedForReview", "the API shows the pause too"
    more = await refused(
        stage, mturk, "create_additional_assignments_for_hit",
        HITId=hit["HITId"], NumberOfAdditionalAssignments=2,
    )  # fmt: skip
    assert more["Code"] == "RequestError"
    assert "1m (median of the first submissions): 3.00 per hour" in more["Message"]
    assert "floor of 8.00 per hour" in more["Message"]
    assert "A Reward of at least 0.14 meets it" in more["Message"], "the API says it too"

    (fay,) = await workers(stage, "Fay")
    assert await stage.services.matcher.next_waves() == 0
    await stage.settle()
    assert "Sky colour" not in " ".join(fay.texts()), "no pushes while under the floor"

    # The MTurk way to raise a reward: a HIT type with the new reward.
    raised = await call(stage, mturk, "create_hit_type", **{
        k: v for k, v in typical_hit("0.14").items()
        if k in ("Title", "Description", "Reward", "AssignmentDurationInSeconds")
    })  # fmt: skip
    await call(
        stage, mturk, "update_hit_type_of_hit", HITId=hit["HITId"], HITTypeId=raised["HITTypeId"]
    )
    resumed = (await call(stage, mturk, "get_hit", HITId=hit["HITId"]))["HIT"]
    assert resumed["Reward"] == "0.14" and resumed["HITReviewStatus"] == "NotReviewed"
    assert resumed["HITTypeId"] == raised["HITTypeId"]
    assert "Sky colour" in fay.last_text() and "≈$8.40/h" in fay.last_text(), "measured"
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_number}"] == 8 * 14, "escrow covers the new reward"
    await call(
        stage, mturk, "create_additional_assignments_for_hit",
        HITId=hit["HITId"], NumberOfAdditionalAssignments=2,
    )  # fmt: skip
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_number}"] == 10 * 14, "added once it meets the floor"


async def test_quick_work_never_pauses(stage: Stage, admin: Actor, clock: FakeClock) -> None:
    rita, mturk = await requester_with_api_key(stage, admin, cents=10_000)
    crew = await workers(stage, "Ann", "Bob", "Cy", "Dee", "Eve")
    hit = (await call(stage, mturk, "create_hit", **typical_hit()))["HIT"]
    for worker in crew:  # 20 s each: $9.00/h
        await do_poll(worker, clock, "Blue", 20)
    await stage.settle()
    assert "floor" not in rita.last_text()
    assert (await call(stage, mturk, "get_hit", HITId=hit["HITId"]))["HIT"][
        "HITReviewStatus"
    ] == "NotReviewed"
    (fay,) = await workers(stage, "Fay")
    await fay.send("/hits")
    page = fay.last()
    listed = " ".join([page.text or "", *(b[0] for row in page.buttons() for b in row)])
    assert "≈$9.00/h" in listed, "measured, once five are in"
