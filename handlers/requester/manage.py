"""/myhits with pause/resume/cancel, /results with Export CSV, Approve all, one-tap
reject/block on low gold accuracy, /bonus and /block."""

from __future__ import annotations

from typing import Any

from telegram import InputFile, Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen, User
from bot.parsing import ParseError, whole_number
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import parse_alias, parse_bonus
from bot.requesting.results import ManageResult
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of
from handlers.requester.review import review_screen


async def my_hits(update: Update, context: GigContext) -> None:
    """`/myhits [page]`: one message, a button per HIT or batch, Newer / Older."""
    requester = await sender_of(update, context)
    page = whole_number((context.args or ["1"])[0])
    if page is None or page < 1 or len(context.args or []) > 1:
        await reply(update, Screen(requesting_texts.MYHITS_USAGE))
        return
    await reply(update, await _page(context, requester, page))


@button(cb.MyHitsPage)
async def older_hits(tap: Tap[cb.MyHitsPage], context: GigContext) -> None:
    """Newer / Older, or back from a card: that page, in the same message."""
    page = tap.data.page
    if page < 1:  # no button says 0: forged
        await tap.answer(formatting.STALE_BUTTON, alert=True)
        return
    await tap.answer()
    await tap.edit(await _page(context, tap.user, page))


async def _page(context: GigContext, requester: User, page: int) -> Screen:
    progress, total = await context.requesting.managing.progress(requester, page)
    if not progress:
        return Screen(
            requesting_texts.NO_HITS_YET if total == 0 else requesting_texts.myhits_past(total)
        )
    return requester_screens.my_hits(progress, page, total)


@button(cb.OpenMyHit)
async def open_my_hit(tap: Tap[cb.OpenMyHit], context: GigContext) -> None:
    """A /myhits row: that HIT's or batch's card, with its controls and Back."""
    await _show_card(tap, context, tap.data.scope, tap.data.target_id)


@button(cb.Manage)
async def manage_hit(tap: Tap[cb.Manage], context: GigContext) -> None:
    """Pause or resume and redraw the card; Cancel asks first."""
    data, managing = tap.data, context.requesting.managing
    if data.action == "pause":
        result = await managing.pause(tap.user, data.scope, data.target_id)
    elif data.action == "resume":
        result = await managing.resume(tap.user, data.scope, data.target_id)
    elif data.action == "cancel":
        await ask_cancel(tap, context, data.scope, data.target_id)
        return
    else:
        result = ManageResult.NOT_FOUND
    if result is not ManageResult.OK:
        await tap.answer(requesting_texts.MANAGE_TEXTS[result], alert=True)
        return
    await tap.answer(
        requesting_texts.PAUSED if data.action == "pause" else requesting_texts.RESUMED
    )
    await _redraw_card(tap, context, data.scope, data.target_id)


async def ask_cancel(tap: Tap[Any], context: GigContext, scope: str, target_id: int) -> None:
    """Say what cancelling refunds and what happens to work in progress; ask once more."""
    managing = context.requesting.managing
    result, preview = await managing.cancel_preview(tap.user, scope, target_id)
    if preview is None:
        await _cannot_cancel(tap, result)
        return
    await tap.answer()
    await tap.edit(requester_screens.confirm_cancel(preview))


async def _cannot_cancel(tap: Tap[Any], result: ManageResult) -> None:
    """Why nothing is (or would be) cancelled, as an alert."""
    text = (
        requesting_texts.CANCEL_NOT_NOW
        if result is ManageResult.NOT_NOW
        else requesting_texts.MANAGE_TEXTS[result]
    )
    await tap.answer(text, alert=True)


@button(cb.CancelYes)
async def cancel_hit(tap: Tap[cb.CancelYes], context: GigContext) -> None:
    """Yes, cancel: cancel, refund the open slots, redraw the card."""
    data = tap.data
    result, refund = await context.requesting.managing.cancel(tap.user, data.scope, data.target_id)
    if result is not ManageResult.OK:
        await _cannot_cancel(tap, result)
        return
    await tap.answer(requesting_texts.cancelled_refund(refund))
    await _redraw_card(tap, context, data.scope, data.target_id)


