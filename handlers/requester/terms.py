"""A draft's preview (what Publish will decide), and Change terms: new terms for a draft HIT
or batch, typed after the button and applied in place (kept across restarts)."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen, User
from bot.matching.offers import DispatchTerms, split_terms
from bot.matching.topics import split_topic
from bot.parsing import ELSEWHERE, ParseError
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import NO_TERMS, changed_terms, terms_line
from bot.requesting.results import DraftResult
from handlers.buttons import Tap, button
from handlers.common import (
    TEXT_WAIT_S,
    GigContext,
    asked_long_ago,
    edit_at,
    note_asked,
    reply,
    sender_of,
)

TERMS = 40
KEY = "terms_for"  # [scope, target id] of the draft whose new terms are awaited
PRESSED = "terms_pressed"  # [chat id, message id] of the preview Change terms was tapped on


async def preview(context: GigContext, requester: User, scope: str, target_id: int) -> Screen:
    """The draft's preview with Publish (or why not) and Change terms."""
    result, view = await context.requesting.drafts.view(requester, scope, target_id)
    if view is None:
        return Screen(requesting_texts.DRAFT_TEXTS[result])
    return requester_screens.draft_preview(view, context.settings.offer_seconds)


@button(cb.EditTerms, unknown=ConversationHandler.END)
async def ask_terms(tap: Tap[cb.EditTerms], context: GigContext) -> int:
    """Say what the terms are now and how to change some of them."""
    data = tap.data
    result, view = await context.requesting.drafts.view(tap.user, data.scope, data.target_id)
    if view is None:
        await tap.answer(requesting_texts.DRAFT_TEXTS[result], alert=True)
        return ConversationHandler.END
    await tap.answer()
    assert context.user_data is not None
    context.user_data[KEY] = [data.scope, data.target_id]
    context.user_data[PRESSED] = list(tap.at) if tap.at else None
    note_asked(context)
    reward = view.floor.needed_cents if view.floor.under else view.terms.reward_cents
    example = f"reward={reward // 100}.{reward % 100:02d}"
    name = requesting_texts.draft_label(data.scope, data.target_id, view.first.kind)
    await tap.reply(Screen(requesting_texts.ask_new_terms(name, terms_line(view.terms), example)))
    return TERMS


async def got_terms(update: Update, context: GigContext) -> int:
    """Apply the typed terms to the draft and show its preview again; or say what's wrong."""
    requester = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    scope, target_id = _target(context)
    if asked_long_ago(context):
        _forget(context)
        await reply(
            update,
            Screen(requesting_texts.TERMS_TOO_LATE.format(wait=formatting.duration(TEXT_WAIT_S))),
        )
        return ConversationHandler.END
    drafts = context.requesting.drafts
    result, view = await drafts.view(requester, scope, target_id)
    if view is None:
        _forget(context)
        await reply(update, Screen(requesting_texts.DRAFT_TEXTS[result]))
        return ConversationHandler.END
    try:
        rest, dispatch = split_terms(message.text or "") if scope == "h" else (message.text, None)
        rest, topic = split_topic(rest or "")
        also = ELSEWHERE if scope == "h" else ("topic",)
        terms = changed_terms(view.terms, rest, also) if rest.strip() else view.terms
        if not rest.strip() and not topic and not _given(dispatch):
            raise ParseError(NO_TERMS)
    except ParseError as exc:
        note_asked(context)
        name = requesting_texts.draft_label(scope, target_id, view.first.kind)
        form = requesting_texts.ask_new_terms(name, terms_line(view.terms), "reward=0.10")
        await reply(update, Screen(formatting.try_again(exc.problem, form)))
        return TERMS
    result = await drafts.change_terms(
        requester, scope, target_id, terms, topic=topic or None, dispatch=dispatch
    )
    pressed = context.user_data.get(PRESSED)
    _forget(context)
    if result is not DraftResult.OK:
        await reply(update, Screen(requesting_texts.DRAFT_TEXTS[result]))
        return ConversationHandler.END
    if isinstance(pressed, list) and len(pressed) == 2:  # it shows the old terms: say so
        await edit_at(
            context, (int(pressed[0]), int(pressed[1])), Screen(requesting_texts.TERMS_REPLACED)
        )
    shown = await preview(context, requester, scope, target_id)
    await reply(update, replace(shown, text=f"{requesting_texts.TERMS_CHANGED}\n{shown.text}"))
    return ConversationHandler.END


async def cancel_terms(update: Update, context: GigContext) -> int:
    """Keep the terms; the preview again, with its buttons."""
    requester = await sender_of(update, context)
    assert context.user_data is not None
    scope, target_id = _target(context)
    _forget(context)
    await reply(update, Screen(requesting_texts.TERMS_UNCHANGED))
    await reply(update, await preview(context, requester, scope, target_id))
    return ConversationHandler.END


def _forget(context: GigContext) -> None:
    """The prompt is answered (or dropped): nothing of it stays in user_data."""
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    context.user_data.pop(PRESSED, None)


def _target(context: GigContext) -> tuple[str, int]:
    assert context.user_data is not None
    scope, target_id = context.user_data.get(KEY) or ["h", 0]
    return str(scope), int(target_id)


def _given(dispatch: DispatchTerms | None) -> bool:
    return dispatch is not None and (dispatch.mode is not None or dispatch.extend_s is not None)
