"""Doing a task: Accept, answering every question kind (buttons, ticks, typed replies),
Back, Submit (a batch item hands in and its next item follows), Return."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen
from bot.market.results import AcceptResult, WorkResult
from bot.market.views import WorkView, text_limit
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from bot.work.screens import given
from bot.work.tagging import Onward, one_tap
from handlers.buttons import Press, Tap, button
from handlers.common import GigContext, fitted, is_harmless, known_user, reply
from handlers.ptb.keyboards import markup
from handlers.ptb.persistence import DurableConversation, keyed


@button(cb.Accept)
async def accept_hit(tap: Tap[cb.Accept], context: GigContext) -> None:
    """Give the worker the HIT and turn the card into the task, or say why not."""
    outcome = await context.market.accepting.accept_from_card(tap.user, tap.data.hit_id, tap.at)
    view = outcome.view
    if outcome.result is not AcceptResult.OK or view is None:
        alert = context.t(work_texts.ACCEPT_ALERTS[outcome.result])
        await tap.answer(alert.format(max_active=context.market.accepting.max_active), alert=True)
        return
    assignment = view.assignment
    allotted = context.t.duration(assignment.deadline_at - assignment.accepted_at)
    await tap.respond(
        await work_screen(context, view), context.t(work_texts.ACCEPTED).format(time=allotted)
    )


@button(cb.Choose)
async def choose_option(tap: Tap[cb.Choose], context: GigContext) -> None:
    """Record the tapped answer and show the next question; a label on a batch item hands it
    in and shows the batch's next item in its place, with Undo."""
    data = tap.data
    onward = await context.batch_work.choose(
        tap.user, data.assignment_id, data.position, data.option, tap.at
    )
    await _show_onward(tap, context, onward, one_label=True)


@button(cb.Back)
async def go_back(tap: Tap[cb.Back], context: GigContext) -> None:
    """Show the previous question again."""
    result, view = await context.market.working.back(tap.user, tap.data.assignment_id)
    await _show_work(tap, context, result, view)


@button(cb.Submit)
async def submit_work(tap: Tap[cb.Submit], context: GigContext) -> None:
    """Hand the assignment in and show the pending reward; a batch item's next item follows
    in the same message."""
    onward = await context.batch_work.hand_in(tap.user, tap.data.assignment_id, tap.at)
    await _show_onward(tap, context, onward, one_label=False)


async def _show_onward(
    tap: Press[Any], context: GigContext, onward: Onward, *, one_label: bool
) -> None:
    """After an answer or a Submit: the task redrawn, or (handed in) the batch's next item
    with Undo for a one-label item, else what was handed in, the reward pending, Next."""
    handed = onward.handed_in
    if handed is None:
        await _show_work(tap, context, onward.result, onward.view)
        return
    undo = one_label and one_tap(handed)
    if onward.following is not None:
        toast = (
            work_texts.tagged(context.t, given(handed), onward.pending_cents)
            if undo
            else (work_texts.handed_in(context.t, onward.pending_cents))
        )
        screen = worker_screens.next_item(
            context.t, onward.following, context.clock.now(), handed if undo else None
        )
        await tap.respond(screen, toast)
        return
    more = handed.hit.batch_id if onward.refused is not None else None
    screen = worker_screens.submitted(context.t, handed, onward.pending_cents, more, undo=undo)
    if onward.refused is None:
        await tap.respond(screen)
        return
    max_active = context.market.accepting.max_active
    alert = context.t(work_texts.ACCEPT_ALERTS[onward.refused]).format(max_active=max_active)
    await tap.respond(screen, alert, alert=True)


@button(cb.Return)
async def return_work(tap: Tap[cb.Return], context: GigContext) -> None:
    """Give the HIT back and free the slot."""
    working = context.market.working
    result, view = await working.return_assignment(tap.user, tap.data.assignment_id, tap.at)
    if result is not WorkResult.OK or view is None:
        await _show_work(tap, context, result, view)
        return
    batch = view.hit.batch_id
    more = batch is not None and await context.desk.next_in_batch(tap.user, batch)
    await tap.respond(worker_screens.returned(context.t, view, batch if more else None))


async def _show_work(
    tap: Press[Any], context: GigContext, result: WorkResult, view: WorkView | None
) -> None:
    """Answer the tap: redraw the task, or explain why nothing happened."""
    if result is WorkResult.OK and view is not None:
        await tap.respond(await work_screen(context, view))
        return
    await tap.answer(
        context.t(work_texts.WORK_ALERTS[result]), alert=result is not WorkResult.STALE
    )
    if view is not None and result is not WorkResult.NOT_YOURS:
        await tap.edit(await work_screen(context, view))


async def work_screen(context: GigContext, view: WorkView) -> Screen:
    """The task's message; a web task (MTurk API) gets the button that opens its page."""
    link = await context.web_tasks.task_url(view)
    return worker_screens.with_task_link(context.t, view, context.clock.now(), link)


