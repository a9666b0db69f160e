"""Disputes: a rejected worker disputes; the requester reverses (paid once), upholds with a
reply, or does not answer and the work is approved at 48 h (counted as lost)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import callbacks as cb
from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import do_poll, forge
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll
from tests.auxil.stages import roomy_stage

HOUR = 3600


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _rejected(stage: Stage, admin: Actor, clock: FakeClock) -> tuple[Actor, Actor, int]:
    """Rita's poll, done by Ann (answer B) and rejected with a reason; (rita, ann, hit id)."""
    rita = await funded_requester(stage, admin, cents=1_000)
    (ann,) = await workers(stage, "Annabel")
    hit_id = await published_poll(stage, rita, "Which is blue? | Red | Blue ; reward=0.25 n=1")
    await do_poll(ann, clock, "Blue", 40)
    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("Wrong colour")
    assert "Rejected" in ann.last_text() and "Dispute" in str(ann.last().buttons())
    return rita, ann, hit_id


async def _ledger(stage: Stage, key: str) -> int:
    async with stage.services.db.reading() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM ledger WHERE key = ?", (key,))
    return int(list(rows)[0][0])


async def test_dispute_reversed_pays_once(stage: Stage, admin: Actor, clock: FakeClock) -> None:
    rita, ann, hit_id = await _rejected(stage, admin, clock)
    await rita.send("/balance")
    assert "$10.00" in rita.last_text(), "the reject gave the reward back"

    await ann.press("Dispute")
    assert "why this work is right" in ann.last_text()
    await ann.send("Blue is the second option and it is blue.")
    assert "Dispute sent" in ann.last_text() and "2d" in ann.last_text()

    card = rita.last_text()
    assert "Dispute" in card and "W-" in card and "Annabel" not in card
    assert "Your rejection: Wrong colour" in card
    assert "Which is blue? → Blue" in card, "the worker's exact answers"
    assert "Blue is the second option and it is blue." in card
    assert "Answer within 2d" in card

    await rita.press("Reverse")
    assert "Reversed" in rita.last_text()
    assert "Dispute won" in ann.last_text() and "+$0.25" in ann.last_text()
    assert rita.last().buttons() == [], "the card was replaced: no Reverse button left"
    assert "already settled" in (await forge(stage, rita, cb.Reverse(1).pack()) or "")

    await ann.send("/earnings")
    assert "Approved: $0.25 (1)" in ann.last_text() and "Balance: $0.25" in ann.last_text()
    await rita.send("/balance")
    assert "$9.75" in rita.last_text(), "the reversal took the reward from the requester, once"
    assert await _ledger(stage, "dispute:1") == 1
    balances = await stage.services.accounts.balances()
    assert sum(balances.values()) == 0 and balances[f"escrow:{hit_id}"] == 0

    # Disputing again, or by someone else, changes nothing.
    assert "already disputed" in (await forge(stage, ann, cb.Dispute(1).pack()) or "")
    (bob,) = await workers(stage, "Bob")
    assert "isn't your work" in (await forge(stage, bob, cb.Dispute(1).pack()) or "")


async def test_dispute_upheld_with_a_reply(stage: Stage, admin: Actor, clock: FakeClock) -> None:
    rita, ann, _ = await _rejected(stage, admin, clock)
    await ann.press("Dispute")
    await ann.send("I am sure.")
    (mallory,) = await workers(stage, "Mallory")
    assert "isn't your work" in (await forge(stage, mallory, cb.Uphold(1).pack()) or "")
    await rita.press("Uphold")
    assert "Reply with a short explanation" in rita.last_text()
    await rita.send("The instructions asked for the warm colour.")
    assert "Upheld" in rita.last_text()
    assert "upheld the rejection" in ann.last_text()
    assert "The instructions asked for the warm colour." in ann.last_text()
    clock.advance(49 * HOUR)
    assert await stage.services.fair.disputes.expire_disputes(clock.now()) == 0
    await ann.send("/earnings")
    assert "Balance: $0.00" in ann.last_text()
    assert await _ledger(stage, "dispute:1") == 0


