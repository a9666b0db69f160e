"""A requester's account: /balance, and /apikey (keys for the MTurk-compatible API: create,
list, revoke)."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.domain import Button, Screen, User
from bot.market import texts as market_texts
from bot.money import texts as money_texts
from bot.mturk import texts as mturk_texts
from handlers.buttons import Tap, button
from handlers.common import (
    GigContext,
    reply,
    sender_of,
)


async def balance(update: Update, context: GigContext) -> None:
    """Show available money and escrow, with Deposit (and Refund for unused Star deposits)."""
    requester = await sender_of(update, context)
    found = await context.accounts.requester_balance(requester)
    t = context.t
    shown = market_texts.balance(t, found, requester.tg_id)
    rows = [(Button(t(money_texts.BTN_DEPOSIT), cb.DepositMenu().pack()),)]
    rows += [
        (Button(money_texts.btn_refund(t, offer), cb.RefundDeposit(offer.deposit_id).pack()),)
        for offer in (await context.deposits.refundable(requester))[:3]
    ]
    await reply(update, Screen(shown, tuple(rows)))


async def _keys_screen(context: GigContext, requester: User) -> Screen:
    keys = await context.api_keys.list(requester)
    rows = [(Button(context.t(mturk_texts.BTN_NEW_API_KEY), cb.NewApiKey().pack()),)]
    rows += [
        (
            Button(
                context.t(mturk_texts.BTN_REVOKE_API_KEY).format(short=k.access_key_id[-6:]),
                cb.RevokeApiKey(k.access_key_id).pack(),
            ),
        )
        for k in keys
        if k.active
    ]
    listed = [(k.access_key_id, k.active, k.created_at) for k in keys]
    now = context.clock.now()
    return Screen(mturk_texts.api_keys(context.t, listed, now, context.mturk_url), tuple(rows))


async def api_keys(update: Update, context: GigContext) -> None:
    """List the requester's keys with New key / Revoke buttons."""
    requester = await sender_of(update, context)
    await reply(update, await _keys_screen(context, requester))


@button(cb.NewApiKey)
async def new_api_key(tap: Tap[cb.NewApiKey], context: GigContext) -> None:
    """Make a key pair and show the secret this once."""
    made = await context.api_keys.create(tap.user)
    if made is None:
        await tap.answer(context.t(mturk_texts.API_KEY_LIMIT), alert=True)
        return
    await tap.answer()
    await tap.edit(await _keys_screen(context, tap.user))
    await tap.reply(Screen(mturk_texts.api_key_created(context.t, *made, context.mturk_url)))


@button(cb.RevokeApiKey)
async def revoke_api_key(tap: Tap[cb.RevokeApiKey], context: GigContext) -> None:
    """Revoke the key at once and redraw the list."""
    key_id = tap.data.key_id
    done = await context.api_keys.revoke(tap.user, key_id)
    if not done:
        await tap.answer(context.t(mturk_texts.API_KEY_NOT_FOUND), alert=True)
        return
    await tap.answer(context.t(mturk_texts.API_KEY_REVOKED).format(key_id=key_id))
    await tap.edit(await _keys_screen(context, tap.user))
