"""/newsurvey: a guided conversation that survives a restart, ends in a preview and publishes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import connect, database_at, database_of
from tests.auxil.people import funded_requester, workers
from tests.auxil.screens import number_after
from tests.auxil.stages import restart, roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for the setup taps of several workers within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _write_survey_start(rita: Actor) -> None:
    await rita.send("/newsurvey")
    assert "What is its title?" in rita.last_text()
    await rita.send("Coffee habits")
    assert "Add the first question" in rita.last_text()
    await rita.press("Single choice")
    await rita.send("Favourite roast?")
    assert "choices separated by |" in rita.last_text()
    await rita.send("Light | Medium | Dark")
    assert "1 so far" in rita.last_text()


async def test_survey_resumes_after_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(await database_at(tmp_path, "gigbot"), clock=clock)
    admin = stage.admin()
    rita = await funded_requester(stage, admin)
    await _write_survey_start(rita)
    await rita.press("Rating")
    assert "Send the question text" in rita.last_text()

    stage = await restart(stage)
    with connect(database_of(stage)) as db:
        (state,) = db.execute(
            "SELECT state FROM conversation_states WHERE name = 'newsurvey'"
        ).fetchone()
    assert state == "12", "the conversation waits for the question text, on disk"

    rita = Actor(stage, rita.user)
    await rita.send("How strong do you like it?")
    assert "2 so far" in rita.last_text(), "the survey continued where it was"
    await rita.press("Free text")
    await rita.send("Anything else?")
    await rita.press("Done")
    assert "terms" in rita.last_text()
    await rita.send("reward=0.10 n=2 time=5m life=1d auto=2d")
    preview = rita.last_text()
    assert "survey #" in preview and "Coffee habits" in preview
    assert "Favourite roast? — Single choice (Light, Medium, Dark)" in preview
    assert "How strong do you like it? — Rating 1–5" in preview
    assert "Anything else? — Free text" in preview
    assert "$0.10 × 2 workers = <b>$0.20</b>" not in preview  # HTML is rendered, not shown
    assert "$0.20" in preview and "auto-approve after 2d" in preview
    await rita.press("Publish")
    assert "Published survey #" in rita.last_text(), "a survey is not called a poll"
    hit_id = number_after("#", rita.last_text())
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.kind.value == "survey" and hit.status.value == "open"
    questions = await stage.services.market.reading.questions(hit_id)
    assert [q.kind.value for q in questions] == ["single", "rating", "text"]
    errors, violations = list(stage.services.errors), list(stage.sim.violations)
    await stage.close()
    assert errors == [] and violations == []


async def test_survey_bad_steps_are_explained(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newsurvey")
    await rita.send("Pets")
    alert = (
        await rita.press("Done")
        if any("Done" in b[0] for row in rita.last().buttons() for b in row)
        else None
    )
    assert alert is None, "Done is only offered once there is a question"
    await rita.press("Multiple choice")
    await rita.send("Which pets?")
    await rita.send("Cat")
    assert "between 2 and 10 options" in rita.last_text()
    await rita.send("Cat | cat")
    assert "⚠️ Two options are the same" in rita.last_text()
    await rita.send("Cat | Dog | Fish")
    await rita.press("Done")
    await rita.send("n=3")
    assert "reward is missing" in rita.last_text()
    await rita.send("reward=0.10 time=1s")
    assert "Time must be 30s to 24h" in rita.last_text()
    await rita.send("/cancel")
    assert "Survey discarded" in rita.last_text()
    await rita.send("/newsurvey")
    assert "What is its title?" in rita.last_text(), "a new survey starts clean"


async def test_workers_answer_a_survey_and_results_count_it(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    await rita.send("/newsurvey")
    await rita.send("Tea poll")
    await rita.press("Single choice")
    await rita.send("Green or black?")
    await rita.send("Green | Black")
    await rita.press("Rating")
    await rita.send("Rate your tea")
    await rita.press("Done")
    await rita.send("reward=0.05 n=2")
    await rita.press("Publish")
    hit_id = number_after("#", rita.last_text())

    for worker, choice, stars in ((ann, "Green", "4"), (bob, "Green", "5")):
        await worker.press("Accept")
        assert "1/2" in worker.last_text()
        await worker.press(choice)
        assert "2/2" in worker.last_text()
        await worker.press(stars)
        await worker.press("Submit")

    await rita.send(f"/results {hit_id}")
    text = rita.last_text()
    assert "Green or black?" in text and "Green: 2 (100%)" in text and "Black: 0 (0%)" in text
    assert "1★ 0 · 2★ 0 · 3★ 0 · 4★ 1 · 5★ 1 — average 4.5" in text and "2 answers" in text
