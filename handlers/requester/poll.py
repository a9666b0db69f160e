"""/newpoll: in one line, or (sent alone) step by step: question, answers, terms; the
conversation is kept across restarts like /newsurvey's, and ends in the preview."""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot import formatting
from bot.domain import PollDraft, Screen
from bot.i18n import Translator
from bot.matching.languages import split_poll_language
from bot.matching.offers import split_poll_terms
from bot.matching.topics import split_poll_topic
from bot.parsing import MAX_OPTION_LEN, MAX_OPTIONS, ParseError, parse_poll
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import parse_options, parse_prompt
from handlers.common import GigContext, drop, reply, sender_of, typed
from handlers.requester import drafts

QUESTION, OPTIONS, TERMS = range(30, 33)
KEY = "poll"


def _data(context: GigContext) -> dict[str, Any]:
    assert context.user_data is not None
    data = context.user_data.setdefault(KEY, {})
    assert isinstance(data, dict)
    return data


def _text(update: Update) -> str:
    message = update.effective_message
    assert message is not None
    return message.text or ""


async def new_poll(update: Update, context: GigContext) -> int:
    """With arguments: the preview, or what is wrong and an example. Alone: the question."""
    requester = await sender_of(update, context)
    _, _, args = _text(update).partition(" ")
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    if not args.strip():
        context.user_data[KEY] = {}
        await reply(update, Screen(requesting_texts.poll_ask_question(context.t)))
        return QUESTION
    try:
        rest, given = split_poll_terms(args)  # dispatch= and extend= (bot/matching/offers.py)
        rest, topic = split_poll_topic(rest)  # topic= (bot/matching/topics.py)
        rest, language = split_poll_language(rest)  # lang= (bot/matching/languages.py)
        draft = dataclasses.replace(parse_poll(rest), topic=topic)
    except ParseError as exc:
        await reply(update, Screen(requesting_texts.poll_error(context.t, exc.said(context.t))))
        return ConversationHandler.END
    dispatch = given.resolve(draft.max_assignments, context.settings.offer_up_to)
    hit = await context.market.publishing.create_poll(requester, draft, dispatch)
    if language is not None:
        await context.requesting.drafts.set_language(requester, "h", hit.id, language)
    await reply(update, await drafts.preview(context, requester, "h", hit.id))
    return ConversationHandler.END


async def got_question(update: Update, context: GigContext) -> int:
    """Keep the question (and the answers, if they came with it after |); ask what's next."""
    question, _, answers = _text(update).partition("|")
    try:
        prompt = parse_prompt(question)
        options = parse_options(answers, longest=MAX_OPTION_LEN) if answers.strip() else ()
    except ParseError as exc:
        await reply(
            update,
            Screen(
                formatting.try_again(
                    context.t, exc.said(context.t), requesting_texts.poll_ask_question(context.t)
                )
            ),
        )
        return QUESTION
    _data(context).update(question=prompt, options=list(options))
    if options:
        await reply(update, Screen(_ask_terms(context.t, prompt, options)))
        return TERMS
    await reply(update, Screen(_ask_options(context.t, prompt)))
    return OPTIONS


async def got_options(update: Update, context: GigContext) -> int:
    """Keep the answers; ask for the terms."""
    question = str(_data(context).get("question", ""))
    try:
        options = parse_options(_text(update), most=MAX_OPTIONS, longest=MAX_OPTION_LEN)
    except ParseError as exc:
        await reply(
            update,
            Screen(
                formatting.try_again(
                    context.t, exc.said(context.t), _ask_options(context.t, question)
                )
            ),
        )
        return OPTIONS
    _data(context)["options"] = list(options)
    await reply(update, Screen(_ask_terms(context.t, question, options)))
    return TERMS


async def got_terms(update: Update, context: GigContext) -> int:
    """Make the draft and show its preview; or say what is wrong with the terms."""
    data = _data(context)
    question = str(data.get("question", ""))
    options = tuple(str(o) for o in data.get("options", []))
    auto_s = context.settings.default_auto_approve
    typed_terms = await typed(
        update,
        context,
        lambda text: drafts.hit_terms(text, auto_s),
        _ask_terms(context.t, question, options),
    )
    if typed_terms is None:
        return TERMS
    terms, topic, given, language = typed_terms
    requester = await sender_of(update, context)
    draft = PollDraft(
        question=question,
        options=options,
        reward_cents=terms.reward_cents,
        max_assignments=terms.max_assignments,
        time_allotted_s=terms.time_allotted_s,
        lifetime_s=terms.lifetime_s,
        est_s=terms.est_s,
        topic=topic,
        auto_approve_s=terms.auto_approve_s,
    )
    dispatch = given.resolve(draft.max_assignments, context.settings.offer_up_to)
    hit = await context.market.publishing.create_poll(requester, draft, dispatch)
    if language is not None:
        await context.requesting.drafts.set_language(requester, "h", hit.id, language)
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    await reply(update, await drafts.preview(context, requester, "h", hit.id))
    return ConversationHandler.END


async def cancel_poll(update: Update, context: GigContext) -> int:
    """Drop the poll being written."""
    return await drop(update, context, KEY, context.t(requesting_texts.POLL_CANCELLED))


def _ask_options(t: Translator, question: str) -> str:
    return requesting_texts.poll_ask_options(t, question, MAX_OPTIONS)


def _ask_terms(t: Translator, question: str, options: tuple[str, ...]) -> str:
    return requesting_texts.poll_ask_terms(t, question, options)
