"""The marketplace at a glance for admins (/stats): counts read in one snapshot. No Telegram."""

from __future__ import annotations

from bot.clock import Clock
from bot.market.results import MarketStats
from storage import disputes, ledger, outbox
from storage import summary as counts
from storage.db import Database

DAY_S = 86_400  # "in the last 24 h"


async def market_stats(db: Database, clock: Clock) -> MarketStats:
    """Count users, HITs, assignments, money, the outbox and disputes as of now."""
    now = clock.now()
    since = now - DAY_S
    async with db.reading() as conn:
        users, requesters, joined, unreachable = await counts.user_counts(conn, since)
        hits = await counts.hit_states(conn)
        work = await counts.assignment_states(conn)
        submitted = await counts.submitted_since(conn, since)
        moved = await counts.money_by_memo(conn)
        moved_recent = await counts.money_by_memo(conn, since)
        held = await ledger.held_by_kind(conn)
        sending = await outbox.status_counts(conn)
        oldest = await outbox.oldest_waiting(conn)
        open_disputes = await disputes.open_count(conn)
    return MarketStats(
        users=users,
        requesters=requesters,
        joined_recent=joined,
        unreachable=unreachable,
        hits=hits,
        assignments=work,
        submitted_recent=submitted,
        funded_cents=moved.get("fund", 0),
        escrow_cents=held.get("escrow", 0),
        requesters_hold_cents=held.get("req", 0),
        workers_hold_cents=held.get("wrk", 0),
        paid_cents=moved.get("approve", 0),
        paid_recent_cents=moved_recent.get("approve", 0),
        bonus_cents=moved.get("bonus", 0),
        bonus_recent_cents=moved_recent.get("bonus", 0),
        outbox_waiting=sending.get("pending", 0) + sending.get("sending", 0),
        outbox_oldest_s=None if oldest is None else max(0.0, now - oldest),
        outbox_failed=sending.get("failed", 0),
        disputes_open=open_disputes,
        deposited_cents=moved.get("deposit", 0),
        deposited_recent_cents=moved_recent.get("deposit", 0),
        deposit_refunds_cents=moved.get("deposit_refund", 0)
        - moved.get("deposit_refund_undone", 0),
        paid_out_cents=moved.get("payout", 0),
        paid_out_recent_cents=moved_recent.get("payout", 0),
        payouts_waiting_cents=held.get("payout", 0),
        fees_cents=moved.get("fee", 0),
        fees_recent_cents=moved_recent.get("fee", 0),
    )
