"""register(app): the one ordered list of every handler."""

from __future__ import annotations

import warnings
from typing import Any

from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks as cb
from handlers import admin, channel, errors
from handlers import fair as fairwork
from handlers.common import GigApp, GigContext
from handlers.ptb import jobs as timers
from handlers.ptb.persistence import DurableConversation
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

# (command, description) shown in Telegram's menu; the same table registers handlers.
WORKER_COMMANDS = (
    ("start", "Sign up or see your alias"),
    ("hits", "Open tasks for you"),
    ("next", "The best task for you now"),
    ("earnings", "Your pending and approved money"),
    ("status", "Your approval rate and work in progress"),
    ("settings", "What tasks you get, and when"),
    ("timezone", "Set your time zone: /timezone Area/City"),
    ("help", "How gigbot works"),
    ("qualtest", "Take a qualification test"),
    ("why", "Why you got a task (reply to it)"),
    ("free", "Only tasks that fit your free time"),
    ("requester", "A requester's pay and fairness record"),
    ("msg", "Anonymous message to requester/worker"),
)
REQUESTER_COMMANDS = (
    ("newpoll", "Post a one-question poll"),
    ("review", "Approve or reject submitted work"),
    ("balance", "Your balance and escrow"),
    ("newsurvey", "Post a survey, step by step"),
    ("newbatch", "Upload items to tag"),
    ("myhits", "Progress; pause, resume, cancel"),
    ("results", "Counts, majorities, Export CSV"),
    ("bonus", "Pay a worker a bonus"),
    ("block", "Block a worker from your HITs"),
    ("unblock", "Lift a block on a worker"),
    ("qualify", "Define a qualification test"),
    ("apikey", "Keys for MTurk API scripts"),
    ("require", "Require a qualification on a draft"),
    ("grant", "Give a worker your qualification"),
    ("revoke", "Take your qualification away"),
    ("raise", "Raise a live HIT's reward"),
    ("linkchannel", "Post your new HITs in a channel"),
    ("unlinkchannel", "Stop posting in a channel"),
)
ADMIN_COMMANDS = (
    ("fund", "Add money to a requester"),
    ("stats", "The marketplace at a glance"),
)


def _reject_conversation() -> ConversationHandler[GigContext]:
    # PTB warns that a CallbackQueryHandler entry point is tracked per chat, not per
    # message, when per_message=False: that is exactly what we want here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        # Persistent and stored at each step: the reason typed after a restart still
        # finds the assignment (kept in user_data) it is for.
        return DurableConversation(
            entry_points=[
                CallbackQueryHandler(requester.ask_reject_reason, pattern=cb.Reject.pattern())
            ],
            states={
                requester.REASON: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, requester.reject_with_reason),
                    # Back on the question (outside it, the same button is m.review_again)
                    CallbackQueryHandler(
                        requester.back_from_reject, pattern=cb.ReviewAgain.pattern()
                    ),
                ]
            },
            fallbacks=[CommandHandler("cancel", requester.cancel_reject)],
            name="reject",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )


def _terms_conversation() -> ConversationHandler[GigContext]:
    """Change terms on a draft's preview, then the terms typed (requester_terms.py)."""
    t = requester_terms
    with warnings.catch_warnings():
        # A button as entry point, tracked per chat (per_message=False): what we want.
        warnings.simplefilter("ignore", PTBUserWarning)
        # Persistent and stored at each step, like the reject reason.
        return DurableConversation(
            entry_points=[CallbackQueryHandler(t.ask_terms, pattern=cb.EditTerms.pattern())],
            states={t.TERMS: [_text(t.got_terms)]},
            fallbacks=[CommandHandler("cancel", t.cancel_terms)],
            name="terms",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )


def _text(callback: Any) -> MessageHandler[GigContext, Any]:
    return MessageHandler(filters.TEXT & ~filters.COMMAND, callback)


