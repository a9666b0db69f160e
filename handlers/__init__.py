"""register(app): every handler and every handler group, in one ordered list.

For each update PTB runs the handler groups in ascending order; within a group only the
first handler that takes the update runs. So order matters twice: the groups below run
before (or after) the main one, and inside MAIN the conversations come before the
handlers that would otherwise take their texts, and the catch-alls come last.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks as cb
from handlers import admin, channel, errors, fair, language
from handlers.buttons import handler
from handlers.common import GigApp, GigContext, resolve_language
from handlers.menus import ADMIN_COMMANDS, REQUESTER_COMMANDS, WORKER_COMMANDS, refresh_menu
from handlers.ptb.persistence import (
    DurableConversation,
    SharedState,
    SqlitePersistence,
    StepDone,
)
from handlers.ptb.prompts import DROPPED, DropPrompts
from handlers.ptb.trace import log_update
from handlers.requester import (
    account,
    batch,
    deposit,
    drafts,
    myhits,
    poll,
    qualify,
    results,
    review,
    survey,
    workers,
)
from handlers.worker import (
    browse,
    offers,
    onboarding,
    qualtest,
    record,
    reminders,
    tagging,
    withdraw,
    work,
)

__all__ = ["ADMIN_COMMANDS", "REQUESTER_COMMANDS", "WORKER_COMMANDS", "register"]

# The handler groups, in the order they run for each update.
LANGUAGE = -1001  # the language of the update's user: context.t (handlers/common.py)
SHARED_STATE = -1000  # read the stored states of the conversations this update could reach
PROMPTS = -999  # a command ends a pending one-text prompt (reject reason, dispute, terms)
TRACE = -100  # one DEBUG line per update
MAIN = 0  # the handlers proper: one of them answers
AFTER = 1  # after the command's own handler: a new requester gets the requester menu
STEP_DONE = 1000  # the update is done: its user's conversation step may be taken anywhere

AnyHandler = BaseHandler[Update, GigContext, Any]


def _text(callback: Any) -> MessageHandler[GigContext, Any]:
    """A typed text that is not a command."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND, callback)


def _durable(
    name: str,
    entry_points: list[AnyHandler],
    states: dict[object, list[AnyHandler]],
    cancel: Any,
) -> DurableConversation:
    """A conversation kept across restarts, each step stored as it happens
    (handlers/ptb/persistence.py), left with /cancel."""
    with warnings.catch_warnings():
        # PTB warns that buttons inside are tracked per chat, not per message, when
        # per_message=False: that is exactly what we want here.
        warnings.simplefilter("ignore", PTBUserWarning)
        return DurableConversation(
            entry_points=entry_points,
            states=states,
            fallbacks=[CommandHandler("cancel", cancel)],
            name=name,
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )


def _reject_conversation() -> DurableConversation:
    """Reject on the review card, then the reason typed (kept in user_data, so the reason
    typed after a restart still finds the assignment it is for)."""
    return _durable(
        "reject",
        [handler(review.ask_reject_reason)],
        {
            review.REASON: [
                _text(review.reject_with_reason),
                # Back on the question (outside it, the same button is review.review_again)
                handler(review.back_from_reject),
            ]
        },
        review.cancel_reject,
    )


def _terms_conversation() -> DurableConversation:
    """Change terms on a draft's preview, then the terms typed."""
    return _durable(
        "terms",
        [handler(drafts.ask_terms)],
        {drafts.TERMS: [_text(drafts.got_terms)]},
        drafts.cancel_terms,
    )


def _poll_conversation() -> DurableConversation:
    """/newpoll sent alone: the question, the answers, the terms."""
    return _durable(
        "newpoll",
        [CommandHandler("newpoll", poll.new_poll)],
        {
            poll.QUESTION: [_text(poll.got_question)],
            poll.OPTIONS: [_text(poll.got_options)],
            poll.TERMS: [_text(poll.got_terms)],
        },
        poll.cancel_poll,
    )


def _survey_conversation() -> DurableConversation:
    """/newsurvey: title, questions of each kind, terms, qualifications."""
    return _durable(
        "newsurvey",
        [CommandHandler("newsurvey", survey.new_survey)],
        {
            survey.TITLE: [_text(survey.got_title)],
            survey.KIND: [handler(survey.chose_kind)],
            survey.PROMPT: [_text(survey.got_prompt)],
            survey.OPTIONS: [_text(survey.got_options)],
            survey.TERMS: [_text(survey.got_terms)],
            survey.QUALS: [handler(survey.chose_qual)],
        },
        survey.cancel_survey,
    )


