"""The marketplace's fee (GIGBOT_FEE_PERCENT): shown in every preview and cost line,
escrowed with the reward at publishing, booked to the operator's account when work is
approved, refunded with the reward when it is rejected or the HIT expires, and taken on
bonuses; the ledger sums to zero after each story."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.i18n import translator
from bot.requesting import texts as requesting_texts
from bot.sandbox import Limits
from storage import hits, ledger
from tests.auxil.database import database_at
from tests.auxil.gestures import answer_poll, approve_next
from tests.auxil.invariants import ledger_sums_to_zero
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_batch, published_poll
from tests.auxil.stages import SCRIPTED_BURST, failing_on_errors, later


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """A marketplace taking a 10 % fee; roomy (these stories work within a second)."""
    opened = await Stage.open(
        await database_at(tmp_path),
        clock=clock,
        limits=Limits(private_burst=SCRIPTED_BURST, global_per_sec=300),
        overrides={"fee_percent": 10.0},
    )
    async with failing_on_errors(opened):
        yield opened


async def held(stage: Stage, account: str) -> int:
    async with stage.services.db.reading() as conn:
        return await ledger.balance(conn, account)


async def test_fee_through_publish_approve_reject_and_expire(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1_000)
    ann, bob = await workers(stage, "Ann", "Bob")
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.10 n=3 time=2m life=1h")
    assert "💰 $0.10 + 10% fee $0.01 × 3 workers = $0.33" in rita.last_text()
    await rita.press("Publish")
    assert "$0.33 is held in escrow" in rita.last_text()
    hit_id = int(rita.last_text().split("Published poll #")[1].split(".")[0])
    assert await held(stage, f"escrow:{hit_id}") == 33

    for person, option in ((ann, "Tea"), (bob, "Coffee")):
        await answer_poll(person, option)
    await approve_next(rita)  # Ann: the reward to her, the fee to the marketplace
    await rita.press("Reject")
    await rita.send("Coffee was not asked for")  # Bob: reward and fee back to Rita
    assert await held(stage, "fees") == 1
    assert await held(stage, f"escrow:{hit_id}") == 11  # the third slot, still open

    await later(stage, 3_700)  # the HIT expires with its third slot untaken
    assert "has expired" in rita.last_text() and "$0.11 went back" in rita.last_text()
    balances = await ledger_sums_to_zero(stage)
    requester = next(v for k, v in balances.items() if k.startswith("req:"))
    assert requester == 1_000 - 10 - 1  # Ann's reward and its fee; all else came back
    assert balances.get(f"escrow:{hit_id}", 0) == 0
    await ann.send("/earnings")
    assert "Balance: $0.10" in ann.last_text()  # the worker gets the whole reward

    await rita.send("/bonus 1 0.50 Lovely")
    assert "Sent $0.50 + $0.05 fee to" in rita.last_text()
    assert await held(stage, "fees") == 6
    await admin.send("/stats")
    assert "fees $0.06 (24 h: $0.06)" in admin.last_text()
    await ledger_sums_to_zero(stage)


async def test_an_expired_hit_returns_every_fee(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1_000)
    await workers(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Which? | A | B ; reward=0.25 n=4 life=1h")
    assert await held(stage, f"escrow:{hit_id}") == 4 * (25 + 3)  # 2.5 cents rounds up
    await later(stage, 3_700)
    assert "$1.12 went back" in rita.last_text()
    balances = await ledger_sums_to_zero(stage)
    assert balances.get("fees", 0) == 0
    assert next(v for k, v in balances.items() if k.startswith("req:")) == 1_000


async def test_batch_preview_and_not_enough_for_the_fee(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=100)
    await rita.send("/newpoll Which? | A | B ; reward=0.10 n=10")  # $1.00 + $0.10 in fees
    assert "= $1.10" in rita.last_text()
    alert = await rita.press("Publish")
    assert alert is not None and "publishing needs $1.10, you have $1.00" in alert
    await ledger_sums_to_zero(stage)


async def test_a_raise_escrows_the_fee_on_the_difference(stage: Stage, admin: Actor) -> None:
    """/raise on a poll and on a batch: each slot still to be paid then holds the higher
    reward and the fee on it (the escrow check in ledger_sums_to_zero counts both)."""
    rita = await funded_requester(stage, admin, cents=1_000)
    (ann,) = await workers(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Which? | A | B ; reward=0.10 n=3 life=1d")
    assert await held(stage, f"escrow:{hit_id}") == 3 * 11
    await ann.press("Accept")
    await ann.press("A")
    await ann.press("Submit")  # submitted, not yet paid: its slot is raised too
    await rita.send(f"/raise {hit_id} 0.20")
    assert f"Reward of #{hit_id} raised" in rita.last_text(), rita.last_text()
    assert await held(stage, f"escrow:{hit_id}") == 3 * 22
    await ledger_sums_to_zero(stage)
    await rita.send(f"/raise {hit_id} 5.00")  # $15.00 more with fees: more than she has
    assert "Not enough balance to escrow the difference" in rita.last_text()
    await rita.press("Deposit")  # the refusal offers the amounts to add
    assert "Add money to your balance" in rita.last_text()

    items_csv = b"text\n" + b"".join(f"Bird number {n}\n".encode() for n in range(4))
    batch = await published_batch(
        stage, rita, items_csv, "bird | cat", "Birds ; reward=0.05 n=2 time=5m est=5s"
    )
    await rita.send(f"/raise b{batch} 0.10")
    assert f"batch #{batch} raised to $0.10 on 4 items" in rita.last_text(), rita.last_text()
    async with stage.services.db.reading() as conn:
        items = await hits.in_batch(conn, batch)
    assert [await held(stage, f"escrow:{h.id}") for h in items] == [2 * 11] * 4
    balances = await ledger_sums_to_zero(stage)
    requester = next(v for k, v in balances.items() if k.startswith("req:"))
    assert requester == 1_000 - 3 * 22 - 4 * 2 * 11


async def test_approve_all_asks_with_the_fee_in_every_language(stage: Stage, admin: Actor) -> None:
    """Approve all's question shows what approving pays as every cost line does: the
    rewards, the fee on them and their sum (all of it leaves the escrow); in Spanish too."""
    rita = await funded_requester(stage, admin, cents=1_000)
    ann, bob = await workers(stage, "Ann", "Bob")
    await published_poll(stage, rita, "Tea? | Tea | Coffee ; reward=0.10 n=2")
    for person in (ann, bob):
        await answer_poll(person, "Tea")
    await rita.send("/review")
    await rita.press("Approve all 2")
    assert "paying $0.20 + $0.02 fee = $0.22 in total?" in rita.last_text(), rita.last_text()
    await rita.press("Yes, approve 2")
    assert "Approved 2 assignments" in rita.last_text()
    assert await held(stage, "fees") == 2

    es = translator("es")
    rosa = Actor(stage, stage.sim.add_user("Rosa", language_code="es"))
    await rosa.send("/start")
    await admin.send(f"/fund {rosa.tg_id} 10.00")
    await rosa.send("/newpoll Tea? | Tea | Coffee ; reward=0.10 n=2 lang=en")  # for Ann, Bob
    await rosa.press(es(requesting_texts.BTN_PUBLISH))
    for person in (ann, bob):
        await answer_poll(person, "Tea")
    await rosa.send("/review")
    await rosa.press(requesting_texts.btn_approve_all(es, 2))
    said = f"pagando {es.money(20)} + {es.money(2)} de comisión = {es.money(22)} en total"
    assert said in rosa.last_text(), rosa.last_text()  # "0,20 US$ + 0,02 US$ de comisión ..."
