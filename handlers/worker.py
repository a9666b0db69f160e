"""Worker handlers: /start, /help, accepting, answering, submitting, /earnings."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot import screens, texts
from bot.domain import Button, Screen
from bot.marketplace import WorkView
from bot.results import AcceptResult, WorkResult
from handlers.common import (
    GigContext,
    answer,
    edit,
    known_user,
    pressed_by,
    reply,
    respond,
    sender_of,
)


async def start(update: Update, context: GigContext) -> None:
    """Register the worker and welcome them; `/start hit_<id>` opens that HIT."""
    existing = await known_user(update, context)
    user = existing or await sender_of(update, context)
    template = texts.WELCOME if existing is None else texts.WELCOME_BACK
    await reply(update, Screen(template.format(name=user.first_name, alias=user.alias)))
    if context.args and context.args[0].startswith("hit_") and context.args[0][4:].isdigit():
        hit = await context.market.hit(int(context.args[0][4:]))
        if hit is not None and not await context.services.qualifications.may_see(user, hit.id):
            await reply(update, Screen(texts.not_qualified_link(hit.id)))
        elif hit is not None:
            await reply(
                update, screens.push(hit, await context.market.requester_name(hit.requester_id))
            )


async def help_command(update: Update, context: GigContext) -> None:
    """Explain gigbot in a few lines."""
    await reply(update, Screen(texts.HELP))


async def accept_hit(update: Update, context: GigContext) -> None:
    """Give the worker the HIT and turn the card into the task, or say why not."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Accept.unpack(str(query.data))
    shown_in = query.message
    where = (shown_in.chat.id, shown_in.message_id) if shown_in is not None else None
    outcome = await context.market.accept(worker, data.hit_id, where)
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
    result, view = await context.market.submit(worker, data.assignment_id)
    if result is not WorkResult.OK or view is None:
        await _show_work(update, context, result, view)
        return
    await respond(query, screens.submitted(view))


async def return_work(update: Update, context: GigContext) -> None:
    """Give the HIT back and free the slot."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Return.unpack(str(query.data))
    result, view = await context.market.return_assignment(worker, data.assignment_id)
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
    link = await context.services.web_tasks.task_url(view)
    if link is None:
        return screen
    return Screen(screen.text, ((Button(texts.BTN_OPEN_WEB_TASK, url=link),), *screen.rows))


async def earnings(update: Update, context: GigContext) -> None:
    """Show pending, approved and bonus money and the balance."""
    worker = await sender_of(update, context)
    await reply(update, Screen(texts.earnings(await context.accounts.earnings(worker))))
