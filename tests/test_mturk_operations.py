"""Coming from MTurk: every operation of botocore's mturk model answers with MTurk's
semantics, except the ones gigbot has no feature for (review policies), which say so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import botocore.session
import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.mturk.api import TARGET_PREFIX
from tests.auxil.gestures import answer_poll
from tests.auxil.mturk import call, refused, requester_with_api_key, sky_colour_hit
from tests.auxil.people import workers
from tests.auxil.stages import api_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with api_stage(tmp_path, clock) as opened:
        yield opened


async def test_every_operation_of_the_model_is_served_but_review_policies(stage: Stage) -> None:
    model = botocore.session.get_session().get_service_model("mturk")
    assert model.metadata["targetPrefix"] + "." == TARGET_PREFIX
    served = set(stage.services.mturk_api.operations)
    assert set(model.operation_names) - served == {"ListReviewPolicyResultsForHIT"}
    assert served <= set(model.operation_names), "nothing the model does not define"


async def test_review_status_uploads_and_notifications(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit = (await call(stage, mturk, "create_hit", **{**sky_colour_hit(), "MaxAssignments": 1}))[
        "HIT"
    ]
    early = await refused(stage, mturk, "update_hit_review_status", HITId=hit["HITId"])
    assert "is Assignable" in early["Message"]
    await answer_poll(ann, "Blue")
    await call(stage, mturk, "update_hit_review_status", HITId=hit["HITId"])
    reviewing = await call(stage, mturk, "list_reviewable_hits", Status="Reviewing")
    assert [h["HITId"] for h in reviewing["HITs"]] == [hit["HITId"]]
    assert reviewing["HITs"][0]["HITStatus"] == "Reviewing"
    assert (await call(stage, mturk, "list_reviewable_hits"))["NumResults"] == 0
    await call(stage, mturk, "update_hit_review_status", HITId=hit["HITId"], Revert=True)
    assert (await call(stage, mturk, "list_reviewable_hits"))["NumResults"] == 1

    (assignment,) = (await call(stage, mturk, "list_assignments_for_hit", HITId=hit["HITId"]))[
        "Assignments"
    ]
    upload = await refused(
        stage, mturk, "get_file_upload_url",
        AssignmentId=assignment["AssignmentId"], QuestionIdentifier="sky",
    )  # fmt: skip
    assert "not a FileUploadAnswer" in upload["Message"]

    await call(
        stage, mturk, "update_notification_settings", HITTypeId=hit["HITTypeId"], Active=False
    )
    sqs = await refused(
        stage, mturk, "update_notification_settings", HITTypeId=hit["HITTypeId"],
        Notification={"Destination": "https://sqs.us-east-1.amazonaws.com/1/q",
                      "Transport": "SQS", "Version": "2006-05-05",
                      "EventTypes": ["AssignmentSubmitted"]},
    )  # fmt: skip
    assert "cannot deliver notifications to SQS" in sqs["Message"]
    policy = await refused(stage, mturk, "list_review_policy_results_for_hit", HITId=hit["HITId"])
    assert "not supported by gigbot" in policy["Message"]
