"""CreateHIT answers before the HIT's first wave of pushes goes out (as MTurk answers before
any worker sees a HIT); HITs created at the same moment share one pass of first waves (a
burst of CreateHITs, within the waves' quiet window, too), each wave what it would have been
alone; a bot that dies in between still pushes the HIT after restarting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import Limits
from tests.auxil.database import database_at
from tests.auxil.mturk import (
    call,
    client,
    hit_params,
    new_api_key,
    requester_with_api_key,
    sky_colour_hit,
)
from tests.auxil.people import funded_requester, user_of, workers
from tests.auxil.stages import SCRIPTED_BURST, api_stage, failing_on_errors, restart

HIT = sky_colour_hit()


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with api_stage(tmp_path, clock) as opened:
        yield opened


def pushed(worker: Actor) -> bool:
    return any("Sky colour" in text for text in worker.texts())


async def test_first_wave_follows_the_answer(stage: Stage, admin: Actor) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")

    created = await call(stage, mturk, "create_hit", **HIT)

    assert created["HIT"]["HITStatus"] == "Assignable"
    assert pushed(ann), "the first wave went out right after the answer"
    records = await stage.services.matcher.pushes(int(created["HIT"]["HITId"][3:]))
    assert [(r.wave, r.reason) for r in records] == [(1, "ranked")]


async def test_hits_created_together_each_reach_the_workers_they_would_alone_none_twice(
    stage: Stage, admin: Actor
) -> None:
    """Two CreateHITs whose first waves are sent in one pass (one transaction, one trip to
    the database): each HIT's wave is its own, as if it had been created alone (a wave of
    3 x its one free slot reaches all three workers), and nobody gets a HIT twice."""
    rita, mturk = await requester_with_api_key(stage, admin)
    crowd = await workers(stage, "Ann", "Ben", "Cat")
    first_waves = stage.services.first_waves
    await first_waves.stop()  # both answers go out before either wave: one pass sends both
    together = [
        await call(stage, mturk, "create_hit", **hit_params(title, MaxAssignments=1))
        for title in ("Sky A", "Sky B")
    ]
    assert not any("Sky" in text for worker in crowd for text in worker.texts())

    first_waves.start()
    await first_waves.settle()
    await stage.settle()

    everyone = sorted([(await user_of(stage, worker)).id for worker in crowd])
    for created in together:
        records = await stage.services.matcher.pushes(int(created["HIT"]["HITId"][3:]))
        assert sorted(r.worker_id for r in records) == everyone
        assert {r.wave for r in records} == {1}
    for worker in crowd:
        texts = worker.texts()
        assert [sum(title in text for text in texts) for title in ("Sky A", "Sky B")] == [1, 1]
    assert await stage.services.matcher.next_waves() == 0, "nobody is pushed a HIT twice"


async def test_a_hit_made_by_api_gets_its_card_in_linked_channels(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin, cents=1_000)
    news = stage.sim.add_chat("Gig News", type="channel", username="gignews")
    stage.sim.set_member(news, rita.user, "creator")
    await rita.send("/linkchannel @gignews")
    mturk = client(stage, *await new_api_key(rita))

    created = await call(stage, mturk, "create_hit", **HIT)

    (card,) = stage.sim.bot_messages(news)
    assert "Sky colour" in (card.text or "") and "2 of 2 left" in (card.text or "")
    hit_id = int(created["HIT"]["HITId"][3:])
    assert card.buttons()[0][0][2] == f"https://t.me/gigbot_test_bot?start=hit_{hit_id}"


async def test_a_hit_whose_first_wave_died_with_the_bot_is_pushed_after_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    stage = await Stage.open(
        await database_at(tmp_path, "gigbot"), clock=clock, mturk_listen="127.0.0.1:0"
    )
    rita, mturk = await requester_with_api_key(stage, stage.admin())
    (ann,) = await workers(stage, "Ann")
    # The process dies between answering CreateHIT and sending the first wave: the waves
    # it was about to send were only in its memory.
    await stage.services.first_waves.stop()

    created = await call(stage, mturk, "create_hit", **HIT)
    hit_id = int(created["HIT"]["HITId"][3:])

    assert not pushed(ann), "the wave was to follow the answer, and the bot died first"
    stage = await restart(stage)
    try:
        ann = Actor(stage, ann.user)
        assert not pushed(ann)
        assert stage.app.job_queue is not None
        assert stage.app.job_queue.get_jobs_by_name("waves"), "the periodic wave job runs"
        assert await stage.services.matcher.next_waves() == 1  # what that job does
        await stage.settle()
        assert pushed(ann), "the open HIT that never had a wave got its first one"
        await ann.press("Accept")
        assert "Look outside first." in ann.last_text()
        assert await stage.services.matcher.next_waves() == 0, "never pushed twice"
        balances = await stage.services.accounts.balances()
        assert balances[f"escrow:{hit_id}"] == 10, "escrowed once, when it was created"
        assert stage.services.errors == [] and stage.sim.violations == []
    finally:
        await stage.close()


CROWD = ("Ann", "Ben", "Cat", "Dan", "Eve")
BURST = ("Sky A", "Sky B", "Sky C")


async def first_pushes(stage: Stage, *, burst: bool) -> list[list[tuple[str, int, str]]]:
    """Five workers, then three one-slot HITs (a wave of 3 of the 5 each) created one by one
    (each answered and its wave sent before the next) or in a burst whose waves wait for the
    window to close; each HIT's pushes as (worker, wave, reason)."""
    rita, mturk = await requester_with_api_key(stage, stage.admin())
    crowd = await workers(stage, *CROWD)
    names = {
        (await user_of(stage, worker)).id: name for worker, name in zip(crowd, CROWD, strict=True)
    }
    first_waves = stage.services.first_waves
    if burst:  # the window never closes by itself here: settle() sends what waits
        first_waves.quiet_s = first_waves.most_s = 3600.0
    passes = first_waves.passes
    made: list[Any] = []
    for title in BURST:
        params = hit_params(title, MaxAssignments=1)
        if burst:
            made.append(await asyncio.to_thread(mturk.create_hit, **params))
        else:
            made.append(await call(stage, mturk, "create_hit", **params))
    if burst:
        assert first_waves.passes == passes
        assert not any("Sky" in text for worker in crowd for text in worker.texts())
        await stage.settle()
    assert first_waves.passes == passes + (1 if burst else len(BURST))
    found = []
    for created in made:
        records = await stage.services.matcher.pushes(int(created["HIT"]["HITId"][3:]))
        found.append(sorted((names[r.worker_id], r.wave, r.reason) for r in records))
    assert await stage.services.matcher.next_waves() == 0, "nobody is pushed a HIT twice"
    return found


