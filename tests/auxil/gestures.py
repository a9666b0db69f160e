"""Gestures beyond Actor's own: a poll answered at once or in a set time, a one-question
survey written, a batch item tagged from its link, star buttons, and taps on buttons never
shown."""

from __future__ import annotations

from bot import callbacks as cb
from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.screens import labels


async def answer_poll(worker: Actor, option: str) -> None:
    """Accept the latest push, tap `option` and submit, at once."""
    await worker.press("Accept")
    await worker.press(option)
    await worker.press("Submit")


async def approve_next(requester: Actor) -> None:
    """Open /review and approve the submission it shows (the oldest waiting)."""
    await requester.send("/review")
    await requester.press("Approve")


async def do_poll(worker: Actor, clock: FakeClock, option: str, seconds: float) -> None:
    """Accept the latest push, answer, and submit `seconds` after accepting."""
    await worker.press("Accept")
    await worker.press(option)
    clock.advance(seconds)
    await worker.press("Submit")
    assert "Submitted" in worker.last_text(), worker.last_text()


async def coffee_survey(requester: Actor, choices: str) -> None:
    """/newsurvey "Coffee habits" with one single-choice question, "Favourite roast?", of
    `choices` ("Light | Dark"), up to where it asks for the terms."""
    await requester.send("/newsurvey")
    await requester.send("Coffee habits")
    await requester.press("Single choice")
    await requester.send("Favourite roast?")
    await requester.send(choices)
    await requester.press("Done")


async def tag_item(worker: Actor, hit_id: int, *chosen: str) -> None:
    """Open one item of a batch by its link and hand it in with one label (a tap) or
    several (➕ Several labels, then Submit). The batch's next item then takes its place,
    in progress: its link shows it again (a Return would give it up for good)."""
    await worker.send(f"/start hit_{hit_id}")
    if "✅ Accept" in labels(worker):  # its card (else: already theirs, shown again)
        await worker.press("Accept")
    task = worker.last().message_id
    if len(chosen) > 1:
        await worker.press("Several labels", task)
        for label in chosen:
            await worker.press(label, task)
        await worker.press("Done", task)
        await worker.press("Submit", task)
    else:
        await worker.press(chosen[0], task)
    alert = worker.stage.sim.alerts(worker.user)[-1].get("text") or ""
    shown = worker.stage.sim.message_by_id(worker.tg_id, task).text or ""
    assert "pending review" in str(alert) or "Submitted" in shown, (alert, shown)


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


async def forge(stage: Stage, actor: Actor, data: str, message_id: int | None = None) -> str | None:
    """Send callback data the message (the actor's latest unless given) does not show: a
    replayed, stale or crafted button. The alert it got, if any."""
    seen = len(stage.sim.alerts(actor.user))
    at = actor.last().message_id if message_id is None else message_id
    update = stage.sim.callback(actor.user, at, data, enqueue=False, check_button=False)
    await stage.deliver(update)
    alerts = stage.sim.alerts(actor.user)[seen:]
    return str(alerts[-1].get("text") or "") if alerts else None
