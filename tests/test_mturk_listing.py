"""ListAssignmentsForHIT reads the HIT and a page of its assignments at once: empty HITs,
status filters, pages, and HITs that are not the caller's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import answer_poll
from tests.auxil.mturk import call, refused, requester_with_api_key, sky_colour_hit
from tests.auxil.people import workers
from tests.auxil.stages import api_stage

HIT = sky_colour_hit()


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with api_stage(tmp_path, clock) as opened:
        yield opened


async def test_pages_filters_and_strangers(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    sam, stranger = await requester_with_api_key(stage, admin, name="Sam")
    ann, bob = await workers(stage, "Ann", "Bob")
    hit_id = (await call(stage, mturk, "create_hit", **HIT))["HIT"]["HITId"]

    empty = await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id)
    assert empty["NumResults"] == 0 and empty["Assignments"] == [] and "NextToken" not in empty

    for worker, choice in ((ann, "Blue"), (bob, "Green")):
        await answer_poll(worker, choice)
    first = await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id, MaxResults=1)
    assert first["NumResults"] == 1 and "NextToken" in first
    second = await call(
        stage,
        mturk,
        "list_assignments_for_hit",
        HITId=hit_id,
        MaxResults=1,
        NextToken=first["NextToken"],
    )
    assert second["NumResults"] == 1 and "NextToken" not in second
    pages: list[dict[str, Any]] = [*first["Assignments"], *second["Assignments"]]
    assert len({a["AssignmentId"] for a in pages}) == 2
    assert all("<SelectionIdentifier>" in a["Answer"] for a in pages)

    await call(stage, mturk, "approve_assignment", AssignmentId=pages[0]["AssignmentId"])
    approved = await call(
        stage, mturk, "list_assignments_for_hit", HITId=hit_id, AssignmentStatuses=["Approved"]
    )
    assert [a["AssignmentId"] for a in approved["Assignments"]] == [pages[0]["AssignmentId"]]
    left = await call(
        stage, mturk, "list_assignments_for_hit", HITId=hit_id, AssignmentStatuses=["Submitted"]
    )
    assert [a["AssignmentId"] for a in left["Assignments"]] == [pages[1]["AssignmentId"]]

    theirs = await refused(stage, stranger, "list_assignments_for_hit", HITId=hit_id)
    assert theirs["Code"] == "RequestError" and "does not exist" in theirs["Message"]
    odd = ["Abandoned"]
    named = await refused(
        stage, stranger, "list_assignments_for_hit", HITId=hit_id, AssignmentStatuses=odd
    )
    assert "does not exist" in named["Message"], "someone else's HIT is named before the filter"
    own = await refused(
        stage, mturk, "list_assignments_for_hit", HITId=hit_id, AssignmentStatuses=odd
    )
    assert "AssignmentStatuses may hold" in own["Message"]
