"""Many workers tapping Accept at once on a small HIT: never more than max assignments."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at
from tests.auxil.people import funded_requester
from tests.auxil.posting import published_poll
from tests.auxil.stages import fast_stage

WORKERS = 300
SLOTS = 10
ROUNDS = 20


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """Rate limits scaled up: 300 sign-ups in a second are a concurrency test, not a rate one."""
    async with fast_stage(await database_at(tmp_path, "race"), clock) as opened:
        yield opened


async def _slots_taken(stage: Stage, hit_id: int) -> tuple[int, int]:
    """(slots_used on the HIT, assignment rows) — both must equal the slots."""
    hit = await stage.services.market.reading.hit(hit_id)
    async with stage.services.db.reading() as conn:
        rows = await conn.execute_fetchall(
            "SELECT COUNT(*) FROM assignments WHERE hit_id = ?", (hit_id,)
        )
    assert hit is not None
    return hit.slots_used, int(next(iter(rows))[0])


async def test_300_workers_race_for_10_slots(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1_000_00)
    workers = [stage.user(f"W{n}") for n in range(WORKERS)]
    for worker in workers:
        await worker.send("/start")
    rng = random.Random(42)
    for round_no in range(ROUNDS):
        hit_id = await published_poll(
            stage, rita, f"Round {round_no}? | yes | no ; reward=0.01 n={SLOTS}"
        )
        order = workers[:]
        rng.shuffle(order)
        seen = {w.tg_id: len(stage.sim.alerts(w.user)) for w in order}
        # Everyone taps Accept at once: the ones who got the push and, like a catcher
        # script, the ones replaying the button's data from another message.
        taps = [
            stage.sim.callback(
                w.user, w.last().message_id, f"acc:{hit_id}", enqueue=False, check_button=False
            )
            for w in order
        ]
        await stage.deliver_many(taps)

        assert await _slots_taken(stage, hit_id) == (SLOTS, SLOTS)
        told_full, accepted = 0, []
        for w in order:
            answers = stage.sim.alerts(w.user)[seen[w.tg_id] :]
            assert len(answers) == 1, "every tap is answered exactly once"
            text = str(answers[0].get("text"))
            told_full += "full" in text
            if "Accepted" in text:
                accepted.append(w)
        assert told_full == WORKERS - SLOTS and len(accepted) == SLOTS
        for w in accepted:  # they give the HIT back, so they can race again next round
            await w.press("Return")


async def test_a_double_tap_on_accept_takes_one_slot(stage: Stage, admin: Actor) -> None:
    """The same worker's Accept delivered several times at once (a double tap, a retried
    update): one assignment, one slot used, every tap answered. On PostgreSQL the taps'
    statements run side by side and take no transaction: the later ones' assignment
    insert fails on the unique (HIT, worker), which undoes their whole statement, slot
    included, and they are answered as the assignment already theirs."""
    rita = await funded_requester(stage, admin, cents=1_000_00)
    ann = stage.user("Ann")
    await ann.send("/start")
    for round_no in range(5):
        hit_id = await published_poll(
            stage, rita, f"Twice {round_no}? | yes | no ; reward=0.01 n=3"
        )
        before = len(stage.sim.alerts(ann.user))
        taps = [
            stage.sim.callback(
                ann.user, ann.last().message_id, f"acc:{hit_id}", enqueue=False,
                check_button=False,
            )
            for _ in range(4)
        ]  # fmt: skip
        await stage.deliver_many(taps)
        assert await _slots_taken(stage, hit_id) == (1, 1), round_no
        answers = stage.sim.alerts(ann.user)[before:]
        assert len(answers) == 4, "every tap is answered exactly once"
        assert sum("Accepted" in str(a.get("text")) for a in answers) == 1, answers
        await ann.press("Return")