async def test_unanswered_dispute_is_approved_at_48_hours_once(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, ann, _ = await _rejected(stage, admin, clock)
    await ann.press("Dispute")
    await ann.send("Please look again.")
    disputes = stage.services.fair.disputes

    clock.advance(47 * HOUR)
    assert await disputes.expire_disputes(clock.now()) == 0
    clock.advance(1 * HOUR)
    assert await disputes.expire_disputes(clock.now()) == 1
    assert await disputes.expire_disputes(clock.now()) == 0, "credited once"
    await stage.settle()

    assert "didn't answer your dispute in time" in ann.last_text()
    assert "+$0.25" in ann.last_text()
    assert "didn't answer the dispute" in rita.last_text() and "dispute lost" in rita.last_text()
    await ann.send("/earnings")
    assert "Balance: $0.25" in ann.last_text()
    assert await _ledger(stage, "dispute:1") == 1

    # Too late for the requester to act now; the card counts it as lost.
    alert = await forge(stage, rita, cb.Reverse(1).pack())
    assert alert is not None and "already settled" in alert
    user = await stage.services.market.people.user(rita.tg_id)
    assert user is not None
    card = await stage.services.fair.reputation.card(user.id)
    assert card is not None and card.disputes_lost == 1 and card.approved_percent == 100
    # The periodic sweep is scheduled by the app (bot/deadlines/timers.py will take it over).
    assert stage.app.job_queue is not None
    assert stage.app.job_queue.get_jobs_by_name("expire_disputes")


async def test_dispute_window_is_seven_days(stage: Stage, admin: Actor, clock: FakeClock) -> None:
    _, ann, _ = await _rejected(stage, admin, clock)
    clock.advance(7 * 24 * HOUR + 1)
    alert = await ann.press("Dispute")
    assert alert is not None and "within 7 days" in alert


async def test_a_reversal_after_the_refund_was_spent_shows_what_is_owed(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, ann, _ = await _rejected(stage, admin, clock)
    # the rejection gave $0.25 back; Rita spends all she has on a new poll
    await published_poll(stage, rita, "Spend it all? | Yes | No ; reward=1.00 n=10")
    await ann.press("Dispute")
    await ann.send("Blue is the second option and it is blue.")
    await rita.press("Reverse")
    await rita.send("/balance")
    assert "Available: -$0.25" in rita.last_text()
    assert "You owe $0.25" in rita.last_text()
    await rita.send("/newpoll More? | Yes | No ; reward=0.05 n=1")
    await rita.press("Publish")
    assert "Published" not in rita.last_text(), "publishing waits for a top-up"


async def test_a_settled_dispute_card_says_how_it_ended_and_loses_its_buttons(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita, ann, _ = await _rejected(stage, admin, clock)
    await ann.press("Dispute")
    await ann.send("I am sure.")
    card = rita.last()
    assert "Answer within 2d" in (card.text or "")
    await rita.press("Uphold", card.message_id)
    await rita.send("The instructions asked for the warm colour.")  # a message below it
    await stage.settle()
    upheld = stage.sim.message_by_id(rita.tg_id, card.message_id)
    assert "Upheld: the rejection stands" in (upheld.text or ""), upheld.text
    assert "Answer within" not in (upheld.text or "") and upheld.buttons() == []

    # A dispute nobody answered: its card says so once the work was approved for it.
    (bob,) = await workers(stage, "Bob")
    await published_poll(stage, rita, "Which is red? | Red | Blue ; reward=0.25 n=1")
    await do_poll(bob, clock, "Blue", 40)
    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("Wrong colour")
    await bob.press("Dispute")
    await bob.send("Please look again.")
    card = rita.last()
    clock.advance(48 * HOUR)
    assert await stage.services.fair.disputes.expire_disputes(clock.now()) == 1
    await stage.settle()
    expired = stage.sim.message_by_id(rita.tg_id, card.message_id)
    assert "Not answered in time: the work was approved" in (expired.text or ""), expired.text
    assert expired.buttons() == []
