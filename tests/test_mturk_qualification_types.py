"""Coming from MTurk, qualifications as scripts use them: excluding past workers with
DoesNotExist, the other comparators, AutoGranted types, a Test scored by its AnswerKey, and
the lookup and cleanup calls (ListQualificationTypes, GetQualificationScore,
ListHITsForQualificationType, UpdateQualificationType, DeleteQualificationType)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.mturk import FORM_NS, call, question_form, refused, requester_with_api_key
from tests.auxil.people import workers
from tests.auxil.stages import api_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with api_stage(tmp_path, clock) as opened:
        yield opened


def hit_requiring(title: str, *requirements: dict[str, Any]) -> dict[str, Any]:
    return {
        "Title": title,
        "Description": "Tell us the colour of the sky",
        "Reward": "0.05",
        "AssignmentDurationInSeconds": 300,
        "LifetimeInSeconds": 86_400,
        "MaxAssignments": 3,
        "Question": question_form(),
        "QualificationRequirements": list(requirements),
    }


async def alias(stage: Stage, worker: Actor) -> str:
    found = await stage.services.market.people.user(worker.tg_id)
    assert found is not None
    return found.alias


async def offered(worker: Actor, title: str) -> bool:
    """Whether the worker was pushed the HIT or finds it in /hits."""
    pushed = any(title in text for text in worker.texts())
    await worker.send("/hits")
    page = worker.last()
    listed = " ".join([page.text or "", *(b[0] for row in page.buttons() for b in row)])
    return pushed or title in listed


async def new_type(stage: Stage, mturk: Any, name: str, **more: Any) -> str:
    made = await call(
        stage,
        mturk,
        "create_qualification_type",
        Name=name,
        Description=f"{name} (a test of gigbot)",
        QualificationTypeStatus="Active",
        **more,
    )
    return str(made["QualificationType"]["QualificationTypeId"])


async def test_past_workers_are_excluded_with_does_not_exist(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    did_it = await new_type(stage, mturk, "Did sky v1")
    await call(
        stage,
        mturk,
        "associate_qualification_with_worker",
        QualificationTypeId=did_it,
        WorkerId=await alias(stage, ann),
        IntegerValue=1,
        SendNotification=False,
    )
    hit = await call(
        stage,
        mturk,
        "create_hit",
        **hit_requiring(
            "Sky again", {"QualificationTypeId": did_it, "Comparator": "DoesNotExist"}
        ),
    )
    assert await offered(bob, "Sky again")
    assert not await offered(ann, "Sky again"), "she did it before"
    score = await call(
        stage, mturk, "get_qualification_score",
        QualificationTypeId=did_it, WorkerId=await alias(stage, ann),
    )  # fmt: skip
    assert score["Qualification"]["IntegerValue"] == 1
    missing = await refused(
        stage, mturk, "get_qualification_score",
        QualificationTypeId=did_it, WorkerId=await alias(stage, bob),
    )  # fmt: skip
    assert "does not exist" in missing["Message"]
    listed = await call(
        stage, mturk, "list_hits_for_qualification_type", QualificationTypeId=did_it
    )
    assert [h["HITId"] for h in listed["HITs"]] == [hit["HIT"]["HITId"]]
    found = await call(
        stage, mturk, "list_qualification_types",
        Query="sky v1", MustBeRequestable=False, MustBeOwnedByCaller=True,
    )  # fmt: skip
    assert [q["QualificationTypeId"] for q in found["QualificationTypes"]] == [did_it]


async def test_less_than_and_not_in_compare_the_value(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob, cy = await workers(stage, "Ann", "Bob", "Cy")
    level = await new_type(stage, mturk, "Level")
    for worker, value in ((ann, 1), (bob, 5), (cy, 2)):
        await call(
            stage, mturk, "associate_qualification_with_worker", QualificationTypeId=level,
            WorkerId=await alias(stage, worker), IntegerValue=value, SendNotification=False,
        )  # fmt: skip
    await call(
        stage,
        mturk,
        "create_hit",
        **hit_requiring(
            "Beginners only",
            {"QualificationTypeId": level, "Comparator": "LessThan", "IntegerValues": [3]},
            {"QualificationTypeId": level, "Comparator": "NotIn", "IntegerValues": [2, 4]},
        ),
    )
    assert await offered(ann, "Beginners only")
    assert not await offered(bob, "Beginners only"), "5 is not less than 3"
    assert not await offered(cy, "Beginners only"), "2 is in the excluded set"
    await bob.send("/hits")


async def test_an_auto_granted_type_is_granted_on_accepting(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    starter = await new_type(stage, mturk, "Starter", AutoGranted=True, AutoGrantedValue=5)
    shown = await call(stage, mturk, "get_qualification_type", QualificationTypeId=starter)
    assert shown["QualificationType"]["AutoGranted"] is True
    assert shown["QualificationType"]["AutoGrantedValue"] == 5
    await call(
        stage,
        mturk,
        "create_hit",
        **hit_requiring(
            "Starter sky",
            {
                "QualificationTypeId": starter,
                "Comparator": "GreaterThanOrEqualTo",
                "IntegerValues": [5],
            },
        ),
    )
    assert "Starter sky" in ann.last_text(), "auto-granted: eligible without a grant"
    await ann.press("Accept")
    holders = await call(
        stage, mturk, "list_workers_with_qualification_type", QualificationTypeId=starter
    )
    assert [(q["WorkerId"], q["IntegerValue"]) for q in holders["Qualifications"]] == [
        (await alias(stage, ann), 5)
    ]


TEST_FORM = (
    f'<QuestionForm xmlns="{FORM_NS}QuestionForm.xsd">'
    + "".join(
        f"<Question><QuestionIdentifier>{ident}</QuestionIdentifier>"
        f"<QuestionContent><Text>{prompt}</Text></QuestionContent><AnswerSpecification>"
        "<SelectionAnswer><StyleSuggestion>radiobutton</StyleSuggestion><Selections>"
        + "".join(
            f"<Selection><SelectionIdentifier>{o.lower()}</SelectionIdentifier>"
            f"<Text>{o}</Text></Selection>"
            for o in options
        )
        + "</Selections></SelectionAnswer></AnswerSpecification></Question>"
        for ident, prompt, options in (
            ("robin", "Which bird has a red breast?", ("Robin", "Crow")),
            ("crow", "Which bird is black?", ("Robin", "Crow")),
        )
    )
    + "</QuestionForm>"
)
ANSWER_KEY = (
    '<AnswerKey xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2005-10-01/AnswerKey.xsd">'
    "<Question><QuestionIdentifier>robin</QuestionIdentifier><AnswerOption>"
    "<SelectionIdentifier>robin</SelectionIdentifier><AnswerScore>10</AnswerScore>"
    "</AnswerOption></Question>"
    "<Question><QuestionIdentifier>crow</QuestionIdentifier><AnswerOption>"
    "<SelectionIdentifier>crow</SelectionIdentifier><AnswerScore>10</AnswerScore>"
    "</AnswerOption></Question>"
    "<QualificationValueMapping><PercentageMapping><MaximumSummedScore>20"
    "</MaximumSummedScore></PercentageMapping></QualificationValueMapping></AnswerKey>"
)


async def test_a_test_scored_by_its_answer_key(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    birds = await new_type(
        stage, mturk, "Bird test", Test=TEST_FORM, AnswerKey=ANSWER_KEY, TestDurationInSeconds=600
    )
    number = int(birds.removeprefix("GBQ"))
    for worker, answers in ((ann, ("Robin", "Crow")), (bob, ("Crow", "Crow"))):
        await worker.send(f"/qualtest {number}")
        assert "Which bird has a red breast?" in worker.last_text()
        for answer in answers:
            await worker.press(answer)
    scores = {
        name: (
            await call(
                stage, mturk, "get_qualification_score",
                QualificationTypeId=birds, WorkerId=await alias(stage, worker),
            )  # fmt: skip
        )["Qualification"]["IntegerValue"]
        for name, worker in (("ann", ann), ("bob", bob))
    }
    assert scores == {"ann": 100, "bob": 50}, "the AnswerKey's percentage mapping"
    await call(
        stage,
        mturk,
        "create_hit",
        **hit_requiring(
            "Birders",
            {"QualificationTypeId": birds, "Comparator": "GreaterThan", "IntegerValues": [80]},
        ),
    )
    assert await offered(ann, "Birders") and not await offered(bob, "Birders")

    no_key = await refused(
        stage, mturk, "create_qualification_type", Name="Unscored", Description="d",
        QualificationTypeStatus="Active", Test=TEST_FORM, TestDurationInSeconds=600,
    )  # fmt: skip
    assert "AnswerKey" in no_key["Message"]


async def test_a_test_has_its_time_limit_and_its_retry_delay(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    quick = await new_type(
        stage, mturk, "Quick birds", Keywords="birds, quiz", Test=TEST_FORM,
        AnswerKey=ANSWER_KEY, TestDurationInSeconds=60, RetryDelayInSeconds=3600,
    )  # fmt: skip
    once = await new_type(
        stage, mturk, "Birds once", Test=TEST_FORM, AnswerKey=ANSWER_KEY, TestDurationInSeconds=60
    )
    kept = (await call(stage, mturk, "get_qualification_type", QualificationTypeId=quick))[
        "QualificationType"
    ]
    assert (kept["Test"], kept["AnswerKey"]) == (TEST_FORM, ANSWER_KEY), "read back as sent"
    assert (kept["TestDurationInSeconds"], kept["RetryDelayInSeconds"]) == (60, 3600)
    assert kept["Keywords"] == "birds, quiz" and kept["IsRequestable"] is True

    number = int(quick.removeprefix("GBQ"))
    await ann.send(f"/qualtest {number}")
    assert "⏳ 1m left" in ann.last_text()
    await ann.press("Robin")
    clock.advance(61)
    await ann.press("Crow")
    late = ann.last_text()
    assert "Out of time" in late and "within 1m, so nothing was granted" in late
    assert "You can take it again in 58m 59s." in late
    ann_alias = await alias(stage, ann)
    none = await refused(
        stage, mturk, "get_qualification_score", QualificationTypeId=quick, WorkerId=ann_alias
    )
    assert "does not exist" in none["Message"], "nothing granted past the time limit"
    await ann.send(f"/qualtest {number}")
    assert "you can take it again in 58m 59s" in ann.last_text()

    clock.advance(3600)
    await ann.send(f"/qualtest {number}")
    assert "Which bird has a red breast?" in ann.last_text() and "⏳ 1m left" in ann.last_text()
    await ann.press("Robin")
    await ann.press("Crow")
    assert "Passed Quick birds with 100%" in ann.last_text()
    score = await call(
        stage, mturk, "get_qualification_score", QualificationTypeId=quick, WorkerId=ann_alias
    )
    assert score["Qualification"]["IntegerValue"] == 100, "the retry is scored"

    await bob.send(f"/qualtest {int(once.removeprefix('GBQ'))}")
    clock.advance(61)
    await bob.press("Robin")
    assert "Out of time" in bob.last_text() and "again" not in bob.last_text()
    clock.advance(86_400)
    await bob.send(f"/qualtest {int(once.removeprefix('GBQ'))}")
    assert "You already took this test" in bob.last_text(), "no RetryDelay: taken once"

    longer = await call(
        stage, mturk, "update_qualification_type", QualificationTypeId=once,
        TestDurationInSeconds=600, RetryDelayInSeconds=60,
    )  # fmt: skip
    assert longer["QualificationType"]["TestDurationInSeconds"] == 600
    assert longer["QualificationType"]["RetryDelayInSeconds"] == 60
    await bob.send(f"/qualtest {int(once.removeprefix('GBQ'))}")
    assert "⏳ 10m left" in bob.last_text(), "retries enabled: Bob starts again"
    untimed = await refused(
        stage, mturk, "create_qualification_type", Name="Untimed", Description="d",
        QualificationTypeStatus="Active", Test=TEST_FORM, AnswerKey=ANSWER_KEY,
    )  # fmt: skip
    assert "TestDurationInSeconds" in untimed["Message"], "MTurk requires it with a Test"


async def test_types_are_updated_and_deleted(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    trusted = await new_type(stage, mturk, "Trusted")
    changed = await call(
        stage, mturk, "update_qualification_type", QualificationTypeId=trusted,
        Description="Workers we trust", AutoGranted=True, AutoGrantedValue=2,
    )  # fmt: skip
    assert changed["QualificationType"]["Description"] == "Workers we trust"
    assert changed["QualificationType"]["AutoGrantedValue"] == 2
    await call(stage, mturk, "delete_qualification_type", QualificationTypeId=trusted)
    gone = await refused(stage, mturk, "get_qualification_type", QualificationTypeId=trusted)
    assert "does not exist" in gone["Message"]
    listed = await call(
        stage, mturk, "list_qualification_types", MustBeRequestable=False,
        MustBeOwnedByCaller=True,
    )  # fmt: skip
    assert listed["QualificationTypes"] == []
    requiring = await refused(
        stage, mturk, "create_hit",
        **hit_requiring("Trusted sky", {"QualificationTypeId": trusted, "Comparator": "Exists"}),
    )  # fmt: skip
    assert "does not exist" in requiring["Message"]
    assert (await call(stage, mturk, "list_qualification_requests"))["NumResults"] == 0
