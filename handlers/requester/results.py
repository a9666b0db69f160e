"""/results: counts, majorities and gold accuracy of a HIT or batch; Export CSV; rejecting
a low-gold worker's work in one go."""

from __future__ import annotations

from telegram import InputFile, Update

from bot import callbacks as cb
from bot.domain import Screen, User
from bot.parsing import whole_number
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of


async def results_command(update: Update, context: GigContext) -> None:
    """`/results 12` or `/results b3`: counts, majorities, gold, Export CSV."""
    requester = await sender_of(update, context)
    arg = (context.args or [""])[0].lower()
    scope, given = ("b", arg[1:]) if arg.startswith("b") else ("h", arg)
    number = whole_number(given)
    if number is None:
        await reply(update, Screen(context.t(requesting_texts.RESULTS_USAGE)))
        return
    await reply(update, await _results(context, requester, scope, number))


@button(cb.ShowResults)
async def show_results(tap: Tap[cb.ShowResults], context: GigContext) -> None:
    """The Results button on a /myhits card."""
    await tap.answer()
    await tap.reply(await _results(context, tap.user, tap.data.scope, tap.data.target_id))


async def _results(context: GigContext, requester: User, scope: str, target: int) -> Screen:
    view = await context.requesting.results.view(requester, scope, target)
    if view is None:
        return Screen(context.t(requesting_texts.RESULTS_NOT_FOUND))
    return requester_screens.results(context.t, view, context.settings.gold_threshold)


@button(cb.ExportCsv)
async def export_csv(tap: Tap[cb.ExportCsv], context: GigContext) -> None:
    """Send the results as CSV documents."""
    data = tap.data
    files = await context.requesting.results.export(tap.user, data.scope, data.target_id)
    if not files:
        await tap.answer(context.t(requesting_texts.RESULTS_NOT_FOUND), alert=True)
        return
    await tap.answer(context.t(requesting_texts.EXPORT_SENT))
    assert tap.query.message is not None
    for name, content in files:
        await context.bot.send_document(
            tap.query.message.chat.id,
            InputFile(content, filename=name),
            caption=context.t(requesting_texts.EXPORT_CAPTION).format(name=name),
        )


async def reject_low_gold(
    tap: Tap[cb.RejectWorker] | Tap[cb.RejectAllBy], context: GigContext
) -> int | None:
    """Reject a low-gold worker's submitted work in the batch: how many were rejected;
    None (the requester is told) when the batch or the worker is not found."""
    count = await context.requesting.reviewing.reject_in_batch(
        tap.user, tap.data.alias, tap.data.batch_id, context.t(requesting_texts.GOLD_REJECT_REASON)
    )
    if count is None:
        await tap.answer(context.t(requesting_texts.RESULTS_NOT_FOUND), alert=True)
    return count


@button(cb.RejectWorker)
async def reject_worker(tap: Tap[cb.RejectWorker], context: GigContext) -> None:
    """Reject a low-gold worker's submitted work in the batch."""
    count = await reject_low_gold(tap, context)
    if count is None:
        return
    await tap.answer(requesting_texts.rejected_worker(context.t, tap.data.alias, count), alert=True)
