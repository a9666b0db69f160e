"""Admin handlers: /fund, /stats, /payouts (export, mark paid) and /rejectpayout."""

from __future__ import annotations

from telegram import InputFile, Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import Button, Screen
from bot.market import texts as market_texts
from bot.market.stats import market_stats
from bot.money import texts as money_texts
from bot.parsing import ParseError, parse_fund, whole_number
from handlers.buttons import Press, open_button
from handlers.common import GigContext, reply


async def fund(update: Update, context: GigContext) -> None:
    """Credit a requester's balance (admins only), once per command message."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    if update.effective_user.id not in context.settings.admins:
        await reply(update, Screen(context.t(market_texts.ADMIN_ONLY)))
        return
    try:
        args = parse_fund(list(context.args or []))
    except ParseError as exc:
        await reply(update, Screen(market_texts.fund_error(exc.problem)))  # admin tools: English
        return
    key = f"{message.chat.id}:{message.message_id}"
    result = await context.accounts.fund(args.tg_id, args.amount_cents, key)
    await reply(
        update,
        Screen(
            market_texts.FUND_TEXTS[result].format(
                amount=formatting.money(args.amount_cents), tg_id=args.tg_id
            )
        ),
    )


async def stats(update: Update, context: GigContext) -> None:
    """Show the marketplace at a glance (admins only)."""
    assert update.effective_user is not None
    if update.effective_user.id not in context.settings.admins:
        await reply(update, Screen(context.t(market_texts.ADMIN_ONLY)))
        return
    services = context.services
    await reply(
        update, Screen(market_texts.market_stats(await market_stats(services.db, services.clock)))
    )


def _is_admin(update: Update, context: GigContext) -> bool:
    return update.effective_user is not None and update.effective_user.id in context.settings.admins


async def _payouts_screen(context: GigContext) -> Screen:
    view = await context.payouts.pending()
    rows: list[tuple[Button, ...]] = []
    if view.lines:
        rows.append((Button(money_texts.BTN_EXPORT, cb.ExportPayouts().pack()),))
    if view.open_batch is not None:
        label = money_texts.btn_mark_paid(view.open_batch)
        rows.append((Button(label, cb.MarkPaid(view.open_batch).pack()),))
    return Screen(money_texts.payouts_screen(view), tuple(rows))


async def payouts(update: Update, context: GigContext) -> None:
    """Pending withdrawal requests with Export CSV and Mark batch paid (admins only)."""
    if not _is_admin(update, context):
        await reply(update, Screen(context.t(market_texts.ADMIN_ONLY)))
        return
    await reply(update, await _payouts_screen(context))


@open_button(cb.ExportPayouts)
async def export_payouts(tap: Press[cb.ExportPayouts], context: GigContext) -> None:
    """Send the batch as PayPal's bulk-payout CSV; the screen then offers Mark paid."""
    if tap.query.from_user.id not in context.settings.admins:
        await tap.answer(context.t(market_texts.ADMIN_ONLY), alert=True)
        return
    result, made = await context.payouts.export()
    if made is None:
        await tap.answer(money_texts.PAID_TEXTS[result], alert=True)
        return
    await tap.answer()
    message = tap.update.effective_message
    assert message is not None
    await message.reply_document(
        InputFile(made.content, filename=made.filename),
        caption=money_texts.exported(made.batch_id, made.count, made.total_cents),
    )
    await tap.edit(await _payouts_screen(context))


@open_button(cb.MarkPaid)
async def mark_paid(tap: Press[cb.MarkPaid], context: GigContext) -> None:
    """Mark the exported batch paid: its workers are told; a second press changes nothing."""
    if tap.query.from_user.id not in context.settings.admins:
        await tap.answer(context.t(market_texts.ADMIN_ONLY), alert=True)
        return
    batch_id = tap.data.batch_id
    result, count, cents = await context.payouts.mark_paid(batch_id)
    text = money_texts.PAID_TEXTS[result].format(
        batch_id=batch_id,
        count=formatting.plural(count, "payout"),
        amount=formatting.money(cents),
    )
    await tap.answer()
    await tap.edit(await _payouts_screen(context))
    await tap.reply(Screen(text))


async def reject_payout(update: Update, context: GigContext) -> None:
    """`/rejectpayout 12 reason`: the money goes back to the worker, who is told why."""
    if not _is_admin(update, context):
        await reply(update, Screen(context.t(market_texts.ADMIN_ONLY)))
        return
    args = list(context.args or [])
    payout_id = whole_number(args[0]) if args else None
    reason = " ".join(args[1:]).strip()
    if payout_id is None or not reason:
        problem = "give the request's number and a reason" if not args else (
            "the reason is missing" if payout_id is not None else f"'{args[0]}' is not a number"
        )  # fmt: skip
        await reply(update, Screen(money_texts.reject_error(problem)))
        return
    result, cents = await context.payouts.reject(payout_id, reason[:300])
    text = money_texts.REJECT_TEXTS[result].format(
        payout_id=payout_id, amount=formatting.money(cents)
    )
    await reply(update, Screen(text))
