"""Plumbing for the fair-work stories: workers, doing a poll in a set time, star buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot import callbacks as cb
from bot.clock import FakeClock
from bot.sandbox import Limits
from bot.stage import Actor, Stage
from tests.conftest import failing_on_errors


@asynccontextmanager
async def roomy_stage(
    tmp_path: Path, clock: FakeClock, min_hourly: float = 0.0
) -> AsyncIterator[Stage]:
    """As in conftest, with room for long stories sent within a second (Telegram's send
    budgets are not what these stories are about); `min_hourly` turns the pay floor on."""
    roomy = Limits(private_burst=60, global_per_sec=300)
    opened = await Stage.open(
        tmp_path / "gigbot.sqlite3", clock=clock, limits=roomy, min_hourly=min_hourly
    )
    async with failing_on_errors(opened):
        yield opened


async def do_poll(worker: Actor, clock: FakeClock, option: str, seconds: float) -> None:
    """Accept the latest push, answer, and submit `seconds` after accepting."""
    await worker.press("Accept")
    await worker.press(option)
    clock.advance(seconds)
    await worker.press("Submit")
    assert "Submitted" in worker.last_text(), worker.last_text()


async def rate(worker: Actor, dimension: str, stars: int) -> str | None:
    """Tap `stars` in the `dimension` row (p, f, c) of the latest rating message."""
    message = next(m for m in reversed(worker.messages()) if "Rate the requester" in (m.text or ""))
    for row in message.buttons():
        for _text, data, _url in row:
            if data is None or not data.startswith(cb.Rate.prefix + ":"):
                continue
            found = cb.Rate.unpack(data)
            if found.dimension == dimension and found.stars == stars:
                return await worker.tap(message.message_id, data)
    raise AssertionError(f"no {dimension}{stars} button in {message.text!r}")


async def forge(stage: Stage, actor: Actor, data: str) -> str | None:
    """Send callback data the actor was never shown (a replayed or crafted button)."""
    seen = len(stage.sim.alerts(actor.user))
    update = stage.sim.callback(
        actor.user, actor.last().message_id, data, enqueue=False, check_button=False
    )
    await stage.deliver(update)
    alerts = stage.sim.alerts(actor.user)[seen:]
    return str(alerts[-1].get("text") or "") if alerts else None
