"""Plumbing for the fair-work stories: doing a poll in a set time, star buttons, forged taps."""

from __future__ import annotations

from bot import callbacks as cb
from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage


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
