"""Worker handlers for finding work and reading one's record: deep links, cards, previews,
mutes, /hits, /next, "Next HIT in this batch", /earnings, /status."""

from __future__ import annotations

import re
from html import escape

from telegram import Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import Button, HitKind, HitSort, Screen, User
from bot.fair import texts as fair_texts
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from bot.work.desk import HitPage, LinkOutcome
from bot.work.results import LinkResult
from handlers.common import GigContext, answer, edit, pressed_by, reply, respond, sender_of
from handlers.worker.work import resend_task


async def show_link(update: Update, context: GigContext, worker: User, kind: str, num: int) -> None:
    """Answer `/start hit_<id>` or `/start batch_<id>`: the card, or why not."""
    desk = context.services.desk
    outcome = await (desk.open_hit(worker, num) if kind == "hit" else desk.open_batch(worker, num))
    await reply(update, link_screen(outcome))
    if outcome.result is LinkResult.YOURS and outcome.assignment is not None:
        await _resend_work(update, context, outcome.assignment.id)


async def _resend_work(update: Update, context: GigContext, assignment_id: int) -> None:
    """Show an assignment as a new message, which becomes its one message."""
    view = await context.market.work_view(assignment_id)
    assert view is not None
    await resend_task(update, context, view)


def link_screen(outcome: LinkOutcome) -> Screen:
    """The card, or one sentence saying why there is none."""
    if outcome.result is LinkResult.OK and outcome.card is not None:
        return worker_screens.card(outcome.card)
    title = outcome.card.hit.title if outcome.card else ""
    return Screen(work_texts.LINK_TEXTS[outcome.result].format(title=escape(title)))


def _plain(html_text: str) -> str:
    """Alerts are plain text: drop the tags of a screen's HTML."""
    return re.sub(r"<[^>]+>", "", html_text)


async def open_hit(update: Update, context: GigContext) -> None:
    """Send the card of a HIT picked in /hits (the list stays as it is)."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.OpenHit.unpack(str(query.data))
    outcome = await context.services.desk.open_hit(worker, data.hit_id)
    if outcome.result is not LinkResult.OK:
        await answer(query, _plain(link_screen(outcome).text), alert=True)
        return
    await answer(query)
    await reply(update, link_screen(outcome))


async def back_to_card(update: Update, context: GigContext) -> None:
    """Turn a preview back into the HIT's card."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Card.unpack(str(query.data))
    outcome = await context.services.desk.open_hit(worker, data.hit_id)
    await answer(query)
    await edit(query, link_screen(outcome))


async def preview_hit(update: Update, context: GigContext) -> None:
    """Show the HIT's questions in place of the card, without taking a slot."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Preview.unpack(str(query.data))
    outcome = await context.services.desk.open_hit(worker, data.hit_id)
    if outcome.result is not LinkResult.OK or outcome.card is None:
        await answer(query, _plain(link_screen(outcome).text), alert=True)
        return
    await answer(query)
    await edit(query, worker_screens.preview(outcome.card))


async def mute_requester(update: Update, context: GigContext) -> None:
    """Stop offering this requester's HITs to the worker; offer Undo."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Mute.unpack(str(query.data))
    hit = await context.services.desk.mute(worker, data.hit_id)
    if hit is None:
        await answer(query, _plain(work_texts.LINK_TEXTS[LinkResult.UNKNOWN]), alert=True)
        return
    await answer(query)
    name = await context.market.requester_name(hit.requester_id)
    undo = Button(work_texts.BTN_UNMUTE, cb.Unmute(hit.requester_id).pack())
    await edit(query, Screen(work_texts.muted(name), ((undo,),)))


async def unmute_requester(update: Update, context: GigContext) -> None:
    """Undo a mute."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Unmute.unpack(str(query.data))
    await context.services.desk.unmute(worker, data.requester_id)
    await answer(query)
    await edit(query, Screen(work_texts.UNMUTED))


async def list_hits(update: Update, context: GigContext) -> None:
    """/hits: the first page, best paid per minute first."""
    worker = await sender_of(update, context)
    page = await context.services.desk.page(worker, HitSort.PER_MINUTE, None, 0)
    await reply(update, worker_screens.hits_page(page, await _requesters(context, page)))


async def turn_page(update: Update, context: GigContext) -> None:
    """Re-sort, filter or page the /hits list in place."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.HitsPage.unpack(str(query.data))
    try:
        sort = HitSort(data.sort)
        kind = HitKind(data.kind) if data.kind else None
    except ValueError:
        await answer(query, formatting.STALE_BUTTON, alert=True)
        return
    page = await context.services.desk.page(worker, sort, kind, data.page)
    await answer(query)
    await edit(query, worker_screens.hits_page(page, await _requesters(context, page)))


async def _requesters(context: GigContext, page: HitPage) -> dict[int, tuple[str, str]]:
    """Name and one-line reputation of each requester on the page."""
    found: dict[int, tuple[str, str]] = {}
    for requester_id in {item.hit.requester_id for item in page.items}:
        name = await context.market.requester_name(requester_id)
        reputation = await context.services.fair.reputation.card(requester_id)
        line = fair_texts.compact_reputation(reputation) if reputation else ""
        found[requester_id] = (name, line)
    return found


async def next_hit(update: Update, context: GigContext) -> None:
    """/next: the one HIT that pays best per minute for this worker now."""
    worker = await sender_of(update, context)
    desk = context.services.desk
    best = await desk.best(worker)
    if best is not None:
        await reply(update, worker_screens.card(best))
        return
    await reply(update, worker_screens.nothing_next(await desk.in_progress(worker)))


async def next_in_batch(update: Update, context: GigContext) -> None:
    """Accept the batch's next item into this message (the one handed in gives way to it)."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.NextInBatch.unpack(str(query.data))
    shown = query.message
    where = (shown.chat.id, shown.message_id) if shown is not None else None
    onward = await context.services.batch_work.next_item(worker, data.batch_id, where)
    if onward.following is None:
        refused = onward.refused
        alert = (
            work_texts.ACCEPT_ALERTS[refused]
            if refused is not None
            else work_texts.NO_MORE_IN_BATCH
        )
        await answer(query, alert.format(max_active=context.market.max_active), alert=True)
        return
    now = context.market.clock.now()
    await respond(query, worker_screens.next_item(onward.following, now))


async def earnings(update: Update, context: GigContext) -> None:
    """Pending, approved, bonuses and balance; today, 7 days, all time; hourly rate."""
    worker = await sender_of(update, context)
    await reply(update, worker_screens.earnings(await context.services.desk.earnings(worker)))


async def status(update: Update, context: GigContext) -> None:
    """Approval rate, counts, qualifications and work in progress with time left."""
    worker = await sender_of(update, context)
    report = await context.services.desk.status(worker)
    await reply(update, worker_screens.status(report, context.market.clock.now()))
