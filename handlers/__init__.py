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
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks as cb
from handlers import admin, channel, errors
from handlers import fair as fairwork
from handlers.buttons import handler
from handlers.common import GigApp, GigContext
from handlers.menus import ADMIN_COMMANDS, REQUESTER_COMMANDS, WORKER_COMMANDS, refresh_menu
from handlers.ptb.persistence import DurableConversation, SharedState, SqlitePersistence
from handlers.ptb.prompts import DROPPED, DropPrompts
from handlers.ptb.trace import log_update
from handlers.requester import apikey as requester_apikey
from handlers.requester import batch as requester_batch
from handlers.requester import manage as requester_manage
from handlers.requester import poll as requester_poll
from handlers.requester import qualify as requester_qualify
from handlers.requester import requirements as matching
from handlers.requester import review as requester
from handlers.requester import survey as requester_survey
from handlers.requester import terms as requester_terms
from handlers.worker import browse, offers, onboarding
from handlers.worker import work as worker

__all__ = ["ADMIN_COMMANDS", "REQUESTER_COMMANDS", "WORKER_COMMANDS", "register"]

# The handler groups, in the order they run for each update.
SHARED_STATE = -1000  # read the stored states of the conversations this update could reach
PROMPTS = -999  # a command ends a pending one-text prompt (reject reason, dispute, terms)
TRACE = -100  # one DEBUG line per update
MAIN = 0  # the handlers proper: one of them answers
AFTER = 1  # after the command's own handler: a new requester gets the requester menu

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
    r = requester
    return _durable(
        "reject",
        [handler(r.ask_reject_reason)],
        {
            r.REASON: [
                _text(r.reject_with_reason),
                # Back on the question (outside it, the same button is m.review_again)
                handler(r.back_from_reject),
            ]
        },
        r.cancel_reject,
    )


def _terms_conversation() -> DurableConversation:
    """Change terms on a draft's preview, then the terms typed."""
    t = requester_terms
    return _durable(
        "terms",
        [handler(t.ask_terms)],
        {t.TERMS: [_text(t.got_terms)]},
        t.cancel_terms,
    )


def _poll_conversation() -> DurableConversation:
    """/newpoll sent alone: the question, the answers, the terms."""
    p = requester_poll
    return _durable(
        "newpoll",
        [CommandHandler("newpoll", p.new_poll)],
        {
            p.QUESTION: [_text(p.got_question)],
            p.OPTIONS: [_text(p.got_options)],
            p.TERMS: [_text(p.got_terms)],
        },
        p.cancel_poll,
    )


def _survey_conversation() -> DurableConversation:
    """/newsurvey: title, questions of each kind, terms, qualifications."""
    s = requester_survey
    return _durable(
        "newsurvey",
        [CommandHandler("newsurvey", s.new_survey)],
        {
            s.TITLE: [_text(s.got_title)],
            s.KIND: [handler(s.chose_kind)],
            s.PROMPT: [_text(s.got_prompt)],
            s.OPTIONS: [_text(s.got_options)],
            s.TERMS: [_text(s.got_terms)],
            s.QUALS: [handler(s.chose_qual)],
        },
        s.cancel_survey,
    )


def _batch_conversation() -> DurableConversation:
    """/newbatch: the file of items, the labels, title and terms."""
    b = requester_batch
    return _durable(
        "newbatch",
        [CommandHandler("newbatch", b.new_batch)],
        {
            b.FILE: [MessageHandler(filters.Document.ALL, b.got_file), _text(b.not_a_file)],
            b.LABELS: [_text(b.got_labels)],
            b.TERMS: [_text(b.got_terms)],
        },
        b.cancel_batch,
    )


def _qualify_conversation() -> DurableConversation:
    """/qualify: the name, the test questions (/done), the pass mark."""
    q = requester_qualify
    return _durable(
        "qualify",
        [CommandHandler("qualify", q.new_qualification)],
        {
            q.NAME: [_text(q.got_name)],
            q.QUESTIONS: [_text(q.got_question), CommandHandler("done", q.questions_done)],
            q.PASS: [_text(q.got_pass)],
        },
        q.cancel_qualification,
    )


