"""Tagging a batch, one tap per item: the next item in the same message, and Undo to
change the label of the item just handed in."""

from __future__ import annotations

from typing import Any

from bot import callbacks as cb
from bot.market.results import RetagResult
from bot.market.views import WorkView
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from bot.work.screens import given
from handlers.buttons import Tap, button
from handlers.common import GigContext


@button(cb.NextInBatch)
async def next_in_batch(tap: Tap[cb.NextInBatch], context: GigContext) -> None:
    """Accept the batch's next item into this message (the one handed in gives way to it)."""
    onward = await context.batch_work.next_item(tap.user, tap.data.batch_id, tap.at)
    if onward.following is None:
        refused = onward.refused
        alert = (
            context.t(work_texts.ACCEPT_ALERTS[refused])
            if refused is not None
            else context.t(work_texts.NO_MORE_IN_BATCH)
        )
        await tap.answer(alert.format(max_active=context.market.accepting.max_active), alert=True)
        return
    now = context.clock.now()
    await tap.respond(worker_screens.next_item(context.t, onward.following, now))


@button(cb.Undo)
async def undo_tag(tap: Tap[cb.Undo], context: GigContext) -> None:
    """Show the batch item just handed in with its labels, to change the one given."""
    result, view = await context.batch_work.handed_in(tap.user, tap.data.assignment_id)
    if result is not RetagResult.OK or view is None:
        await tap.answer(context.t(work_texts.RETAG_ALERTS[result]), alert=True)
        return
    await tap.respond(worker_screens.retag(context.t, view, tap.data.next_id))


@button(cb.Retag)
async def retag_item(tap: Tap[cb.Retag], context: GigContext) -> None:
    """Give the item handed in the tapped label (or keep it), then back to the next item."""
    data = tap.data
    result, view = await context.batch_work.retag(tap.user, data.assignment_id, data.option)
    if result in (RetagResult.OK, RetagResult.KEPT) and view is not None:
        toast = (
            work_texts.retagged(context.t, given(view))
            if result is RetagResult.OK
            else work_texts.kept(context.t, given(view))
        )
        await _back_after_undo(tap, context, view, data.next_id, toast)
        return
    await tap.answer(context.t(work_texts.RETAG_ALERTS[result]), alert=True)
    if result is RetagResult.REVIEWED:  # nothing to change any more: carry on
        await _back_after_undo(tap, context, None, data.next_id)


async def _back_after_undo(
    tap: Tap[Any],
    context: GigContext,
    view: WorkView | None,
    next_id: int,
    toast: str | None = None,
) -> None:
    """The next item again (if still in progress), else the item handed in."""
    worker = tap.user
    following = await context.batch_work.resume(worker, next_id) if next_id else None
    if following is not None:
        screen = worker_screens.next_item(context.t, following, context.clock.now(), view)
        await (tap.respond(screen, toast) if toast else tap.edit(screen))
        return
    if view is None:
        return
    pending = await context.desk.pending_cents(worker)
    await tap.respond(worker_screens.submitted(context.t, view, pending, None, undo=True), toast)