def _batch_conversation() -> DurableConversation:
    """/newbatch: the file of items, the labels, title and terms."""
    return _durable(
        "newbatch",
        [CommandHandler("newbatch", batch.new_batch)],
        {
            batch.FILE: [
                MessageHandler(filters.Document.ALL, batch.got_file),
                _text(batch.not_a_file),
            ],
            batch.LABELS: [_text(batch.got_labels)],
            batch.TERMS: [_text(batch.got_terms)],
        },
        batch.cancel_batch,
    )


def _qualify_conversation() -> DurableConversation:
    """/qualify: the name, the test questions (/done), the pass mark."""
    return _durable(
        "qualify",
        [CommandHandler("qualify", qualify.new_qualification)],
        {
            qualify.NAME: [_text(qualify.got_name)],
            qualify.QUESTIONS: [
                _text(qualify.got_question),
                CommandHandler("done", qualify.questions_done),
            ],
            qualify.PASS: [_text(qualify.got_pass)],
        },
        qualify.cancel_qualification,
    )


def _fair_text_conversation() -> DurableConversation:
    """A button (dispute, uphold, message, reply), then the text that goes with it."""
    return _durable(
        "fairtext",
        [
            handler(fair.ask_dispute),
            handler(fair.ask_uphold_reply),
            handler(fair.ask_message),
            handler(fair.ask_reply),
        ],
        {fair.TEXT: [_text(fair.got_text)]},
        fair.cancel_text,
    )


def _payout_conversation() -> DurableConversation:
    """/withdraw (or a payout method's button) asking where to pay, then the address typed."""
    return _durable(
        "payout",
        [
            CommandHandler("withdraw", withdraw.withdraw_command),
            handler(withdraw.choose_method),
        ],
        {withdraw.ADDRESS: [_text(withdraw.got_address)]},
        withdraw.cancel_address,
    )


def register(app: GigApp) -> None:
    """Add every handler and every handler group, in order."""
    persistence = app.persistence
    assert isinstance(persistence, SqlitePersistence), "conversations are stored in SQLite"
    conversations = [
        _reject_conversation(),
        _terms_conversation(),
        _poll_conversation(),
        _survey_conversation(),
        _batch_conversation(),
        _qualify_conversation(),
        _fair_text_conversation(),
        _payout_conversation(),
    ]
    one_text = [c for c in conversations if c.title in DROPPED]
    assert len(one_text) == len(DROPPED), "every one-text conversation is registered"

    # == LANGUAGE: what every handler says is in the user's language.
    app.add_handler(TypeHandler(Update, resolve_language), LANGUAGE)
    # == SHARED_STATE: several processes may share the database; each update sees the
    # conversation states stored by any of them.
    app.add_handler(TypeHandler(Update, SharedState(persistence, conversations).load), SHARED_STATE)
    # == PROMPTS: a command other than /cancel abandons a pending reject reason, dispute,
    # message or terms (the command is then answered as usual).
    on_command = DropPrompts(persistence, one_text).on_command
    app.add_handler(MessageHandler(filters.COMMAND, on_command), PROMPTS)
    # == TRACE
    app.add_handler(TypeHandler(Update, log_update), TRACE)
    # == MAIN
    for main in _main(conversations):
        app.add_handler(main, MAIN)
    # == AFTER: the requester menu for whoever just became a requester.
    becoming = ["fund", *(name for name, _ in REQUESTER_COMMANDS)]
    app.add_handler(CommandHandler(becoming, refresh_menu), AFTER)
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, refresh_menu), AFTER)
    app.add_handler(CallbackQueryHandler(refresh_menu, pattern=cb.Role.pattern()), AFTER)
    # == STEP_DONE: SharedState held the user's step for an update a conversation could take.
    app.add_handler(TypeHandler(Update, StepDone(persistence, conversations).end), STEP_DONE)

    app.add_error_handler(errors.on_error)


