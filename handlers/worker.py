"""Worker handlers for doing a HIT: accepting, answering every question kind (buttons,
ticks, typed replies), going back, submitting, returning."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import callbacks as cb
from bot import screens, texts, worker_screens
from bot.domain import Screen
from bot.keyboards import markup
from bot.marketplace import WorkView, text_limit
from bot.results import AcceptResult, WorkResult
from handlers.common import (
    GigContext,
    answer,
    edit,
    fitted,
    is_harmless,
    known_user,
    pressed_by,
    pressed_in,
    reply,
    respond,
)


async def accept_hit(update: Update, context: GigContext) -> None:
    """Give the worker the HIT and turn the card into the task, or say why not."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Accept.unpack(str(query.data))
    shown_in = query.message
    where = (shown_in.chat.id, shown_in.message_id) if shown_in is not None else None
    outcome = await context.market.accept_from_card(worker, data.hit_id, where)
    if outcome.result is not AcceptResult.OK or outcome.assignment is None:
        alert = texts.ACCEPT_ALERTS[outcome.result]
        await answer(query, alert.format(max_active=context.market.max_active), alert=True)
        return
    assignment = outcome.assignment
    view = await context.market.work_view(assignment.id)
    assert view is not None
    allotted = texts.duration(assignment.deadline_at - assignment.accepted_at)
    await respond(query, await work_screen(context, view), texts.ACCEPTED.format(time=allotted))


async def skip_hit(update: Update, context: GigContext) -> None:
    """Put the push card away."""
    query = update.callback_query
    assert query is not None
    worker = await known_user(update, context)
    if worker is not None:
        await context.services.matcher.skip(worker, cb.Skip.unpack(str(query.data)).hit_id)
    await answer(query, texts.SKIPPED)
    await edit(query, Screen(texts.SKIPPED))


async def choose_option(update: Update, context: GigContext) -> None:
    """Record the tapped answer and show the next question."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Choose.unpack(str(query.data))
    result, view = await context.market.answer(
        worker, data.assignment_id, data.position, str(data.option)
    )
    await _show_work(update, context, result, view)


async def go_back(update: Update, context: GigContext) -> None:
    """Show the previous question again."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Back.unpack(str(query.data))
    result, view = await context.market.back(worker, data.assignment_id)
    await _show_work(update, context, result, view)


async def submit_work(update: Update, context: GigContext) -> None:
    """Hand the assignment in and show the pending reward."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Submit.unpack(str(query.data))
    result, view = await context.market.submit(worker, data.assignment_id, pressed_in(query))
    if result is not WorkResult.OK or view is None:
        await _show_work(update, context, result, view)
        return
    desk = context.services.desk
    pending = await desk.pending_cents(worker)
    batch = view.hit.batch_id
    more = batch if batch is not None and await desk.next_in_batch(worker, batch) else None
    await respond(query, worker_screens.submitted(view, pending, more))


async def return_work(update: Update, context: GigContext) -> None:
    """Give the HIT back and free the slot."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Return.unpack(str(query.data))
    result, view = await context.market.return_assignment(
        worker, data.assignment_id, pressed_in(query)
    )
    if result is not WorkResult.OK or view is None:
        await _show_work(update, context, result, view)
        return
    await respond(query, Screen(texts.returned(view.hit.title)))


async def _show_work(
    update: Update, context: GigContext, result: WorkResult, view: WorkView | None
) -> None:
    """Answer the tap: redraw the task, or explain why nothing happened."""
    query = update.callback_query
    assert query is not None
    if result is WorkResult.OK and view is not None:
        await respond(query, await work_screen(context, view))
        return
    await answer(query, texts.WORK_ALERTS[result], alert=result is not WorkResult.STALE)
    if view is not None and result is not WorkResult.NOT_YOURS:
        await edit(query, await work_screen(context, view))


async def work_screen(context: GigContext, view: WorkView) -> Screen:
    """The task's message; a web task (MTurk API) gets the button that opens its page."""
    screen = screens.work(view, context.market.clock.now())
    return worker_screens.with_task_link(screen, await context.services.web_tasks.task_url(view))


async def toggle_option(update: Update, context: GigContext) -> None:
    """Tick or untick an option of a multi-select or tagging question."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Toggle.unpack(str(query.data))
    result, view = await context.market.toggle(
        worker, data.assignment_id, data.position, data.option
    )
    await _show_work(update, context, result, view)


async def several_labels(update: Update, context: GigContext) -> None:
    """Let the worker tick several labels for this item."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Several.unpack(str(query.data))
    result, view = await context.market.pick_several(worker, data.assignment_id, data.position)
    await _show_work(update, context, result, view)


async def done_picking(update: Update, context: GigContext) -> None:
    """Leave a multi-select question once something is ticked."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Picked.unpack(str(query.data))
    result, view = await context.market.done_picking(worker, data.assignment_id, data.position)
    await _show_work(update, context, result, view)


async def typed_answer(update: Update, context: GigContext) -> None:
    """A typed reply answers the free-text question of the task it replies to."""
    message = update.effective_message
    worker = await known_user(update, context)
    assert message is not None and message.text is not None
    if worker is None:
        await reply(update, Screen(texts.NOT_REGISTERED))
        return
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    assignment_id = await context.market.text_assignment(worker, message.chat.id, reply_to)
    if assignment_id is None:
        if reply_to is not None:  # a reply to some other message: say what to do
            await reply(update, Screen(texts.TEXT_NOT_EXPECTED))
        return  # stray text: nothing to say (and nothing is stored or logged)
    result, view = await context.market.answer_text(worker, assignment_id, message.text)
    if result is WorkResult.OK and view is not None:
        await redraw(context, view)
    elif result is WorkResult.TOO_LONG and view is not None and view.current is not None:
        limit = text_limit(view.current)
        await reply(update, Screen(texts.too_long(len(message.text.strip()), limit)))
    elif result is WorkResult.STALE:
        await reply(update, Screen(texts.TEXT_NOT_NOW))
    else:
        await reply(update, Screen(texts.WORK_ALERTS[result]))


async def resend_task(update: Update, context: GigContext, view: WorkView) -> None:
    """Show the running task as a new message, which becomes its one message; the old one
    loses its buttons and points down (its buttons would act on the same task)."""
    a = view.assignment
    sent = await reply(update, await work_screen(context, view))
    if sent is None:
        return
    await context.market.attach_message(a.id, sent.chat.id, sent.message_id)
    if a.chat_id is None or a.message_id is None or a.message_id == sent.message_id:
        return
    try:
        await context.bot.edit_message_text(
            texts.task_moved(view.hit.title), chat_id=a.chat_id, message_id=a.message_id,
            parse_mode=ParseMode.HTML,
        )  # fmt: skip
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


async def redraw(context: GigContext, view: WorkView) -> None:
    """Edit the assignment's one message to show where it stands now."""
    a = view.assignment
    if a.chat_id is None or a.message_id is None:
        return
    screen = worker_screens.work(view, context.market.clock.now())
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
