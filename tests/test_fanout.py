"""Adaptive fan-out: about 3 x the remaining slots at a time, wider when nobody answers,
nothing once the HIT is full, never the same HIT twice; ranking, exploration and /why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at, set_record, sql
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll
from tests.auxil.screens import got
from tests.auxil.stages import fast_stage

WAIT = 600  # the default GIGBOT_FANOUT_WAIT


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with fast_stage(await database_at(tmp_path, "gigbot"), clock) as opened:
        yield opened


async def _crowd(stage: Stage, count: int) -> list[Actor]:
    """`count` workers; the admin (who funded the requester) does no work here."""
    async with stage.services.db.transaction() as conn:
        await conn.execute("UPDATE users SET is_worker = 0 WHERE first_name = 'Admin'")
    return [await worker(stage, f"W{n}") for n in range(count)]


async def _waves(stage: Stage) -> int:
    queued = await stage.services.matcher.next_waves()
    await stage.settle()
    return queued


async def test_waves_widen_until_the_hit_fills_then_stop(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    crowd = await _crowd(stage, 40)
    hit_id = await published_poll(stage, rita, "Which colour? | Red | Blue ; reward=0.05 n=2")
    pushed = [w for w in crowd if got(w, "Which colour?")]
    assert len(pushed) == 6, "first wave: 3 x 2 slots"

    clock.advance(WAIT - 1)
    assert await _waves(stage) == 0, "still waiting for answers"
    clock.advance(1)
    assert await _waves(stage) == 12, "nobody answered: twice as wide"
    clock.advance(WAIT)
    assert await _waves(stage) == 22, "wider still (24), but only 22 workers are left"
    assert sum(got(w, "Which colour?") for w in crowd) == 40
    assert await _waves(stage) == 0, "everyone has had it once"

    first, second = [w for w in crowd if got(w, "Which colour?")][:2]
    await first.press("Accept")
    await second.press("Accept")
    clock.advance(3 * WAIT)
    assert await _waves(stage) == 0, "the HIT is full"
    rows = await sql(
        stage, "SELECT COUNT(*), COUNT(DISTINCT worker_id) FROM pushes WHERE hit_id = ?", hit_id
    )
    assert rows == [(40, 40)], "one push per worker"
    for w in crowd:
        assert sum("Which colour?" in t and "left" in t for t in w.texts()) <= 1


async def test_fanout_pushes_no_more_than_needed(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    crowd = await _crowd(stage, 30)
    hit_id = await published_poll(
        stage, rita, "Cats or dogs? | Cats | Dogs ; reward=0.05 n=3 time=2h"
    )
    pushed = [w for w in crowd if got(w, "Cats or dogs?")]
    assert len(pushed) == 9
    await pushed[0].press("Accept")
    for w in pushed[1:6]:
        await w.press("Skip")
    # 2 slots left want 6 unanswered pushes in flight; 3 are: top up by 3, at once
    assert await _waves(stage) == 3
    assert await _waves(stage) == 0
    await pushed[6].press("Accept")
    await pushed[7].press("Accept")
    clock.advance(5 * WAIT)
    assert await _waves(stage) == 0, "full: nothing more"
    rows = await sql(
        stage, "SELECT outcome, COUNT(*) FROM pushes WHERE hit_id = ? GROUP BY 1 ORDER BY 1", hit_id
    )
    assert rows == [("accepted", 3), ("sent", 4), ("skipped", 5)]


async def test_best_record_first_and_a_share_for_newcomers(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    crowd = await _crowd(stage, 8)
    for n, w in enumerate(crowd[:6]):  # veterans, W0 best
        await set_record(stage, w, approved=50 - 5 * n, rejected=n, pushes=20, pushes_taken=10)
    await published_poll(stage, rita, "Best first? | Yes | No ; reward=0.05 n=1")
    got_it = [w.name for w in crowd if got(w, "Best first?")]
    assert got_it == ["W0", "W1", "W6"], "two best veterans and the least-pushed newcomer"
    await published_poll(stage, rita, "And again? | Yes | No ; reward=0.05 n=1")
    assert got(crowd[7], "And again?"), "the other newcomer's turn"


async def test_why_explains_a_push(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await _crowd(stage, 2)
    await ann.send("/why")
    assert "haven't been sent any task" in ann.last_text()
    await set_record(stage, bob, approved=30, rejected=1, pushes=10, pushes_taken=8)
    await published_poll(stage, rita, "Why me? | Yes | No ; reward=0.05 n=1")
    card = bob.last()
    await published_poll(stage, rita, "Another one? | Yes | No ; reward=0.07 n=1")
    await bob.send("/why", reply_to=card.message_id)
    text = bob.last_text()
    assert "Why you got “Why me?”" in text and "You take polls" in text
    assert "no special requirements" in text and "best record first" in text
    assert "30 of 31 reviewed tasks approved" in text
    await bob.send("/why")
    assert "Why you got “Another one?”" in bob.last_text(), "no reply: the latest push"


async def test_why_tells_a_newcomer_about_exploration(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await _crowd(stage, 1)
    await published_poll(stage, rita, "New here? | Yes | No ; reward=0.05 n=1")
    await ann.send("/why", reply_to=ann.last().message_id)
    assert "best record first" in ann.last_text() or "New workers get a share" in ann.last_text()


async def test_waves_job_is_scheduled(stage: Stage) -> None:
    jobs = stage.app.job_queue.get_jobs_by_name("waves") if stage.app.job_queue else ()
    assert len(jobs) == 1
