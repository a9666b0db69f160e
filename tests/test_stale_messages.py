"""Every message about a task tells the truth once the task changes: reminders and the task
message after a submit, a return, time running out and a review; push cards as slots are
taken, when a batch fills, and when a HIT is cancelled or expires."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import SimMessage
from tests.auxil.gestures import approve_next
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.posting import accepted_poll, published_batch, published_poll
from tests.auxil.screens import got
from tests.auxil.stages import later, roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for the setup taps of several workers within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


POLL = "Soup or salad? | Soup | Salad ; reward=0.10 n=3 time=10m"


def _now(stage: Stage, actor: Actor, message: SimMessage) -> SimMessage:
    """The message as it reads now (after edits)."""
    return stage.sim.message_by_id(actor.tg_id, message.message_id)


def _reminders(actor: Actor) -> list[SimMessage]:
    return [m for m in actor.messages() if "left to finish" in (m.text or "")]


async def test_reminders_and_the_task_message_follow_the_work(stage: Stage, admin: Actor) -> None:
    rita, ann, _ = await accepted_poll(stage, admin, POLL)
    task = ann.last()
    assert "10m left" in (task.text or ""), task.text

    await later(stage, 5 * 60)  # half the time gone: a reminder, and the task's timer follows
    first = ann.last()
    assert "5m left" in (first.text or "") and "Open the task" in str(first.buttons())
    assert "5m left" in (_now(stage, ann, task).text or ""), "the task message's own timer"
    assert "10m left" not in (_now(stage, ann, task).text or "")

    await later(stage, 3 * 60)  # a fifth left: the last reminder, with Return without penalty
    last = ann.last()
    assert "2m left" in (last.text or "") and last.buttons()
    assert "2m left" in (_now(stage, ann, task).text or "")

    await ann.press("Soup", task.message_id)
    await ann.press("Submit", task.message_id)
    assert "Submitted" in (_now(stage, ann, task).text or "")
    for reminder in (first, last):
        over = _now(stage, ann, reminder)
        assert "submitted — nothing left to do" in (over.text or ""), over.text
        assert over.buttons() == [], "no button that would only say 'no longer active'"

    await approve_next(rita)
    reviewed = _now(stage, ann, task)
    assert "Reviewed: approved, $0.10 paid" in (reviewed.text or "") and "pending" not in (
        reviewed.text or ""
    )
    assert "Approved" in ann.last_text(), "the notice still comes as a new message"


async def test_time_running_out_and_a_return_from_a_reminder(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    await published_poll(stage, rita, POLL)
    await ann.press("Accept")
    await bob.press("Accept")
    anns_task, bobs_task = ann.last(), bob.last()

    for minutes in (5, 3):  # both reminded twice
        await later(stage, minutes * 60)
    anns, bobs = _reminders(ann), _reminders(bob)
    assert len(anns) == 2 and len(bobs) == 2
    await bob.press("Return without penalty")  # from his last reminder
    returned = _now(stage, bob, bobs_task)
    assert "Returned" in (returned.text or "") and returned.buttons() == []
    first = _now(stage, bob, bobs[0])
    assert "returned — nothing left to do" in (first.text or "") and first.buttons() == []
    assert "Returned" in (_now(stage, bob, bobs[1]).text or ""), "the one pressed says so"

    await later(stage, 2 * 60 + 1)  # Ann lets the time run out
    assert "Out of time" in (_now(stage, ann, anns_task).text or "")
    for reminder in anns:
        over = _now(stage, ann, reminder)
        assert "the time ran out" in (over.text or ""), over.text
        assert over.buttons() == []


async def test_open_the_task_retires_the_older_message(stage: Stage, admin: Actor) -> None:
    rita, ann, _ = await accepted_poll(stage, admin, POLL)
    old = ann.last()
    await later(stage, 5 * 60)
    await ann.press("Open the task")
    new = ann.last()
    assert new.message_id != old.message_id and "Soup" in str(new.buttons())
    moved = _now(stage, ann, old)
    assert "continues in the message below" in (moved.text or "") and moved.buttons() == []
    await ann.press("Salad", new.message_id)
    await ann.press("Submit", new.message_id)
    assert "Submitted" in (_now(stage, ann, new).text or "")


async def test_push_cards_count_down_and_lose_accept_when_full(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    crowd = [await worker(stage, name) for name in ("Ann", "Bob", "Cat", "Dan")]
    ann, bob, cat, dan = crowd
    await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.05 n=3")
    cards = {w.name: w.last() for w in crowd}
    assert all("3 of 3 left" in (c.text or "") for c in cards.values())

    await ann.press("Accept")
    await later(stage, 60)  # counters are redrawn at most once a minute
    for w in (bob, cat, dan):
        card = _now(stage, w, cards[w.name])
        assert "2 of 3 left" in (card.text or ""), card.text
        assert "Accept" in str(card.buttons())

    await bob.press("Accept")
    await cat.press("Accept")
    full = _now(stage, dan, cards["Dan"])
    assert "Filled" in (full.text or "") and full.buttons() == []


async def test_cards_sent_after_the_minutes_first_accept_count_down_with_the_rest(
    stage: Stage, admin: Actor
) -> None:
    """A wave topping up after the minute's first Accept sends new cards: a later Accept
    in the same minute redraws them with the others at its end (each Accept walks only
    the cards sent since the minute's walk before, never leaving those out)."""
    rita = await funded_requester(stage, admin)
    async with stage.services.db.transaction() as conn:  # the admin funds, works no HIT
        await conn.execute("UPDATE users SET is_worker = 0 WHERE first_name = 'Admin'")
    crowd = [await worker(stage, f"W{n}") for n in range(12)]
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=3 time=2h")
    first = [w for w in crowd if got(w, "Tea or coffee?")]
    assert len(first) == 9, "first wave: 3 x 3 slots"
    await first[0].press("Accept")
    for w in first[1:6]:
        await w.press("Skip")
    assert await stage.services.matcher.next_waves() == 3, "a top-up, the same minute"
    await stage.settle()
    late = [w for w in crowd if got(w, "Tea or coffee?") and w not in first]
    assert len(late) == 3 and all("2 of 3 left" in w.last_text() for w in late)

    await first[6].press("Accept")
    await later(stage, 60)  # the minute's redraws
    for w in (*late, *first[7:]):
        card = next(m for m in w.messages() if "Tea or coffee?" in (m.text or ""))
        assert "1 of 3 left" in (_now(stage, w, card).text or ""), (w.name, card.text)


async def test_a_full_batch_and_a_closed_hit_take_accept_off_their_cards(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cat = [await worker(stage, name) for name in ("Ann", "Bob", "Cat")]
    csv = b"text\nA robin\nA tabby\n"
    await published_batch(stage, rita, csv, "bird | cat", "Birds ; reward=0.02 n=1 time=2m")
    cats_card = next(m for m in cat.messages() if "Birds" in (m.text or "") and m.buttons())
    assert "2 of 2 left" in (cats_card.text or ""), cats_card.text
    await ann.press("Accept")
    await bob.press("Accept")
    filled = _now(stage, cat, cats_card)
    assert "Filled" in (filled.text or "") and filled.buttons() == [], "no slot left in the batch"

    cancelled = await published_poll(stage, rita, "Withdrawn? | Yes | No ; reward=0.05 n=2")
    expiring = await published_poll(stage, rita, "Short-lived? | Yes | No ; reward=0.05 life=1h")
    card_one = next(m for m in cat.messages() if "Withdrawn?" in (m.text or ""))
    card_two = next(m for m in cat.messages() if "Short-lived?" in (m.text or ""))
    owner = await user_of(stage, rita)
    await stage.services.requesting.managing.cancel(owner, "h", cancelled)
    await stage.settle()
    gone = _now(stage, cat, card_one)
    assert "withdrawn by the requester" in (gone.text or "") and gone.buttons() == []
    await later(stage, 3601)
    over = _now(stage, cat, card_two)
    assert "its time is over" in (over.text or "") and over.buttons() == []
    assert expiring != cancelled
