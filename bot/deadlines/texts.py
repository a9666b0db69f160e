"""What deadlines say: work abandoned, approved automatically, a HIT expired, a reminder
whose work is over, and the answers to Decline, Return without penalty and "+N"."""

from __future__ import annotations

from html import escape

from bot.formatting import duration, money, plural
from bot.market.results import DeclineResult, ExtendResult

# -- notices when time runs out --------------------------------------------------------------------


def abandoned_notice(title: str) -> str:
    """To the worker: the time ran out before Submit; the task went back to the pool."""
    return (
        f"⌛ Time's up: <b>{escape(title)}</b> wasn't submitted in time and went back "
        "to the pool. /next"
    )


def auto_approved_notice(
    hit_id: int, title: str, count: int, delay_s: int, batch_id: int | None = None
) -> str:
    """To the requester: work nobody reviewed within the delay was approved and paid (of a
    batch, its items together)."""
    where = f"batch #{batch_id}" if batch_id is not None else f"#{hit_id}"
    return (
        f"✅ {plural(count, 'submission')} on <b>{escape(title)}</b> ({where}) approved "
        f"automatically: not reviewed within {duration(delay_s)}. Paid from escrow. /myhits"
    )


def expired_notice(hit_id: int, title: str, refund_cents: int) -> str:
    """To the requester: the HIT's lifetime is over, and what went back to the balance."""
    refunded = f" {money(refund_cents)} went back to your balance." if refund_cents else ""
    return f"⌛ HIT #{hit_id} <b>{escape(title)}</b> has expired.{refunded} /balance"


def reminder_over(title: str, status: str, batch_item: bool = False) -> str:
    """A reminder once the work is no longer in progress (its buttons are gone); a batch's
    item handed in does not end the batch, whose next item may wait in the task message."""
    if batch_item and status != "abandoned":
        what = "returned" if status == "returned" else "handed in"
        return f"✅ <b>{escape(title)}</b>: that item is {what}."
    if status == "returned":
        return f"↩️ <b>{escape(title)}</b>: returned — nothing left to do here."
    if status == "abandoned":
        return f"⌛ <b>{escape(title)}</b>: the time ran out and it went back to the pool."
    return f"✅ <b>{escape(title)}</b>: submitted — nothing left to do here."


# -- declining an offer, the concierge's answers ---------------------------------------------------

DECLINE_ALERTS = {
    DeclineResult.NOT_HELD: "This offer isn't yours to decline any more.",
}


def offer_declined(title: str, result: DeclineResult = DeclineResult.OK) -> str:
    """The answer to Decline: the offer went to the next worker, or is anyone's now."""
    if result is DeclineResult.NOBODY_NEXT:
        return (
            f"👋 Declined. Nobody else is in line, so <b>{escape(title)}</b> is open to "
            "anyone now (/hits)."
        )
    return f"👋 Declined: <b>{escape(title)}</b> went to the next worker."


def returned_free(title: str) -> str:
    """The answer to Return without penalty (a button of the last reminder)."""
    return f"↩️ Returned <b>{escape(title)}</b> — no penalty, your approval rate is unchanged. /next"


EXTEND_ALERTS = {
    ExtendResult.ALREADY_USED: "You already used the extra time on this task (once only).",
    ExtendResult.NOT_ALLOWED: "The requester didn't allow extra time on this task.",
    ExtendResult.NOT_ACTIVE: "This task is no longer active.",
    ExtendResult.NOT_YOURS: "This button isn't yours.",
}
