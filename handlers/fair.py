"""Fair work: /requester cards, ratings, disputes, anonymous messages, /free, /raise."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot import formatting
from bot.domain import Button, Screen, User
from bot.fair import screens as fair_screens
from bot.fair import texts as fair_texts
from bot.fair.relay import Relay
from bot.fair.results import DisputeResult, RaiseResult, RelayResult
from bot.matching.qualifications import parse_draft_ref
from bot.money import texts as money_texts
from bot.parsing import ParseError, parse_duration, parse_reward, whole_number
from handlers.buttons import Tap, button
from handlers.common import (
    TEXT_WAIT_S,
    GigContext,
    asked_long_ago,
    drop,
    note_asked,
    reply,
    sender_of,
)

TEXT = 1  # the conversation state: waiting for the text of a dispute, reply or message
PENDING = "fair_text"
MIN_FREE_S = 60
MAX_FREE_S = 4 * 3600


async def requester_card(update: Update, context: GigContext) -> None:
    """Show the whole reputation card of a requester (by name or HIT number)."""
    name = " ".join(context.args or []).strip()
    if not name:
        await reply(update, Screen(context.t(fair_texts.REQUESTER_USAGE)))
        return
    found = await context.fair.reputation.named(name)
    if not found:
        await reply(
            update, Screen(context.t(fair_texts.REQUESTER_NOT_FOUND).format(name=escape(name)))
        )
        return
    await reply(
        update, Screen("\n\n".join(fair_texts.reputation_card(context.t, rep) for rep in found))
    )


async def free_time(update: Update, context: GigContext) -> None:
    """Remember how long the worker has and list the HITs that fit, best first."""
    worker = await sender_of(update, context)
    free = context.fair.free
    arg = (context.args or [""])[0].lower()
    if arg == "off":
        await free.stop(worker)
        await reply(update, Screen(context.t(fair_texts.FREE_OFF)))
        return
    try:
        seconds = parse_duration(arg)
    except ParseError:
        seconds = 0
    if not MIN_FREE_S <= seconds <= MAX_FREE_S:
        await reply(update, Screen(context.t(fair_texts.FREE_USAGE)))
        return
    await reply(update, fair_screens.free(context.t, seconds, await free.start(worker, seconds)))


async def raise_reward(update: Update, context: GigContext) -> None:
    """Raise a live HIT's (`12`) or batch's (`b3`) reward, escrowing the difference;
    pushes resume at the floor."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        if len(args) != 2:
            raise ParseError("give a HIT number (or b3) and a reward")
        target = parse_draft_ref(args[0])
        cents = parse_reward(args[1])
    except ParseError as exc:
        usage = context.t(fair_texts.RAISE_USAGE)
        await reply(update, Screen(formatting.try_again(context.t, exc.said(context.t), usage)))
        return
    fair = context.fair
    if target.batch:
        raised = await fair.raise_batch(requester, target.id, cents)
    else:
        raised = await fair.raise_reward(requester, target.id, cents)
    rows: tuple[tuple[Button, ...], ...] = ()
    if raised.result is RaiseResult.INSUFFICIENT_FUNDS:  # the amounts to add, one tap each
        rows = ((Button(context.t(money_texts.BTN_DEPOSIT), cb.DepositMenu().pack()),),)
    await reply(update, Screen(fair_texts.raise_text(context.t, raised, target.id, cents), rows))


async def message_command(update: Update, context: GigContext) -> None:
    """/msg W-7F3K text (requester to worker) or /msg 12 text (worker to requester of HIT 12)."""
    user = await sender_of(update, context)
    message = update.effective_message
    assert message is not None
    _, _, rest = (message.text or "").partition(" ")
    target, _, body = rest.strip().partition(" ")
    relay = context.fair.relay
    hit_id = whole_number(target)
    if hit_id is not None:
        result = await relay.to_hit(user, hit_id, body)
        if result is RelayResult.SEVERAL:
            aliases = await relay.workers_on(user, hit_id)
            await reply(update, Screen(fair_texts.relay_several(context.t, hit_id, aliases)))
            return
    elif target.upper().startswith("W-"):
        result = await relay.to_alias(user, target, body)
    else:
        await reply(update, Screen(context.t(fair_texts.MSG_USAGE)))
        return
    await reply(update, Screen(context.t(fair_texts.RELAY_TEXTS[result])))


