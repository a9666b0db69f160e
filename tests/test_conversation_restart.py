"""A button that asks for text (Reject, Dispute, Message requester), then a restart, then
the text: the bot still knows what the text is for, and says so if that thing was settled
while it was down."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.clock import FakeClock
from bot.stage import Actor, Stage
from tests.conftest import funded_requester, published_poll, workers
from tests.fair_helpers import do_poll
from tests.requester_helpers import database_of, restart

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
    with sqlite3.connect(database_of(stage)) as db:
        return list(
            db.execute("SELECT state FROM conversation_states WHERE name = ?", (name,)).fetchall()
        )


def _status(stage: Stage) -> str:
    with sqlite3.connect(database_of(stage)) as db:
        (status,) = db.execute("SELECT status FROM assignments").fetchone()
    return str(status)


async def _close(stage: Stage) -> None:
    errors, violations = list(stage.services.errors), list(stage.sim.violations)
    await stage.close()
    assert errors == [] and violations == []


async def test_reject_reason_typed_after_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(tmp_path / "gigbot.sqlite3", clock=clock)
    rita, ann, _ = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")
    assert "Why are you rejecting" in rita.last_text()
    assert _on_disk(stage, "reject") == [("1",)], "waiting for the reason, on disk at once"

    stage = await restart(stage)
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    await stage.settle()
    await rita.send("Red is not blue")
    assert "Rejected with your reason" in rita.texts()[-2]
    assert "Rejected" in ann.last_text() and "Red is not blue" in ann.last_text()
    assert _status(stage) == "rejected"
    assert _on_disk(stage, "reject") == [], "the conversation ended"
    await _close(stage)


async def test_reject_reason_for_work_approved_while_down(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(tmp_path / "gigbot.sqlite3", clock=clock)
    rita, ann, _ = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")

    stage = await restart(stage, down_for=4 * DAY)  # auto-approval fell due while down
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    await stage.settle()
    assert "Approved" in ann.last_text()
    await rita.send("Red is not blue")
    said = rita.texts()[-2]
    assert "already reviewed" in said and "not sent" in said, said
    assert "Nothing to review" in rita.last_text()
    assert "Red is not blue" not in "".join(ann.texts()), "the worker never reads it"
    assert _status(stage) == "approved"
    before = len(rita.messages())
    await rita.send("hello?")
    assert len(rita.messages()) == before, "the conversation is over"
    await _close(stage)


async def test_dispute_message_typed_after_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(tmp_path / "gigbot.sqlite3", clock=clock)
    rita, ann, _ = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("Wrong colour")
    await ann.press("Dispute")
    assert "why this work is right" in ann.last_text()
    assert _on_disk(stage, "fairtext") == [("1",)], "waiting for the message, on disk at once"

    stage = await restart(stage)
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    await stage.settle()
    await ann.send("Blue is the second option and it is blue.")
    assert "Dispute sent" in ann.last_text()
    card = rita.last_text()
    assert "Dispute" in card and "Blue is the second option and it is blue." in card
    assert "Your rejection: Wrong colour" in card
    await _close(stage)


async def test_message_to_requester_typed_after_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(tmp_path / "gigbot.sqlite3", clock=clock)
    rita, ann, _ = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Approve")
    await ann.press("Message requester")

    stage = await restart(stage)
    rita, ann = Actor(stage, rita.user), Actor(stage, ann.user)
    await stage.settle()
    await ann.send("Thanks, more of these please")
    assert "Sent" in ann.last_text()
    assert "Thanks, more of these please" in rita.last_text()
    assert "Annabel" not in rita.last_text()
    await _close(stage)