@button(cb.Toggle)
async def toggle_option(tap: Tap[cb.Toggle], context: GigContext) -> None:
    """Tick or untick an option of a multi-select or tagging question."""
    data = tap.data
    result, view = await context.market.working.toggle(
        tap.user, data.assignment_id, data.position, data.option
    )
    await _show_work(tap, context, result, view)


@button(cb.Several)
async def several_labels(tap: Tap[cb.Several], context: GigContext) -> None:
    """Let the worker tick several labels for this item."""
    data = tap.data
    working = context.market.working
    result, view = await working.pick_several(tap.user, data.assignment_id, data.position)
    await _show_work(tap, context, result, view)


@button(cb.Picked)
async def done_picking(tap: Tap[cb.Picked], context: GigContext) -> None:
    """Leave a multi-select question once something is ticked (or a typed answer, kept)."""
    data = tap.data
    working = context.market.working
    result, view = await working.done_picking(tap.user, data.assignment_id, data.position)
    await _show_work(tap, context, result, view)


async def typed_answer(update: Update, context: GigContext) -> None:
    """A typed reply answers the free-text question of the task it replies to; text nothing
    waited for gets the way on (work in progress, or the main commands)."""
    message = update.effective_message
    worker = await known_user(update, context)
    assert message is not None and message.text is not None
    if worker is None:
        await reply(update, Screen(context.t(formatting.NOT_REGISTERED)))
        return
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    assignment_id = await context.market.working.text_assignment(worker, message.chat.id, reply_to)
    if assignment_id is None:
        if reply_to is not None:  # a reply to some other message: say what to do
            await reply(update, Screen(context.t(work_texts.TEXT_NOT_EXPECTED)))
        elif in_conversation(update, context):  # a step that wants a button, not text
            await reply(update, Screen(context.t(work_texts.USE_THE_BUTTONS)))
        else:  # stray text (nothing is stored or logged): the way on
            active = await context.desk.in_progress(worker)
            typed = await context.market.working.waiting_for_text(worker)
            await reply(update, worker_screens.stray_text(context.t, active, len(typed)))
        return
    web = await _web_task_link(context, assignment_id)
    if web is not None:  # its answer is what its page submits, never a typed text
        await reply(update, web)
        return
    result, view = await context.market.working.answer_text(worker, assignment_id, message.text)
    if result is WorkResult.OK and view is not None:
        await redraw(context, view)
    elif result is WorkResult.TOO_LONG and view is not None and view.current is not None:
        limit = text_limit(view.current)
        await reply(
            update, Screen(work_texts.too_long(context.t, len(message.text.strip()), limit))
        )
    elif result is WorkResult.STALE:
        await reply(update, Screen(context.t(work_texts.TEXT_NOT_NOW)))
    else:
        await reply(update, Screen(context.t(work_texts.WORK_ALERTS[result])))


async def _web_task_link(context: GigContext, assignment_id: int) -> Screen | None:
    """The way to a web task's page, if the assignment is one (MTurk API); else None."""
    view = await context.market.reading.work_view(assignment_id)
    link = await context.web_tasks.task_url(view) if view is not None else None
    if view is None or not link:
        return None
    return worker_screens.web_task_only(context.t, view, link)


async def resend_task(update: Update, context: GigContext, view: WorkView) -> None:
    """Show the running task as a new message, which becomes its one message; the old one
    loses its buttons and points down (its buttons would act on the same task)."""
    a = view.assignment
    sent = await reply(update, await work_screen(context, view))
    if sent is None:
        return
    await context.market.working.attach_message(a.id, sent.chat.id, sent.message_id)
    if a.chat_id is None or a.message_id is None or a.message_id == sent.message_id:
        return
    try:
        await context.bot.edit_message_text(
            work_texts.task_moved(context.t, view.hit.title), chat_id=a.chat_id,
            message_id=a.message_id, parse_mode=ParseMode.HTML,
        )  # fmt: skip
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


def in_conversation(update: Update, context: GigContext) -> bool:
    """Whether the sender is in the middle of a conversation (/newsurvey, a reject reason...)
    whose step at hand did not take this text: its states were read before this update."""
    durable = [
        handler
        for group in context.application.handlers.values()
        for handler in group
        if isinstance(handler, DurableConversation)
    ]
    return any(c.state_at(key) is not None for c, key in keyed(durable, update))


async def redraw(context: GigContext, view: WorkView) -> None:
    """Edit the assignment's one message to show where it stands now."""
    a = view.assignment
    if a.chat_id is None or a.message_id is None:
        return
    screen = worker_screens.work(context.t, view, context.clock.now())
    try:
        await context.bot.edit_message_text(
            fitted(screen),
            chat_id=a.chat_id,
            message_id=a.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(screen),
        )
    except BadRequest as exc:
        if not is_harmless(exc):
            raise
