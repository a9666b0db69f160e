"""Settling a published HIT: pause and resume, more assignments, a new expiry, disposal,
and refunds of slots that can't be taken again. No Telegram here.
"""

from __future__ import annotations

from typing import Unpack

from bot.clock import Clock
from bot.domain import Hit, HitStatus, User
from bot.market.results import ChangeResult, HitControlResult
from bot.matching.waves import Waves
from storage import hits, ledger
from storage import timers as due
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases


class Settling(UseCases):
    """A requester's changes to a published HIT, race-safe, on one database."""

    def __init__(self, db: Database, clock: Clock, waves: Waves, **hooks: Unpack[Hooks]) -> None:
        super().__init__(db, clock, **hooks)
        self.waves = waves  # more assignments go out in a wave at once

    @retrying
    async def pause_hit(self, requester: User, hit_id: int) -> HitControlResult:
        """Stop offering an open HIT; the lifetime it has left is kept for resume."""
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return HitControlResult.NOT_FOUND
            if not await due.pause(conn, hit_id, requester.id, self.clock.now()):
                return HitControlResult.WRONG_STATE
        return HitControlResult.OK

    @retrying
    async def resume_hit(self, requester: User, hit_id: int) -> HitControlResult:
        """Offer a paused HIT again with the lifetime it had left when paused."""
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return HitControlResult.NOT_FOUND
            expires_at = await due.resume(conn, hit_id, requester.id, self.clock.now())
            if expires_at is None:
                return HitControlResult.WRONG_STATE
        self.on_timer(f"expire:{hit_id}", expires_at)
        return HitControlResult.OK

    @retrying
    async def add_assignments(
        self, requester: User, hit_id: int, count: int, key: str
    ) -> ChangeResult:
        """Escrow `count` more rewards and open that many more slots, once per key."""
        now = self.clock.now()
        try:
            async with self.db.transaction() as conn:
                hit = await hits.get(conn, hit_id)
                if hit is None or hit.requester_id != requester.id:
                    return ChangeResult.NOT_FOUND
                if not await ledger.transfer(
                    conn,
                    f"extend:{hit_id}:{key}",
                    ledger.requester_account(requester.id),
                    ledger.escrow_account(hit_id),
                    hit.slot_cents * count,  # rewards and the fee on each
                    "extend",
                    now,
                ):
                    return ChangeResult.OK  # done before under this key
                if await ledger.balance(conn, ledger.requester_account(requester.id)) < 0:
                    raise _Undo(ChangeResult.INSUFFICIENT_FUNDS)
                if not await hits.add_slots(conn, hit_id, requester.id, count, now):
                    raise _Undo(ChangeResult.NOT_OPEN)
                widened = await hits.get(conn, hit_id)
                assert widened is not None
                await self.waves.push(conn, widened, now)
        except _Undo as undo:
            return undo.result
        self.on_outbox()
        return ChangeResult.OK

    @retrying
    async def set_expiry(self, requester: User, hit_id: int, expires_at: float) -> ChangeResult:
        """Extend or shorten an open HIT's lifetime; a time in the past expires it now."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return ChangeResult.NOT_FOUND
            if not await hits.set_expiry(conn, hit_id, requester.id, max(expires_at, now)):
                return ChangeResult.NOT_OPEN
        self.on_timer(f"expire:{hit_id}", max(expires_at, now))
        return ChangeResult.OK

    @retrying
    async def dispose(self, requester: User, hit_id: int) -> ChangeResult:
        """Cancel a finished or expired HIT with all work reviewed; refund its escrow."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return ChangeResult.NOT_FOUND
            if hit.status is HitStatus.CANCELLED:
                return ChangeResult.OK
            if not await hits.cancel_settled(conn, hit_id, requester.id, now):
                return ChangeResult.BUSY
            left = await ledger.balance(conn, ledger.escrow_account(hit_id))
            if left > 0:
                await ledger.transfer(
                    conn,
                    f"refund:{hit_id}",
                    ledger.escrow_account(hit_id),
                    ledger.requester_account(requester.id),
                    left,
                    "refund",
                    now,
                )
        return ChangeResult.OK


async def refund_released(conn: Conn, hit: Hit, assignment_id: int, now: float) -> bool:
    """A slot freed on an expired or cancelled HIT can't be taken again: refund it, once.

    Expiry and cancellation keep the rewards (and fees) of work in progress in escrow;
    this returns one of them when that work is returned or abandoned instead.
    """
    if hit.status not in (HitStatus.EXPIRED, HitStatus.CANCELLED):
        return False
    return await ledger.transfer(
        conn,
        f"release:{assignment_id}",
        ledger.escrow_account(hit.id),
        ledger.requester_account(hit.requester_id),
        hit.slot_cents,
        "refund",
        now,
    )


class _Undo(Exception):
    """Roll the transaction back and answer `result`."""

    def __init__(self, result: ChangeResult) -> None:
        super().__init__(result.value)
        self.result = result
