"""What deadlines say: work abandoned, approved automatically, a HIT expired, a reminder
whose work is over, and the answers to Decline, Return without penalty and "+N"."""

from __future__ import annotations

from html import escape

from bot.formatting import N_, Translator
from bot.market.results import DeclineResult, ExtendResult

# -- notices when time runs out --------------------------------------------------------------------


def abandoned_notice(t: Translator, title: str) -> str:
    """To the worker: the time ran out before Submit; the task went back to the pool."""
    return t(
        "⌛ Time's up: <b>{title}</b> wasn't submitted in time and went back to the pool. /next",
        title=escape(title),
    )


def auto_approved_notice(
    t: Translator, hit_id: int, title: str, count: int, delay_s: int, batch_id: int | None = None
) -> str:
    """To the requester: work nobody reviewed within the delay was approved and paid (of a
    batch, its items together)."""
    if batch_id is not None:
        return t.ngettext(
            "✅ {n} submission on <b>{title}</b> (batch #{batch_id}) approved automatically: "
            "not reviewed within {delay}. Paid from escrow. /myhits",
            "✅ {n} submissions on <b>{title}</b> (batch #{batch_id}) approved automatically: "
            "not reviewed within {delay}. Paid from escrow. /myhits",
            count,
            title=escape(title),
            batch_id=batch_id,
            delay=t.duration(delay_s),
        )
    return t.ngettext(
        "✅ {n} submission on <b>{title}</b> (#{hit_id}) approved automatically: not reviewed "
        "within {delay}. Paid from escrow. /myhits",
        "✅ {n} submissions on <b>{title}</b> (#{hit_id}) approved automatically: not reviewed "
        "within {delay}. Paid from escrow. /myhits",
        count,
        title=escape(title),
        hit_id=hit_id,
        delay=t.duration(delay_s),
    )


def expired_notice(t: Translator, hit_id: int, title: str, refund_cents: int) -> str:
    """To the requester: the HIT's lifetime is over, and what went back to the balance."""
    if refund_cents:
        return t(
            "⌛ HIT #{hit_id} <b>{title}</b> has expired. {refund} went back to your balance. "
            "/balance",
            hit_id=hit_id,
            title=escape(title),
            refund=t.money(refund_cents),
        )
    return t(
        "⌛ HIT #{hit_id} <b>{title}</b> has expired. /balance", hit_id=hit_id, title=escape(title)
    )


def reminder_over(t: Translator, title: str, status: str, batch_item: bool = False) -> str:
    """A reminder once the work is no longer in progress (its buttons are gone); a batch's
    item handed in does not end the batch, whose next item may wait in the task message."""
    if batch_item and status == "returned":
        return t("✅ <b>{title}</b>: that item is returned.", title=escape(title))
    if batch_item and status != "abandoned":
        return t("✅ <b>{title}</b>: that item is handed in.", title=escape(title))
    if status == "returned":
        return t("↩️ <b>{title}</b>: returned — nothing left to do here.", title=escape(title))
    if status == "abandoned":
        return t(
            "⌛ <b>{title}</b>: the time ran out and it went back to the pool.",
            title=escape(title),
        )
    return t("✅ <b>{title}</b>: submitted — nothing left to do here.", title=escape(title))


# -- declining an offer, the concierge's answers ---------------------------------------------------

DECLINE_ALERTS = {
    DeclineResult.NOT_HELD: N_("This offer isn't yours to decline any more."),
}


def offer_declined(t: Translator, title: str, result: DeclineResult = DeclineResult.OK) -> str:
    """The answer to Decline: the offer went to the next worker, or is anyone's now."""
    if result is DeclineResult.NOBODY_NEXT:
        return t(
            "👋 Declined. Nobody else is in line, so <b>{title}</b> is open to anyone now (/hits).",
            title=escape(title),
        )
    return t("👋 Declined: <b>{title}</b> went to the next worker.", title=escape(title))


def returned_free(t: Translator, title: str) -> str:
    """The answer to Return without penalty (a button of the last reminder)."""
    return t(
        "↩️ Returned <b>{title}</b> — no penalty, your approval rate is unchanged. /next",
        title=escape(title),
    )


EXTEND_ALERTS = {
    ExtendResult.ALREADY_USED: N_("You already used the extra time on this task (once only)."),
    ExtendResult.NOT_ALLOWED: N_("The requester didn't allow extra time on this task."),
    ExtendResult.NOT_ACTIVE: N_("This task is no longer active."),
    ExtendResult.NOT_YOURS: N_("This button isn't yours."),
}
