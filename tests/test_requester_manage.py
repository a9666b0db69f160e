"""/myhits (pause, resume, cancel with a refund exactly once), /review extras, /bonus,
/block, /balance, and requesters never seeing a Telegram id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import connect, database_of
from tests.auxil.gestures import answer_poll, approve_next, forge
from tests.auxil.people import funded_requester, workers
from tests.auxil.people import worker as worker_named
from tests.auxil.posting import published_poll
from tests.auxil.stages import roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for the setup taps of several workers within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _tea_answered_by_ann(stage: Stage, admin: Actor) -> tuple[Actor, Actor, Actor, int]:
    """Rita's poll "Tea?" ($10.00 funded; $0.10, five slots), answered by Ann and not yet
    taken by Bob: (Rita, Ann, Bob, the HIT id)."""
    rita = await funded_requester(stage, admin, cents=1000)
    ann, bob = await workers(stage, "Ann", "Bob")
    hit_id = await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.10 n=5")
    await answer_poll(ann, "Yes")
    return rita, ann, bob, hit_id


async def test_pause_resume_and_cancel_refund_once(stage: Stage, admin: Actor) -> None:
    rita, ann, bob, hit_id = await _tea_answered_by_ann(stage, admin)

    await rita.send("/myhits")
    await rita.press("Tea?")  # its row in the list: the card, in the same message
    card = rita.last()
    assert "Tea?" in card.text and f"poll #{hit_id}" in card.text
    assert "1/5 taken" in card.text and "1 to review" in card.text and "$0.50" in card.text
    await rita.press("Pause", card.message_id)
    assert "⏸" in rita.last_text() and "Resume" in str(rita.last().buttons())
    alert = await bob.press("Accept")
    assert alert is not None and "closed" in alert, "a paused HIT takes no one"
    await rita.press("Resume", card.message_id)
    assert "🟢" in rita.stage.sim.message_by_id(rita.tg_id, card.message_id).text

    await rita.press("Cancel", card.message_id)
    cancel = next(d for row in rita.last().buttons() for t, d, _ in row if "Yes, cancel" in t)
    assert cancel is not None
    await rita.tap(card.message_id, cancel)
    assert "$0.40 returned" in (stage.sim.alerts(rita.user)[-1].get("text") or "")
    assert "already cancelled" in (await forge(stage, rita, cancel, card.message_id) or "")
    with connect(database_of(stage)) as db:
        refunds = db.execute("SELECT amount_cents FROM ledger WHERE memo = 'cancel'").fetchall()
    assert refunds == [(40,)], "the submitted answer's reward stays in escrow for review"
    await rita.send("/balance")
    assert "Available: $9.90" in rita.last_text() and "In escrow: $0.10" in rita.last_text()
    await approve_next(rita)
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_id}"] == 0 and sum(balances.values()) == 0


async def test_cancel_asks_first_and_says_what_happens_to_work_in_progress(
    stage: Stage, admin: Actor
) -> None:
    rita, ann, bob, hit_id = await _tea_answered_by_ann(stage, admin)
    await bob.press("Accept")  # still working

    await rita.send("/myhits")
    await rita.press("Tea?")  # its row in the list: the card, in the same message
    card = rita.last()
    await rita.press("Cancel", card.message_id)
    asked = stage.sim.message_by_id(rita.tg_id, card.message_id)
    text = asked.text or ""
    assert f"Cancel poll #{hit_id}" in text and "3 open slots are refunded now: $0.30" in text
    assert "1 worker still working keeps the assignment and can still submit" in text
    assert "1 submission waits in /review" in text
    assert [t for row in asked.buttons() for t, _, _ in row] == ["🚫 Yes, cancel", "↩ Back"]
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.status.value == "open", "asking cancels nothing"

    await rita.press("Back", card.message_id)
    redrawn = stage.sim.message_by_id(rita.tg_id, card.message_id)
    assert "Tea?" in (redrawn.text or "") and "Pause" in str(redrawn.buttons())
    await rita.send("/balance")
    assert "Available: $9.50" in rita.last_text(), "Back refunds nothing"

    await rita.press("Cancel", card.message_id)
    await rita.press("Yes, cancel", card.message_id)
    assert "$0.30 returned" in (stage.sim.alerts(rita.user)[-1].get("text") or "")
    assert "🚫" in (stage.sim.message_by_id(rita.tg_id, card.message_id).text or "")
    await bob.press("Yes")
    await bob.press("Submit")
    assert "submitted" in bob.last_text().lower(), "work in progress can still be submitted"
    await rita.send("/balance")
    assert "Available: $9.80" in rita.last_text() and "In escrow: $0.20" in rita.last_text()


async def test_someone_elses_hit_is_refused(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    sam = await funded_requester(stage, admin, name="Sam")
    hit_id = await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.10 n=5")
    await sam.send(f"/results {hit_id}")
    assert "isn't one of your" in sam.last_text()
    await sam.send("/myhits")
    assert "no published HITs" in sam.last_text()
    await rita.send("/myhits")
    for label in ("Tea?", "Cancel", "Yes, cancel", "Back"):
        data = next(d for row in rita.last().buttons() for t, d, _ in row if label in t)
        assert data is not None
        forged = await forge(stage, sam, data)  # Rita's button data, sent from Sam's chat
        assert "isn't one of your HITs" in (forged or "")
        if label == "Tea?":
            await rita.press("Tea?")  # Rita opens the card; Sam tries its buttons
        if label == "Cancel":
            await rita.press("Cancel")  # Rita's own card now asks; Sam tries its buttons
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.status.value == "open"
    await sam.send("/results")
    assert "/results 12" in sam.last_text()


async def test_approve_all_and_csv_for_a_poll(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    hit_id = await published_poll(stage, rita, "Tea? | =cmd() | No ; reward=0.10 n=2")
    for worker in (ann, bob):
        await answer_poll(worker, "cmd")
    await rita.send("/review")
    assert "2 waiting" in rita.last_text()
    await rita.press("Approve all 2")
    assert "Approve all 2 submissions" in rita.last_text() and "$0.20" in rita.last_text()
    await rita.press("Yes, approve 2")
    assert "Approved 2 assignments" in rita.last_text()
    assert "Approved" in ann.last_text() and "Approved" in bob.last_text()
    await rita.send(f"/results {hit_id}")
    await rita.press("Export CSV")
    (assignments, options) = stage.sim.sent_documents(rita.tg_id)
    text = assignments[1].decode("utf-8-sig")
    assert "'=cmd()" in text, "a formula-looking answer is quoted for spreadsheets"
    assert text.count("approved") == 2
    assert "1,Tea?,'=cmd(),2" in options[1].decode("utf-8-sig")


async def test_bonus_block_and_balance(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=100)
    ann, bob = await workers(stage, "Ann", "Bob")
    await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.10 n=2")
    await answer_poll(ann, "Yes")
    ann_alias = (await stage.services.market.people.user(ann.tg_id)).alias  # type: ignore[union-attr]
    bob_alias = (await stage.services.market.people.user(bob.tg_id)).alias  # type: ignore[union-attr]

    await rita.send("/bonus")
    assert "/bonus W-7F3K 0.50" in rita.last_text()
    await rita.send(f"/bonus {ann_alias} 0.25 Lovely clear answer")
    assert f"Sent $0.25 to {ann_alias}" in rita.last_text()
    assert "Bonus +$0.25" in ann.last_text() and "Lovely clear answer" in ann.last_text()
    await rita.send(f"/bonus {bob_alias} 0.25 thanks")
    assert "only bonus workers who did your HITs" in rita.last_text()
    await rita.send("/bonus W-ZZZZ 0.25 thanks")
    assert "No worker is called W-ZZZZ" in rita.last_text()
    await rita.send(f"/bonus {ann_alias} 5.00 too generous")
    assert "Not enough balance for a $5.00 bonus" in rita.last_text()
    await rita.send(f"/bonus {ann_alias} lots thanks")
    assert "not an amount" in rita.last_text()
    await rita.send("/review")
    assert "Tea? · HIT #1 · assignment 1" in rita.last_text(), "the numbers /bonus takes"
    await rita.send("/bonus 1 0.05 for assignment one")
    assert "Sent $0.05" in rita.last_text()
    with connect(database_of(stage)) as db:
        payloads = db.execute("SELECT payload FROM outbox WHERE kind = 'bonus'").fetchall()
    assert '"assignment_id": 1' in payloads[1][0] and '"worker_id"' in payloads[0][0]
    await ann.send("/earnings")
    assert "Bonuses: $0.30" in ann.last_text()

    await rita.send("/balance")
    assert "Available: $0.50" in rita.last_text() and "In escrow: $0.20" in rita.last_text()

    await rita.send(f"/block {bob_alias.lower()}")
    assert f"{bob_alias} is blocked" in rita.last_text()
    await rita.send(f"/block {bob_alias}")
    assert "already blocked" in rita.last_text()
    await rita.send("/block someone")
    assert "not an alias" in rita.last_text()
    await rita.send("/block")
    assert rita.last_text().startswith("Use: /block W-7F3K"), "no alias: just the usage"
    pushes_before = len(bob.texts())
    await published_poll(stage, rita, "Coffee? | Yes | No ; reward=0.01 n=2")
    assert len(bob.texts()) == pushes_before, "a blocked worker gets no pushes"
    assert "Coffee?" in ann.last_text()
    alert = await bob.press("Accept")
    assert alert is not None and "no longer exists" in alert, "nor can take the old one"

    for text in rita.texts():
        for worker in (ann, bob):
            assert str(worker.tg_id) not in text, "requesters see aliases only"


async def test_unblock_lets_the_worker_back(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    bob = await worker_named(stage, "Bob")
    worker = await stage.services.market.people.user(bob.tg_id)
    assert worker is not None
    await rita.send(f"/unblock {worker.alias}")
    assert "wasn't blocked" in rita.last_text()
    await rita.send(f"/block {worker.alias}")
    await rita.send("/unblock")
    assert rita.last_text().startswith("Use: /unblock W-7F3K")
    await rita.send(f"/unblock {worker.alias}")
    assert f"{worker.alias} is unblocked" in rita.last_text()
    hit_id = await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.01 n=2")
    assert "Tea?" in bob.last_text(), "pushes reach the worker again"
    await bob.press("Accept")
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 1


async def test_approve_all_covers_only_what_the_card_showed_and_can_be_taken_back(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cy = await workers(stage, "Ann", "Bob", "Cy")
    await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.10 n=3")
    for worker in (ann, bob):
        await answer_poll(worker, "Yes")
    await cy.press("Accept")
    await cy.press("No")
    await rita.send("/review")
    await rita.press("Approve all 2")
    await rita.press("Back to review")
    assert "2 waiting" in rita.last_text(), "back on the card, nothing approved"
    assert not any("Approved" in t for t in ann.texts())
    clock.advance(5)
    await cy.press("Submit")  # after the card was drawn
    await rita.press("Approve all 2")
    assert "Approve all 2 submissions" in rita.last_text()
    await rita.press("Yes, approve 2")
    assert "Approved 2 assignments" in rita.last_text()
    assert "1 more came in since you opened /review" in rita.last_text()
    assert "Approved" in ann.last_text() and "Approved" in bob.last_text()
    assert not any("Approved" in t for t in cy.texts()), "Cy's work was not on the card"
    await rita.send("/review")
    assert "1 waiting" in rita.last_text()
