"""A draft under the fair-pay floor is no dead end: its preview says what Publish would
decide (the hourly rate against the floor, no Publish), and Change terms fixes it in place:
no new upload, no survey typed again, the same batch or HIT published."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import connect, database_at, database_of
from tests.auxil.gestures import coffee_survey
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import upload
from tests.auxil.screens import number_after
from tests.auxil.stages import restart, roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the product default floor, $8.00 per hour."""
    async with roomy_stage(tmp_path, clock, min_hourly=8.00) as opened:
        yield opened


def _labels(actor: Actor) -> list[str]:
    return [text for row in actor.last().buttons() for text, _, _ in row]


def _hit_count(stage: Stage) -> int:
    with connect(database_of(stage)) as db:
        return int(db.execute("SELECT COUNT(*) FROM hits").fetchone()[0])


async def test_a_batch_under_the_floor_is_fixed_in_place_and_published(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    await rita.send("/newbatch")
    await upload(stage, rita, "items.csv", b"text\nA cat\nA dog\n")
    await rita.send("cat | dog")
    await rita.send("Tag the animal ; reward=0.02 n=2 time=1m")
    preview = rita.last_text()
    batch_id = number_after("batch #", preview)
    assert "$1.20/h for 1m of work (time allotted)" in preview, "the rate Publish checks"
    assert "under the fair-pay floor of $8.00/h, so it can't be published" in preview
    assert "Pay at least $0.14 per assignment" in preview  # 8.00 × 60 / 3600 = 0.1334
    assert _labels(rita) == ["✏️ Change terms", "Cancel"], "no Publish that would be refused"
    old = rita.last().message_id

    await rita.press("Change terms")
    asked = rita.last_text()
    assert f"New terms for batch #{batch_id}" in asked
    assert "Now: reward=0.02 n=2 time=1m life=1d auto=3d" in asked
    assert "e.g. reward=0.14" in asked, "the example is the reward that meets the floor"
    await rita.send("reward=1O")
    assert "'1O' is not an amount like 0.05" in rita.last_text(), "a typo: say what, ask again"
    await rita.send("reward=0.14")
    preview = rita.last_text()
    assert preview.startswith("✏️ Terms changed.") and f"batch #{batch_id}" in preview
    assert "$0.14 × 2 answers × 2 items = $0.56" in preview
    assert "$8.40/h for 1m of work (time allotted): meets the fair-pay floor" in preview
    assert _labels(rita) == ["🚀 Publish", "Cancel", "✏️ Change terms"]
    assert _hit_count(stage) == 2, "the same two items, nothing made again"
    outdated = stage.sim.message_by_id(rita.tg_id, old)
    assert "the new preview is below" in (outdated.text or "") and outdated.buttons() == []

    await rita.press("Publish")
    assert f"Published batch #{batch_id}. $0.56 is held in escrow" in rita.last_text()
    assert "Tag the animal" in ann.last_text() and "$0.14" in ann.last_text()


async def test_a_survey_under_the_floor_takes_an_honest_estimate(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    await coffee_survey(rita, "Light | Dark")
    await rita.send("reward=0.05 n=3 time=2m dispatch=offer")
    first_preview = rita.last().message_id
    preview = rita.last_text()
    hit_id = number_after("survey #", preview)
    assert "under the fair-pay floor" in preview and "est=22s" in preview
    assert "Timed offers" in preview

    await rita.press("Change terms")
    assert "Now: reward=0.05 n=3 time=2m life=1d auto=3d" in rita.last_text()
    await rita.send("est=20s")  # it really takes 20 s: $9.00/h
    preview = rita.last_text()
    assert "$9.00/h for 20s of work (est): meets the fair-pay floor" in preview, preview
    assert "Favourite roast? — Single choice (Light, Dark)" in preview, "the questions stay"
    assert "Timed offers" in preview, "and so does how it reaches workers"
    await rita.press("Publish")
    assert f"Published survey #{hit_id}" in rita.last_text()

    outdated = stage.sim.message_by_id(rita.tg_id, first_preview)
    assert "the new preview is below" in (outdated.text or "") and outdated.buttons() == []
    late = stage.sim.callback(  # a Change terms tapped from a stale client
        rita.user, first_preview, f"etm:h:{hit_id}", enqueue=False, check_button=False
    )
    await stage.deliver(late)
    alert = stage.sim.alerts(rita.user)[-1]
    assert "already published" in str(alert["text"]) and alert["show_alert"], alert


@pytest.fixture
async def stages(tmp_path: Path, clock: FakeClock) -> AsyncIterator[list[Stage]]:
    """The bot (floor $8.00/h) on one database file; a restart appends the new run. The last
    run is closed and checked even when a test fails, so a failure never hangs the suite."""
    runs = [await Stage.open(await database_at(tmp_path, "gigbot"), clock=clock, min_hourly=8.00)]
    yield runs
    errors, violations = list(runs[-1].services.errors), list(runs[-1].sim.violations)
    await runs[-1].close()
    assert errors == [] and violations == []


async def test_change_terms_is_left_with_cancel_or_a_command_and_survives_a_restart(
    stages: list[Stage],
) -> None:
    stage = stages[0]
    rita = await funded_requester(stage, stage.admin())
    await rita.send("/newpoll Tea? | Yes | No ; reward=0.05 n=2 time=2m")
    await rita.press("Change terms")
    await rita.send("/cancel")
    assert "Terms unchanged." in rita.texts()[-2]
    assert "Preview" in rita.last_text() and "Change terms" in str(rita.last().buttons())

    await rita.press("Change terms")
    await rita.send("/balance")
    assert "Terms unchanged: you sent a command" in rita.texts()[-2]
    await rita.send("reward=0.30")
    assert "isn't an answer to anything" in rita.last_text(), "a later text is not the terms"

    await rita.press("Change terms")
    stages.append(await restart(stage))
    rita = Actor(stages[-1], rita.user)
    await rita.send("reward=0.30")
    assert "Terms changed" in rita.last_text() and "$0.30 × 2 workers = $0.60" in rita.last_text()
    await rita.press("Publish")
    assert "Published poll #" in rita.last_text()