# -- ratings ---------------------------------------------------------------------------------


@button(cb.RateOpen)
async def open_rating(tap: Tap[cb.RateOpen], context: GigContext) -> None:
    """Show the rating buttons for the requester of a reviewed assignment."""
    assignment_id = tap.data.assignment_id
    given = await context.fair.reputation.my_rating(tap.user.id, assignment_id)
    view = await context.market.reading.work_view(assignment_id)
    if given is None or view is None:
        await tap.answer(context.t(fair_texts.RATING_REFUSED), alert=True)
        return
    await tap.answer()
    await tap.reply(fair_screens.rating(context.t, assignment_id, view.hit.title, given))


@button(cb.Rate)
async def rate_requester(tap: Tap[cb.Rate], context: GigContext) -> None:
    """Store one star rating and mark it on the buttons."""
    data = tap.data
    if data.stars == 0:  # the row's label
        await tap.answer(context.t(fair_texts.RATE_PICK_A_NUMBER))
        return
    done, given = await context.fair.reputation.rate(
        tap.user.id, data.assignment_id, data.dimension, data.stars
    )
    view = await context.market.reading.work_view(data.assignment_id)
    if not done or view is None:
        await tap.answer(context.t(fair_texts.RATING_REFUSED), alert=True)
        return
    screen = fair_screens.rating(context.t, data.assignment_id, view.hit.title, given)
    await tap.respond(screen, context.t(fair_texts.RATING_SAVED))


# -- disputes and messages: a button, then the text ------------------------------------------


@button(cb.Dispute, unknown=ConversationHandler.END)
async def ask_dispute(tap: Tap[cb.Dispute], context: GigContext) -> int:
    """Ask the rejected worker for their short message."""
    assignment_id = tap.data.assignment_id
    result = await context.fair.disputes.can_open(tap.user, assignment_id)
    if result is not DisputeResult.OK:
        await tap.answer(context.t(fair_texts.DISPUTE_TEXTS[result]), alert=True)
        return ConversationHandler.END
    return await _ask(tap, context, "dispute", assignment_id, context.t(fair_texts.ASK_DISPUTE))


@button(cb.Reverse)
async def reverse_dispute(tap: Tap[cb.Reverse], context: GigContext) -> None:
    """The requester reverses the rejection: approve and pay."""
    disputes = context.fair.disputes
    result = await disputes.reverse(tap.user, tap.data.dispute_id)
    if result is not DisputeResult.OK:
        await tap.answer(context.t(fair_texts.DISPUTE_TEXTS[result]), alert=True)
        return
    view = await disputes.view(tap.data.dispute_id)
    settled = (
        fair_screens.dispute_settled(context.t, view)
        if view
        else Screen(context.t(fair_texts.DISPUTE_REVERSED_DONE))
    )
    await tap.respond(settled)


@button(cb.Uphold, unknown=ConversationHandler.END)
async def ask_uphold_reply(tap: Tap[cb.Uphold], context: GigContext) -> int:
    """Ask the requester for the reply that goes with upholding."""
    dispute_id = tap.data.dispute_id
    result = await context.fair.disputes.owned_open(tap.user, dispute_id)
    if result is not DisputeResult.OK:
        await tap.answer(context.t(fair_texts.DISPUTE_TEXTS[result]), alert=True)
        return ConversationHandler.END
    return await _ask(tap, context, "uphold", dispute_id, context.t(fair_texts.ASK_UPHOLD_REPLY))