@button(cb.CardAgain)
async def card_again(tap: Tap[cb.CardAgain], context: GigContext) -> None:
    """Back from the cancel question: the card as it is now."""
    await _show_card(tap, context, tap.data.scope, tap.data.target_id)


async def _show_card(tap: Tap[Any], context: GigContext, scope: str, target_id: int) -> None:
    """Answer the press with the card in its message, or an alert if it isn't theirs."""
    screen = await _card(context, tap.user, scope, target_id)
    if screen is None:
        await tap.answer(requesting_texts.MANAGE_TEXTS[ManageResult.NOT_FOUND], alert=True)
        return
    await tap.answer()
    await tap.edit(screen)


async def _card(context: GigContext, requester: User, scope: str, target_id: int) -> Screen | None:
    """The card with its controls and Back to the page it is listed on; None if not theirs."""
    managing = context.requesting.managing
    card = await managing.card(requester, scope, target_id)
    if card is None:
        return None
    page = await managing.page_of(requester, scope, target_id)
    return requester_screens.my_hit_card(card, page)


async def _redraw_card(tap: Tap[Any], context: GigContext, scope: str, target_id: int) -> None:
    """After a pause, resume or cancel (the press already answered): the card now."""
    screen = await _card(context, tap.user, scope, target_id)
    if screen is not None:
        await tap.edit(screen)


async def results_command(update: Update, context: GigContext) -> None:
    """`/results 12` or `/results b3`: counts, majorities, gold, Export CSV."""
    requester = await sender_of(update, context)
    arg = (context.args or [""])[0].lower()
    scope, given = ("b", arg[1:]) if arg.startswith("b") else ("h", arg)
    number = whole_number(given)
    if number is None:
        await reply(update, Screen(requesting_texts.RESULTS_USAGE))
        return
    await reply(update, await _results(context, requester, scope, number))


@button(cb.ShowResults)
async def show_results(tap: Tap[cb.ShowResults], context: GigContext) -> None:
    """The Results button on a /myhits card."""
    await tap.answer()
    await tap.reply(await _results(context, tap.user, tap.data.scope, tap.data.target_id))


async def _results(context: GigContext, requester: User, scope: str, target: int) -> Screen:
    view = await context.requesting.results.view(requester, scope, target)
    if view is None:
        return Screen(requesting_texts.RESULTS_NOT_FOUND)
    return requester_screens.results(view, context.settings.gold_threshold)


@button(cb.ExportCsv)
async def export_csv(tap: Tap[cb.ExportCsv], context: GigContext) -> None:
    """Send the results as CSV documents."""
    data = tap.data
    files = await context.requesting.results.export(tap.user, data.scope, data.target_id)
    if not files:
        await tap.answer(requesting_texts.RESULTS_NOT_FOUND, alert=True)
        return
    await tap.answer(requesting_texts.EXPORT_SENT)
    assert tap.query.message is not None
    for name, content in files:
        await context.bot.send_document(
            tap.query.message.chat.id,
            InputFile(content, filename=name),
            caption=requesting_texts.EXPORT_CAPTION.format(name=name),
        )


@button(cb.ApproveAll)
async def confirm_approve_all(tap: Tap[cb.ApproveAll], context: GigContext) -> None:
    """Say how many Approve all would approve and what they pay; ask once more."""
    until_ms = tap.data.until_ms
    reviewing = context.requesting.reviewing
    count, cents = await reviewing.waiting_until(tap.user, until_ms / 1000)
    await tap.answer()
    await tap.edit(requester_screens.confirm_approve_all(count, cents, until_ms))


@button(cb.ApproveAllYes)
async def approve_all(tap: Tap[cb.ApproveAllYes], context: GigContext) -> None:
    """Approve everything submitted by the time the review card was drawn."""
    until = tap.data.until_ms / 1000
    count, left = await context.requesting.reviewing.approve_all(tap.user, until)
    await tap.answer(requesting_texts.approved_all(count))
    after = requesting_texts.more_waiting(left) if left else requesting_texts.NOTHING_TO_REVIEW
    await tap.edit(Screen(requesting_texts.approved_all(count) + "\n" + after))


