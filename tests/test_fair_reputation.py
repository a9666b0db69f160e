"""Requester reputation: figures computed from a seeded history, ratings after review, the
compact line on push cards and the whole card on /requester."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.fair import texts as fair_texts
from bot.i18n import EN
from tests.auxil.gestures import approve_next, do_poll, forge, rate
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll
from tests.auxil.stages import roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def test_reputation_from_a_seeded_history(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cy, dee = await workers(stage, "Ann", "Bob", "Cy", "Dee")
    await published_poll(stage, rita, "Which is blue? | A | B ; reward=0.10 n=4 time=10m")
    first_card = ann.last_text()
    assert "new requester" in first_card, "no reviewed work yet"

    # t=0 Ann accepts; she works 60 s, Bob 120 s, Cy 180 s, Dee 240 s (one after another).
    for worker, seconds in ((ann, 60), (bob, 120), (cy, 180), (dee, 240)):
        await do_poll(worker, clock, "B", seconds)
    # Submitted at t=60, 180, 360, 600; all reviewed at t=3600.
    clock.advance(3000)
    await approve_next(rita)  # Ann: waited 3540 s
    await rita.press("Approve")  # Bob: 3420 s
    await rita.press("Reject")  # Cy: 3240 s
    await rita.send("B is not blue")
    await rita.press("Reject")  # Dee: 3000 s
    await rita.send("B is not blue")

    # Cy disputes and wins (reversed); Dee disputes and loses (upheld).
    await cy.press("Dispute")
    await cy.send("The swatch B is #0000FF, it is blue.")
    await rita.press("Reverse")
    await dee.press("Dispute")
    await dee.send("I checked twice.")
    await rita.press("Uphold")
    await rita.send("The swatch labels were swapped in the instructions.")

    # Ratings are optional; Ann rates all three, Bob two of them.
    await ann.press("Rate requester")
    rows = ann.last().buttons()
    assert [row[0][0] for row in rows] == ["💵", "⚖️", "💬"], "short row labels: a phone shows six"
    for dimension, stars in (("p", 4), ("f", 5), ("c", 3)):
        assert await rate(ann, dimension, stars) == "Thanks — saved."
    assert "Pay 4★, Fairness 5★, Communication 3★" in ann.last_text()
    await bob.press("Rate requester")
    await rate(bob, "p", 2)
    await rate(bob, "f", 4)

    reputation = stage.services.fair.reputation
    user = await stage.services.market.people.user(rita.tg_id)
    assert user is not None
    card = await reputation.card(user.id)
    assert card is not None
    # Approved: Ann 60 s, Bob 120 s, Cy 180 s (reversed) -> 30 cents in 360 s = $3.00/h.
    assert card.hourly_cents == 300
    assert (card.approved_percent, card.reviewed) == (75, 4)
    # Waits 3000, 3240, 3420, 3540 -> median 3330 s (the reversal kept Cy's review time).
    assert card.median_review_s == 3330
    assert (card.disputes_lost, card.disputes_upheld, card.disputes_open) == (1, 1, 0)
    assert (card.ratings, card.pay, card.fairness, card.communication) == (2, 3.0, 4.5, 3.0)

    eve = (await workers(stage, "Eve"))[0]
    await eve.send("/requester rita")
    shown = eve.last_text()
    assert "Workers earned $3.00/h on approved work" in shown
    assert "75% of 4 reviewed assignments approved" in shown
    assert "Median time to review: 55m 30s" in shown
    assert "Disputes: 1 lost · 1 upheld · 0 open" in shown
    assert "2 worker ratings: pay 3.0★ · fairness 4.5★ · communication 3.0★" in shown

    await published_poll(stage, rita, "Which is red? | A | B ; reward=0.10 n=2 time=10m")
    assert "⭐ $3.00/h · 75% of 4 approved · reviews in 55m 30s · 1 dispute lost" in eve.last_text()
    assert fair_texts.compact_reputation(EN, card) in eve.last_text()


async def test_requester_lookup_by_hit_and_unknown(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Pick | X | Y ; reward=0.05 n=1")
    await ann.send(f"/requester {hit_id}")
    assert "Rita" in ann.last_text() and "No reviewed work yet" in ann.last_text()
    await ann.send("/requester Nobody")
    assert "No requester is called Nobody" in ann.last_text()
    await ann.send("/requester")
    assert "/requester Rita" in ann.last_text()


async def test_only_reviewed_work_can_be_rated(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    await published_poll(stage, rita, "Pick | X | Y ; reward=0.05 n=2")
    await do_poll(ann, clock, "X", 30)
    await approve_next(rita)
    await ann.press("Rate requester")
    rating = ann.last()
    # Bob replays Ann's star button: refused, nothing stored.
    data = next(d for row in rating.buttons() for _t, d, _u in row if d and d.endswith(":p:5"))
    alert = await forge(stage, bob, data)
    assert alert is not None and "only requesters who reviewed your work" in alert
    user = await stage.services.market.people.user(rita.tg_id)
    assert user is not None
    card = await stage.services.fair.reputation.card(user.id)
    assert card is not None and card.ratings == 0
