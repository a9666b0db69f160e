"""Finding work: /hits, /next, deep links (`/start hit_12`), a HIT's card and preview,
muting a requester."""

from __future__ import annotations

import re
from html import escape

from telegram import Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import Button, HitKind, HitSort, Screen, User
from bot.fair import texts as fair_texts
from bot.i18n import Translator
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from bot.work.desk import HitPage, LinkOutcome
from bot.work.results import LinkResult
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of
from handlers.worker.work import resend_task


async def show_link(update: Update, context: GigContext, worker: User, kind: str, num: int) -> None:
    """Answer `/start hit_<id>` or `/start batch_<id>`: the card, or why not."""
    desk = context.desk
    outcome = await (desk.open_hit(worker, num) if kind == "hit" else desk.open_batch(worker, num))
    await reply(update, await _with_record(context, outcome))
    if outcome.result is LinkResult.YOURS and outcome.assignment is not None:
        await _resend_work(update, context, outcome.assignment.id)


async def _resend_work(update: Update, context: GigContext, assignment_id: int) -> None:
    """Show an assignment as a new message, which becomes its one message."""
    view = await context.market.reading.work_view(assignment_id)
    assert view is not None
    await resend_task(update, context, view)


def link_screen(t: Translator, outcome: LinkOutcome, reputation: str = "") -> Screen:
    """The card (with the requester's one-line record when given), or one sentence saying
    why there is none."""
    if outcome.result is LinkResult.OK and outcome.card is not None:
        return worker_screens.card(t, outcome.card, reputation)
    title = outcome.card.hit.title if outcome.card else ""
    return Screen(t(work_texts.LINK_TEXTS[outcome.result]).format(title=escape(title)))


async def _with_record(context: GigContext, outcome: LinkOutcome) -> Screen:
    """link_screen with the requester's record, as a push card shows it: every card of a
    task reads the same wherever it is opened (/next, /hits, a link, back from Preview)."""
    if outcome.result is not LinkResult.OK or outcome.card is None:
        return link_screen(context.t, outcome)
    record = await _record(context, outcome.card.hit.requester_id)
    return link_screen(context.t, outcome, record)


async def _record(context: GigContext, requester_id: int) -> str:
    """The requester's one-line record, as a push card shows it."""
    found = await context.fair.reputation.card(requester_id)
    return fair_texts.compact_reputation(context.t, found) if found else ""


def _plain(html_text: str) -> str:
    """Alerts are plain text: drop the tags of a screen's HTML."""
    return re.sub(r"<[^>]+>", "", html_text)


@button(cb.OpenHit)
async def open_hit(tap: Tap[cb.OpenHit], context: GigContext) -> None:
    """Send the card of a HIT picked in /hits (the list stays as it is)."""
    outcome = await context.desk.open_hit(tap.user, tap.data.hit_id)
    if outcome.result is not LinkResult.OK:
        await tap.answer(_plain(link_screen(context.t, outcome).text), alert=True)
        return
    await tap.answer()
    await tap.reply(await _with_record(context, outcome))


@button(cb.Card)
async def back_to_card(tap: Tap[cb.Card], context: GigContext) -> None:
    """Turn a preview back into the HIT's card."""
    outcome = await context.desk.open_hit(tap.user, tap.data.hit_id)
    await tap.answer()
    await tap.edit(await _with_record(context, outcome))


@button(cb.Preview)
async def preview_hit(tap: Tap[cb.Preview], context: GigContext) -> None:
    """Show the HIT's questions in place of the card, without taking a slot."""
    outcome = await context.desk.open_hit(tap.user, tap.data.hit_id)
    if outcome.result is not LinkResult.OK or outcome.card is None:
        await tap.answer(_plain(link_screen(context.t, outcome).text), alert=True)
        return
    await tap.answer()
    await tap.edit(worker_screens.preview(context.t, outcome.card))


@button(cb.Mute)
async def mute_requester(tap: Tap[cb.Mute], context: GigContext) -> None:
    """Stop offering this requester's HITs to the worker; offer Undo."""
    hit = await context.desk.mute(tap.user, tap.data.hit_id)
    if hit is None:
        await tap.answer(_plain(context.t(work_texts.LINK_TEXTS[LinkResult.UNKNOWN])), alert=True)
        return
    await tap.answer()
    name = await context.market.people.requester_name(hit.requester_id)
    undo = Button(context.t(work_texts.BTN_UNMUTE), cb.Unmute(hit.requester_id).pack())
    await tap.edit(Screen(work_texts.muted(context.t, name), ((undo,),)))


@button(cb.Unmute)
async def unmute_requester(tap: Tap[cb.Unmute], context: GigContext) -> None:
    """Undo a mute."""
    await context.desk.unmute(tap.user, tap.data.requester_id)
    await tap.answer()
    await tap.edit(Screen(context.t(work_texts.UNMUTED)))


async def list_hits(update: Update, context: GigContext) -> None:
    """/hits: the first page, best paid per minute first."""
    worker = await sender_of(update, context)
    page = await context.desk.page(worker, HitSort.PER_MINUTE, None, 0)
    await reply(update, worker_screens.hits_page(context.t, page, await _requesters(context, page)))


@button(cb.HitsPage)
async def turn_page(tap: Tap[cb.HitsPage], context: GigContext) -> None:
    """Re-sort, filter or page the /hits list in place."""
    data = tap.data
    try:
        sort = HitSort(data.sort)
        kind = HitKind(data.kind) if data.kind else None
    except ValueError:
        await tap.answer(context.t(formatting.STALE_BUTTON), alert=True)
        return
    page = await context.desk.page(tap.user, sort, kind, data.page)
    await tap.answer()
    await tap.edit(worker_screens.hits_page(context.t, page, await _requesters(context, page)))


async def _requesters(context: GigContext, page: HitPage) -> dict[int, tuple[str, str]]:
    """Name and one-line reputation of each requester on the page."""
    found: dict[int, tuple[str, str]] = {}
    for requester_id in {item.hit.requester_id for item in page.items}:
        name = await context.market.people.requester_name(requester_id)
        line = await _record(context, requester_id)
        found[requester_id] = (name, line)
    return found


async def next_hit(update: Update, context: GigContext) -> None:
    """/next: the one HIT that pays best per minute for this worker now."""
    worker = await sender_of(update, context)
    desk = context.desk
    best = await desk.best(worker)
    if best is not None:
        line = await _record(context, best.hit.requester_id)
        await reply(update, worker_screens.card(context.t, best, line))
        return
    await reply(update, worker_screens.nothing_next(context.t, await desk.in_progress(worker)))
