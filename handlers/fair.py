"""Fair work: /requester cards, ratings, disputes, anonymous messages, /free, /raise."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen
from bot.fair import screens as fair_screens
from bot.fair import texts as fair_texts
from bot.fair.results import DisputeResult, RelayResult
from bot.parsing import ParseError, parse_duration, parse_money, whole_number
from handlers.common import (
    TEXT_WAIT_S,
    GigContext,
    answer,
    asked_long_ago,
    note_asked,
    pressed_by,
    reply,
    respond,
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
        await reply(update, Screen(fair_texts.REQUESTER_USAGE))
        return
    found = await context.services.fair.reputation.named(name)
    if not found:
        await reply(update, Screen(fair_texts.REQUESTER_NOT_FOUND.format(name=escape(name))))
        return
    await reply(update, Screen("\n\n".join(fair_texts.reputation_card(rep) for rep in found)))


async def free_time(update: Update, context: GigContext) -> None:
    """Remember how long the worker has and list the HITs that fit, best first."""
    worker = await sender_of(update, context)
    free = context.services.fair.free
    arg = (context.args or [""])[0].lower()
    if arg == "off":
        await free.stop(worker)
        await reply(update, Screen(fair_texts.FREE_OFF))
        return
    try:
        seconds = parse_duration(arg)
    except ParseError:
        seconds = 0
    if not MIN_FREE_S <= seconds <= MAX_FREE_S:
        await reply(update, Screen(fair_texts.FREE_USAGE))
        return
    await reply(update, fair_screens.free(seconds, await free.start(worker, seconds)))


async def raise_reward(update: Update, context: GigContext) -> None:
    """Raise a live HIT's reward (escrowing the difference); pushes resume at the floor."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        hit_id = whole_number(args[0]) if len(args) == 2 else None
        if hit_id is None:
            raise ParseError("give a HIT number and a reward")
        cents = parse_money(args[1])
    except ParseError:
        await reply(update, Screen(fair_texts.RAISE_USAGE))
        return
    result, check = await context.services.fair.raise_reward(requester, hit_id, cents)
    await reply(update, Screen(fair_texts.raise_text(result, check, hit_id)))


async def message_command(update: Update, context: GigContext) -> None:
    """/msg W-7F3K text (requester to worker) or /msg 12 text (worker to requester of HIT 12)."""
    user = await sender_of(update, context)
    message = update.effective_message
    assert message is not None
    _, _, rest = (message.text or "").partition(" ")
    target, _, body = rest.strip().partition(" ")
    relay = context.services.fair.relay
    hit_id = whole_number(target)
    if hit_id is not None:
        result = await relay.to_hit(user, hit_id, body)
        if result is RelayResult.SEVERAL:
            aliases = await relay.workers_on(user, hit_id)
            await reply(update, Screen(fair_texts.relay_several(hit_id, aliases)))
            return
    elif target.upper().startswith("W-"):
        result = await relay.to_alias(user, target, body)
    else:
        await reply(update, Screen(fair_texts.MSG_USAGE))
        return
    await reply(update, Screen(fair_texts.RELAY_TEXTS[result]))


# -- ratings ---------------------------------------------------------------------------------


async def open_rating(update: Update, context: GigContext) -> None:
    """Show the rating buttons for the requester of a reviewed assignment."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    assignment_id = cb.RateOpen.unpack(str(query.data)).assignment_id
    given = await context.services.fair.reputation.my_rating(worker.id, assignment_id)
    view = await context.market.work_view(assignment_id)
    if given is None or view is None:
        await answer(query, fair_texts.RATING_REFUSED, alert=True)
        return
    await answer(query)
    await reply(update, fair_screens.rating(assignment_id, view.hit.title, given))


async def rate_requester(update: Update, context: GigContext) -> None:
    """Store one star rating and mark it on the buttons."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return
    data = cb.Rate.unpack(str(query.data))
    if data.stars == 0:  # the row's label
        await answer(query, fair_texts.RATE_PICK_A_NUMBER)
        return
    done, given = await context.services.fair.reputation.rate(
        worker.id, data.assignment_id, data.dimension, data.stars
    )
    view = await context.market.work_view(data.assignment_id)
    if not done or view is None:
        await answer(query, fair_texts.RATING_REFUSED, alert=True)
        return
    screen = fair_screens.rating(data.assignment_id, view.hit.title, given)
    await respond(query, screen, fair_texts.RATING_SAVED)


# -- disputes and messages: a button, then the text ------------------------------------------