def _fair_text_conversation() -> DurableConversation:
    """A button (dispute, uphold, message, reply), then the text that goes with it."""
    f = fairwork
    return _durable(
        "fairtext",
        [
            handler(f.ask_dispute),
            handler(f.ask_uphold_reply),
            handler(f.ask_message),
            handler(f.ask_reply),
        ],
        {f.TEXT: [_text(f.got_text)]},
        f.cancel_text,
    )


def register(app: GigApp) -> None:
    """Add every handler and every handler group, in order."""
    persistence = app.persistence
    assert isinstance(persistence, SqlitePersistence), "conversations are stored in SQLite"
    reject, terms, fair_text = (
        _reject_conversation(),
        _terms_conversation(),
        _fair_text_conversation(),
    )
    writing = [
        _poll_conversation(),
        _survey_conversation(),
        _batch_conversation(),
        _qualify_conversation(),
    ]
    durable = [reject, terms, *writing, fair_text]
    one_text = [c for c in durable if c.title in DROPPED]
    assert len(one_text) == len(DROPPED), "every one-text conversation is registered"

    # == SHARED_STATE: several processes may share the database; each update sees the
    # conversation states stored by any of them.
    app.add_handler(TypeHandler(Update, SharedState(persistence, durable).load), SHARED_STATE)
    # == PROMPTS: a command other than /cancel abandons a pending reject reason, dispute,
    # message or terms (the command is then answered as usual).
    on_command = DropPrompts(persistence, one_text).on_command
    app.add_handler(MessageHandler(filters.COMMAND, on_command), PROMPTS)
    # == TRACE
    app.add_handler(TypeHandler(Update, log_update), TRACE)

    # == MAIN
    # -- workers
    app.add_handler(CommandHandler("start", onboarding.start))
    app.add_handler(CommandHandler("help", onboarding.help_command))
    app.add_handler(handler(onboarding.help_page))
    app.add_handler(handler(onboarding.choose_role))
    app.add_handler(CommandHandler("settings", onboarding.settings))
    app.add_handler(CommandHandler("timezone", onboarding.set_timezone))
    app.add_handler(handler(onboarding.setup_step))
    app.add_handler(handler(onboarding.set_pref))
    app.add_handler(CommandHandler("hits", browse.list_hits))
    app.add_handler(CommandHandler("next", browse.next_hit))
    app.add_handler(CommandHandler("earnings", browse.earnings))
    app.add_handler(CommandHandler("status", browse.status))
    app.add_handler(handler(browse.turn_page))
    app.add_handler(handler(browse.open_hit))
    app.add_handler(handler(browse.back_to_card))
    app.add_handler(handler(browse.preview_hit))
    app.add_handler(handler(browse.mute_requester))
    app.add_handler(handler(browse.unmute_requester))
    app.add_handler(handler(browse.next_in_batch))
    app.add_handler(handler(worker.accept_hit))
    app.add_handler(handler(worker.skip_hit))
    app.add_handler(handler(worker.choose_option))
    app.add_handler(handler(worker.go_back))
    app.add_handler(handler(worker.submit_work))
    app.add_handler(handler(worker.return_work))
    app.add_handler(handler(worker.open_task))
    app.add_handler(handler(worker.toggle_option))
    app.add_handler(handler(worker.done_picking))
    app.add_handler(handler(worker.several_labels))
    app.add_handler(handler(worker.undo_tag))
    app.add_handler(handler(worker.retag_item))
    # -- requesters
    app.add_handler(reject)
    app.add_handler(terms)
    app.add_handler(CommandHandler("review", requester.review))
    app.add_handler(CommandHandler("balance", requester.balance))
    app.add_handler(handler(requester.publish_hit))
    app.add_handler(handler(requester.discard_hit))
    app.add_handler(handler(requester.approve_work))
    app.add_handler(handler(requester.full_answers))
    for conversation in writing:
        app.add_handler(conversation)
    m = requester_manage
    app.add_handler(CommandHandler("myhits", m.my_hits))
    app.add_handler(CommandHandler("results", m.results_command))
    app.add_handler(CommandHandler("bonus", m.bonus))
    app.add_handler(CommandHandler("block", m.block))
    app.add_handler(CommandHandler("unblock", m.unblock))
    app.add_handler(CommandHandler("qualtest", requester_qualify.take_test))
    app.add_handler(handler(m.manage_hit))
    app.add_handler(handler(m.cancel_hit))
    app.add_handler(handler(m.card_again))
    app.add_handler(handler(m.show_results))
    app.add_handler(handler(m.export_csv))
    app.add_handler(handler(m.confirm_approve_all))
    app.add_handler(handler(m.approve_all))
    app.add_handler(handler(m.review_again))
    app.add_handler(handler(m.older_hits))
    app.add_handler(handler(m.open_my_hit))
    app.add_handler(handler(m.reject_worker))
    app.add_handler(handler(m.reject_all_by))
    app.add_handler(handler(m.block_worker))
    app.add_handler(handler(requester_batch.publish_batch))
    app.add_handler(handler(requester_batch.discard_batch))
    app.add_handler(handler(requester_qualify.answer_test))
    # -- requesters: MTurk API keys
    app.add_handler(CommandHandler("apikey", requester_apikey.api_keys))
    app.add_handler(handler(requester_apikey.new_api_key))
    app.add_handler(handler(requester_apikey.revoke_api_key))
    # -- fair work: reputation, ratings, disputes, messages, /free, /raise
    app.add_handler(fair_text)
    app.add_handler(CommandHandler("requester", fairwork.requester_card))
    app.add_handler(CommandHandler("free", fairwork.free_time))
    app.add_handler(CommandHandler("raise", fairwork.raise_reward))
    app.add_handler(CommandHandler("msg", fairwork.message_command))
    app.add_handler(handler(fairwork.open_rating))
    app.add_handler(handler(fairwork.rate_requester))
    app.add_handler(handler(fairwork.reverse_dispute))
    # -- channels (and the bot's own membership: blocked, unblocked, removed)
    app.add_handler(CommandHandler("linkchannel", channel.link_channel))
    app.add_handler(CommandHandler("unlinkchannel", channel.unlink_channel))
    app.add_handler(
        ChatMemberHandler(channel.bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    # -- admins
    app.add_handler(CommandHandler("fund", admin.fund))
    app.add_handler(CommandHandler("stats", admin.stats))
    # -- matching and qualifications
    app.add_handler(CommandHandler("why", matching.why_command))
    app.add_handler(CommandHandler("require", matching.require_command))
    app.add_handler(CommandHandler("grant", matching.grant_command))
    app.add_handler(CommandHandler("revoke", matching.revoke_command))
    # -- workers' typed answers: private text nothing above took (after conversations)
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, worker.typed_answer
        )
    )
    # -- timed offers and the timer concierge
    app.add_handler(handler(offers.decline_offer))
    app.add_handler(handler(offers.extend_time))
    app.add_handler(handler(offers.return_free))
    # -- catch-alls
    app.add_handler(CallbackQueryHandler(errors.stale_button))
    app.add_handler(MessageHandler(filters.COMMAND, errors.unknown_command))

    # == AFTER: the requester menu for whoever just became a requester.
    becoming = ["fund", *(name for name, _ in REQUESTER_COMMANDS)]
    app.add_handler(CommandHandler(becoming, refresh_menu), AFTER)
    app.add_handler(CallbackQueryHandler(refresh_menu, pattern=cb.Role.pattern()), AFTER)

    app.add_error_handler(errors.on_error)
