"""Money out: a worker gives a payout address once and withdraws an approved balance above
the minimum into a hold; two withdrawals at once never take more than the balance; the
operator exports PayPal's bulk-payout CSV, marks the batch paid or rejects a request with a
reason (money back); workers are told and /earnings shows the request's state."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import Limits
from tests.auxil.database import database_at
from tests.auxil.gestures import answer_poll, approve_next
from tests.auxil.invariants import ledger_sums_to_zero
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll
from tests.auxil.stages import SCRIPTED_BURST, failing_on_errors, roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """These stories earn, review and withdraw within a second: a roomy stage."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def earned(stage: Stage, admin: Actor, name: str, polls: int = 1) -> Actor:
    """A worker whose answers to `polls` polls paying $3.00 were approved."""
    rita = await funded_requester(stage, admin, name=f"Rita-{name}", cents=polls * 300)
    ann = await worker(stage, name)
    for n in range(polls):
        await published_poll(stage, rita, f"Pick {n}? | A | B ; reward=3.00 n=1 time=2m life=1d")
        await answer_poll(ann, "A")
    for _ in range(polls):
        await approve_next(rita)
    return ann


async def test_cancel_leaves_the_payout_address_unset(stage: Stage, admin: Actor) -> None:
    ann = await earned(stage, admin, "Ann")
    await ann.send("/withdraw")
    assert "email address of your PayPal account" in ann.last_text()
    await ann.send("/cancel")
    assert "Payout address unchanged" in ann.last_text()
    await ann.send("ann@example.com")  # no longer taken as the address
    await ann.send("/withdraw")
    assert "email address of your PayPal account" in ann.last_text()


async def test_withdraw_asks_the_address_once_and_holds_the_money(
    stage: Stage, admin: Actor
) -> None:
    ann = await earned(stage, admin, "Ann", polls=2)
    await ann.send("/withdraw")
    assert "where should gigbot pay you" in ann.last_text()
    assert "email address of your PayPal account" in ann.last_text()
    await ann.send("not an email")
    assert "That is not an email address" in ann.last_text()
    await ann.send("ann@example.com")
    assert "Payouts go to PayPal ann@example.com" in ann.texts()[-2]
    assert "Available: $6.00" in ann.last_text()

    await ann.press("Withdraw $6.00")
    assert "Withdrawal of $6.00 requested" in ann.last_text()
    # A double tap on the same screen asks once.
    await ann.press("Withdraw $6.00")
    assert "requested already" in ann.last_text()

    await ann.send("/earnings")
    assert "Balance: $0.00" in ann.last_text()
    assert "💸 Withdrawal $6.00 to PayPal: ⏳ on its way" in ann.last_text()
    # The address is asked once: the next /withdraw goes straight to the balance.
    await ann.send("/withdraw")
    assert "Payouts start at $5.00: $5.00 more to go" in ann.last_text()
    balances = await ledger_sums_to_zero(stage)
    assert sum(v for k, v in balances.items() if k.startswith("payout:")) == 600


async def test_below_the_minimum_and_over_the_balance(stage: Stage, admin: Actor) -> None:
    ann = await earned(stage, admin, "Ann")  # $3.00, the minimum is $5.00
    await ann.send("/withdraw")
    await ann.send("ann@example.com")
    assert not any("Withdraw $" in b for row in ann.last().buttons() for b, _, _ in row)
    await ann.send("/withdraw 3.00")
    assert ann.last_text() == "Payouts start at $5.00. /earnings"
    await ann.send("/withdraw 50")
    assert "Payouts start at" not in ann.last_text()
    assert ann.last_text() == "Your balance doesn't cover $50.00 now. /withdraw"
    await ledger_sums_to_zero(stage)


async def test_two_withdrawals_at_once_never_take_more_than_the_balance(
    stage: Stage, admin: Actor
) -> None:
    ann = await earned(stage, admin, "Ann", polls=2)  # $6.00
    await ann.send("/withdraw")
    await ann.send("ann@example.com")
    # Two /withdraw 5.00 typed on two phones at the same moment.
    sim = stage.sim
    await stage.deliver_many(
        [sim.message(ann.user, "/withdraw 5.00", enqueue=False) for _ in range(2)]
    )
    said = ann.texts()[-2:]
    assert sorted(said) == sorted(
        [
            "✅ Withdrawal of $5.00 requested: it is set aside from your balance and paid out"
            " in the next payout batch. Its state is in /earnings.",
            "Your balance doesn't cover $5.00 now. /withdraw",
        ]
    )
    # Also straight at the use-case, five at once for a balance that holds one: one fits.
    bea = await earned(stage, admin, "Bea", polls=2)
    await bea.send("/withdraw")
    await bea.send("bea@example.com")
    person = await stage.services.market.people.user(bea.tg_id)
    assert person is not None
    results = await asyncio.gather(
        *(stage.services.payouts.withdraw(person, 500, f"race:{n}") for n in range(5))
    )
    assert sorted(r.value for r, _ in results) == ["not_enough"] * 4 + ["ok"]
    balances = await ledger_sums_to_zero(stage)
    assert min(balances.values()) >= min(v for k, v in balances.items() if k == "world")
    assert all(v >= 0 for k, v in balances.items() if k != "world" and not k.startswith("req:"))