async def ask_dispute(update: Update, context: GigContext) -> int:
    """Ask the rejected worker for their short message."""
    query, worker = await pressed_by(update, context)
    if worker is None:
        return ConversationHandler.END
    assignment_id = cb.Dispute.unpack(str(query.data)).assignment_id
    result = await context.services.fair.disputes.can_open(worker, assignment_id)
    if result is not DisputeResult.OK:
        await answer(query, fair_texts.DISPUTE_TEXTS[result], alert=True)
        return ConversationHandler.END
    return await _ask(update, context, "dispute", assignment_id, fair_texts.ASK_DISPUTE)


async def reverse_dispute(update: Update, context: GigContext) -> None:
    """The requester reverses the rejection: approve and pay."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    dispute_id = cb.Reverse.unpack(str(query.data)).dispute_id
    result = await context.services.fair.disputes.reverse(requester, dispute_id)
    if result is not DisputeResult.OK:
        await answer(query, fair_texts.DISPUTE_TEXTS[result], alert=True)
        return
    await respond(query, Screen(fair_texts.DISPUTE_REVERSED_DONE))


async def ask_uphold_reply(update: Update, context: GigContext) -> int:
    """Ask the requester for the reply that goes with upholding."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return ConversationHandler.END
    dispute_id = cb.Uphold.unpack(str(query.data)).dispute_id
    result = await context.services.fair.disputes.owned_open(requester, dispute_id)
    if result is not DisputeResult.OK:
        await answer(query, fair_texts.DISPUTE_TEXTS[result], alert=True)
        return ConversationHandler.END
    return await _ask(update, context, "uphold", dispute_id, fair_texts.ASK_UPHOLD_REPLY)


async def ask_message(update: Update, context: GigContext) -> int:
    """Ask for a message to the other side of an assignment."""
    query, user = await pressed_by(update, context)
    if user is None:
        return ConversationHandler.END
    assignment_id = cb.Relay.unpack(str(query.data)).assignment_id
    result = await context.services.fair.relay.can_write(user, assignment_id)
    if result is not RelayResult.OK:
        await answer(query, fair_texts.RELAY_TEXTS[result], alert=True)
        return ConversationHandler.END
    return await _ask(update, context, "relay", assignment_id, fair_texts.ASK_MESSAGE)


async def ask_reply(update: Update, context: GigContext) -> int:
    """Ask for the reply to a relayed message."""
    query, user = await pressed_by(update, context)
    if user is None:
        return ConversationHandler.END
    message_id = cb.RelayReply.unpack(str(query.data)).message_id
    result = await context.services.fair.relay.can_reply(user, message_id)
    if result is not RelayResult.OK:
        await answer(query, fair_texts.RELAY_TEXTS[result], alert=True)
        return ConversationHandler.END
    return await _ask(update, context, "reply", message_id, fair_texts.ASK_MESSAGE)


async def _ask(update: Update, context: GigContext, kind: str, target: int, prompt: str) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    context.user_data[PENDING] = {"kind": kind, "id": target}
    note_asked(context)
    await answer(query)
    await reply(update, Screen(prompt))
    return TEXT


async def got_text(update: Update, context: GigContext) -> int:
    """Send the dispute, the uphold reply or the message that was asked for."""
    user = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    if asked_long_ago(context):
        context.user_data.pop(PENDING, None)
        wait = formatting.duration(TEXT_WAIT_S)
        await reply(update, Screen(fair_texts.FAIR_TEXT_EXPIRED.format(wait=wait)))
        return ConversationHandler.END
    pending = dict(context.user_data.get(PENDING) or {})
    kind, target, body = str(pending.get("kind")), int(pending.get("id", 0)), message.text or ""
    fair = context.services.fair
    text: str
    if kind == "dispute":
        result = await fair.disputes.open(user, target, body)
        hours = formatting.duration(context.services.settings.dispute_hours * 3600)
        text = fair_texts.DISPUTE_TEXTS[result].format(hours=hours)
        again = result is DisputeResult.EMPTY
    elif kind == "uphold":
        result = await fair.disputes.uphold(user, target, body)
        ok = result is DisputeResult.OK
        text = fair_texts.DISPUTE_UPHELD_DONE if ok else fair_texts.DISPUTE_TEXTS[result]
        again = result is DisputeResult.EMPTY
    else:
        sent = (
            await fair.relay.send(user, target, body)
            if kind == "relay"
            else await fair.relay.reply(user, target, body)
        )
        text, again = fair_texts.RELAY_TEXTS[sent], sent is RelayResult.EMPTY
    await reply(update, Screen(text))
    if again:
        note_asked(context)  # asked once more, from now
        return TEXT
    context.user_data.pop(PENDING, None)
    return ConversationHandler.END


async def cancel_text(update: Update, context: GigContext) -> int:
    """Drop the dispute, reply or message being written."""
    assert context.user_data is not None
    context.user_data.pop(PENDING, None)
    await reply(update, Screen(fair_texts.FAIR_TEXT_CANCELLED))
    return ConversationHandler.END
