"""Timed offers and the timer concierge: Decline, "+N minutes", Return without penalty."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.deadlines import texts as deadlines_texts
from bot.domain import Screen
from bot.market.results import DeclineResult, ExtendResult, WorkResult
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from handlers.common import GigContext, answer, pressed_by, pressed_in, respond
from handlers.worker.work import redraw


async def decline_offer(update: Update, context: GigContext) -> None:
    """Pass the held HIT to the next worker and say so on the offer."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    hit_id = cb.Decline.unpack(str(query.data)).hit_id
    result = await context.services.holds.decline(worker, hit_id)
    hit = await context.market.hit(hit_id)
    if result is DeclineResult.NOT_HELD or hit is None:
        await answer(query, deadlines_texts.DECLINE_ALERTS[DeclineResult.NOT_HELD], alert=True)
        return
    await respond(query, Screen(deadlines_texts.offer_declined(hit.title, result)))


async def extend_time(update: Update, context: GigContext) -> None:
    """Add the allowed extra time to the task once, or say why not."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    assignment_id = cb.Extend.unpack(str(query.data)).assignment_id
    result, deadline = await context.services.holds.extend(worker, assignment_id)
    if result is not ExtendResult.OK:
        await answer(query, deadlines_texts.EXTEND_ALERTS[result], alert=True)
        return
    view = await context.market.work_view(assignment_id)
    assert view is not None
    left = deadline - context.market.clock.now()
    await respond(query, worker_screens.extended(view, left))
    await redraw(context, view)  # the task message shows the new time left too


async def return_free(update: Update, context: GigContext) -> None:
    """Give the task back from its last reminder; the approval rate is untouched."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    assignment_id = cb.ReturnFree.unpack(str(query.data)).assignment_id
    result, view = await context.market.return_assignment(
        worker, assignment_id, pressed_in(query)
    )
    if result is not WorkResult.OK or view is None:
        await answer(query, work_texts.WORK_ALERTS[result], alert=True)
        return
    await respond(query, Screen(deadlines_texts.returned_free(view.hit.title)))