@button(cb.Relay, unknown=ConversationHandler.END)
async def ask_message(tap: Tap[cb.Relay], context: GigContext) -> int:
    """Ask for a message to the other side of an assignment."""
    assignment_id = tap.data.assignment_id
    relay = context.fair.relay
    result = await relay.can_write(tap.user, assignment_id)
    if result is not RelayResult.OK:
        await tap.answer(context.t(fair_texts.RELAY_TEXTS[result]), alert=True)
        return ConversationHandler.END
    prompt = await _ask_message(context, relay, tap.user, assignment_id)
    return await _ask(tap, context, "relay", assignment_id, prompt)


@button(cb.RelayReply, unknown=ConversationHandler.END)
async def ask_reply(tap: Tap[cb.RelayReply], context: GigContext) -> int:
    """Ask for the reply to a relayed message."""
    message_id = tap.data.message_id
    relay = context.fair.relay
    result = await relay.can_reply(tap.user, message_id)
    if result is not RelayResult.OK:
        await tap.answer(context.t(fair_texts.RELAY_TEXTS[result]), alert=True)
        return ConversationHandler.END
    about = await relay.assignment_of(message_id)
    if about:
        prompt = await _ask_message(context, relay, tap.user, about)
    else:
        prompt = context.t(fair_texts.ASK_MESSAGE)
    return await _ask(tap, context, "reply", message_id, prompt)


async def _ask_message(context: GigContext, relay: Relay, user: User, assignment_id: int) -> str:
    """The prompt for a message about this assignment: to whom, under which name."""
    found = await relay.parties(user, assignment_id)
    if found is None:
        return context.t(fair_texts.ASK_MESSAGE)
    return fair_texts.ask_message(context.t, found[0], user, found[1])


async def _ask(tap: Tap[Any], context: GigContext, kind: str, target: int, prompt: str) -> int:
    """Remember what the next text is for, and ask for it."""
    assert context.user_data is not None
    context.user_data[PENDING] = {"kind": kind, "id": target}
    note_asked(context)
    await tap.answer()
    await tap.reply(Screen(prompt))
    return TEXT


async def got_text(update: Update, context: GigContext) -> int:
    """Send the dispute, the uphold reply or the message that was asked for."""
    user = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    if asked_long_ago(context):
        context.user_data.pop(PENDING, None)
        wait = context.t.duration(TEXT_WAIT_S)
        await reply(update, Screen(context.t(fair_texts.FAIR_TEXT_EXPIRED).format(wait=wait)))
        return ConversationHandler.END
    pending = dict(context.user_data.get(PENDING) or {})
    kind, target = str(pending.get("kind")), int(pending.get("id", 0))
    text, again = await _send(context, user, kind, target, message.text or "")
    await reply(update, Screen(text))
    if again:
        note_asked(context)  # asked once more, from now
        return TEXT
    context.user_data.pop(PENDING, None)
    return ConversationHandler.END


async def _send(
    context: GigContext, user: User, kind: str, target: int, body: str
) -> tuple[str, bool]:
    """Open the dispute, uphold it with the reply, or relay the message; what to say, and
    whether to ask again (the text was empty)."""
    fair = context.fair
    if kind == "dispute":
        result = await fair.disputes.open(user, target, body)
        hours = context.t.duration(context.settings.dispute_hours * 3600)
        return context.t(fair_texts.DISPUTE_TEXTS[result]).format(
            hours=hours
        ), result is DisputeResult.EMPTY
    if kind == "uphold":
        result = await fair.disputes.uphold(user, target, body)
        ok = result is DisputeResult.OK
        text = (
            context.t(fair_texts.DISPUTE_UPHELD_DONE)
            if ok
            else context.t(fair_texts.DISPUTE_TEXTS[result])
        )
        return text, result is DisputeResult.EMPTY
    relay = fair.relay
    sent = (
        await relay.send(user, target, body)
        if kind == "relay"
        else await relay.reply(user, target, body)
    )
    return context.t(fair_texts.RELAY_TEXTS[sent]), sent is RelayResult.EMPTY


async def cancel_text(update: Update, context: GigContext) -> int:
    """Drop the dispute, reply or message being written."""
    return await drop(update, context, PENDING, context.t(fair_texts.FAIR_TEXT_CANCELLED))
