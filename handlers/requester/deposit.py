"""Money in: /deposit and its invoices (Telegram Stars, or fiat through a provider), the
pre-checkout answer, the successful payment, and Star refunds from /balance."""

from __future__ import annotations

import logging

from telegram import LabeledPrice, Update
from telegram.error import BadRequest, TelegramError

from bot import callbacks as cb
from bot.domain import Button, Screen
from bot.money import texts as money_texts
from bot.money.results import STARS, CheckResult, CreditResult, RefundResult
from bot.parsing import ParseError, parse_money
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of

log = logging.getLogger(__name__)


def deposit_menu(context: GigContext) -> Screen:
    """The amounts to pay, in Stars (and by card where a provider is set up)."""
    deposits, t = context.deposits, context.t
    view = deposits.view()
    rows = [
        (Button(money_texts.btn_stars(t, c, deposits.stars_for(c)), cb.Deposit(c, STARS).pack()),)
        for c in view.amounts
    ]
    if view.fiat:
        rows += [
            (Button(money_texts.btn_fiat(t, c, view.fiat), cb.Deposit(c, view.fiat).pack()),)
            for c in view.amounts
        ]
    return Screen(money_texts.deposit_menu(t, view), tuple(rows))


async def _send_invoice(update: Update, context: GigContext, cents: int, currency: str) -> bool:
    """Send the invoice for a deposit; False if the amount or currency isn't offered."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    made = context.deposits.invoice(user.id, cents, currency)
    if made is None:
        return False
    t = context.t
    await context.bot.send_invoice(
        chat.id,
        title=t(money_texts.INVOICE_TITLE),
        description=money_texts.invoice_description(t, made.cents),
        payload=made.payload,
        currency=made.currency,
        prices=[LabeledPrice(money_texts.invoice_label(t, made.cents), made.amount)],
        provider_token=None if made.currency == STARS else context.settings.payment_provider_token,
    )
    return True


async def deposit(update: Update, context: GigContext) -> None:
    """Offer amounts to pay; `/deposit 12.50` sends that invoice at once."""
    await sender_of(update, context)
    args = list(context.args or [])
    if not args:
        await reply(update, deposit_menu(context))
        return
    view, t = context.deposits.view(), context.t
    try:
        cents = parse_money(" ".join(args))  # "1 000,50" is one amount, refused
    except ParseError as exc:
        await reply(update, Screen(money_texts.deposit_error(t, exc.said(t), view)))
        return
    if not await _send_invoice(update, context, cents, STARS):
        out_of_range = t(money_texts.OUT_OF_RANGE)
        await reply(update, Screen(money_texts.deposit_error(t, out_of_range, view)))


@button(cb.DepositMenu)
async def show_deposit_menu(tap: Tap[cb.DepositMenu], context: GigContext) -> None:
    """The amounts to deposit, below the message whose button was pressed."""
    await tap.answer()
    await tap.reply(deposit_menu(context))


@button(cb.Deposit)
async def send_deposit_invoice(tap: Tap[cb.Deposit], context: GigContext) -> None:
    """Send the invoice for the amount pressed."""
    await tap.answer()
    if not await _send_invoice(tap.update, context, tap.data.cents, tap.data.currency):
        await tap.reply(deposit_menu(context))


async def pre_checkout(update: Update, context: GigContext) -> None:
    """Agree to take the payment, or say in the payment form why not (within 10 seconds)."""
    query = update.pre_checkout_query
    assert query is not None
    result = await context.deposits.check(
        query.from_user.id, query.invoice_payload, query.currency, query.total_amount
    )
    if result is CheckResult.OK:
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message=context.t(money_texts.CHECK_TEXTS[result]))


async def payment_received(update: Update, context: GigContext) -> None:
    """Credit the payment once (the receipt comes from the outbox, once)."""
    message = update.effective_message
    assert message is not None and message.successful_payment is not None
    assert update.effective_user is not None
    paid = message.successful_payment
    result, _ = await context.deposits.credit(
        update.effective_user.id,
        charge_id=paid.telegram_payment_charge_id,
        provider_charge_id=paid.provider_payment_charge_id or "",
        currency=paid.currency,
        total_amount=paid.total_amount,
    )
    if result is CreditResult.UNKNOWN_USER:
        log.error("payment %s from unknown user", paid.telegram_payment_charge_id)
        await reply(update, Screen(context.t(money_texts.DEPOSIT_UNKNOWN)))


async def pay_support(update: Update, context: GigContext) -> None:
    """/paysupport: the user's recent payments, refunds, and whom to ask (Telegram's rule)."""
    payer = await sender_of(update, context)
    deposits = context.deposits
    lines = await deposits.history(payer)
    t = context.t
    text = money_texts.pay_support(
        t, lines, deposits.terms.refund_days, context.settings.pay_support, payer.tg_id
    )
    rows = tuple(
        (Button(money_texts.btn_refund(t, offer), cb.RefundDeposit(offer.deposit_id).pack()),)
        for offer in (await deposits.refundable(payer))[:3]
    )
    await reply(update, Screen(text, rows))


@button(cb.RefundDeposit)
async def refund_deposit(tap: Tap[cb.RefundDeposit], context: GigContext) -> None:
    """Give the Stars of an unused deposit back, debiting the balance once."""
    deposits = context.deposits
    result, refund = await deposits.start_refund(tap.user, tap.data.deposit_id)
    t = context.t
    days = t.number(deposits.terms.refund_days)
    if result is not RefundResult.OK:
        said = t(money_texts.REFUND_TEXTS[result]).format(days=days, amount="")
        await tap.answer(said, alert=True)
        return
    try:
        await context.bot.refund_star_payment(refund.tg_id, refund.charge_id)
    except BadRequest as exc:
        if "CHARGE_ALREADY_REFUNDED" not in exc.message.upper():
            await deposits.undo_refund(refund)
            log.warning("refundStarPayment %s refused: %s", refund.charge_id, exc.message)
            await tap.answer(t(money_texts.REFUND_FAILED), alert=True)
            return
    except TelegramError:
        # Telegram may or may not have refunded: the refund stays under way, and pressing
        # again asks once more (CHARGE_ALREADY_REFUNDED then finishes it).
        await tap.answer(t(money_texts.REFUND_UNANSWERED), alert=True)
        raise
    await deposits.finish_refund(refund)
    text = t(money_texts.REFUND_TEXTS[RefundResult.OK]).format(
        amount=f"{t.money(refund.cents)} ({money_texts.stars(refund.stars)})", days=days
    )
    await tap.answer()
    await tap.reply(Screen(text))
