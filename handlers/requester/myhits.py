"""/myhits: one message listing the requester's HITs and batches; each one's card with
Pause, Resume, Cancel (which asks first) and Back."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen, User
from bot.i18n import Translator
from bot.parsing import whole_number
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.results import ManageResult
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of


async def my_hits(update: Update, context: GigContext) -> None:
    """`/myhits [page]`: one message, a button per HIT or batch, Newer / Older."""
    requester = await sender_of(update, context)
    page = whole_number((context.args or ["1"])[0])
    if page is None or page < 1 or len(context.args or []) > 1:
        await reply(update, Screen(context.t(requesting_texts.MYHITS_USAGE)))
        return
    await reply(update, await _page(context, requester, page))


@button(cb.MyHitsPage)
async def older_hits(tap: Tap[cb.MyHitsPage], context: GigContext) -> None:
    """Newer / Older, or back from a card: that page, in the same message."""
    page = tap.data.page
    if page < 1:  # no button says 0: forged
        await tap.answer(context.t(formatting.STALE_BUTTON), alert=True)
        return
    await tap.answer()
    await tap.edit(await _page(context, tap.user, page))


async def _page(context: GigContext, requester: User, page: int) -> Screen:
    progress, total = await context.requesting.managing.progress(requester, page)
    if not progress:
        return Screen(
            context.t(requesting_texts.NO_HITS_YET)
            if total == 0
            else requesting_texts.myhits_past(context.t, total)
        )
    return requester_screens.my_hits(context.t, progress, page, total)


@button(cb.OpenMyHit)
async def open_my_hit(tap: Tap[cb.OpenMyHit], context: GigContext) -> None:
    """A /myhits row: that HIT's or batch's card, with its controls and Back."""
    await _show_card(tap, context, tap.data.scope, tap.data.target_id)


@button(cb.Manage)
async def manage_hit(tap: Tap[cb.Manage], context: GigContext) -> None:
    """Pause or resume and redraw the card; Cancel asks first."""
    data, managing = tap.data, context.requesting.managing
    if data.action == "pause":
        result = await managing.pause(tap.user, data.scope, data.target_id)
    elif data.action == "resume":
        result = await managing.resume(tap.user, data.scope, data.target_id)
    elif data.action == "cancel":
        await ask_cancel(tap, context, data.scope, data.target_id)
        return
    else:
        result = ManageResult.NOT_FOUND
    if result is not ManageResult.OK:
        await tap.answer(context.t(requesting_texts.MANAGE_TEXTS[result]), alert=True)
        return
    await tap.answer(
        context.t(requesting_texts.PAUSED)
        if data.action == "pause"
        else context.t(requesting_texts.RESUMED)
    )
    await _redraw_card(tap, context, data.scope, data.target_id)


async def ask_cancel(tap: Tap[Any], context: GigContext, scope: str, target_id: int) -> None:
    """Say what cancelling refunds and what happens to work in progress; ask once more."""
    managing = context.requesting.managing
    result, preview = await managing.cancel_preview(tap.user, scope, target_id)
    if preview is None:
        await _cannot_cancel(context.t, tap, result)
        return
    await tap.answer()
    await tap.edit(requester_screens.confirm_cancel(context.t, preview))


async def _cannot_cancel(t: Translator, tap: Tap[Any], result: ManageResult) -> None:
    """Why nothing is (or would be) cancelled, as an alert."""
    text = (
        t(requesting_texts.CANCEL_NOT_NOW)
        if result is ManageResult.NOT_NOW
        else t(requesting_texts.MANAGE_TEXTS[result])
    )
    await tap.answer(text, alert=True)


@button(cb.CancelYes)
async def cancel_hit(tap: Tap[cb.CancelYes], context: GigContext) -> None:
    """Yes, cancel: cancel, refund the open slots, redraw the card."""
    data = tap.data
    result, refund = await context.requesting.managing.cancel(tap.user, data.scope, data.target_id)
    if result is not ManageResult.OK:
        await _cannot_cancel(context.t, tap, result)
        return
    await tap.answer(requesting_texts.cancelled_refund(context.t, refund))
    await _redraw_card(tap, context, data.scope, data.target_id)


@button(cb.CardAgain)
async def card_again(tap: Tap[cb.CardAgain], context: GigContext) -> None:
    """Back from the cancel question: the card as it is now."""
    await _show_card(tap, context, tap.data.scope, tap.data.target_id)


async def _show_card(tap: Tap[Any], context: GigContext, scope: str, target_id: int) -> None:
    """Answer the press with the card in its message, or an alert if it isn't theirs."""
    screen = await _card(context, tap.user, scope, target_id)
    if screen is None:
        await tap.answer(
            context.t(requesting_texts.MANAGE_TEXTS[ManageResult.NOT_FOUND]), alert=True
        )
        return
    await tap.answer()
    await tap.edit(screen)


async def _card(context: GigContext, requester: User, scope: str, target_id: int) -> Screen | None:
    """The card with its controls and Back to the page it is listed on; None if not theirs."""
    managing = context.requesting.managing
    card = await managing.card(requester, scope, target_id)
    if card is None:
        return None
    page = await managing.page_of(requester, scope, target_id)
    return requester_screens.my_hit_card(context.t, card, page)


async def _redraw_card(tap: Tap[Any], context: GigContext, scope: str, target_id: int) -> None:
    """After a pause, resume or cancel (the press already answered): the card now."""
    screen = await _card(context, tap.user, scope, target_id)
    if screen is not None:
        await tap.edit(screen)
