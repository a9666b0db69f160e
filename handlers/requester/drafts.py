"""A draft's preview and what can be done with it: Change terms (typed after the button,
applied in place, kept across restarts), Publish (or why not), Discard; for a HIT or a
batch."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen, User
from bot.fair import texts as fair_texts
from bot.market import texts as market_texts
from bot.market.results import PublishResult
from bot.matching.languages import split_language
from bot.matching.offers import DispatchTerms, split_terms
from bot.matching.topics import split_topic
from bot.parsing import ELSEWHERE, ParseError
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import (
    NO_TERMS,
    Terms,
    changed_terms,
    parse_terms,
    terms_line,
)
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
from handlers.requester.deposit import deposit_menu

TERMS = 40
KEY = "terms_for"  # [scope, target id] of the draft whose new terms are awaited
PRESSED = "terms_pressed"  # [chat id, message id] of the preview Change terms was tapped on


async def preview(context: GigContext, requester: User, scope: str, target_id: int) -> Screen:
    """The draft's preview with Publish (or why not) and Change terms."""
    result, view = await context.requesting.drafts.view(requester, scope, target_id)
    if view is None:
        return Screen(context.t(requesting_texts.DRAFT_TEXTS[result]))
    return requester_screens.draft_preview(context.t, view, context.settings.offer_seconds)


@button(cb.Publish)
async def publish_hit(tap: Tap[cb.Publish], context: GigContext) -> None:
    """Escrow the cost and open the HIT to workers."""
    hit_id = tap.data.hit_id
    hit = await context.market.reading.hit(hit_id)
    result = await context.market.publishing.publish(tap.user, hit_id)
    balance = await context.accounts.requester_balance(tap.user)
    text = context.t(market_texts.PUBLISH_TEXTS[result]).format(
        kind=context.t(market_texts.HIT_KIND_WORDS[hit.kind]) if hit else "poll",
        hit_id=hit_id,
        cost=context.t.money(hit.escrow_cents if hit else 0),
        available=context.t.money(balance.available_cents),
    )
    await _published(tap, context, result, text, "h", hit_id)


@button(cb.Discard)
async def discard_hit(tap: Tap[cb.Discard], context: GigContext) -> None:
    """Throw the draft away."""
    hit_id = tap.data.hit_id
    done = await context.market.publishing.discard_draft(tap.user, hit_id)
    await tap.answer()
    already = context.t(market_texts.PUBLISH_TEXTS[PublishResult.ALREADY]).format(
        kind="HIT", hit_id=hit_id
    )
    await tap.edit(Screen(context.t(requesting_texts.DRAFT_DISCARDED) if done else already))


@button(cb.PublishBatch)
async def publish_batch(tap: Tap[cb.PublishBatch], context: GigContext) -> None:
    """Escrow the whole batch and open every item, or say what is missing."""
    batch_id, batches = tap.data.batch_id, context.requesting.batches
    result, cost = await batches.publish(tap.user, batch_id)
    balance = await context.accounts.requester_balance(tap.user)
    text = context.t(market_texts.BATCH_PUBLISH_TEXTS[result]).format(
        batch_id=batch_id,
        cost=context.t.money(cost),
        available=context.t.money(balance.available_cents),
    )
    await _published(tap, context, result, text, "b", batch_id)


async def _published(
    tap: Tap[cb.Publish] | Tap[cb.PublishBatch],
    context: GigContext,
    result: PublishResult,
    text: str,
    scope: str,
    target_id: int,
) -> None:
    """What a tap on Publish of a HIT ('h') or batch ('b') shows: `text` (what became of
    it) in place of the preview; short of money, `text` as an alert and the amounts to
    deposit; under the fair-pay floor, why and the reward that would meet it."""
    if result is PublishResult.INSUFFICIENT_FUNDS:
        await tap.answer(text, alert=True)
        await tap.reply(deposit_menu(context))  # the amounts to add, one tap each
        return
    if result is PublishResult.UNDER_FLOOR:
        if scope == "h":
            hit_id = target_id
        else:  # the batch's items share their terms: the first one speaks for all
            hit_id = (await context.requesting.batches.draft(target_id))[0].id
        await tap.answer()
        refusal = await floor_refusal(context, hit_id)
        await tap.reply(requester_screens.refused_under_floor(context.t, refusal, scope, target_id))
        return
    await tap.answer()
    await tap.edit(Screen(text))


@button(cb.DiscardBatch)
async def discard_batch(tap: Tap[cb.DiscardBatch], context: GigContext) -> None:
    """Throw the unpublished batch away."""
    batch_id = tap.data.batch_id
    done = await context.requesting.batches.discard(tap.user, batch_id)
    await tap.answer()
    already = context.t(market_texts.BATCH_PUBLISH_TEXTS[PublishResult.ALREADY]).format(
        batch_id=batch_id
    )
    await tap.edit(Screen(context.t(requesting_texts.BATCH_CANCELLED) if done else already))


async def floor_refusal(context: GigContext, hit_id: int) -> str:
    """Why publishing was refused, with the reward that would meet the floor."""
    check = await context.fair.floor_check(hit_id)
    hit = await context.market.reading.hit(hit_id)
    if check is None or hit is None:
        return context.t(market_texts.PUBLISH_TEXTS[PublishResult.UNDER_FLOOR])
    return fair_texts.under_floor(context.t, check, hit.reward_cents)


