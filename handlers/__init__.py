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
from handlers.common import GigApp, GigContext
from handlers.menus import ADMIN_COMMANDS, REQUESTER_COMMANDS, WORKER_COMMANDS, refresh_menu
from handlers.ptb import jobs as timers
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
        [CallbackQueryHandler(r.ask_reject_reason, pattern=cb.Reject.pattern())],
        {
            r.REASON: [
                _text(r.reject_with_reason),
                # Back on the question (outside it, the same button is m.review_again)
                CallbackQueryHandler(r.back_from_reject, pattern=cb.ReviewAgain.pattern()),
            ]
        },
        r.cancel_reject,
    )


def _terms_conversation() -> DurableConversation:
    """Change terms on a draft's preview, then the terms typed."""
    t = requester_terms
    return _durable(
        "terms",
        [CallbackQueryHandler(t.ask_terms, pattern=cb.EditTerms.pattern())],
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
            s.KIND: [CallbackQueryHandler(s.chose_kind, pattern=cb.SurveyAdd.pattern())],
            s.PROMPT: [_text(s.got_prompt)],
            s.OPTIONS: [_text(s.got_options)],
            s.TERMS: [_text(s.got_terms)],
            s.QUALS: [CallbackQueryHandler(s.chose_qual, pattern=cb.SurveyQual.pattern())],
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
            CallbackQueryHandler(f.ask_dispute, pattern=cb.Dispute.pattern()),
            CallbackQueryHandler(f.ask_uphold_reply, pattern=cb.Uphold.pattern()),
            CallbackQueryHandler(f.ask_message, pattern=cb.Relay.pattern()),
            CallbackQueryHandler(f.ask_reply, pattern=cb.RelayReply.pattern()),
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
    app.add_handler(CallbackQueryHandler(onboarding.help_page, pattern=cb.Help.pattern()))
    app.add_handler(CallbackQueryHandler(onboarding.choose_role, pattern=cb.Role.pattern()))
    app.add_handler(CommandHandler("settings", onboarding.settings))
    app.add_handler(CommandHandler("timezone", onboarding.set_timezone))
    app.add_handler(CallbackQueryHandler(onboarding.setup_step, pattern=cb.SetupStep.pattern()))
    app.add_handler(CallbackQueryHandler(onboarding.set_pref, pattern=cb.SetPref.pattern()))
    app.add_handler(CommandHandler("hits", browse.list_hits))
    app.add_handler(CommandHandler("next", browse.next_hit))
    app.add_handler(CommandHandler("earnings", browse.earnings))
    app.add_handler(CommandHandler("status", browse.status))
    app.add_handler(CallbackQueryHandler(browse.turn_page, pattern=cb.HitsPage.pattern()))
    app.add_handler(CallbackQueryHandler(browse.open_hit, pattern=cb.OpenHit.pattern()))
    app.add_handler(CallbackQueryHandler(browse.back_to_card, pattern=cb.Card.pattern()))
    app.add_handler(CallbackQueryHandler(browse.preview_hit, pattern=cb.Preview.pattern()))
    app.add_handler(CallbackQueryHandler(browse.mute_requester, pattern=cb.Mute.pattern()))
    app.add_handler(CallbackQueryHandler(browse.unmute_requester, pattern=cb.Unmute.pattern()))
    app.add_handler(CallbackQueryHandler(browse.next_in_batch, pattern=cb.NextInBatch.pattern()))
    app.add_handler(CallbackQueryHandler(worker.accept_hit, pattern=cb.Accept.pattern()))
    app.add_handler(CallbackQueryHandler(worker.skip_hit, pattern=cb.Skip.pattern()))
    app.add_handler(CallbackQueryHandler(worker.choose_option, pattern=cb.Choose.pattern()))
    app.add_handler(CallbackQueryHandler(worker.go_back, pattern=cb.Back.pattern()))
    app.add_handler(CallbackQueryHandler(worker.submit_work, pattern=cb.Submit.pattern()))
    app.add_handler(CallbackQueryHandler(worker.return_work, pattern=cb.Return.pattern()))
    app.add_handler(CallbackQueryHandler(timers.open_task, pattern=cb.OpenTask.pattern()))
    app.add_handler(CallbackQueryHandler(worker.toggle_option, pattern=cb.Toggle.pattern()))
    app.add_handler(CallbackQueryHandler(worker.done_picking, pattern=cb.Picked.pattern()))
    app.add_handler(CallbackQueryHandler(worker.several_labels, pattern=cb.Several.pattern()))
    app.add_handler(CallbackQueryHandler(worker.undo_tag, pattern=cb.Undo.pattern()))
    app.add_handler(CallbackQueryHandler(worker.retag_item, pattern=cb.Retag.pattern()))
    # -- requesters
    app.add_handler(reject)
    app.add_handler(terms)
    app.add_handler(CommandHandler("review", requester.review))
    app.add_handler(CommandHandler("balance", requester.balance))
    app.add_handler(CallbackQueryHandler(requester.publish_hit, pattern=cb.Publish.pattern()))
    app.add_handler(CallbackQueryHandler(requester.discard_hit, pattern=cb.Discard.pattern()))
    app.add_handler(CallbackQueryHandler(requester.approve_work, pattern=cb.Approve.pattern()))
    app.add_handler(CallbackQueryHandler(requester.full_answers, pattern=cb.FullAnswers.pattern()))
    for conversation in writing:
        app.add_handler(conversation)
    m = requester_manage
    app.add_handler(CommandHandler("myhits", m.my_hits))
    app.add_handler(CommandHandler("results", m.results_command))
    app.add_handler(CommandHandler("bonus", m.bonus))
    app.add_handler(CommandHandler("block", m.block))
    app.add_handler(CommandHandler("unblock", m.unblock))
    app.add_handler(CommandHandler("qualtest", requester_qualify.take_test))
    app.add_handler(CallbackQueryHandler(m.manage_hit, pattern=cb.Manage.pattern()))
    app.add_handler(CallbackQueryHandler(m.cancel_hit, pattern=cb.CancelYes.pattern()))
    app.add_handler(CallbackQueryHandler(m.card_again, pattern=cb.CardAgain.pattern()))
    app.add_handler(CallbackQueryHandler(m.show_results, pattern=cb.ShowResults.pattern()))
    app.add_handler(CallbackQueryHandler(m.export_csv, pattern=cb.ExportCsv.pattern()))
    app.add_handler(CallbackQueryHandler(m.confirm_approve_all, pattern=cb.ApproveAll.pattern()))
    app.add_handler(CallbackQueryHandler(m.approve_all, pattern=cb.ApproveAllYes.pattern()))
    app.add_handler(CallbackQueryHandler(m.review_again, pattern=cb.ReviewAgain.pattern()))
    app.add_handler(CallbackQueryHandler(m.older_hits, pattern=cb.MyHitsPage.pattern()))
    app.add_handler(CallbackQueryHandler(m.open_my_hit, pattern=cb.OpenMyHit.pattern()))
    app.add_handler(CallbackQueryHandler(m.reject_worker, pattern=cb.RejectWorker.pattern()))
    app.add_handler(CallbackQueryHandler(m.reject_all_by, pattern=cb.RejectAllBy.pattern()))
    app.add_handler(CallbackQueryHandler(m.block_worker, pattern=cb.BlockWorker.pattern()))
    app.add_handler(
        CallbackQueryHandler(requester_batch.publish_batch, pattern=cb.PublishBatch.pattern())
    )
    app.add_handler(
        CallbackQueryHandler(requester_batch.discard_batch, pattern=cb.DiscardBatch.pattern())
    )
    app.add_handler(
        CallbackQueryHandler(requester_qualify.answer_test, pattern=cb.QualAnswer.pattern())
    )
    # -- requesters: MTurk API keys
    app.add_handler(CommandHandler("apikey", requester_apikey.api_keys))
    app.add_handler(
        CallbackQueryHandler(requester_apikey.new_api_key, pattern=cb.NewApiKey.pattern())
    )
    app.add_handler(
        CallbackQueryHandler(requester_apikey.revoke_api_key, pattern=cb.RevokeApiKey.pattern())
    )
    # -- fair work: reputation, ratings, disputes, messages, /free, /raise
    app.add_handler(fair_text)
    app.add_handler(CommandHandler("requester", fairwork.requester_card))
    app.add_handler(CommandHandler("free", fairwork.free_time))
    app.add_handler(CommandHandler("raise", fairwork.raise_reward))
    app.add_handler(CommandHandler("msg", fairwork.message_command))
    app.add_handler(CallbackQueryHandler(fairwork.open_rating, pattern=cb.RateOpen.pattern()))
    app.add_handler(CallbackQueryHandler(fairwork.rate_requester, pattern=cb.Rate.pattern()))
    app.add_handler(CallbackQueryHandler(fairwork.reverse_dispute, pattern=cb.Reverse.pattern()))
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
    app.add_handler(CallbackQueryHandler(offers.decline_offer, pattern=cb.Decline.pattern()))
    app.add_handler(CallbackQueryHandler(offers.extend_time, pattern=cb.Extend.pattern()))
    app.add_handler(CallbackQueryHandler(offers.return_free, pattern=cb.ReturnFree.pattern()))
    # -- catch-alls
    app.add_handler(CallbackQueryHandler(errors.stale_button))
    app.add_handler(MessageHandler(filters.COMMAND, errors.unknown_command))

    # == AFTER: the requester menu for whoever just became a requester.
    becoming = ["fund", *(name for name, _ in REQUESTER_COMMANDS)]
    app.add_handler(CommandHandler(becoming, refresh_menu), AFTER)
    app.add_handler(CallbackQueryHandler(refresh_menu, pattern=cb.Role.pattern()), AFTER)

    app.add_error_handler(errors.on_error)
