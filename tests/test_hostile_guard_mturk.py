"""The guard for the MTurk API (issue 19): every operation gigbot serves, called by a
requester with a valid key, with generated parameters - the names botocore's model gives the
operation, valued with generated JSON, ids that exist and ids that do not - and sometimes a
body that is not JSON at all.

After every call: no HTTP 500, an MTurk error body or a JSON answer; and on the stage no
handler error, no Telegram rule broken, the ledger sums to zero and each HIT's escrow is what
its work can still claim (tests/hostile_helpers.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import Limits
from tests.auxil.database import database_at
from tests.auxil.gestures import answer_poll
from tests.auxil.hostile import handle_signed
from tests.auxil.invariants import stage_problems
from tests.auxil.mturk import call, new_api_key, question_form, requester_with_api_key
from tests.auxil.people import worker
from tests.auxil.stages import SCRIPTED_BURST, failing_on_errors

GUARD = settings(
    max_examples=150,
    deadline=timedelta(seconds=20),  # a hang, not a slow machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
MODEL = boto3.session.Session().client("mturk", region_name="us-east-1").meta.service_model


@dataclass
class Market:
    stage: Stage
    key: tuple[str, str]
    operations: tuple[str, ...]
    ids: dict[str, str]  # HIT, HIT type, assignment, worker and qualification ids that exist


@pytest.fixture
async def market(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Market]:
    """Rita's HIT made through the API, one assignment of it submitted by Ann; Mallory's
    HIT (another requester's) beside it."""
    stage = await Stage.open(
        await database_at(tmp_path, "gigbot"),
        clock=clock,
        mturk_listen="127.0.0.1:0",
        # many notices to the same few chats within seconds: Telegram's budgets scaled up
        limits=Limits(scale=100, private_burst=SCRIPTED_BURST),
        send_rate=2000,
    )
    async with failing_on_errors(stage):
        admin = stage.admin()
        rita, mturk = await requester_with_api_key(stage, admin, cents=100_00)
        ann: Actor = await worker(stage, "Ann")
        made = await call(
            stage,
            mturk,
            "create_hit",
            Title="Sky",
            Description="Colour of the sky",
            Reward="0.05",
            AssignmentDurationInSeconds=300,
            LifetimeInSeconds=86_400,
            MaxAssignments=3,
            Question=question_form(),
        )
        await answer_poll(ann, "Blue")
        listed = await call(stage, mturk, "list_assignments_for_hit", HITId=made["HIT"]["HITId"])
        (handed_in,) = listed["Assignments"]
        mallory, other = await requester_with_api_key(stage, admin, name="Mallory")
        theirs = await call(
            stage, other, "create_hit", **{**_sky(), "Question": question_form("Theirs?")}
        )
        qualification = await call(
            stage,
            mturk,
            "create_qualification_type",
            Name="Sky expert",
            Description="Knows skies",
            QualificationTypeStatus="Active",
        )
        api = stage.app.bot_data["mturk_server"].api
        ids = {
            "hit": made["HIT"]["HITId"],
            "type": made["HIT"]["HITTypeId"],
            "assignment": handed_in["AssignmentId"],
            "worker": handed_in["WorkerId"],
            "qualification": qualification["QualificationType"]["QualificationTypeId"],
            "theirs": theirs["HIT"]["HITId"],
        }
        del mallory
        assert stage_problems(stage) == []
        yield Market(stage, await _key_of(rita), tuple(sorted(api.operations)), ids)


def _sky() -> dict[str, Any]:
    return {
        "Title": "Sky",
        "Description": "Colour of the sky",
        "Reward": "0.05",
        "AssignmentDurationInSeconds": 300,
        "LifetimeInSeconds": 86_400,
        "MaxAssignments": 3,
    }


async def _key_of(requester: Actor) -> tuple[str, str]:
    """Another key of the requester's (keys are shown once: a new one to sign with here)."""
    return await new_api_key(requester)


# -- what a script could send -------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10),
    st.integers(),
    st.sampled_from([2**63, 10**30, -1, 0, 1e308, -1e308]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        ["0.05", "100000", "-1", "1e9", "NaN", "Infinity", "", " ", "٣", "GBH", "<x>", "&", "\x00"]
    ),
    st.sampled_from([question_form(), "<QuestionForm/>", "<HTMLQuestion>", "<!DOCTYPE x>"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
# Python's json writes nan and inf as NaN and Infinity, which some clients send.
odd_numbers = st.sampled_from([float("nan"), float("inf"), float("-inf")])


def baseline(operation: str, ids: dict[str, str]) -> dict[str, Any]:
    """Parameters a well-behaved script would send (the generated ones start from these)."""
    hit = {**_sky(), "Question": question_form()}
    assignment = {"AssignmentId": ids["assignment"]}
    qualification = {"QualificationTypeId": ids["qualification"]}
    known: dict[str, dict[str, Any]] = {
        "CreateHITType": {k: v for k, v in hit.items() if k not in ("Question", "LifetimeInSeconds",
                          "MaxAssignments")},
        "CreateHIT": hit,
        "CreateHITWithHITType": {
            "HITTypeId": ids["type"], "Question": question_form(), "LifetimeInSeconds": 3600,
            "MaxAssignments": 2,
        },
        "GetHIT": {"HITId": ids["hit"]},
        "ListHITs": {"MaxResults": 10},
        "ListReviewableHITs": {"HITTypeId": ids["type"], "Status": "Reviewable"},
        "ListAssignmentsForHIT": {"HITId": ids["hit"], "AssignmentStatuses": ["Submitted"]},
        "GetAssignment": assignment,
        "ApproveAssignment": {**assignment, "RequesterFeedback": "Thanks"},
        "RejectAssignment": {**assignment, "RequesterFeedback": "Wrong"},
        "GetAccountBalance": {},
        # within a year of the FakeClock's start, as MTurk's lifetimes are
        "UpdateExpirationForHIT": {"HITId": ids["hit"], "ExpireAt": 1_810_000_000},
        "CreateAdditionalAssignmentsForHIT": {
            "HITId": ids["hit"], "NumberOfAdditionalAssignments": 1,
        },
        "DeleteHIT": {"HITId": ids["hit"]},
        "SendBonus": {
            "WorkerId": ids["worker"], "BonusAmount": "0.10", "Reason": "Nice", **assignment,
        },
        "ListBonusPayments": {"HITId": ids["hit"]},
        "NotifyWorkers": {"Subject": "Hi", "MessageText": "Thanks", "WorkerIds": [ids["worker"]]},
        "CreateWorkerBlock": {"WorkerId": ids["worker"], "Reason": "Spam"},
        "DeleteWorkerBlock": {"WorkerId": ids["worker"]},
        "ListWorkerBlocks": {},
        "CreateQualificationType": {
            "Name": "Cloud expert", "Description": "Knows clouds",
            "QualificationTypeStatus": "Active",
        },
        "GetQualificationType": qualification,
        "AssociateQualificationWithWorker": {
            **qualification, "WorkerId": ids["worker"], "IntegerValue": 1,
        },
        "DisassociateQualificationFromWorker": {**qualification, "WorkerId": ids["worker"]},
        "ListWorkersWithQualificationType": qualification,
        "ListQualificationTypes": {"Query": "Cloud", "MustBeRequestable": False},
        "GetQualificationScore": {**qualification, "WorkerId": ids["worker"]},
        "UpdateQualificationType": {**qualification, "Description": "Knows clouds well"},
        "DeleteQualificationType": qualification,
        "ListHITsForQualificationType": qualification,
        "ListQualificationRequests": qualification,
        "AcceptQualificationRequest": {"QualificationRequestId": "GBR1"},
        "RejectQualificationRequest": {"QualificationRequestId": "GBR1", "Reason": "No"},
        "UpdateHITReviewStatus": {"HITId": ids["hit"], "Revert": False},
        "UpdateHITTypeOfHIT": {"HITId": ids["hit"], "HITTypeId": ids["type"]},
        "GetFileUploadURL": {**assignment, "QuestionIdentifier": "sky"},
        "UpdateNotificationSettings": {"HITTypeId": ids["type"], "Active": False},
        "SendTestEventNotification": {
            "Notification": {"Destination": "x", "Transport": "Email", "Version": "2006-05-05",
                             "EventTypes": ["Ping"]},
            "TestEventType": "Ping",
        },
    }  # fmt: skip
    return dict(known.get(operation, {}))


def _params(operation: str, ids: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    """The baseline with some parameters replaced by generated values, some dropped, and
    sometimes a name the operation does not know."""
    shape = MODEL.operation_model(operation).input_shape
    names = sorted(shape.members) if shape is not None and shape.members else ["X"]
    value = st.one_of(json_values, st.sampled_from(sorted(ids.values())), odd_numbers)
    changed = st.dictionaries(st.sampled_from(names), value, max_size=3)
    dropped = st.sets(st.sampled_from(names), max_size=2)
    extra = st.dictionaries(st.text(max_size=12), json_values, max_size=1)

    def made(parts: tuple[dict[str, Any], set[str], dict[str, Any]]) -> dict[str, Any]:
        params = {**parts[2], **baseline(operation, ids), **parts[0]}
        return {k: v for k, v in params.items() if k not in parts[1]}

    return st.tuples(changed, dropped, extra).map(made)


@st.composite
def requests(draw: st.DrawFn, market: Market) -> tuple[str, bytes]:
    operation = draw(st.sampled_from(market.operations))
    if draw(st.integers(0, 9)) == 0:
        return operation, draw(st.binary(max_size=200) | json_values.map(_dumps))
    return operation, _dumps(draw(_params(operation, market.ids)))


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


# -- the guard ------------------------------------------------------------------------------


# Operations whose well-behaved call is refused here as MTurk would refuse it: gigbot has no
# file uploads, qualification requests or notification transports, no worker holds the type
# yet, and the HIT is not Reviewable.
REFUSED_AS_ON_MTURK = (
    "GetFileUploadURL", "AcceptQualificationRequest", "RejectQualificationRequest",
    "SendTestEventNotification", "GetQualificationScore", "UpdateHITReviewStatus",
)  # fmt: skip


async def test_the_guard_calls_every_operation_gigbot_serves(market: Market) -> None:
    """Each operation gigbot serves has a well-behaved call the generated ones start from,
    and that call is answered (a new operation joins the guard by getting one)."""
    stage = market.stage
    for operation in market.operations:
        params = baseline(operation, market.ids)
        assert params or operation in ("GetAccountBalance", "ListWorkerBlocks"), operation
        if operation in (
            "DeleteHIT", "RejectAssignment", "DeleteWorkerBlock", "DeleteQualificationType"
        ):
            continue  # they would change what the others call
        answered = await handle_signed(stage, market.key, operation, _dumps(params))
        if operation in REFUSED_AS_ON_MTURK:
            assert answered.status == 400, (operation, answered.body)
            assert answered.body["__type"] == "RequestError", (operation, answered.body)
            continue
        assert answered.status == 200, (operation, answered.body)


@GUARD
@given(data=st.data())
async def test_generated_api_calls_hold(market: Market, data: st.DataObject) -> None:
    stage = market.stage
    for _ in range(data.draw(st.integers(1, 3), label="calls")):
        operation, body = data.draw(requests(market), label="request")
        answered = await handle_signed(stage, market.key, operation, body)
        assert answered.status != 500, (operation, body, answered.body)
        assert isinstance(answered.body, dict)
        if answered.status != 200:
            assert answered.body.get("__type") == "RequestError", answered.body
        problems = stage_problems(stage)
        assert problems == [], f"after {operation} {body!r}: {problems}"
