"""A button that asks for text (Reject, Dispute, Message requester), then a restart, then
the text: the bot still knows what the text is for, and says so if that thing was settled
while it was down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import connect, database_at, database_of
from tests.auxil.gestures import approve_next, do_poll
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll
from tests.auxil.stages import restart

DAY = 24 * 3600


async def _submitted(stage: Stage, clock: FakeClock) -> tuple[Actor, Actor, int]:
    """Rita's poll, done by Ann (answer Blue) and waiting for review; (rita, ann, hit id)."""
    rita = await funded_requester(stage, stage.admin(), cents=1_000)
    (ann,) = await workers(stage, "Annabel")
    hit_id = await published_poll(stage, rita, "Which is blue? | Red | Blue ; reward=0.25 n=1")
    await do_poll(ann, clock, "Blue", 40)
    return rita, ann, hit_id


def _on_disk(stage: Stage, name: str) -> list[tuple[object, ...]]:
    """Stored states of the named conversation, read straight from the file."""
    with connect(database_of(stage)) as db:
        return list(
            db.execute("SELECT state FROM conversation_states WHERE name = ?", (name,)).fetchall()
        )


def _status(stage: Stage) -> str:
    with connect(database_of(stage)) as db:
        (status,) = db.execute("SELECT status FROM assignments").fetchone()
    return str(status)


@pytest.fixture
async def stages(tmp_path: Path, clock: FakeClock) -> AsyncIterator[list[Stage]]:
    """The bot on one database file; `_restart` adds each new run. The last run is closed
    (and checked for errors) even when a test fails, so a failure never hangs the suite."""
    runs = [await Stage.open(await database_at(tmp_path, "gigbot"), clock=clock)]
    yield runs
    errors, violations = list(runs[-1].services.errors), list(runs[-1].sim.violations)
    await runs[-1].close()
    assert errors == [] and violations == []


async def _restart(runs: list[Stage], down_for: float = 0.0) -> Stage:
    runs.append(await restart(runs[-1], down_for=down_for))
    await runs[-1].settle()
    return runs[-1]


async def test_reject_reason_typed_after_a_restart(stages: list[Stage], clock: FakeClock) -> None:
    stage = stages[0]
    rita, ann, _ = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")
    assert "Why are you rejecting" in rita.last_text()
    assert _on_disk(stage, "reject") == [("1",)], "waiting for the reason, on disk at once"

    stage = await _restart(stages)
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    await rita.send("Red is not blue")
    assert "with your reason" in rita.last_text(), "the card, edited after the restart"
    assert "Rejected" in ann.last_text() and "Red is not blue" in ann.last_text()
    assert _status(stage) == "rejected"
    assert _on_disk(stage, "reject") == [], "the conversation ended"


async def test_reject_reason_for_work_approved_while_down(
    stages: list[Stage], clock: FakeClock
) -> None:
    stage = stages[0]
    rita, ann, _ = await _submitted(stage, clock)
    clock.advance(3 * DAY - 300)  # auto-approval is due in 5 minutes
    await rita.send("/review")
    card = rita.last().message_id
    await rita.press("Reject")

    stage = await _restart(stages, down_for=600)  # auto-approval fell due while down
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    assert "Approved" in ann.last_text()
    await rita.send("Red is not blue")
    said = rita.stage.sim.message_by_id(rita.tg_id, card).text or ""
    assert "already reviewed" in said and "not sent" in said, "the card says so, where it is"
    assert "Nothing to review" in said
    assert "Red is not blue" not in "".join(ann.texts()), "the worker never reads it"
    assert _status(stage) == "approved"
    await rita.send("hello?")
    assert "isn't an answer to anything" in rita.last_text(), "the conversation is over"


async def test_dispute_message_typed_after_a_restart(stages: list[Stage], clock: FakeClock) -> None:
    stage = stages[0]
    rita, ann, _ = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("Wrong colour")
    await ann.press("Dispute")
    assert "why this work is right" in ann.last_text()
    assert _on_disk(stage, "fairtext") == [("1",)], "waiting for the message, on disk at once"

    stage = await _restart(stages)
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    await ann.send("Blue is the second option and it is blue.")
    assert "Dispute sent" in ann.last_text()
    card = rita.last_text()
    assert "Dispute" in card and "Blue is the second option and it is blue." in card
    assert "Your rejection: Wrong colour" in card


async def test_message_to_requester_typed_after_a_restart(
    stages: list[Stage], clock: FakeClock
) -> None:
    stage = stages[0]
    rita, ann, _ = await _submitted(stage, clock)
    await approve_next(rita)
    await ann.press("Message requester")

    stage = await _restart(stages)
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    await ann.send("Thanks, more of these please")
    assert "Sent" in ann.last_text()
    assert "Thanks, more of these please" in rita.last_text()
    assert "Annabel" not in rita.last_text()


async def test_a_text_long_after_its_button_is_not_taken_as_the_answer(
    stages: list[Stage], clock: FakeClock
) -> None:
    """Tap Reject (or Dispute), go on with other things: a text much later is not the reason."""
    stage = stages[0]
    rita, ann, _ = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")
    clock.advance(16 * 60)
    await rita.send("Lunch at noon?")
    said = rita.last_text()
    assert "over 15m ago" in said and "nothing was rejected" in said, said
    assert _status(stage) == "submitted"
    assert not any("Rejected" in t for t in ann.texts())
    await rita.send("hello?")
    assert "isn't an answer to anything" in rita.last_text(), "the conversation is over"

    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("Red is not blue")  # at once: taken
    assert _status(stage) == "rejected"
    await ann.press("Dispute")
    clock.advance(16 * 60)
    await ann.send("It is blue!")
    assert "over 15m ago" in ann.last_text() and "nothing was sent" in ann.last_text()
    async with stage.services.db.reading() as conn:
        opened = await conn.execute_fetchall("SELECT COUNT(*) FROM disputes")
    assert list(opened)[0][0] == 0
