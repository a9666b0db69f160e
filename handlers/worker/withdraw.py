"""Money out for workers: /withdraw, the payout address asked once (a one-text prompt),
and the Withdraw button (once per message)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot.domain import Button, Screen, User
from bot.money import texts as money_texts
from bot.money.results import AddressResult, WithdrawResult
from bot.parsing import ParseError, parse_money
from handlers.buttons import Tap, button
from handlers.common import GigContext, asked_long_ago, drop, note_asked, reply, sender_of

ADDRESS = 0  # the conversation's one state: the address typed next
METHOD = "payout_method"  # user_data: the method the address is for


async def withdraw_screen(context: GigContext, worker: User) -> Screen:
    """Available money, where it goes, and a Withdraw button when it can leave."""
    view, t = await context.payouts.view(worker), context.t
    rows: list[tuple[Button, ...]] = []
    if view.available_cents >= view.min_cents:
        label = money_texts.btn_withdraw(t, view.available_cents)
        rows.append((Button(label, cb.Withdraw(view.available_cents).pack()),))
    methods = context.payouts.methods
    if len(methods) == 1:
        change = t(money_texts.BTN_CHANGE_ADDRESS)
        rows.append((Button(change, cb.PayoutMethod(methods[0]).pack()),))
    else:
        rows.append(
            tuple(Button(money_texts.btn_change_to(m), cb.PayoutMethod(m).pack()) for m in methods)
        )
    return Screen(money_texts.withdraw_screen(t, view), tuple(rows))


def _ask_address(context: GigContext, method: str, first: bool = False) -> Screen:
    """Ask for the address of `method` (the next text answers)."""
    assert context.user_data is not None
    context.user_data[METHOD] = method
    note_asked(context)
    ask = context.t(money_texts.ASK_ADDRESS[method])
    return Screen(f"{context.t(money_texts.ADDRESS_FIRST)}\n{ask}" if first else ask)


def _choose_method(context: GigContext) -> Screen:
    rows = tuple(
        (Button(money_texts.METHOD_NAMES[m], cb.PayoutMethod(m).pack()),)
        for m in context.payouts.methods
    )
    return Screen(context.t(money_texts.CHOOSE_METHOD), rows)


async def withdraw_command(update: Update, context: GigContext) -> int:
    """The balance and a Withdraw button; asks where to pay first if nobody said yet;
    `/withdraw 5.00` requests that much at once."""
    worker = await sender_of(update, context)
    message = update.effective_message
    assert message is not None
    view = await context.payouts.view(worker)
    if view.address is None:
        methods = context.payouts.methods
        if len(methods) > 1:
            await reply(update, _choose_method(context))
            return ConversationHandler.END
        await reply(update, _ask_address(context, methods[0], first=True))
        return ADDRESS
    args = list(context.args or [])
    if not args:
        await reply(update, await withdraw_screen(context, worker))
        return ConversationHandler.END
    try:
        cents = parse_money(" ".join(args))  # "1 000,50" is one amount, refused
    except ParseError as exc:
        await reply(update, Screen(money_texts.withdraw_error(context.t, exc.said(context.t))))
        return ConversationHandler.END
    key = f"{message.chat.id}:{message.message_id}"
    await _withdraw(update, context, worker, cents, key)
    return ConversationHandler.END


@button(cb.PayoutMethod, unknown=ConversationHandler.END)
async def choose_method(tap: Tap[cb.PayoutMethod], context: GigContext) -> int:
    """Ask for the address of the method pressed (PayPal email, Venmo number)."""
    method = tap.data.method
    if method not in context.payouts.methods:
        unknown = context.t(money_texts.ADDRESS_TEXTS[AddressResult.UNKNOWN_METHOD])
        await tap.answer(unknown, alert=True)
        return ConversationHandler.END
    await tap.answer()
    await tap.reply(_ask_address(context, method))
    return ADDRESS


async def got_address(update: Update, context: GigContext) -> int:
    """Keep the address typed and show /withdraw; or say what a right one looks like."""
    worker = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    method = str(context.user_data.get(METHOD) or context.payouts.methods[0])
    if asked_long_ago(context):
        context.user_data.pop(METHOD, None)
        await reply(update, Screen(context.t(money_texts.ADDRESS_TOO_LATE)))
        return ConversationHandler.END
    result = await context.payouts.set_address(worker, method, message.text or "")
    if result is not AddressResult.OK:
        note_asked(context)
        await reply(update, Screen(context.t(money_texts.ADDRESS_TEXTS[result])))
        return ADDRESS if result is not AddressResult.UNKNOWN_METHOD else ConversationHandler.END
    context.user_data.pop(METHOD, None)
    view = await context.payouts.view(worker)
    await reply(update, Screen(money_texts.address_saved(context.t, method, view.address or "")))
    await reply(update, await withdraw_screen(context, worker))
    return ConversationHandler.END


async def cancel_address(update: Update, context: GigContext) -> int:
    """Leave the address as it was."""
    return await drop(update, context, METHOD, context.t(money_texts.ADDRESS_UNCHANGED))


@button(cb.Withdraw)
async def withdraw_button(tap: Tap[cb.Withdraw], context: GigContext) -> None:
    """Request the amount on the button, once per message (a double tap asks once)."""
    at = tap.at
    key = f"{at[0]}:{at[1]}" if at else f"tap:{tap.query.id}"
    await tap.answer()
    await _withdraw(tap.update, context, tap.user, tap.data.cents, key)


async def _withdraw(
    update: Update, context: GigContext, worker: User, cents: int, key: str
) -> None:
    result, amount = await context.payouts.withdraw(worker, cents, key)
    t = context.t
    text = t(money_texts.WITHDRAW_TEXTS[result]).format(
        amount=t.money(amount), minimum=t.money(context.payouts.min_cents)
    )
    rows: tuple[tuple[Button, ...], ...] = ()
    if result is WithdrawResult.NO_ADDRESS:
        method = context.payouts.methods[0]
        rows = ((Button(t(money_texts.BTN_CHANGE_ADDRESS), cb.PayoutMethod(method).pack()),),)
    await reply(update, Screen(text, rows))
