"""A worker's record: /earnings and /status."""

from __future__ import annotations

from telegram import Update

from bot.work import screens as worker_screens
from handlers.common import GigContext, reply, sender_of


async def earnings(update: Update, context: GigContext) -> None:
    """Pending, approved, bonuses and balance; today, 7 days, all time; hourly rate."""
    worker = await sender_of(update, context)
    await reply(update, worker_screens.earnings(context.t, await context.desk.earnings(worker)))


async def status(update: Update, context: GigContext) -> None:
    """Approval rate, counts, qualifications and work in progress with time left."""
    worker = await sender_of(update, context)
    report = await context.desk.status(worker)
    await reply(update, worker_screens.status(context.t, report, context.clock.now()))
