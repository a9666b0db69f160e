"""/newsurvey: a guided conversation (kept across restarts) ending in a preview."""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot import formatting
from bot.domain import QuestionKind, Screen
from bot.matching.offers import Dispatch
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import (
    MAX_SURVEY_QUESTIONS,
    Terms,
    parse_options,
    parse_prompt,
)
from bot.requesting.posting import SurveyDraft, question
from handlers.buttons import Tap, button
from handlers.common import GigContext, begin, drop, reply, sender_of, typed
from handlers.requester import drafts

TITLE, KIND, PROMPT, OPTIONS, TERMS, QUALS = range(10, 16)
KEY = "survey"


def _data(context: GigContext) -> dict[str, Any]:
    assert context.user_data is not None
    data = context.user_data.setdefault(KEY, {"title": "", "questions": []})
    assert isinstance(data, dict)
    return data


def _draft(context: GigContext) -> SurveyDraft:
    return SurveyDraft.from_json(_data(context))


def _save(context: GigContext, draft: SurveyDraft, **extra: Any) -> None:
    assert context.user_data is not None
    context.user_data[KEY] = {**_data(context), **draft.to_json(), **extra}


ASK_PROMPT = requesting_texts.SURVEY_ASK_PROMPT


async def new_survey(update: Update, context: GigContext) -> int:
    """Start a survey: ask for its title."""
    data = {"title": "", "questions": []}
    await begin(update, context, KEY, data, Screen(context.t(requesting_texts.SURVEY_ASK_TITLE)))
    return TITLE


async def got_title(update: Update, context: GigContext) -> int:
    """Keep the title; offer the kinds of question."""
    title = await typed(update, context, parse_prompt, context.t(requesting_texts.SURVEY_ASK_TITLE))
    if title is None:
        return TITLE
    draft = SurveyDraft(title, ())
    _save(context, draft)
    await reply(update, requester_screens.survey_kinds(context.t, draft))
    return KIND


@button(cb.SurveyAdd, unknown=KIND)
async def chose_kind(tap: Tap[cb.SurveyAdd], context: GigContext) -> int:
    """A kind was tapped: ask its text, or move on to the terms after Done."""
    kind = tap.data.kind
    draft = _draft(context)
    if kind == "done":
        if not draft.questions:
            await tap.answer(context.t(requesting_texts.SURVEY_NEEDS_QUESTION), alert=True)
            return KIND
        await tap.answer()
        await tap.edit(Screen(requesting_texts.survey_ask_terms(context.t)))
        return TERMS
    if kind not in requester_screens.KINDS:
        await tap.answer(context.t(formatting.STALE_BUTTON), alert=True)
        return KIND
    if len(draft.questions) >= MAX_SURVEY_QUESTIONS:
        await tap.answer(
            context.t(requesting_texts.SURVEY_TOO_MANY).format(most=MAX_SURVEY_QUESTIONS),
            alert=True,
        )
        return KIND
    await tap.answer()
    _save(context, draft, pending_kind=kind)
    await tap.edit(
        Screen(f"{context.t(requesting_texts.KIND_NAMES[kind])}: {context.t(ASK_PROMPT)}")
    )
    return PROMPT


async def got_prompt(update: Update, context: GigContext) -> int:
    """Keep the question; ask for choices when it has them."""
    prompt = await typed(
        update, context, parse_prompt, context.t(requesting_texts.SURVEY_ASK_PROMPT)
    )
    if prompt is None:
        return PROMPT
    kind = QuestionKind(str(_data(context).get("pending_kind", "text")))
    draft = _draft(context)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        _save(context, draft, pending_prompt=prompt)
        await reply(update, Screen(context.t(requesting_texts.SURVEY_ASK_OPTIONS).format(most=10)))
        return OPTIONS
    draft = draft.adding(question(kind, prompt))
    _save(context, draft)
    await reply(update, requester_screens.survey_kinds(context.t, draft))
    return KIND


async def got_options(update: Update, context: GigContext) -> int:
    """Keep the choices; offer the next question."""
    options = await typed(
        update,
        context,
        parse_options,
        context.t(requesting_texts.SURVEY_ASK_OPTIONS).format(most=10),
    )
    if options is None:
        return OPTIONS
    data = _data(context)
    kind = QuestionKind(str(data.get("pending_kind", "single")))
    draft = _draft(context).adding(question(kind, str(data.get("pending_prompt", "")), options))
    _save(context, draft)
    await reply(update, requester_screens.survey_kinds(context.t, draft))
    return KIND


async def got_terms(update: Update, context: GigContext) -> int:
    """Check the terms; offer qualifications, or show the preview."""
    auto_s = context.settings.default_auto_approve
    typed_terms = await typed(
        update,
        context,
        lambda text: drafts.hit_terms(text, auto_s),
        requesting_texts.survey_ask_terms(context.t),
    )
    if typed_terms is None:
        return TERMS
    terms, topic, given, language = typed_terms
    dispatch = given.resolve(terms.max_assignments, context.settings.offer_up_to)
    _save(
        context,
        _draft(context),
        terms=_terms_json(terms),
        quals=[],
        dispatch=[dispatch.mode, dispatch.extend_s],
        topic=topic,
        language=language,
    )
    requester = await sender_of(update, context)
    tests = await context.requesting.qualify.mine(requester)
    if tests:
        await reply(update, requester_screens.survey_quals(context.t, tests, set()))
        return QUALS
    await reply(update, await _preview(update, context))
    return ConversationHandler.END


@button(cb.SurveyQual, unknown=QUALS)
async def chose_qual(tap: Tap[cb.SurveyQual], context: GigContext) -> int:
    """Toggle a required qualification; Done shows the preview."""
    picked = tap.data.qualification_id
    await tap.answer()
    chosen = {int(q) for q in _data(context).get("quals", [])}
    if picked == 0:
        await tap.edit(await _preview(tap.update, context))
        return ConversationHandler.END
    chosen ^= {picked}
    _save(context, _draft(context), quals=sorted(chosen))
    tests = await context.requesting.qualify.mine(tap.user)
    await tap.edit(requester_screens.survey_quals(context.t, tests, chosen))
    return QUALS


async def _preview(update: Update, context: GigContext) -> Screen:
    """Store the draft HIT and show it with Publish / Cancel; forget the conversation data."""
    requester = await sender_of(update, context)
    data = _data(context)
    tools = context.requesting
    terms = Terms(**{k: int(v) for k, v in dict(data["terms"]).items() if v is not None})
    chosen = [int(q) for q in data.get("quals", [])]
    mode, extend_s = data.get("dispatch") or ["race", None]
    dispatch = Dispatch(str(mode), int(extend_s) if extend_s else None)
    topic = str(data.get("topic", ""))
    hit = await tools.posting.create_survey(
        requester, _draft(context), terms, chosen, dispatch, topic=topic
    )
    if data.get("language"):
        await tools.drafts.set_language(requester, "h", hit.id, str(data["language"]))
    screen = await drafts.preview(context, requester, "h", hit.id)
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    return screen


def _terms_json(terms: Terms) -> dict[str, int]:
    return dataclasses.asdict(terms)


async def cancel_survey(update: Update, context: GigContext) -> int:
    """Drop the survey being written."""
    return await drop(update, context, KEY, context.t(requesting_texts.SURVEY_CANCELLED))
