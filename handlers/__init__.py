"""register(app): the one ordered list of every handler."""

from __future__ import annotations

import warnings

from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks as cb
from handlers import admin, errors, requester, worker
from handlers.common import GigApp, GigContext

# (command, description) shown in Telegram's menu; the same table registers handlers.
WORKER_COMMANDS = (
    ("start", "Sign up or see your alias"),
    ("earnings", "Your pending and approved money"),
    ("help", "How gigbot works"),
)
REQUESTER_COMMANDS = (
    ("newpoll", "Post a one-question poll"),
    ("review", "Approve or reject submitted work"),
    ("balance", "Your balance and escrow"),
)
ADMIN_COMMANDS = (("fund", "Add money to a requester"),)


def _reject_conversation() -> ConversationHandler[GigContext]:
    # PTB warns that a CallbackQueryHandler entry point is tracked per chat, not per
    # message, when per_message=False: that is exactly what we want here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CallbackQueryHandler(requester.ask_reject_reason, pattern=cb.Reject.pattern())
            ],
            states={
                requester.REASON: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, requester.reject_with_reason)
                ]
            },
            fallbacks=[CommandHandler("cancel", requester.cancel_reject)],
            per_message=False,
            allow_reentry=True,
        )


def register(app: GigApp) -> None:
    """Add every handler, in order. Order matters: catch-alls come last."""
    # -- workers
    app.add_handler(CommandHandler("start", worker.start))
    app.add_handler(CommandHandler("help", worker.help_command))
    app.add_handler(CommandHandler("earnings", worker.earnings))
    app.add_handler(CallbackQueryHandler(worker.accept_hit, pattern=cb.Accept.pattern()))
    app.add_handler(CallbackQueryHandler(worker.skip_hit, pattern=cb.Skip.pattern()))
    app.add_handler(CallbackQueryHandler(worker.choose_option, pattern=cb.Choose.pattern()))
    app.add_handler(CallbackQueryHandler(worker.go_back, pattern=cb.Back.pattern()))
    app.add_handler(CallbackQueryHandler(worker.submit_work, pattern=cb.Submit.pattern()))
    app.add_handler(CallbackQueryHandler(worker.return_work, pattern=cb.Return.pattern()))
    # -- requesters
    app.add_handler(_reject_conversation())
    app.add_handler(CommandHandler("newpoll", requester.new_poll))
    app.add_handler(CommandHandler("review", requester.review))
    app.add_handler(CommandHandler("balance", requester.balance))
    app.add_handler(CallbackQueryHandler(requester.publish_hit, pattern=cb.Publish.pattern()))
    app.add_handler(CallbackQueryHandler(requester.discard_hit, pattern=cb.Discard.pattern()))
    app.add_handler(CallbackQueryHandler(requester.approve_work, pattern=cb.Approve.pattern()))
    # -- admins
    app.add_handler(CommandHandler("fund", admin.fund))
    # -- catch-alls
    app.add_handler(CallbackQueryHandler(errors.stale_button))
    app.add_handler(MessageHandler(filters.COMMAND, errors.unknown_command))
    app.add_error_handler(errors.on_error)
