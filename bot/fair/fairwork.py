"""Fair work, wired once per running bot (Services.fair): reputation, disputes, the pay
floor, anonymous messages and free windows.
"""

from __future__ import annotations

from typing import Unpack

from bot.clock import Clock
from bot.config import Settings
from bot.domain import HitStatus, User, fee_on
from bot.fair.disputes import Disputes
from bot.fair.free import FreeTime
from bot.fair.relay import Relay
from bot.fair.reputation import Reputations
from bot.fair.results import Raised, RaiseResult
from bot.market import pay_floor as fairpay
from bot.market.results import FloorCheck
from bot.matching.waves import Waves
from storage import batches, fairwork, hits, ledger
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases


def floor_cents(settings: Settings) -> int:
    """GIGBOT_MIN_HOURLY in cents per hour (0 = no floor)."""
    return round(settings.min_hourly * 100)


class FairWork(UseCases):
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, waves: Waves, **hooks: Unpack[Hooks]
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.waves = waves  # its fan-out policy pushes a HIT again after a raise
        self.floor_cents = floor_cents(settings)
        self.reputation = Reputations(db, clock)
        self.disputes = Disputes(
            db, clock, answer_s=settings.dispute_hours * 3600, on_outbox=self.on_outbox
        )
        self.relay = Relay(db, clock, per_hour=settings.relay_per_hour, on_outbox=self.on_outbox)
        self.free = FreeTime(db, clock)

    async def floor_check(self, hit_id: int) -> FloorCheck | None:
        """A draft's advertised pay against the floor (to say what reward would meet it)."""
        async with self.db.reading() as conn:
            hit = await hits.get(conn, hit_id)
            return await fairpay.publish_check(conn, hit, self.floor_cents) if hit else None

    async def pushes_paused(self, hit_id: int) -> bool:
        """Whether this HIT's pushes wait for a higher reward (matching checks this)."""
        async with self.db.reading() as conn:
            return await fairwork.pushes_paused(conn, hit_id)

    async def held_check(self, hit_id: int) -> FloorCheck | None:
        """The measured pay of a HIT whose pushes the floor holds (what it pays, the reward
        that meets the floor), or None when the floor does not hold it."""
        async with self.db.reading() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or not await fairwork.pushes_paused(conn, hit_id):
                return None
            check = await fairpay.measured_check(conn, hit, hit.reward_cents, self.floor_cents)
        return check if check.under else None

    @retrying
    async def raise_reward(self, requester: User, hit_id: int, reward_cents: int) -> Raised:
        """Raise a live HIT's reward, escrowing the difference for every slot not yet paid.

        Pushes resume when the new reward meets the floor at the measured time. An item
        of a batch is not raised alone (IN_BATCH): its batch is, with `raise_batch`.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            live = (HitStatus.OPEN, HitStatus.PAUSED)
            if hit is None or hit.requester_id != requester.id or hit.status not in live:
                return Raised(RaiseResult.NOT_FOUND)
            if hit.batch_id is not None:
                return Raised(RaiseResult.IN_BATCH, batch_id=hit.batch_id)
            if reward_cents <= hit.reward_cents:
                return Raised(RaiseResult.NOT_HIGHER)
            # every slot still to be paid holds the higher reward and the fee on it
            raised_slot = reward_cents + fee_on(reward_cents, hit.fee_bp)
            extra = (raised_slot - hit.slot_cents) * await fairwork.unpaid_slots(conn, hit_id)
            if not await self._escrow(conn, requester, [(hit_id, extra)], reward_cents, now):
                return Raised(RaiseResult.INSUFFICIENT_FUNDS)
            await fairwork.raise_reward(conn, hit_id, requester.id, reward_cents)
            check = await fairpay.measured_check(conn, hit, reward_cents, self.floor_cents)
            if check.under:
                return Raised(RaiseResult.STILL_UNDER, check)
            if await fairwork.set_pushes_paused(conn, hit_id, False):
                raised = await hits.get(conn, hit_id)
                assert raised is not None
                await self.waves.push(conn, raised, now)
        self.on_outbox()
        return Raised(RaiseResult.OK, check)

    @retrying
    async def raise_batch(self, requester: User, batch_id: int, reward_cents: int) -> Raised:
        """Raise the reward of every item of a live batch still in use (open, paused, or
        filled with work to review), escrowing the difference for each slot not yet paid.

        Its work is measured pooled (bot/market/pay_floor.py), so its pushes resume together, as
        one card, when the new reward meets the floor.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            batch = await batches.get(conn, batch_id)
            items = await hits.in_batch(conn, batch_id)
            used = (HitStatus.OPEN, HitStatus.PAUSED, HitStatus.CLOSED)
            in_use = [h for h in items if h.status in used]
            live = any(h.status in (HitStatus.OPEN, HitStatus.PAUSED) for h in in_use)
            if batch is None or batch.requester_id != requester.id or not live:
                return Raised(RaiseResult.NOT_FOUND, batch_id=batch_id)
            if reward_cents <= max(h.reward_cents for h in in_use):
                return Raised(RaiseResult.NOT_HIGHER, batch_id=batch_id)
            extras = [
                (
                    h.id,
                    (reward_cents + fee_on(reward_cents, h.fee_bp) - h.slot_cents)
                    * await fairwork.unpaid_slots(conn, h.id),
                )
                for h in in_use
            ]
            if not await self._escrow(conn, requester, extras, reward_cents, now):
                return Raised(RaiseResult.INSUFFICIENT_FUNDS, batch_id=batch_id)
            count = await fairwork.raise_batch_reward(conn, batch_id, requester.id, reward_cents)
            check = await fairpay.measured_check(conn, in_use[0], reward_cents, self.floor_cents)
            if check.under:
                return Raised(RaiseResult.STILL_UNDER, check, batch_id, count)
            if await fairwork.set_batch_pushes_paused(conn, batch_id, False):
                free = [
                    h
                    for h in await hits.in_batch(conn, batch_id)
                    if h.status is HitStatus.OPEN and h.slots_left > 0
                ]
                if free:  # a batch goes out as one card: its first free item
                    card = free[0]
                    await self.waves.push(conn, card, now)
        self.on_outbox()
        return Raised(RaiseResult.OK, check, batch_id, count)

    async def _escrow(
        self,
        conn: Conn,
        requester: User,
        extras: list[tuple[int, int]],
        reward_cents: int,
        now: float,
    ) -> bool:
        """Move each HIT's extra (hit id, cents) into its escrow; False if the balance is short."""
        available = await ledger.held_balance(conn, ledger.requester_account(requester.id))
        if available < sum(extra for _, extra in extras):
            return False
        for hit_id, extra in extras:
            if extra > 0:
                await ledger.transfer(
                    conn,
                    f"raise:{hit_id}:{reward_cents}",
                    ledger.requester_account(requester.id),
                    ledger.escrow_account(hit_id),
                    extra,
                    "raise",
                    now,
                )
        return True