def _persistent(
    name: str, entry: str, states: dict[object, list[Any]], cancel: Any
) -> ConversationHandler[GigContext]:
    """A conversation kept across restarts (handlers/ptb/persistence.py), left with /cancel."""
    with warnings.catch_warnings():
        # Buttons inside are tracked per chat (per_message=False), which is what we want.
        warnings.simplefilter("ignore", PTBUserWarning)
        return DurableConversation(
            entry_points=[CommandHandler(entry, states.pop("entry")[0])],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel)],
            name=name,
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )


def _requester_conversations() -> list[ConversationHandler[GigContext]]:
    s, b, q, p = requester_survey, requester_batch, requester_qualify, requester_poll
    poll = _persistent(
        "newpoll",
        "newpoll",
        {
            "entry": [p.new_poll],
            p.QUESTION: [_text(p.got_question)],
            p.OPTIONS: [_text(p.got_options)],
            p.TERMS: [_text(p.got_terms)],
        },
        p.cancel_poll,
    )
    survey = _persistent(
        "newsurvey",
        "newsurvey",
        {
            "entry": [s.new_survey],
            s.TITLE: [_text(s.got_title)],
            s.KIND: [CallbackQueryHandler(s.chose_kind, pattern=cb.SurveyAdd.pattern())],
            s.PROMPT: [_text(s.got_prompt)],
            s.OPTIONS: [_text(s.got_options)],
            s.TERMS: [_text(s.got_terms)],
            s.QUALS: [CallbackQueryHandler(s.chose_qual, pattern=cb.SurveyQual.pattern())],
        },
        s.cancel_survey,
    )
    batch = _persistent(
        "newbatch",
        "newbatch",
        {
            "entry": [b.new_batch],
            b.FILE: [MessageHandler(filters.Document.ALL, b.got_file), _text(b.not_a_file)],
            b.LABELS: [_text(b.got_labels)],
            b.TERMS: [_text(b.got_terms)],
        },
        b.cancel_batch,
    )
    qualify = _persistent(
        "qualify",
        "qualify",
        {
            "entry": [q.new_qualification],
            q.NAME: [_text(q.got_name)],
            q.QUESTIONS: [_text(q.got_question), CommandHandler("done", q.questions_done)],
            q.PASS: [_text(q.got_pass)],
        },
        q.cancel_qualification,
    )
    return [poll, survey, batch, qualify]


def _fair_text_conversation() -> ConversationHandler[GigContext]:
    """A button (dispute, uphold, message, reply), then the text that goes with it."""
    f = fairwork
    with warnings.catch_warnings():
        # Buttons as entry points are tracked per chat (per_message=False): what we want.
        warnings.simplefilter("ignore", PTBUserWarning)
        # Persistent and stored at each step, like the reject reason.
        return DurableConversation(
            entry_points=[
                CallbackQueryHandler(f.ask_dispute, pattern=cb.Dispute.pattern()),
                CallbackQueryHandler(f.ask_uphold_reply, pattern=cb.Uphold.pattern()),
                CallbackQueryHandler(f.ask_message, pattern=cb.Relay.pattern()),
                CallbackQueryHandler(f.ask_reply, pattern=cb.RelayReply.pattern()),
            ],
            states={f.TEXT: [_text(f.got_text)]},
            fallbacks=[CommandHandler("cancel", f.cancel_text)],
            name="fairtext",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )


def register(app: GigApp) -> None:
    """Add every handler, in order. Order matters: catch-alls come last."""
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
    app.add_handler(_reject_conversation())
    app.add_handler(_terms_conversation())
    app.add_handler(CommandHandler("review", requester.review))
    app.add_handler(CommandHandler("balance", requester.balance))
    app.add_handler(CallbackQueryHandler(requester.publish_hit, pattern=cb.Publish.pattern()))
    app.add_handler(CallbackQueryHandler(requester.discard_hit, pattern=cb.Discard.pattern()))
    app.add_handler(CallbackQueryHandler(requester.approve_work, pattern=cb.Approve.pattern()))
    app.add_handler(CallbackQueryHandler(requester.full_answers, pattern=cb.FullAnswers.pattern()))
    for conversation in _requester_conversations():
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
    app.add_handler(_fair_text_conversation())
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
    app.add_error_handler(errors.on_error)
