"""The buttons on a reminder: Open the task again, "+N minutes" once, Return without
penalty."""

from __future__ import annotations

from bot import callbacks as cb
from bot.deadlines import texts as deadlines_texts
from bot.domain import Screen
from bot.market.results import ExtendResult, WorkResult
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from handlers.buttons import Tap, button
from handlers.common import GigContext
from handlers.worker.work import redraw, resend_task


@button(cb.OpenTask)
async def open_task(tap: Tap[cb.OpenTask], context: GigContext) -> None:
    """From a reminder: show the running task again as a new message, or say it is over."""
    result, view = await context.market.working.open_task(tap.user, tap.data.assignment_id)
    if result is not WorkResult.OK or view is None:
        await tap.answer(context.t(work_texts.WORK_ALERTS[result]), alert=True)
        return
    await tap.answer()
    await resend_task(tap.update, context, view)


@button(cb.Extend)
async def extend_time(tap: Tap[cb.Extend], context: GigContext) -> None:
    """Add the allowed extra time to the task once, or say why not."""
    assignment_id = tap.data.assignment_id
    result, deadline = await context.holds.extend(tap.user, assignment_id)
    if result is not ExtendResult.OK:
        await tap.answer(context.t(deadlines_texts.EXTEND_ALERTS[result]), alert=True)
        return
    view = await context.market.reading.work_view(assignment_id)
    assert view is not None
    left = deadline - context.clock.now()
    await tap.respond(worker_screens.extended(context.t, view, left))
    await redraw(context, view)  # the task message shows the new time left too


@button(cb.ReturnFree)
async def return_free(tap: Tap[cb.ReturnFree], context: GigContext) -> None:
    """Give the task back from its last reminder; the approval rate is untouched."""
    working = context.market.working
    result, view = await working.return_assignment(tap.user, tap.data.assignment_id, tap.at)
    if result is not WorkResult.OK or view is None:
        await tap.answer(context.t(work_texts.WORK_ALERTS[result]), alert=True)
        return
    await tap.respond(Screen(deadlines_texts.returned_free(context.t, view.hit.title)))
