"""Money in: /deposit sends a Telegram Stars invoice, pre-checkout refuses what the bot can't
take, the payment is credited exactly once however often its update comes, and an unused
deposit is refunded (refundStarPayment) once, within the window."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at
from tests.auxil.invariants import ledger_sums_to_zero
from tests.auxil.mturk import call, client, new_api_key
from tests.auxil.stages import api_stage, failing_on_errors


async def requester(stage: Stage, name: str = "Rita") -> Actor:
    person = stage.user(name)
    await person.send("/start")
    return person


async def test_deposit_in_stars_is_credited_once(stage: Stage) -> None:
    rita = await requester(stage)
    await rita.send("/deposit")
    assert "Telegram Stars" in rita.last_text()
    await rita.press("$5.00")
    invoice = rita.last()
    assert invoice.invoice == {
        "title": "gigbot balance",
        "description": "$5.00 added to your gigbot balance to pay for HITs.",
        "start_parameter": "",
        "currency": "XTR",
        "total_amount": 500,  # a Star is worth 1 cent by default
    }
    assert await rita.pay() is None
    assert "$5.00 was added to your balance (now $5.00)" in rita.last_text()

    # Telegram delivers the same update again, and again later (a replay): nothing changes.
    assert rita.last_payment is not None
    await stage.deliver(rita.last_payment)
    await stage.deliver(dict(rita.last_payment, update_id=10_000))
    assert sum("was added to your balance" in t for t in rita.texts()) == 1
    balances = await ledger_sums_to_zero(stage)
    assert [v for k, v in balances.items() if k.startswith("req:")] == [500]

    await rita.send("/balance")
    assert "Available: <b>$5.00</b>" in stage.sim.calls_to("sendMessage")[-1].params["text"]
    assert stage.sim.calls_to("sendInvoice")[0].params["currency"] == "XTR"
    assert "provider_token" not in stage.sim.calls_to("sendInvoice")[0].params


async def test_typed_amount_and_its_refusal(stage: Stage) -> None:
    rita = await requester(stage)
    await rita.send("/deposit 12.50")
    assert rita.last().invoice is not None
    assert rita.last().invoice["total_amount"] == 1250  # type: ignore[index]
    await rita.send("/deposit 50000")
    assert "out of range" in rita.last_text() and "/deposit 12.50" in rita.last_text()
    await rita.send("/deposit lots")
    assert "'lots' is not an amount" in rita.last_text()


async def test_pre_checkout_refusals(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(await database_at(tmp_path), clock=clock)
    async with failing_on_errors(stage):
        rita = await requester(stage)
        await rita.send("/deposit")
        await rita.press("$5.00")
        invoice = rita.last()

        # The operator winds down: the payment form says so, no money moves.
        stage.services.deposits.closing = lambda: True
        refusal = await rita.pay()
        assert refusal == "gigbot is not taking deposits right now. Try again later."
        stage.services.deposits.closing = lambda: False

        # An invoice for an amount the operator no longer takes.
        stage.services.deposits.terms = type(stage.services.deposits.terms)(max_cents=300)
        assert await rita.pay(invoice.message_id) == (
            "That amount is out of range now. Send /deposit for a new invoice."
        )

        # Someone else pays Rita's invoice (she forwarded it): not their invoice.
        sam = stage.user("Sam")
        await sam.send("/start")
        query = stage.sim.pay(sam.user, invoice.message_id, enqueue=False, chat=rita.user)
        await stage.deliver(query)
        assert stage.sim.checkout(query["pre_checkout_query"]["id"]).error_message == (
            "This invoice is no longer valid. Send /deposit for a new one."
        )
        assert await ledger_sums_to_zero(stage) == {}
    # every refusal was answered in time (the sim records a late answer as a violation)


async def test_pre_checkout_refuses_an_unknown_user(stage: Stage) -> None:
    rita = await requester(stage)
    await rita.send("/deposit")
    await rita.press("$5.00")
    invoice = rita.last()
    async with stage.services.db.transaction() as conn:
        await conn.execute("UPDATE users SET tg_id = tg_id + 1 WHERE tg_id = ?", (rita.tg_id,))
    assert await rita.pay(invoice.message_id) == "Send /start to gigbot first, then pay again."


async def test_refund_once_within_the_window(stage: Stage, clock: FakeClock) -> None:
    rita = await requester(stage)
    await rita.send("/deposit")
    await rita.press("$20.00")
    assert await rita.pay() is None
    await rita.send("/balance")
    refund_label = "↩️ Refund $20.00 (⭐️2000)"
    assert any(refund_label in b for row in rita.last().buttons() for b, _, _ in row)
    balance_message = rita.last().message_id

    await rita.press("Refund", balance_message)
    assert "Refunded $20.00 (⭐️2000)" in rita.last_text()
    [charge] = stage.sim.charges.values()
    assert charge.refunded
    # Telegram's refunded_payment service message reached the chat (as an update).
    assert any("refunded_payment" in u.get("message", {}) for u in stage.sim.updates)

    # A second press on the old /balance: already refunded, nothing moves twice.
    alert = await rita.press("Refund", balance_message)
    assert alert == "That payment was refunded already. /balance"
    assert len(stage.sim.calls_to("refundStarPayment")) == 1
    balances = await ledger_sums_to_zero(stage)
    assert all(v == 0 for k, v in balances.items() if k.startswith("req:"))

    # A deposit past the window can't be refunded.
    await rita.send("/deposit")
    await rita.press("$5.00")
    assert await rita.pay() is None
    await rita.send("/balance")
    late = rita.last().message_id
    clock.advance(8 * 86_400)
    alert = await rita.press("Refund", late)
    assert alert == "Refunds are possible for 7 days after paying. /balance"
    assert len(stage.sim.calls_to("refundStarPayment")) == 1


async def test_a_spent_deposit_is_not_refunded(stage: Stage) -> None:
    rita = await requester(stage)
    await rita.send("/deposit")
    await rita.press("$5.00")
    assert await rita.pay() is None
    await rita.send("/balance")
    shown = rita.last().message_id
    await rita.send("/newpoll Which? | A | B ; reward=0.10 n=10 time=2m life=1d")
    await rita.press("Publish")
    alert = await rita.press("Refund", shown)
    assert alert is not None and "can't be refunded" in alert
    assert stage.sim.calls_to("refundStarPayment") == []
    await ledger_sums_to_zero(stage)


async def test_the_sandbox_pays_on_its_own_once_answered(stage: Stage) -> None:
    """Pay in the web chat: once the bot answers ok, the payment follows by itself."""
    rita = await requester(stage)
    await rita.send("/deposit 3")
    body = stage.sim.pay(rita.user, rita.last().message_id, enqueue=False, then_pay=True)
    await stage.deliver(body)
    # The answer was ok, so the simulated Telegram made the payment and queued it.
    paid = [u for u in stage.sim.updates if "successful_payment" in u.get("message", {})]
    assert len(paid) == 1
    assert paid[0]["message"]["successful_payment"]["total_amount"] == 300


async def test_get_account_balance_reflects_deposits(tmp_path: Path, clock: FakeClock) -> None:
    """An MTurk script sees the Stars deposit in GetAccountBalance; a refund takes it away."""
    async with api_stage(tmp_path, clock) as stage:
        rita = await requester(stage)
        mturk = client(stage, *await new_api_key(rita))
        assert (await call(stage, mturk, "get_account_balance"))["AvailableBalance"] == "0.00"
        await rita.send("/deposit 12.50")
        assert await rita.pay() is None
        money = await call(stage, mturk, "get_account_balance")
        assert money["AvailableBalance"] == "12.50" and money["OnHoldBalance"] == "0.00"
        await rita.send("/balance")
        await rita.press("Refund")
        money = await call(stage, mturk, "get_account_balance")
        assert money["AvailableBalance"] == "0.00"
        await ledger_sums_to_zero(stage)


async def test_card_invoices_with_a_provider_token(tmp_path: Path, clock: FakeClock) -> None:
    """With GIGBOT_PAYMENT_PROVIDER_TOKEN, /deposit also offers fiat invoices; a card deposit
    is credited in cents and is not refunded by the bot."""
    overrides = {"payment_provider_token": "284685063:TEST:abc", "fiat_currency": "EUR"}
    stage = await Stage.open(await database_at(tmp_path), clock=clock, overrides=overrides)
    async with failing_on_errors(stage):
        rita = await requester(stage)
        await rita.send("/deposit")
        await rita.press("$20.00 by card (EUR)")
        sent = stage.sim.calls_to("sendInvoice")[-1].params
        assert sent["currency"] == "EUR" and sent["provider_token"] == "284685063:TEST:abc"
        assert rita.last().invoice is not None
        assert rita.last().invoice["total_amount"] == 2000  # type: ignore[index]
        assert await rita.pay() is None
        assert "$20.00 was added to your balance" in rita.last_text()
        await rita.send("/balance")
        assert not any("Refund" in b for row in rita.last().buttons() for b, _, _ in row)
        await ledger_sums_to_zero(stage)


async def test_pay_support_lists_payments_refunds_and_whom_to_ask(
    tmp_path: Path, clock: FakeClock
) -> None:
    """/paysupport, as Telegram expects of a bot that sells: the user's recent payments and
    where each stands, the Refund button while it can be used, and the operator's contact."""
    stage = await Stage.open(
        await database_at(tmp_path), clock=clock, overrides={"pay_support": "@gig_help"}
    )
    async with failing_on_errors(stage):
        rita = await requester(stage)
        await rita.send("/paysupport")
        assert "No payments in the last 30 days." in rita.last_text()
        assert (
            f"write to @gig_help with your id <code>{rita.user.id}</code>"
            in (stage.sim.calls_to("sendMessage")[-1].params["text"])
        )
        for amount in ("$5.00", "$20.00"):
            await rita.send("/deposit")
            await rita.press(amount)
            assert await rita.pay() is None
            clock.advance(86_400)
        await rita.send("/paysupport")
        shown = rita.last_text()
        assert "• $20.00 (⭐️2000), 1d ago: can be refunded for 6d more" in shown, shown
        assert "• $5.00 (⭐️500), 2d ago: can be refunded for 5d more" in shown
        await rita.press("Refund $20.00")
        assert "Refunded $20.00" in rita.last_text()
        clock.advance(6 * 86_400)
        await rita.send("/paysupport")
        shown = rita.last_text()
        assert "• $20.00 (⭐️2000), 7d ago: refunded" in shown, shown
        assert "• $5.00 (⭐️500), 8d ago: not refundable (spent, in escrow, or past 7 days)" in shown
        assert "Refund" not in str(rita.last().buttons()), "nothing left to refund"
        await ledger_sums_to_zero(stage)