async def test_the_operator_exports_pays_and_rejects(stage: Stage, admin: Actor) -> None:
    ann = await earned(stage, admin, "Ann", polls=2)
    bob = await earned(stage, admin, "Bob", polls=2)
    for person, address in ((ann, "ann@example.com"), (bob, "bob@example")):
        await person.send("/withdraw")
        await person.send(address)
    assert "That is not an email address" in bob.last_text()
    await bob.send("bob@example.org")
    await ann.press("Withdraw $6.00")
    await bob.send("/withdraw 5.50")

    await admin.send("/payouts")
    screen = admin.last_text()
    assert "2 pending requests, $11.50 USD" in screen
    assert "$6.00 → PayPal ann@example.com" in screen
    assert "Reject one: /rejectpayout 1 reason" in screen, "the first request as the example"
    await admin.press("Export PayPal CSV")
    [(filename, content)] = stage.sim.sent_documents(admin.user)
    assert filename == "gigbot-payouts-1.csv"
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows == [
        ["ann@example.com", "6.00", "USD", "gigbot-1", "gigbot earnings", "PayPal"],
        ["bob@example.org", "5.50", "USD", "gigbot-2", "gigbot earnings", "PayPal"],
    ]
    bob_request = 2

    # Bob's address bounced at PayPal: the operator sends his request back with the reason.
    await admin.send(f"/rejectpayout {bob_request} PayPal says bob@example.org has no account")
    assert "Request #2 rejected: $5.50 is back with the worker" in admin.last_text()
    assert "not paid: PayPal says bob@example.org has no account" in bob.last_text()
    await admin.send(f"/rejectpayout {bob_request} again")
    assert "paid or rejected already" in admin.last_text()

    await admin.send("/payouts")
    await admin.press("Mark batch #1 paid")
    assert "Batch #1 marked paid: 1 payout, $6.00" in admin.last_text()
    assert "withdrawal of $6.00 was paid to PayPal ann@example.com" in ann.last_text()
    await ann.send("/earnings")
    assert "💸 Withdrawal $6.00 to PayPal: ✅ paid" in ann.last_text()
    await bob.send("/earnings")
    assert "Balance: $6.00" in bob.last_text()
    assert "sent back to your balance (PayPal says" in bob.last_text()
    # A second press on the old screen pays nothing twice.
    await admin.press("Mark batch #1 paid")
    assert "marked paid already" in admin.last_text()
    assert sum("was paid to" in t for t in ann.texts()) == 1

    balances = await ledger_sums_to_zero(stage)
    assert all(v == 0 for k, v in balances.items() if k.startswith("payout:"))
    await admin.send("/payouts")
    assert "no pending withdrawal requests" in admin.last_text()


async def test_payouts_are_for_admins_only(stage: Stage, admin: Actor) -> None:
    ann = await earned(stage, admin, "Ann")
    await ann.send("/payouts")
    assert ann.last_text() == "That command is for admins."
    await ann.send("/rejectpayout 1 no")
    assert ann.last_text() == "That command is for admins."
    await admin.send("/rejectpayout 1")
    assert "The reason is missing" in admin.last_text()


async def test_venmo_when_the_operator_offers_it(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(
        await database_at(tmp_path),
        clock=clock,
        limits=Limits(private_burst=SCRIPTED_BURST, global_per_sec=300),
        overrides={"payout_methods": ("paypal", "venmo")},
    )
    async with failing_on_errors(stage):
        admin = stage.admin()
        ann = await earned(stage, admin, "Ann", polls=2)
        await ann.send("/withdraw")
        assert "How should gigbot pay you?" in ann.last_text()
        await ann.press("Venmo")
        await ann.send("555 123")
        assert "That is not a US mobile number" in ann.last_text()
        await ann.send("(555) 123-4567")
        assert "Payouts go to Venmo 5551234567" in ann.texts()[-2]
        await ann.press("Withdraw $6.00")
        await admin.send("/payouts")
        await admin.press("Export PayPal CSV")
        [(_, content)] = stage.sim.sent_documents(admin.user)
        assert content.decode().strip().endswith("Venmo")
