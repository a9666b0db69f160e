"""Requester handlers: publishing a draft, /review with approve and reject, /balance."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen, User
from bot.fit import CAPTION_MAX, clip
from bot.market import texts as market_texts
from bot.market.results import PublishResult, ReviewResult
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.screens import review_extras
from handlers.buttons import Tap, button
from handlers.common import (
    TEXT_WAIT_S,
    GigContext,
    asked_long_ago,
    edit_or_reply,
    note_asked,
    reply,
    sender_of,
)
from handlers.fair_common import floor_refusal

REASON = 1
CARD = "rejecting_card"  # [chat id, message id] of the review card that asked for the reason


@button(cb.Publish)
async def publish_hit(tap: Tap[cb.Publish], context: GigContext) -> None:
    """Escrow the cost and open the HIT to workers."""
    hit_id = tap.data.hit_id
    hit = await context.market.hit(hit_id)
    result = await context.market.publish(tap.user, hit_id)
    balance = await context.accounts.requester_balance(tap.user)
    text = market_texts.PUBLISH_TEXTS[result].format(
        kind=market_texts.HIT_KIND_WORDS[hit.kind] if hit else "poll",
        hit_id=hit_id,
        cost=formatting.money(hit.escrow_cents if hit else 0),
        available=formatting.money(balance.available_cents),
    )
    if result is PublishResult.INSUFFICIENT_FUNDS:
        await tap.answer(text, alert=True)
        return
    if result is PublishResult.UNDER_FLOOR:
        await tap.answer()
        refusal = await floor_refusal(context, hit_id)
        await tap.reply(requester_screens.refused_under_floor(refusal, "h", hit_id))
        return
    await tap.answer()
    await tap.edit(Screen(text))


@button(cb.Discard)
async def discard_hit(tap: Tap[cb.Discard], context: GigContext) -> None:
    """Throw the draft away."""
    hit_id = tap.data.hit_id
    done = await context.market.discard_draft(tap.user, hit_id)
    await tap.answer()
    already = market_texts.PUBLISH_TEXTS[PublishResult.ALREADY].format(kind="HIT", hit_id=hit_id)
    await tap.edit(Screen(requesting_texts.DRAFT_DISCARDED if done else already))


async def review(update: Update, context: GigContext) -> None:
    """Show the oldest submitted assignment with Approve / Reject."""
    requester = await sender_of(update, context)
    await reply(update, await review_screen(context, requester))


async def review_screen(context: GigContext, requester: User) -> Screen:
    """The oldest submitted assignment, with its gold score and Approve all."""
    drawn_at = context.clock.now()
    view, waiting = await context.market.next_for_review(requester)
    if view is None:
        return Screen(requesting_texts.NOTHING_TO_REVIEW)
    alias = await context.market.worker_alias(view.assignment.worker_id)
    batch_id = view.hit.batch_id
    results = context.requesting.results
    gold = await results.gold_for(view.assignment.worker_id, batch_id) if batch_id else None
    threshold = context.settings.gold_threshold
    card = requester_screens.review(view, alias, waiting)
    return review_extras(card, alias, gold, batch_id, threshold, (waiting, drawn_at))


@button(cb.FullAnswers)
async def full_answers(tap: Tap[cb.FullAnswers], context: GigContext) -> None:
    """Send the requester every answer of an assignment in full, as a .txt file."""
    view = await context.market.work_view(tap.data.assignment_id)
    if view is None or view.hit.requester_id != tap.user.id:
        await tap.answer(requesting_texts.REVIEW_TEXTS[ReviewResult.NOT_YOURS], alert=True)
        return
    alias = await context.market.worker_alias(view.assignment.worker_id)
    name, content = requester_screens.full_answers(view, alias)
    await tap.answer(market_texts.FULL_ANSWERS_SENT)
    assert tap.query.message is not None
    caption = market_texts.full_answers_caption(view.hit.id, view.assignment.id, alias)
    await context.bot.send_document(
        tap.query.message.chat.id,
        InputFile(content, filename=name),
        caption=clip(caption, CAPTION_MAX),
    )


@button(cb.Approve)
async def approve_work(tap: Tap[cb.Approve], context: GigContext) -> None:
    """Pay the worker and show the next assignment to review."""
    view = await context.market.work_view(tap.data.assignment_id)
    result = await context.market.approve(tap.user, tap.data.assignment_id)
    toast = requesting_texts.REVIEW_TEXTS[result]
    if result is ReviewResult.OK and view is not None:
        alias = await context.market.worker_alias(view.assignment.worker_id)
        toast = requesting_texts.approved_toast(alias, view.hit.reward_cents)
    await tap.answer(toast, alert=result is not ReviewResult.OK)
    if result is not ReviewResult.NOT_YOURS:
        await tap.edit(await review_screen(context, tap.user))


@button(cb.Reject, unknown=ConversationHandler.END)
async def ask_reject_reason(tap: Tap[cb.Reject], context: GigContext) -> int:
    """Turn the review card into the question: why reject (Back returns to the card)."""
    assignment_id = tap.data.assignment_id
    view = await context.market.work_view(assignment_id)
    if view is None or view.hit.requester_id != tap.user.id:
        await tap.answer(requesting_texts.REVIEW_TEXTS[ReviewResult.NOT_YOURS], alert=True)
        return ConversationHandler.END
    await tap.answer()
    assert context.user_data is not None
    context.user_data["rejecting"] = assignment_id
    card = tap.at
    context.user_data[CARD] = list(card) if card is not None else None
    note_asked(context)
    alias = await context.market.worker_alias(view.assignment.worker_id)
    await tap.edit(requester_screens.reject_asked(alias, view.hit.title, assignment_id))
    return REASON


def _card_at(context: GigContext) -> tuple[int, int] | None:
    """Where the review card that asked for the reason is (forgotten once read)."""
    assert context.user_data is not None
    at = context.user_data.pop(CARD, None)
    return (int(at[0]), int(at[1])) if isinstance(at, list) and len(at) == 2 else None


async def reject_with_reason(update: Update, context: GigContext) -> int:
    """Reject with the typed reason; the card says so and shows the next submission."""
    requester = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    assignment_id = int(str(context.user_data.get("rejecting", 0)))
    if asked_long_ago(context):
        context.user_data.pop("rejecting", None)
        card = _card_at(context)
        await reply(
            update,
            Screen(requesting_texts.REJECT_EXPIRED.format(wait=formatting.duration(TEXT_WAIT_S))),
        )
        if card is not None:  # the card is Approve / Reject again, not the question
            await edit_or_reply(update, context, card, await review_screen(context, requester))
        return ConversationHandler.END
    view = await context.market.work_view(assignment_id)
    result = await context.market.reject(requester, assignment_id, message.text or "")
    if result is ReviewResult.REASON_REQUIRED:
        note_asked(context)
        await reply(update, Screen(requesting_texts.REVIEW_TEXTS[result]))
        return REASON
    context.user_data.pop("rejecting", None)
    if result is ReviewResult.OK and view is not None:
        alias = await context.market.worker_alias(view.assignment.worker_id)
        done = requesting_texts.rejected_line(alias, assignment_id)
    elif result is ReviewResult.ALREADY_REVIEWED:
        done = requesting_texts.REJECT_TOO_LATE
    else:
        done = requesting_texts.REVIEW_TEXTS[result]
    after = requester_screens.with_outcome(done, await review_screen(context, requester))
    await edit_or_reply(update, context, _card_at(context), after)
    return ConversationHandler.END


@button(cb.ReviewAgain, unknown=ConversationHandler.END)
async def back_from_reject(tap: Tap[cb.ReviewAgain], context: GigContext) -> int:
    """Back on the question: nothing rejected, the card as it is now."""
    assert context.user_data is not None
    context.user_data.pop("rejecting", None)
    context.user_data.pop(CARD, None)
    await tap.answer()
    await tap.edit(await review_screen(context, tap.user))
    return ConversationHandler.END


async def cancel_reject(update: Update, context: GigContext) -> int:
    """Leave the rejection without doing anything; the card comes back."""
    assert context.user_data is not None
    context.user_data.pop("rejecting", None)
    card = _card_at(context)
    await reply(update, Screen(requesting_texts.REJECT_CANCELLED))
    if card is not None:
        requester = await sender_of(update, context)
        await edit_or_reply(update, context, card, await review_screen(context, requester))
    return ConversationHandler.END


async def balance(update: Update, context: GigContext) -> None:
    """Show available money and escrow."""
    requester = await sender_of(update, context)
    await reply(
        update, Screen(market_texts.balance(await context.accounts.requester_balance(requester)))
    )
