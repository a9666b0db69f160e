"""Fixtures: a running simulated Telegram and the real bot on a temporary database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import Limits, SimTelegram
from bot.services import Services

# PTB 22 warns (an error here) when it builds a RetryAfter unless timedelta mode is chosen.
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Running(Protocol):
    """A bot on a simulated Telegram that can be closed (a Stage, a Sandbox)."""

    @property
    def services(self) -> Services: ...

    @property
    def sim(self) -> SimTelegram: ...

    async def close(self) -> None: ...


@asynccontextmanager
async def failing_on_errors(opened: Running) -> AsyncIterator[None]:
    """Close `opened` after the block, then fail on any handler error or Telegram-rule violation
    it saw (the check every stage in these tests ends with)."""
    try:
        yield
    finally:
        errors = list(opened.services.errors)
        violations = list(opened.sim.violations)
        await opened.close()
    assert errors == [], f"handler errors: {errors}"
    assert violations == [], f"Telegram rules broken: {violations}"


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot under test; fails the test on any handler error or Telegram-rule violation."""
    opened = await Stage.open(tmp_path / "gigbot.sqlite3", clock=clock)
    async with failing_on_errors(opened):
        yield opened


@pytest.fixture
def admin(stage: Stage) -> Actor:
    return stage.admin()


# A scripted story sends dozens of messages to one chat within a fraction of a second,
# which no person does; stages for such stories give each chat this much burst (Telegram's
# is about 20). A story near 20 failed on a fast run with a 429 the bot then waited out.
SCRIPTED_BURST = 100


@asynccontextmanager
async def roomy_stage(
    tmp_path: Path, clock: FakeClock, min_hourly: float = 0.0
) -> AsyncIterator[Stage]:
    """As `stage`, with room for long stories sent within a second (Telegram's send
    budgets are not what these stories are about); `min_hourly` turns the pay floor on."""
    roomy = Limits(private_burst=SCRIPTED_BURST, global_per_sec=300)
    opened = await Stage.open(
        tmp_path / "gigbot.sqlite3", clock=clock, limits=roomy, min_hourly=min_hourly
    )
    async with failing_on_errors(opened):
        yield opened


async def funded_requester(
    stage: Stage, admin: Actor, name: str = "Rita", cents: int = 10_000
) -> Actor:
    """A requester who has started the bot and been funded by the admin."""
    requester = stage.user(name)
    await requester.send("/start")
    await admin.send(f"/fund {requester.tg_id} {cents // 100}.{cents % 100:02d}")
    return requester


async def worker(stage: Stage, name: str) -> Actor:
    """A worker who has sent /start, tapped "I want to work" and skipped the rest of the
    setup (its defaults: every kind of task, any reward, no quiet hours): pushes reach them."""
    actor = stage.user(name)
    await actor.send("/start")
    await set_up(actor)
    return actor


async def set_up(actor: Actor) -> None:
    """Finish the worker setup from the welcome, taking its defaults, as a person would."""
    await actor.press("I want to work")
    await actor.press("Skip, use defaults")


async def workers(stage: Stage, *names: str) -> list[Actor]:
    """Workers set up as `worker` does, in the order named."""
    return [await worker(stage, name) for name in names]


async def published_poll(stage: Stage, requester: Actor, args: str) -> int:
    """Post and publish a poll; return its HIT id."""
    await requester.send(f"/newpoll {args}")
    before = sum("Published poll #" in text for text in requester.texts())
    await requester.press("Publish")
    # Notices due at the same moment (another HIT's expiry) may arrive after the confirmation.
    done = [text for text in requester.texts() if "Published poll #" in text]
    assert len(done) == before + 1, requester.last_text()
    return int(done[-1].split("Published poll #")[1].split(".")[0])


async def accepted_poll(stage: Stage, admin: Actor, args: str) -> tuple[Actor, Actor, int]:
    """Rita (funded) publishes a poll and Ann, who has sent /start, accepts it;
    return (Rita, Ann, the HIT id)."""
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    hit_id = await published_poll(stage, rita, args)
    await ann.press("Accept")
    return rita, ann, hit_id
