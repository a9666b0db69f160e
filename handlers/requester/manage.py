"""/myhits with pause/resume/cancel, /results with Export CSV, Approve all, one-tap
reject/block on low gold accuracy, /bonus and /block."""

from __future__ import annotations

from telegram import CallbackQuery, InputFile, Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen, User
from bot.parsing import ParseError, whole_number
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import parse_alias, parse_bonus
from bot.requesting.results import ManageResult
from handlers.common import GigContext, answer, edit, pressed_by, reply, sender_of
from handlers.requester.review import review_screen


async def my_hits(update: Update, context: GigContext) -> None:
    """`/myhits [page]`: one message, a button per HIT or batch, Newer / Older."""
    requester = await sender_of(update, context)
    page = whole_number((context.args or ["1"])[0])
    if page is None or page < 1 or len(context.args or []) > 1:
        await reply(update, Screen(requesting_texts.MYHITS_USAGE))
        return
    await reply(update, await _page(context, requester, page))


async def older_hits(update: Update, context: GigContext) -> None:
    """Newer / Older, or back from a card: that page, in the same message."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    page = cb.MyHitsPage.unpack(str(query.data)).page
    if page < 1:  # no button says 0: forged
        await answer(query, formatting.STALE_BUTTON, alert=True)
        return
    await answer(query)
    await edit(query, await _page(context, requester, page))


async def _page(context: GigContext, requester: User, page: int) -> Screen:
    progress, total = await context.services.requesting.managing.progress(requester, page)
    if not progress:
        return Screen(
            requesting_texts.NO_HITS_YET if total == 0 else requesting_texts.myhits_past(total)
        )
    return requester_screens.my_hits(progress, page, total)


async def open_my_hit(update: Update, context: GigContext) -> None:
    """A /myhits row: that HIT's or batch's card, with its controls and Back."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.OpenMyHit.unpack(str(query.data))
    await _show_card(query, context, requester, data.scope, data.target_id)


async def manage_hit(update: Update, context: GigContext) -> None:
    """Pause or resume and redraw the card; Cancel asks first."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.Manage.unpack(str(query.data))
    managing = context.services.requesting.managing
    if data.action == "pause":
        result = await managing.pause(requester, data.scope, data.target_id)
    elif data.action == "resume":
        result = await managing.resume(requester, data.scope, data.target_id)
    elif data.action == "cancel":
        await ask_cancel(query, context, requester, data.scope, data.target_id)
        return
    else:
        result = ManageResult.NOT_FOUND
    if result is not ManageResult.OK:
        await answer(query, requesting_texts.MANAGE_TEXTS[result], alert=True)
        return
    await answer(
        query, requesting_texts.PAUSED if data.action == "pause" else requesting_texts.RESUMED
    )
    await _redraw_card(query, context, requester, data.scope, data.target_id)


async def ask_cancel(
    query: CallbackQuery, context: GigContext, requester: User, scope: str, target_id: int
) -> None:
    """Say what cancelling refunds and what happens to work in progress; ask once more."""
    result, preview = await context.services.requesting.managing.cancel_preview(
        requester, scope, target_id
    )
    if preview is None:
        await _cannot_cancel(query, result)
        return
    await answer(query)
    await edit(query, requester_screens.confirm_cancel(preview))


async def _cannot_cancel(query: CallbackQuery, result: ManageResult) -> None:
    """Why nothing is (or would be) cancelled, as an alert."""
    text = (
        requesting_texts.CANCEL_NOT_NOW
        if result is ManageResult.NOT_NOW
        else requesting_texts.MANAGE_TEXTS[result]
    )
    await answer(query, text, alert=True)


async def cancel_hit(update: Update, context: GigContext) -> None:
    """Yes, cancel: cancel, refund the open slots, redraw the card."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.CancelYes.unpack(str(query.data))
    managing = context.services.requesting.managing
    result, refund = await managing.cancel(requester, data.scope, data.target_id)
    if result is not ManageResult.OK:
        await _cannot_cancel(query, result)
        return
    await answer(query, requesting_texts.cancelled_refund(refund))
    await _redraw_card(query, context, requester, data.scope, data.target_id)


async def card_again(update: Update, context: GigContext) -> None:
    """Back from the cancel question: the card as it is now."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.CardAgain.unpack(str(query.data))
    await _show_card(query, context, requester, data.scope, data.target_id)


async def _show_card(
    query: CallbackQuery, context: GigContext, requester: User, scope: str, target_id: int
) -> None:
    """Answer the press with the card in its message, or an alert if it isn't theirs."""
    screen = await _card(context, requester, scope, target_id)
    if screen is None:
        await answer(query, requesting_texts.MANAGE_TEXTS[ManageResult.NOT_FOUND], alert=True)
        return
    await answer(query)
    await edit(query, screen)


async def _card(
    context: GigContext, requester: User, scope: str, target_id: int
) -> Screen | None:
    """The card with its controls and Back to the page it is listed on; None if not theirs."""
    managing = context.services.requesting.managing
    card = await managing.card(requester, scope, target_id)
    if card is None:
        return None
    page = await managing.page_of(requester, scope, target_id)
    return requester_screens.my_hit_card(card, page)


