"""Many workers tapping Accept at once on a small HIT: never more than max assignments."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.matching import FanOut
from bot.sandbox import Limits
from bot.stage import Actor, Stage
from tests.conftest import funded_requester, published_poll

WORKERS = 300
SLOTS = 10
ROUNDS = 20


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """Telegram's limits scaled up so 300 pushes a round take a fraction of a second."""
    opened = await Stage.open(
        tmp_path / "race.sqlite3", clock=clock, limits=Limits(scale=100), send_rate=2000
    )
    # every worker gets the push, so all 300 can race (matching would send 3 x 10)
    opened.services.market.fanout = FanOut(factor=WORKERS / SLOTS, max_wave=WORKERS)
    try:
        yield opened
    finally:
        errors, violations = list(opened.services.errors), list(opened.sim.violations)
        await opened.close()
    assert errors == [] and violations == []


async def test_300_workers_race_for_10_slots(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1_000_00)
    workers = [stage.user(f"W{n}") for n in range(WORKERS)]
    for worker in workers:
        await stage.services.market.register(worker.tg_id, worker.name)
    rng = random.Random(42)
    for round_no in range(ROUNDS):
        hit_id = await published_poll(
            stage, rita, f"Round {round_no}? | yes | no ; reward=0.01 n={SLOTS}"
        )
        pushes = {w.tg_id: w.messages()[-1].message_id for w in workers}
        order = workers[:]
        rng.shuffle(order)
        seen = {w.tg_id: len(stage.sim.alerts(w.user)) for w in order}
        updates = [
            stage.sim.callback(w.user, pushes[w.tg_id], f"acc:{hit_id}", enqueue=False)
            for w in order
        ]
        await stage.deliver_many(updates)

        hit = await stage.services.market.hit(hit_id)
        assert hit is not None and hit.slots_used == SLOTS
        async with stage.services.db.reading() as conn:
            async with conn.execute(
                "SELECT COUNT(*) FROM assignments WHERE hit_id = ?", (hit_id,)
            ) as cur:
                row = await cur.fetchone()
        assert row is not None and row[0] == SLOTS
        told_full = 0
        for w in order:
            answers = stage.sim.alerts(w.user)[seen[w.tg_id] :]
            assert len(answers) == 1, "every tap is answered exactly once"
            told_full += "full" in str(answers[0].get("text"))
        assert told_full == WORKERS - SLOTS
        # free the workers for the next round
        async with stage.services.db.transaction() as conn:
            await conn.execute(
                "UPDATE assignments SET status = 'returned' WHERE hit_id = ?", (hit_id,)
            )