async def test_a_burst_of_createhits_shares_one_pass_of_the_waves_each_would_get_alone(
    tmp_path: Path, clock: FakeClock
) -> None:
    """CreateHITs that come quicker than the waves' quiet window get their first waves in one
    pass (one transaction), and each HIT reaches exactly the workers, in the wave, that it
    reaches when created alone with its wave sent before the next request."""
    roomy = Limits(private_burst=SCRIPTED_BURST, global_per_sec=300)  # 15 pushes at once
    alone = await Stage.open(
        await database_at(tmp_path, "alone"), clock=clock, limits=roomy, mturk_listen="127.0.0.1:0"
    )
    async with failing_on_errors(alone):
        one_by_one = await first_pushes(alone, burst=False)
    together = await Stage.open(
        await database_at(tmp_path, "together"),
        clock=clock,
        limits=roomy,
        mturk_listen="127.0.0.1:0",
    )
    async with failing_on_errors(together):
        in_a_burst = await first_pushes(together, burst=True)

    assert all(len(pushes) == 3 for pushes in one_by_one), one_by_one
    assert len({name for pushes in one_by_one for name, _, _ in pushes}) > 3, "ranks moved"
    assert in_a_burst == one_by_one


async def test_a_lone_createhit_gets_its_wave_when_the_window_closes(
    stage: Stage, admin: Actor
) -> None:
    """Nobody settles here: the window's own timer sends the wave once no other CreateHIT
    came for quiet_s (0 here, so the next turns of the loop)."""
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    first_waves = stage.services.first_waves
    first_waves.quiet_s = 0.0
    passes = first_waves.passes

    await asyncio.to_thread(mturk.create_hit, **HIT)

    await stage.sim.until(lambda: pushed(ann), what="the first wave's push")
    assert first_waves.passes == passes + 1