@button(cb.ReviewAgain)
async def review_again(tap: Tap[cb.ReviewAgain], context: GigContext) -> None:
    """Back from the Approve all question to the review card."""
    await tap.answer()
    await tap.edit(await review_screen(context, tap.user))


@button(cb.RejectWorker)
async def reject_worker(tap: Tap[cb.RejectWorker], context: GigContext) -> None:
    """Reject a low-gold worker's submitted work in the batch."""
    data = tap.data
    count = await context.requesting.reviewing.reject_in_batch(
        tap.user, data.alias, data.batch_id, requesting_texts.GOLD_REJECT_REASON
    )
    if count is None:
        await tap.answer(requesting_texts.RESULTS_NOT_FOUND, alert=True)
        return
    await tap.answer(requesting_texts.rejected_worker(data.alias, count), alert=True)


@button(cb.RejectAllBy)
async def reject_all_by(tap: Tap[cb.RejectAllBy], context: GigContext) -> None:
    """From the review card: reject a low-gold worker's work in the batch; the card says
    so and shows the next submission."""
    data = tap.data
    count = await context.requesting.reviewing.reject_in_batch(
        tap.user, data.alias, data.batch_id, requesting_texts.GOLD_REJECT_REASON
    )
    if count is None:
        await tap.answer(requesting_texts.RESULTS_NOT_FOUND, alert=True)
        return
    await tap.answer(requesting_texts.rejected_worker(data.alias, count))
    screen = await review_screen(context, tap.user)
    outcome = requesting_texts.rejected_worker_line(data.alias, count)
    await tap.edit(requester_screens.with_outcome(outcome, screen))


@button(cb.BlockWorker)
async def block_worker(tap: Tap[cb.BlockWorker], context: GigContext) -> None:
    """Block the worker named on the button."""
    alias = tap.data.alias
    result = await context.requesting.blocks.block(tap.user, alias)
    await tap.answer(requesting_texts.BLOCK_ALERTS[result].format(alias=alias), alert=True)


async def bonus(update: Update, context: GigContext) -> None:
    """`/bonus W-7F3K 0.50 reason`: pay a worker extra, once per command message."""
    requester = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and message.text is not None
    _, _, args = message.text.partition(" ")
    try:
        parsed = parse_bonus(args)
    except ParseError as exc:
        usage = (
            formatting.try_again(exc.problem, requesting_texts.BONUS_USAGE)
            if args.strip()
            else requesting_texts.BONUS_USAGE
        )
        await reply(update, Screen(usage))
        return
    key = f"{message.chat.id}:{message.message_id}"
    result, alias = await context.requesting.bonuses.pay(requester, parsed, key)
    text = requesting_texts.BONUS_TEXTS[result].format(
        amount=formatting.money(parsed.amount_cents), alias=alias or parsed.alias or "?"
    )
    await reply(update, Screen(text))


async def block(update: Update, context: GigContext) -> None:
    """`/block W-7F3K`: the worker never sees or takes this requester's HITs again."""
    alias = await _alias_or_usage(update, context, requesting_texts.BLOCK_USAGE)
    if alias is not None:
        requester = await sender_of(update, context)
        result = await context.requesting.blocks.block(requester, alias)
        await reply(update, Screen(requesting_texts.BLOCK_TEXTS[result].format(alias=alias)))


async def unblock(update: Update, context: GigContext) -> None:
    """`/unblock W-7F3K`: lift a block; the worker can see and take the HITs again."""
    alias = await _alias_or_usage(update, context, requesting_texts.UNBLOCK_USAGE)
    if alias is not None:
        requester = await sender_of(update, context)
        result = await context.requesting.blocks.unblock(requester, alias)
        await reply(update, Screen(requesting_texts.UNBLOCK_TEXTS[result].format(alias=alias)))


async def _alias_or_usage(update: Update, context: GigContext, usage: str) -> str | None:
    """The alias the command names; else the usage (with what is wrong) and None."""
    if not context.args:
        await reply(update, Screen(usage))
        return None
    try:
        return parse_alias(context.args[0])
    except ParseError as exc:
        await reply(update, Screen(formatting.try_again(exc.problem, usage)))
        return None
