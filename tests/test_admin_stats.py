"""/stats: the admin sees the marketplace at a glance; nobody else sees anything of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from bot.clock import FakeClock
from bot.stage import Actor, Stage
from tests.conftest import funded_requester, published_poll, roomy_stage, workers

DAY = 86_400


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _story(stage: Stage, admin: Actor) -> tuple[Actor, Actor, Actor]:
    """Rita ($100) polls Ann, Bob and Cat (who blocked the bot); Ann's answer is approved
    and bonused $0.25, Bob's rejected; Rita also leaves a draft. Returns (rita, ann, bob)."""
    rita = await funded_requester(stage, admin)
    ann, bob, cat = await workers(stage, "Ann", "Bob", "Cat")
    stage.sim.block(cat.user)
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=2 time=2m")
    for worker, option in ((ann, "Tea"), (bob, "Coffee")):
        await worker.press("Accept")
        await worker.press(option)
        await worker.press("Submit")
    await rita.send("/review")
    await rita.press("Approve")
    await rita.press("Reject")
    await rita.send("Not what was asked")
    await rita.send("/bonus 1 0.25 Lovely")
    assert "Sent $0.25" in rita.last_text()
    await rita.send("/newpoll Later? | Yes | No ; reward=0.10 n=3")
    assert "Preview" in rita.last_text()
    return rita, ann, bob


async def test_admin_sees_the_marketplace(stage: Stage, admin: Actor) -> None:
    rita, ann, bob = await _story(stage, admin)
    await bob.press("Dispute")
    await bob.send("Coffee was one of the options.")
    assert "Dispute sent" in bob.last_text()

    await admin.send("/stats")
    print(admin.last_text())
    assert False
