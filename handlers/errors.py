"""The error handler and the catch-all for stale or unknown buttons."""

from __future__ import annotations

import logging

from telegram import Update

from bot import formatting
from handlers.common import GigContext, answer

log = logging.getLogger(__name__)


async def on_error(update: object, context: GigContext) -> None:
    """Log the error with the update id, remember it, and tell the user something short."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=error)
    if error is not None:
        context.services.errors.append(error)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        await answer(update.callback_query, context.t(formatting.SOMETHING_WRONG), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.t(formatting.SOMETHING_WRONG))


async def stale_button(update: Update, context: GigContext) -> None:
    """A button no handler knows (old keyboard, bad data): say so."""
    query = update.callback_query
    assert query is not None
    await answer(query, context.t(formatting.STALE_BUTTON), alert=True)


async def unknown_command(update: Update, context: GigContext) -> None:
    """A command gigbot does not have."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(context.t(formatting.UNKNOWN_COMMAND))