async def _redraw_card(
    query: CallbackQuery, context: GigContext, requester: User, scope: str, target_id: int
) -> None:
    """After a pause, resume or cancel (the press already answered): the card now."""
    screen = await _card(context, requester, scope, target_id)
    if screen is not None:
        await edit(query, screen)


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


async def show_results(update: Update, context: GigContext) -> None:
    """The Results button on a /myhits card."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.ShowResults.unpack(str(query.data))
    await answer(query)
    await reply(update, await _results(context, requester, data.scope, data.target_id))


async def _results(context: GigContext, requester: User, scope: str, target: int) -> Screen:
    view = await context.services.requesting.results.view(requester, scope, target)
    if view is None:
        return Screen(requesting_texts.RESULTS_NOT_FOUND)
    return requester_screens.results(view, context.services.settings.gold_threshold)


async def export_csv(update: Update, context: GigContext) -> None:
    """Send the results as CSV documents."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.ExportCsv.unpack(str(query.data))
    files = await context.services.requesting.results.export(requester, data.scope, data.target_id)
    if not files:
        await answer(query, requesting_texts.RESULTS_NOT_FOUND, alert=True)
        return
    await answer(query, requesting_texts.EXPORT_SENT)
    assert query.message is not None
    for name, content in files:
        await context.bot.send_document(
            query.message.chat.id,
            InputFile(content, filename=name),
            caption=requesting_texts.EXPORT_CAPTION.format(name=name),
        )


async def confirm_approve_all(update: Update, context: GigContext) -> None:
    """Say how many Approve all would approve and what they pay; ask once more."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    until_ms = cb.ApproveAll.unpack(str(query.data)).until_ms
    reviewing = context.services.requesting.reviewing
    count, cents = await reviewing.waiting_until(requester, until_ms / 1000)
    await answer(query)
    await edit(query, requester_screens.confirm_approve_all(count, cents, until_ms))


async def approve_all(update: Update, context: GigContext) -> None:
    """Approve everything submitted by the time the review card was drawn."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    until = cb.ApproveAllYes.unpack(str(query.data)).until_ms / 1000
    count, left = await context.services.requesting.reviewing.approve_all(requester, until)
    await answer(query, requesting_texts.approved_all(count))
    after = requesting_texts.more_waiting(left) if left else requesting_texts.NOTHING_TO_REVIEW
    await edit(query, Screen(requesting_texts.approved_all(count) + "\n" + after))


async def review_again(update: Update, context: GigContext) -> None:
    """Back from the Approve all question to the review card."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    await answer(query)
    await edit(query, await review_screen(context, requester))


async def reject_worker(update: Update, context: GigContext) -> None:
    """Reject a low-gold worker's submitted work in the batch."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.RejectWorker.unpack(str(query.data))
    count = await context.services.requesting.reviewing.reject_in_batch(
        requester, data.alias, data.batch_id, requesting_texts.GOLD_REJECT_REASON
    )
    if count is None:
        await answer(query, requesting_texts.RESULTS_NOT_FOUND, alert=True)
        return
    await answer(query, requesting_texts.rejected_worker(data.alias, count), alert=True)


async def reject_all_by(update: Update, context: GigContext) -> None:
    """From the review card: reject a low-gold worker's work in the batch; the card says
    so and shows the next submission."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.RejectAllBy.unpack(str(query.data))
    count = await context.services.requesting.reviewing.reject_in_batch(
        requester, data.alias, data.batch_id, requesting_texts.GOLD_REJECT_REASON
    )
    if count is None:
        await answer(query, requesting_texts.RESULTS_NOT_FOUND, alert=True)
        return
    await answer(query, requesting_texts.rejected_worker(data.alias, count))
    screen = await review_screen(context, requester)
    outcome = requesting_texts.rejected_worker_line(data.alias, count)
    await edit(query, requester_screens.with_outcome(outcome, screen))


async def block_worker(update: Update, context: GigContext) -> None:
    """Block the worker named on the button."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    alias = cb.BlockWorker.unpack(str(query.data)).alias
    result = await context.services.requesting.blocks.block(requester, alias)
    await answer(query, requesting_texts.BLOCK_ALERTS[result].format(alias=alias), alert=True)


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
    result, alias = await context.services.requesting.bonuses.pay(requester, parsed, key)
    text = requesting_texts.BONUS_TEXTS[result].format(
        amount=formatting.money(parsed.amount_cents), alias=alias or parsed.alias or "?"
    )
    await reply(update, Screen(text))


async def block(update: Update, context: GigContext) -> None:
    """`/block W-7F3K`: the worker never sees or takes this requester's HITs again."""
    alias = await _alias_or_usage(update, context, requesting_texts.BLOCK_USAGE)
    if alias is not None:
        requester = await sender_of(update, context)
        result = await context.services.requesting.blocks.block(requester, alias)
        await reply(update, Screen(requesting_texts.BLOCK_TEXTS[result].format(alias=alias)))


async def unblock(update: Update, context: GigContext) -> None:
    """`/unblock W-7F3K`: lift a block; the worker can see and take the HITs again."""
    alias = await _alias_or_usage(update, context, requesting_texts.UNBLOCK_USAGE)
    if alias is not None:
        requester = await sender_of(update, context)
        result = await context.services.requesting.blocks.unblock(requester, alias)
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
