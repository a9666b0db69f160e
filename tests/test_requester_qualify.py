"""/qualify: a requester defines a qualification test; workers who pass are granted it,
and a survey can require it."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from tests.auxil.database import connect, database_of
from tests.auxil.people import funded_requester, workers
from tests.auxil.screens import number_after


async def _define(rita: Actor) -> int:
    await rita.send("/qualify")
    assert "What's its name?" in rita.last_text()
    await rita.send("Bird expert")
    await rita.send("Which is a sparrow? | small seabird | *small brown bird")
    assert "1 so far" in rita.last_text()
    await rita.send("Owls hunt at? | *night | noon")
    await rita.send("Penguins fly? | yes | *no")
    await rita.send("/done")
    assert "Pass mark" in rita.last_text()
    await rita.send("60")
    assert "Qualification <b>" not in rita.last_text()
    assert "Bird expert" in rita.last_text() and "3 questions, pass at 60%" in rita.last_text()
    return number_after("/qualtest ", rita.last_text())


async def test_pass_grants_and_fail_does_not(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    qual_id = await _define(rita)

    await ann.send(f"/qualtest {qual_id}")
    assert "1/3" in ann.last_text() and "Which is a sparrow?" in ann.last_text()
    await ann.press("small brown bird")
    assert "2/3" in ann.last_text()
    await ann.press("noon")
    await ann.press("no")
    assert "Passed Bird expert with 67%" in ann.last_text()

    await bob.send(f"/qualtest {qual_id}")
    await bob.press("small seabird")
    await bob.press("noon")
    stale = bob.last()
    await bob.press("yes")
    assert "Not passed: 0% (60% needed)" in bob.last_text()
    await bob.send(f"/qualtest {qual_id}")
    assert "already took this test (0%)" in bob.last_text()
    assert stale.message_id == bob.messages()[-2].message_id

    with connect(database_of(stage)) as db:
        granted = db.execute(
            "SELECT u.first_name FROM worker_qualifications w JOIN users u ON u.id = w.worker_id"
            " WHERE w.qualification_id = ?",
            (qual_id,),
        ).fetchall()
    assert granted == [("Ann",)]

    await rita.send(f"/qualtest {qual_id}")
    assert "your own qualification" in rita.last_text()
    await ann.send("/qualtest 999")
    assert "no such qualification" in ann.last_text()


async def test_bad_test_questions_and_a_survey_requiring_it(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/qualify")
    await rita.send("Birds")
    await rita.send("/done")
    assert "at least one question" in rita.last_text()
    await rita.send("No options here")
    assert "⚠️ Separate the question" in rita.last_text()
    await rita.send("Two right? | *a | *b")
    assert "exactly one option" in rita.last_text()
    await rita.send("Sparrow? | *yes | no")
    await rita.send("/done")
    await rita.send("150")
    assert "percentage from 1 to 100" in rita.last_text()
    await rita.send("100")
    qual_id = number_after("/qualtest ", rita.last_text())

    await rita.send("/newsurvey")
    await rita.send("Bird survey")
    await rita.press("Rating")
    await rita.send("How do you like sparrows?")
    await rita.press("Done")
    await rita.send("reward=0.05 n=2")
    assert "Require one of your qualifications?" in rita.last_text()
    await rita.press("Birds")
    assert "✓ Birds" in str(rita.last().buttons())
    await rita.press("Done")
    assert "Requires: Birds" in rita.last_text()
    hit_id = number_after("survey #", rita.last_text())
    with connect(database_of(stage)) as db:
        rows = db.execute(
            "SELECT kind, qualification_id, value FROM hit_requirements WHERE hit_id = ?",
            (hit_id,),
        ).fetchall()
    assert rows == [("qualification", qual_id, "1")]


async def test_cancel_discards_the_qualification_being_defined(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/qualify")
    await rita.send("Bird expert")
    await rita.send("Which is a sparrow? | small seabird | *small brown bird")
    await rita.send("/cancel")
    assert "Qualification discarded" in rita.last_text()
    # Nothing of it is kept: the next /qualify starts from its name, no questions so far.
    await rita.send("/qualify")
    assert "What's its name?" in rita.last_text()
    await rita.send("Tree expert")
    await rita.send("Oaks bear? | *acorns | cones")
    assert "1 so far" in rita.last_text()
