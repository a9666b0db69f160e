"""/review and the review card: Approve, Reject with a reason (kept across restarts),
Approve all, Reject all by a low-gold worker, the full answers as a file."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot.domain import Screen, User
from bot.fit import CAPTION_MAX, clip
from bot.market import texts as market_texts
from bot.market.results import ReviewResult
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
from handlers.requester.results import reject_low_gold

REASON = 1
CARD = "rejecting_card"  # [chat id, message id] of the review card that asked for the reason


async def review(update: Update, context: GigContext) -> None:
    """Show the oldest submitted assignment with Approve / Reject."""
    requester = await sender_of(update, context)
    await reply(update, await review_screen(context, requester))


async def review_screen(context: GigContext, requester: User) -> Screen:
    """The oldest submitted assignment, with its gold score and Approve all."""
    drawn_at = context.clock.now()
    view, waiting = await context.market.reviewing.next_for_review(requester)
    if view is None:
        return Screen(context.t(requesting_texts.NOTHING_TO_REVIEW))
    alias = await context.market.people.worker_alias(view.assignment.worker_id)
    batch_id = view.hit.batch_id
    results = context.requesting.results
    gold = await results.gold_for(view.assignment.worker_id, batch_id) if batch_id else None
    threshold = context.settings.gold_threshold
    card = requester_screens.review(context.t, view, alias, waiting)
    return review_extras(context.t, card, alias, gold, batch_id, threshold, (waiting, drawn_at))


@button(cb.FullAnswers)
async def full_answers(tap: Tap[cb.FullAnswers], context: GigContext) -> None:
    """Send the requester every answer of an assignment in full, as a .txt file."""
    view = await context.market.reading.work_view(tap.data.assignment_id)
    if view is None or view.hit.requester_id != tap.user.id:
        await tap.answer(
            context.t(requesting_texts.REVIEW_TEXTS[ReviewResult.NOT_YOURS]), alert=True
        )
        return
    alias = await context.market.people.worker_alias(view.assignment.worker_id)
    name, content = requester_screens.full_answers(context.t, view, alias)
    await tap.answer(context.t(market_texts.FULL_ANSWERS_SENT))
    assert tap.query.message is not None
    caption = market_texts.full_answers_caption(context.t, view.hit.id, view.assignment.id, alias)
    await context.bot.send_document(
        tap.query.message.chat.id,
        InputFile(content, filename=name),
        caption=clip(caption, CAPTION_MAX),
    )


@button(cb.Approve)
async def approve_work(tap: Tap[cb.Approve], context: GigContext) -> None:
    """Pay the worker and show the next assignment to review."""
    view = await context.market.reading.work_view(tap.data.assignment_id)
    result = await context.market.reviewing.approve(tap.user, tap.data.assignment_id)
    toast = context.t(requesting_texts.REVIEW_TEXTS[result])
    if result is ReviewResult.OK and view is not None:
        alias = await context.market.people.worker_alias(view.assignment.worker_id)
        toast = requesting_texts.approved_toast(context.t, alias, view.hit.reward_cents)
    await tap.answer(toast, alert=result is not ReviewResult.OK)
    if result is not ReviewResult.NOT_YOURS:
        await tap.edit(await review_screen(context, tap.user))


@button(cb.Reject, unknown=ConversationHandler.END)
async def ask_reject_reason(tap: Tap[cb.Reject], context: GigContext) -> int:
    """Turn the review card into the question: why reject (Back returns to the card)."""
    assignment_id = tap.data.assignment_id
    view = await context.market.reading.work_view(assignment_id)
    if view is None or view.hit.requester_id != tap.user.id:
        await tap.answer(
            context.t(requesting_texts.REVIEW_TEXTS[ReviewResult.NOT_YOURS]), alert=True
        )
        return ConversationHandler.END
    await tap.answer()
    assert context.user_data is not None
    context.user_data["rejecting"] = assignment_id
    card = tap.at
    context.user_data[CARD] = list(card) if card is not None else None
    note_asked(context)
    alias = await context.market.people.worker_alias(view.assignment.worker_id)
    await tap.edit(requester_screens.reject_asked(context.t, alias, view.hit.title, assignment_id))
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
            Screen(
                context.t(requesting_texts.REJECT_EXPIRED).format(
                    wait=context.t.duration(TEXT_WAIT_S)
                )
            ),
        )
        if card is not None:  # the card is Approve / Reject again, not the question
            await edit_or_reply(update, context, card, await review_screen(context, requester))
        return ConversationHandler.END
    view = await context.market.reading.work_view(assignment_id)
    result = await context.market.reviewing.reject(requester, assignment_id, message.text or "")
    if result is ReviewResult.REASON_REQUIRED:
        note_asked(context)
        await reply(update, Screen(context.t(requesting_texts.REVIEW_TEXTS[result])))
        return REASON
    context.user_data.pop("rejecting", None)
    if result is ReviewResult.OK and view is not None:
        alias = await context.market.people.worker_alias(view.assignment.worker_id)
        done = requesting_texts.rejected_line(context.t, alias, assignment_id)
    elif result is ReviewResult.ALREADY_REVIEWED:
        done = context.t(requesting_texts.REJECT_TOO_LATE)
    else:
        done = context.t(requesting_texts.REVIEW_TEXTS[result])
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
    await reply(update, Screen(context.t(requesting_texts.REJECT_CANCELLED)))
    if card is not None:
        requester = await sender_of(update, context)
        await edit_or_reply(update, context, card, await review_screen(context, requester))
    return ConversationHandler.END


@button(cb.ApproveAll)
async def confirm_approve_all(tap: Tap[cb.ApproveAll], context: GigContext) -> None:
    """Say how many Approve all would approve and what they pay; ask once more."""
    until_ms = tap.data.until_ms
    reviewing = context.requesting.reviewing
    waiting = await reviewing.waiting_until(tap.user, until_ms / 1000)
    await tap.answer()
    await tap.edit(requester_screens.confirm_approve_all(context.t, waiting, until_ms))


@button(cb.ApproveAllYes)
async def approve_all(tap: Tap[cb.ApproveAllYes], context: GigContext) -> None:
    """Approve everything submitted by the time the review card was drawn."""
    until = tap.data.until_ms / 1000
    count, left = await context.requesting.reviewing.approve_all(tap.user, until)
    await tap.answer(requesting_texts.approved_all(context.t, count))
    after = (
        requesting_texts.more_waiting(context.t, left)
        if left
        else context.t(requesting_texts.NOTHING_TO_REVIEW)
    )
    await tap.edit(Screen(requesting_texts.approved_all(context.t, count) + "\n" + after))


@button(cb.ReviewAgain)
async def review_again(tap: Tap[cb.ReviewAgain], context: GigContext) -> None:
    """Back from the Approve all question to the review card."""
    await tap.answer()
    await tap.edit(await review_screen(context, tap.user))


@button(cb.RejectAllBy)
async def reject_all_by(tap: Tap[cb.RejectAllBy], context: GigContext) -> None:
    """From the review card: reject a low-gold worker's work in the batch; the card says
    so and shows the next submission."""
    data = tap.data
    count = await reject_low_gold(tap, context)
    if count is None:
        return
    await tap.answer(requesting_texts.rejected_worker(context.t, data.alias, count))
    screen = await review_screen(context, tap.user)
    outcome = requesting_texts.rejected_worker_line(context.t, data.alias, count)
    await tap.edit(requester_screens.with_outcome(outcome, screen))
