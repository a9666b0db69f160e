"""Stages: the real bot on the simulated Telegram, opened, restarted and checked at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from bot.clock import FakeClock
from bot.demo.stage import Stage
from bot.runtime.app import build_application, services_of, start_app, stop_app
from bot.sandbox import Limits, SimTelegram
from bot.services import Services
from tests.auxil.database import database_at

# A scripted story sends dozens of messages to one chat within a fraction of a second,
# which no person does; stages for such stories give each chat this much burst (Telegram's
# is about 20). A story near 20 failed on a fast run with a 429 the bot then waited out.
SCRIPTED_BURST = 100


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


@asynccontextmanager
async def roomy_stage(
    tmp_path: Path, clock: FakeClock, min_hourly: float = 0.0
) -> AsyncIterator[Stage]:
    """As `stage`, with room for long stories sent within a second (Telegram's send
    budgets are not what these stories are about); `min_hourly` turns the pay floor on."""
    roomy = Limits(private_burst=SCRIPTED_BURST, global_per_sec=300)
    opened = await Stage.open(
        await database_at(tmp_path), clock=clock, limits=roomy, min_hourly=min_hourly
    )
    async with failing_on_errors(opened):
        yield opened


@asynccontextmanager
async def fast_stage(path: Path | str, clock: FakeClock) -> AsyncIterator[Stage]:
    """A stage with Telegram's limits scaled up, for stories with many messages per chat;
    fails the test on any handler error or Telegram-rule violation, like `stage`."""
    opened = await Stage.open(
        path, clock=clock, limits=Limits(scale=100, private_burst=SCRIPTED_BURST), send_rate=2000
    )
    async with failing_on_errors(opened):
        yield opened


async def open_unlimited_stage(database: Path | str, **options: Any) -> Stage:
    """A stage with Telegram's limits off and a fast send rate, as the benchmarks open it:
    what they measure is gigbot, not Telegram's budgets (`options` as Stage.open takes)."""
    return await Stage.open(database, limits=Limits(enabled=False), send_rate=5000, **options)


async def open_roomy_stage(database: Path | str, clock: FakeClock) -> Stage:
    """A stage whose rate limits run 20x faster: a scripted story taps dozens of buttons in
    one real second, which no thumb does (sizes and every other rule stay as Telegram's)."""
    return await Stage.open(
        database, clock=clock, limits=Limits(scale=20.0, private_burst=SCRIPTED_BURST)
    )


@asynccontextmanager
async def api_stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the MTurk API on a free local port; no handler errors or rule breaks."""
    opened = await Stage.open(
        await database_at(tmp_path, "gigbot"), clock=clock, mturk_listen="127.0.0.1:0"
    )
    async with failing_on_errors(opened):
        yield opened


async def later(stage: Stage, seconds: float) -> None:
    """Let `seconds` of story time pass on the stage's FakeClock, then apply and send what
    fell due meanwhile (Stage.settle)."""
    assert isinstance(stage.clock, FakeClock), "story time moves on a FakeClock"
    stage.clock.advance(seconds)
    await stage.settle()


async def restart(stage: Stage, down_for: float = 0.0) -> Stage:
    """Stop the bot and start a fresh one on the same database and simulated Telegram;
    `down_for` seconds pass on the stage's FakeClock while no bot runs."""
    settings = services_of(stage.app).settings
    assert not stage.services.errors, stage.services.errors
    await stop_app(stage.app)
    if down_for:
        assert isinstance(stage.clock, FakeClock), "only a FakeClock can be moved"
        stage.clock.advance(down_for)
    app = build_application(settings, stage.clock)
    await start_app(app)
    return Stage(stage.sim, app, stage.clock)
