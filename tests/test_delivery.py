"""Delivery: filled pushes edited once, 403 and unblocking, priorities, 429 on one chat."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import Priority
from bot.sandbox import Limits
from storage import outbox
from tests.auxil.database import database_at
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll


async def _active(stage: Stage, worker: Actor) -> bool:
    user = await stage.services.market.people.user(worker.tg_id)
    assert user is not None
    return user.active


async def test_pushes_of_a_filled_hit_are_edited_once(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cy = await workers(stage, "Ann", "Bob", "Cy")
    await published_poll(stage, rita, "Tea or coffee? | tea | coffee ; reward=0.05 n=2")
    bob_push, cy_push = bob.last(), cy.last()

    await ann.press("Accept")
    assert "Tea or coffee?" in bob_push.text and bob_push.edits == 0, "one slot is still open"
    await bob.press("Accept")
    assert "Filled — see /next" in (cy_push.text or "") and cy_push.buttons() == []
    assert "1/1" in bob.last_text(), "the accepter's push became the task, not 'filled'"
    assert cy_push.edits == 1
    await ann.press("tea")
    await ann.press("Submit")
    assert cy_push.edits == 1, "one edit per push, however many taps follow"
    edits_to_cy = [
        c
        for c in stage.sim.calls_to("editMessageText")
        if (c.params["chat_id"], c.params["message_id"]) == (cy.tg_id, cy_push.message_id)
    ]
    assert len(edits_to_cy) == 1


async def test_blocked_worker_goes_inactive_and_comes_back(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    stage.sim.block(bob.user)
    await published_poll(stage, rita, "One? | a | b ; reward=0.05 n=5")
    assert not await _active(stage, bob) and await _active(stage, ann)
    refused = [c for c in stage.sim.calls_to("sendMessage") if c.error_code == 403]
    assert [c.params["chat_id"] for c in refused] == [bob.tg_id]

    def tries() -> int:
        return sum(c.params["chat_id"] == bob.tg_id for c in stage.sim.calls_to("sendMessage"))

    before = tries()
    await published_poll(stage, rita, "Two? | a | b ; reward=0.05 n=5")
    assert tries() == before, "no more pushes to a worker who blocked the bot"
    assert "Two?" in ann.last_text()

    stage.sim.unblock(bob.user)
    await stage.deliver(stage.sim.my_chat_member(bob.user, "kicked", "member", enqueue=False))
    assert await _active(stage, bob)
    await published_poll(stage, rita, "Three? | a | b ; reward=0.05 n=5")
    assert "Three?" in bob.last_text()


async def test_more_urgent_messages_go_first(stage: Stage, admin: Actor) -> None:
    (ann,) = await workers(stage, "Ann")
    now = stage.clock.now()
    async with stage.services.db.transaction() as conn:
        for n, priority in enumerate([Priority.PUSH, Priority.NOTIFICATION, Priority.REMINDER]):
            await outbox.enqueue(
                conn, f"t:{n}", ann.tg_id, "funded", priority, {"amount_cents": n + 1}, now
            )
    await stage.settle()
    assert [t.split()[1] for t in ann.texts()[-3:]] == ["$0.03", "$0.02", "$0.01"]


@pytest.fixture
async def quick_stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """Limits x10; the test itself checks which violations happened."""
    opened = await Stage.open(
        await database_at(tmp_path, "storm"), clock=clock, limits=Limits(scale=10)
    )
    try:
        yield opened
    finally:
        errors = list(opened.services.errors)
        await opened.close()
    assert errors == []


async def test_429_storm_on_one_chat_does_not_slow_the_others(quick_stage: Stage) -> None:
    stage = quick_stage
    stormy, *others = await workers(stage, *(f"W{n}" for n in range(31)))
    stage.sim.reset_records()
    now = stage.clock.now()
    async with stage.services.db.transaction() as conn:
        for n in range(8):
            for worker in (stormy, *others):
                key = f"note:{worker.tg_id}:{n}"
                await outbox.enqueue(
                    conn, key, worker.tg_id, "funded", Priority.PUSH, {"amount_cents": n + 1}, now
                )

    def delivered() -> Counter[int]:
        sends = stage.sim.calls_to("sendMessage")
        return Counter(int(c.params["chat_id"]) for c in sends if c.ok)

    # The stormy chat stays in Telegram's flood wait until the others are served: every
    # send there is refused with retry_after, the others' budgets are untouched.
    stage.sim.flood(stormy.user)
    flushing = asyncio.create_task(stage.settle())
    await stage.sim.until(
        lambda: all(delivered()[w.tg_id] == 8 for w in others), 60, what="the others served"
    )
    others_done = time.monotonic()
    stage.sim.flood(stormy.user, False)
    await flushing

    refused = [c for c in stage.sim.calls if c.error_code == 429]
    assert refused and {c.params["chat_id"] for c in refused} == {stormy.tg_id}
    sends = stage.sim.calls_to("sendMessage")
    first_ok = min(c.at for c in sends if c.ok and c.params["chat_id"] == stormy.tg_id)
    assert first_ok >= others_done, "the others were all served while the stormy chat waited"
    assert delivered()[stormy.tg_id] == 8, "nothing lost: the stormy chat gets all once it clears"
    gaps = [b.at - a.at for a, b in itertools.pairwise(refused)]
    assert all(gap >= 1.0 for gap in gaps), "after a 429 the chat waits retry_after (1 s)"
