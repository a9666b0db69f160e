"""A button that asks for one text (Reject, Dispute, Message requester, Reply), then a
command: the command is answered, the prompt is dropped (and the user told so), and the
next text is not taken as the reason or the message. /cancel stays the prompt's own."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import connect, database_of
from tests.auxil.gestures import do_poll
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll


async def _submitted(stage: Stage, clock: FakeClock) -> tuple[Actor, Actor]:
    """Rita's poll, done by Ann (answer Blue) and waiting for review."""
    rita = await funded_requester(stage, stage.admin(), cents=1_000)
    (ann,) = await workers(stage, "Annabel")
    await published_poll(stage, rita, "Which is blue? | Red | Blue ; reward=0.25 n=1")
    await do_poll(ann, clock, "Blue", 40)
    return rita, ann


def _rows(stage: Stage, sql: str) -> list[tuple[object, ...]]:
    with connect(database_of(stage)) as db:
        return list(db.execute(sql).fetchall())


async def test_a_command_after_reject_drops_the_reason_prompt(
    stage: Stage, clock: FakeClock
) -> None:
    rita, ann = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")
    assert "Why are you rejecting" in rita.last_text()
    seen_by_ann = len(ann.messages())

    await rita.send("/balance")
    assert "Not rejected: you sent a command" in rita.texts()[-2]
    assert "Available:" in rita.last_text(), "the command itself is answered"
    await rita.send("hello")
    assert "isn't an answer to anything" in rita.last_text(), "a stray text: only the way on"
    assert _rows(stage, "SELECT status, reject_reason FROM assignments") == [("submitted", None)]
    assert len(ann.messages()) == seen_by_ann, "the worker got nothing"
    assert _rows(stage, "SELECT * FROM conversation_states") == []

    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("/cancel")  # the prompt's own command: still cancels it
    assert "Rejection cancelled" in rita.last_text()
    await rita.press("Reject", next(m.message_id for m in reversed(rita.messages()) if m.buttons()))
    await rita.send("Red is not blue")
    assert _rows(stage, "SELECT status, reject_reason FROM assignments") == [
        ("rejected", "Red is not blue")
    ]


async def test_a_command_after_message_requester_or_dispute_sends_nothing(
    stage: Stage, clock: FakeClock
) -> None:
    rita, ann = await _submitted(stage, clock)
    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("Red is not blue")

    await ann.press("Message requester")
    seen_by_rita = len(rita.messages())
    await ann.send("/hits")
    assert "Nothing was sent: you sent a command" in ann.texts()[-2]
    await ann.send("hello")
    await ann.press("Dispute")
    await ann.send("/earnings")
    assert "Nothing was sent: you sent a command" in ann.texts()[-2]
    await ann.send("It is blue!")
    assert len(rita.messages()) == seen_by_rita, "no message and no dispute reached Rita"
    assert _rows(stage, "SELECT COUNT(*) FROM disputes") == [(0,)]
    assert not any("hello" in t or "It is blue!" in t for t in rita.texts())


async def test_a_command_on_another_process_drops_the_prompt_everywhere(
    processes: tuple[Stage, Stage], clock: FakeClock
) -> None:
    a, b = processes
    rita, ann = await _submitted(a, clock)
    await rita.send("/review")
    await rita.press("Reject")  # on process A
    await Actor(b, rita.user).send("/balance")  # on process B
    assert "Not rejected" in rita.texts()[-2] and "Available:" in rita.last_text()
    await rita.send("hello")  # on process A, which saw the Reject
    await a.settle()
    assert _rows(a, "SELECT status, reject_reason FROM assignments") == [("submitted", None)]
    assert not any("hello" in t for t in ann.texts())