def _main(conversations: list[DurableConversation]) -> list[AnyHandler]:
    """The handlers proper, in order: the first that takes an update answers it."""
    return [
        # -- conversations first: a step waiting for a text or a button takes it
        *conversations,
        # -- workers: first contact, preferences, /help
        CommandHandler("start", onboarding.start),
        CommandHandler("help", onboarding.help_command),
        handler(onboarding.help_page),
        handler(onboarding.choose_role),
        CommandHandler("settings", onboarding.settings),
        CommandHandler("timezone", onboarding.set_timezone),
        CommandHandler("language", language.language_command),
        handler(language.choose_language),
        handler(onboarding.setup_step),
        handler(onboarding.set_pref),
        # -- workers: finding work
        CommandHandler("hits", browse.list_hits),
        CommandHandler("next", browse.next_hit),
        handler(browse.turn_page),
        handler(browse.open_hit),
        handler(browse.back_to_card),
        handler(browse.preview_hit),
        handler(browse.mute_requester),
        handler(browse.unmute_requester),
        # -- workers: what is offered (pushes, timed offers) and why
        handler(offers.skip_hit),
        handler(offers.decline_offer),
        CommandHandler("why", offers.why_command),
        # -- workers: doing a task
        handler(work.accept_hit),
        handler(work.choose_option),
        handler(work.go_back),
        handler(work.toggle_option),
        handler(work.done_picking),
        handler(work.several_labels),
        handler(work.submit_work),
        handler(work.return_work),
        handler(tagging.next_in_batch),
        handler(tagging.undo_tag),
        handler(tagging.retag_item),
        # -- workers: reminders and the timer concierge
        handler(reminders.open_task),
        handler(reminders.extend_time),
        handler(reminders.return_free),
        # -- workers: their record, qualification tests
        CommandHandler("earnings", record.earnings),
        handler(withdraw.withdraw_button),
        CommandHandler("status", record.status),
        CommandHandler("qualtest", qualtest.take_test),
        handler(qualtest.answer_test),
        # -- requesters: drafts (/newpoll, /newsurvey, /newbatch are conversations above)
        handler(drafts.publish_hit),
        handler(drafts.discard_hit),
        handler(drafts.publish_batch),
        handler(drafts.discard_batch),
        # -- requesters: reviewing submitted work
        CommandHandler("review", review.review),
        handler(review.approve_work),
        handler(review.full_answers),
        handler(review.confirm_approve_all),
        handler(review.approve_all),
        handler(review.review_again),
        handler(review.reject_all_by),
        # -- requesters: /myhits, /results, workers, qualifications, account
        CommandHandler("myhits", myhits.my_hits),
        handler(myhits.older_hits),
        handler(myhits.open_my_hit),
        handler(myhits.manage_hit),
        handler(myhits.cancel_hit),
        handler(myhits.card_again),
        CommandHandler("results", results.results_command),
        handler(results.show_results),
        handler(results.export_csv),
        handler(results.reject_worker),
        CommandHandler("bonus", workers.bonus),
        CommandHandler("block", workers.block),
        CommandHandler("unblock", workers.unblock),
        handler(workers.block_worker),
        CommandHandler("require", qualify.require_command),
        CommandHandler("grant", qualify.grant_command),
        CommandHandler("revoke", qualify.revoke_command),
        CommandHandler("balance", account.balance),
        CommandHandler("deposit", deposit.deposit),
        CommandHandler("paysupport", deposit.pay_support),
        handler(deposit.show_deposit_menu),
        handler(deposit.send_deposit_invoice),
        handler(deposit.refund_deposit),
        # -- money in: Telegram asks before taking a payment, then tells it went through
        PreCheckoutQueryHandler(deposit.pre_checkout),
        MessageHandler(filters.SUCCESSFUL_PAYMENT, deposit.payment_received),
        CommandHandler("apikey", account.api_keys),
        handler(account.new_api_key),
        handler(account.revoke_api_key),
        # -- fair work: reputation, ratings, disputes, messages, /free, /raise
        CommandHandler("requester", fair.requester_card),
        CommandHandler("free", fair.free_time),
        CommandHandler("raise", fair.raise_reward),
        CommandHandler("msg", fair.message_command),
        handler(fair.open_rating),
        handler(fair.rate_requester),
        handler(fair.reverse_dispute),
        # -- channels (and the bot's own membership: blocked, unblocked, removed)
        CommandHandler("linkchannel", channel.link_channel),
        CommandHandler("unlinkchannel", channel.unlink_channel),
        ChatMemberHandler(channel.bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        # -- admins
        CommandHandler("fund", admin.fund),
        CommandHandler("stats", admin.stats),
        CommandHandler("payouts", admin.payouts),
        CommandHandler("rejectpayout", admin.reject_payout),
        handler(admin.export_payouts),
        handler(admin.mark_paid),
        # -- workers' typed answers: private text no conversation above took
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, work.typed_answer
        ),
        # -- catch-alls: a button or a command nothing above knows
        CallbackQueryHandler(errors.stale_button),
        MessageHandler(filters.COMMAND, errors.unknown_command),
    ]