@button(cb.EditTerms, unknown=ConversationHandler.END)
async def ask_terms(tap: Tap[cb.EditTerms], context: GigContext) -> int:
    """Say what the terms are now and how to change some of them."""
    data = tap.data
    result, view = await context.requesting.drafts.view(tap.user, data.scope, data.target_id)
    if view is None:
        await tap.answer(context.t(requesting_texts.DRAFT_TEXTS[result]), alert=True)
        return ConversationHandler.END
    await tap.answer()
    assert context.user_data is not None
    context.user_data[KEY] = [data.scope, data.target_id]
    context.user_data[PRESSED] = list(tap.at) if tap.at else None
    note_asked(context)
    reward = view.floor.needed_cents if view.floor.under else view.terms.reward_cents
    example = f"reward={reward // 100}.{reward % 100:02d}"
    name = requesting_texts.draft_label(context.t, data.scope, data.target_id, view.first.kind)
    await tap.reply(
        Screen(requesting_texts.ask_new_terms(context.t, name, terms_line(view.terms), example))
    )
    return TERMS


async def got_terms(update: Update, context: GigContext) -> int:
    """Apply the typed terms to the draft and show its preview again; or say what's wrong."""
    requester = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    scope, target_id = _target(context)
    if asked_long_ago(context):
        _forget(context)
        wait = context.t.duration(TEXT_WAIT_S)
        await reply(update, Screen(context.t(requesting_texts.TERMS_TOO_LATE).format(wait=wait)))
        return ConversationHandler.END
    drafts = context.requesting.drafts
    result, view = await drafts.view(requester, scope, target_id)
    if view is None:
        _forget(context)
        await reply(update, Screen(context.t(requesting_texts.DRAFT_TEXTS[result])))
        return ConversationHandler.END
    try:
        terms, topic, dispatch, language = _typed_terms(scope, message.text or "", view.terms)
    except ParseError as exc:
        note_asked(context)
        name = requesting_texts.draft_label(context.t, scope, target_id, view.first.kind)
        form = requesting_texts.ask_new_terms(
            context.t, name, terms_line(view.terms), "reward=0.10"
        )
        await reply(update, Screen(formatting.try_again(context.t, exc.said(context.t), form)))
        return TERMS
    result = await drafts.change_terms(
        requester,
        scope,
        target_id,
        terms,
        topic=topic or None,
        dispatch=dispatch,
        language=language,
    )
    pressed = context.user_data.get(PRESSED)
    _forget(context)
    if result is not DraftResult.OK:
        await reply(update, Screen(context.t(requesting_texts.DRAFT_TEXTS[result])))
        return ConversationHandler.END
    if isinstance(pressed, list) and len(pressed) == 2:  # it shows the old terms: say so
        at = (int(pressed[0]), int(pressed[1]))
        await edit_at(context, at, Screen(context.t(requesting_texts.TERMS_REPLACED)))
    shown = await preview(context, requester, scope, target_id)
    await reply(
        update, replace(shown, text=f"{context.t(requesting_texts.TERMS_CHANGED)}\n{shown.text}")
    )
    return ConversationHandler.END


def hit_terms(text: str, default_auto_s: int) -> tuple[Terms, str, DispatchTerms, str | None]:
    """A new HIT's terms as typed: (terms, topic or '', dispatch terms, task language or
    None); raises ParseError. "reward=0.10 n=3 topic=birds dispatch=offer lang=es" ->
    (Terms(10, 3, ...), "birds", DispatchTerms(...), "es")."""
    rest, given = split_terms(text)  # dispatch= and extend= (bot/matching/offers.py)
    rest, topic = split_topic(rest)  # topic= (bot/matching/topics.py)
    rest, language = split_language(rest)  # lang= (bot/matching/languages.py)
    return parse_terms(rest, default_auto_s, ELSEWHERE), topic, given, language


def _typed_terms(
    scope: str, text: str, now: Terms
) -> tuple[Terms, str, DispatchTerms | None, str | None]:
    """The draft's terms with the typed ones applied, its new topic ('' if none), dispatch
    terms (a HIT's only) and task language (None if not given); raises ParseError.
    ("h", "reward=0.27 topic=images", Terms(5, ...)) -> (Terms(27, ...), "images",
    DispatchTerms(), None)."""
    rest, dispatch = split_terms(text) if scope == "h" else (text, None)
    rest, topic = split_topic(rest)
    rest, language = split_language(rest)  # lang= (bot/matching/languages.py)
    also = ELSEWHERE if scope == "h" else ("topic", "lang")
    terms = changed_terms(now, rest, also) if rest.strip() else now
    if not rest.strip() and not topic and not language and not _given(dispatch):
        raise ParseError(NO_TERMS)
    return terms, topic, dispatch, language


async def cancel_terms(update: Update, context: GigContext) -> int:
    """Keep the terms; the preview again, with its buttons."""
    requester = await sender_of(update, context)
    assert context.user_data is not None
    scope, target_id = _target(context)
    _forget(context)
    await reply(update, Screen(context.t(requesting_texts.TERMS_UNCHANGED)))
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
