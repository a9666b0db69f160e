"""/newpoll alone asks step by step (question, answers, terms), kept across a restart like
/newsurvey; a one-line /newpoll with a mistake is told that mistake and one example."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.requesting import texts as requesting_texts
from tests.auxil.database import connect, database_at, database_of
from tests.auxil.people import funded_requester, workers
from tests.auxil.screens import number_after
from tests.auxil.stages import restart


async def test_a_missing_bar_after_the_question_is_named(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newpoll Best day? Mon | Tue ; reward=0.05")
    said = rita.last_text()
    assert "A | is missing after the question mark: “Best day? | Mon | Tue”" in said, said
    assert "between 2 and 10" not in said, "not a count that reads as wrong (there are two)"
    assert said.count("\n") <= 2, "the mistake and one example, not a wall of syntax"
    assert requesting_texts.POLL_EXAMPLE in said

    await rita.send("/newpoll Best day? | Mon | Tue reward=0.05")
    assert "Put a ; before the terms: “Best day? | Mon | Tue ; reward=0.05”" in rita.last_text()
    await rita.send("/newpoll Best day? | Mon | Tue ; reward=0.05")
    assert "Preview" in rita.last_text() and "Publish" in str(rita.last().buttons())


async def test_newpoll_alone_asks_step_by_step(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    await rita.send("/newpoll")
    assert "What is the question?" in rita.last_text()
    await rita.send("Best day for the team lunch?")
    assert "answers to choose from, separated by |" in rita.last_text()
    await rita.send("Mon")
    assert "Give between 2 and 10 options" in rita.last_text()
    assert "answers to choose from" in rita.last_text(), "asked again"
    await rita.send("Mon | Tue | Wed")
    assert "Best day for the team lunch? · Mon | Tue | Wed" in rita.last_text()
    assert "the terms in one line" in rita.last_text()
    await rita.send("reward=5 cents")
    assert "'cents' should look like name=value" in rita.last_text()
    assert "the terms in one line" in rita.last_text(), "asked again"
    await rita.send("reward=0.05 n=2 time=2m")
    preview = rita.last_text()
    assert "Preview · poll #" in preview and "$0.05 × 2 workers = $0.10" in preview
    for day in ("Mon", "Tue", "Wed"):
        assert f"• {day}" in preview
    await rita.press("Publish")
    assert "Published poll #" in rita.last_text()
    assert "Best day for the team lunch?" in ann.last_text()


async def test_the_question_and_answers_may_come_in_one_message(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newpoll")
    await rita.send("Tea or coffee? | Tea | Coffee")
    assert "the terms in one line" in rita.last_text(), "the answers are not asked again"
    await rita.send("/cancel")
    assert "Poll discarded" in rita.last_text()
    await rita.send("reward=0.05")
    assert "isn't an answer to anything" in rita.last_text(), "the conversation is over"


@pytest.fixture
async def stages(tmp_path: Path, clock: FakeClock) -> AsyncIterator[list[Stage]]:
    """One database file; a restart appends the new run. The last run is closed and checked
    even when a test fails, so a failure never hangs the suite."""
    runs = [await Stage.open(await database_at(tmp_path, "gigbot"), clock=clock)]
    yield runs
    errors, violations = list(runs[-1].services.errors), list(runs[-1].sim.violations)
    await runs[-1].close()
    assert errors == [] and violations == []


async def test_a_poll_being_written_survives_a_restart(stages: list[Stage]) -> None:
    rita = await funded_requester(stages[0], stages[0].admin())
    await rita.send("/newpoll")
    await rita.send("Best day?")
    stages.append(await restart(stages[0]))
    with connect(database_of(stages[-1])) as db:
        (state,) = db.execute(
            "SELECT state FROM conversation_states WHERE name = 'newpoll'"
        ).fetchone()
    assert state == "31", "waiting for the answers, on disk"
    rita = Actor(stages[-1], rita.user)
    await rita.send("Mon | Tue")
    await rita.send("reward=0.05 n=1")
    hit_id = number_after("poll #", rita.last_text())
    hit = await stages[-1].services.market.reading.hit(hit_id)
    assert hit is not None and hit.title == "Best day?" and hit.status.value == "draft"
