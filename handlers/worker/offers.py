"""What is offered to a worker: Skip on a push card, Decline on a timed offer, and /why
(why this task was pushed to them)."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.deadlines import texts as deadlines_texts
from bot.domain import Screen
from bot.market.results import DeclineResult
from bot.matching import texts as matching_texts
from bot.work import texts as work_texts
from handlers.buttons import Press, Tap, button, open_button
from handlers.common import GigContext, known_user, reply, sender_of


@open_button(cb.Skip)
async def skip_hit(press: Press[cb.Skip], context: GigContext) -> None:
    """Put the push card away (a press by someone unknown only clears it)."""
    worker = await known_user(press.update, context)
    if worker is not None:
        await context.matcher.skip(worker, press.data.hit_id)
    await press.answer(context.t(work_texts.SKIPPED))
    await press.edit(Screen(context.t(work_texts.SKIPPED)))


@button(cb.Decline)
async def decline_offer(tap: Tap[cb.Decline], context: GigContext) -> None:
    """Pass the held HIT to the next worker and say so on the offer."""
    hit_id = tap.data.hit_id
    result = await context.holds.decline(tap.user, hit_id)
    hit = await context.market.reading.hit(hit_id)
    if result is DeclineResult.NOT_HELD or hit is None:
        await tap.answer(
            context.t(deadlines_texts.DECLINE_ALERTS[DeclineResult.NOT_HELD]), alert=True
        )
        return
    await tap.respond(Screen(deadlines_texts.offer_declined(context.t, hit.title, result)))


async def why_command(update: Update, context: GigContext) -> None:
    """Say why the worker got the push they replied to (or their latest push)."""
    worker = await sender_of(update, context)
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    view = await context.matcher.why(worker, replied.message_id if replied is not None else None)
    await reply(
        update,
        Screen(
            matching_texts.why(context.t, view)
            if view is not None
            else context.t(matching_texts.WHY_NOTHING)
        ),
    )
