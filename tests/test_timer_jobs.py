"""The JobQueue side of durable time, in accelerated real time (a ScaledClock).

These are the only tests that let python-telegram-bot's JobQueue fire on its own: a
stalled event loop must run overdue jobs late, never drop them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ScaledClock
from bot.demo.stage import Actor, Stage
from bot.domain import AssignmentStatus
from tests.auxil.database import database_at
from tests.auxil.mturk import call, requester_with_api_key, sky_colour_hit
from tests.auxil.people import funded_requester
from tests.auxil.posting import accepted_poll, published_batch
from tests.auxil.stages import failing_on_errors

SPEED = 100.0  # a 30 s assignment lasts 0.3 s


@pytest.fixture
async def scaled_stage(tmp_path: Path) -> AsyncIterator[Stage]:
    opened = await Stage.open(await database_at(tmp_path, "jobs"), clock=ScaledClock(SPEED))
    async with failing_on_errors(opened):
        yield opened


async def _abandoned(stage: Stage, worker: Actor, assignment_id: int, within_real_s: float) -> bool:
    """Wait (without applying anything ourselves) until the worker is told the time is up,
    which the bot does once the scheduler abandoned it; whether it is abandoned."""
    await stage.sim.until(
        lambda: any("Time's up" in text for text in worker.texts()),
        within_real_s,
        what=f"{worker.name} to be told the time is up",
    )
    view = await stage.services.market.reading.work_view(assignment_id)
    assert view is not None
    return view.assignment.status is AssignmentStatus.ABANDONED


async def test_jobs_are_named_by_domain_key(scaled_stage: Stage) -> None:
    stage = scaled_stage
    rita, ann, hit_id = await accepted_poll(
        stage, stage.admin(), "Pick one | X | Y ; reward=0.05 n=1 time=30m life=1h"
    )
    names = {job.name for job in stage.app.job_queue.jobs()} if stage.app.job_queue else set()
    assert {"deadline:1", "remind:1:0", f"expire:{hit_id}"} <= names


async def test_a_stalled_loop_runs_overdue_jobs_late_instead_of_dropping_them(
    scaled_stage: Stage,
) -> None:
    stage = scaled_stage
    rita, ann, _ = await accepted_poll(
        stage, stage.admin(), "Pick one | X | Y ; reward=0.05 n=1 time=30s"
    )
    assert stage.app.job_queue is not None
    assert stage.app.job_queue.get_jobs_by_name("deadline:1"), "the deadline is scheduled"

    time.sleep(1.5)  # the event loop is stuck past every due time (APScheduler's grace: 1 s)

    assert await _abandoned(stage, ann, 1, within_real_s=5.0), "the overdue deadline job ran"
    await stage.services.broadcaster.flush()
    assert "Time's up" in ann.last_text()
    assert not any("left to finish" in text for text in ann.texts()), "deadline already past"


async def test_a_hit_made_by_api_gets_its_expiry_job(tmp_path: Path) -> None:
    stage = await Stage.open(
        await database_at(tmp_path, "api"), clock=ScaledClock(SPEED), mturk_listen="127.0.0.1:0"
    )
    async with failing_on_errors(stage):
        rita, mturk = await requester_with_api_key(stage, stage.admin())
        # an hour's life: within the loaded horizon, so scheduled at once
        hit = {**sky_colour_hit(), "LifetimeInSeconds": 3_600}
        created = await call(stage, mturk, "create_hit", **hit)
        hit_id = int(created["HIT"]["HITId"][3:])
        assert stage.app.job_queue is not None
        names = {job.name for job in stage.app.job_queue.jobs()}
        assert f"expire:{hit_id}" in names, "CreateHIT schedules the expiry at once"


async def test_a_published_batch_gets_its_expiry_job(scaled_stage: Stage) -> None:
    stage = scaled_stage
    rita = await funded_requester(stage, stage.admin(), cents=1_000)
    terms = "Which animal? ; reward=0.02 n=1 time=2m life=1h"
    await published_batch(stage, rita, b"text\nA cat\nA dog\n", "cat | dog", terms)
    assert stage.app.job_queue is not None
    names = {job.name for job in stage.app.job_queue.jobs()}
    # one job for the batch: its HITs (1 and 2) expire together, in one pass
    assert "expire:1" in names, "the batch's expiry is scheduled when it opens"


async def test_the_last_reminder_comes_before_the_deadline(scaled_stage: Stage) -> None:
    """The second reminder is planned when the first goes out, not at the next load of
    the horizon (a minute of real time later, after a short task's deadline)."""
    stage = scaled_stage
    rita, ann, _ = await accepted_poll(
        stage, stage.admin(), "Pick one | X | Y ; reward=0.05 n=1 time=2m"
    )  # reminders at 1m and 1m 36s: 0.6 s and 0.96 s of real time; the deadline at 1.2 s
    assert await _abandoned(stage, ann, 1, within_real_s=5.0)
    await stage.services.broadcaster.flush()
    reminders = [t for t in ann.texts() if "the time ran out and it went back" in t]
    assert len(reminders) == 2, ann.texts()  # each edited once the time ran out
