"""Fair work, wired once per running bot (Services.fair): reputation, disputes, the pay
floor, anonymous messages and free windows.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.clock import Clock
from bot.config import Settings
from bot.domain import HitStatus, User
from bot.fair.disputes import Disputes
from bot.fair.free import FreeTime
from bot.fair.relay import Relay
from bot.fair.reputation import Reputations
from bot.fair.results import RaiseResult
from bot.market import pay_floor as fairpay
from bot.market.results import FloorCheck
from bot.matching.waves import Waves, push_wave
from storage import fairwork, hits, ledger
from storage.db import Database


def floor_cents(settings: Settings) -> int:
    """GIGBOT_MIN_HOURLY in cents per hour (0 = no floor)."""
    return round(settings.min_hourly * 100)


class FairWork:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        waves: Waves,
        on_outbox: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.waves = waves  # its fan-out policy pushes a HIT again after a raise
        self.clock = clock
        self.floor_cents = floor_cents(settings)
        self.on_outbox = on_outbox
        self.reputation = Reputations(db, clock)
        self.disputes = Disputes(
            db, clock, answer_s=settings.dispute_hours * 3600, on_outbox=on_outbox
        )
        self.relay = Relay(db, clock, per_hour=settings.relay_per_hour, on_outbox=on_outbox)
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

    async def raise_reward(
        self, requester: User, hit_id: int, reward_cents: int
    ) -> tuple[RaiseResult, FloorCheck | None]:
        """Raise a live HIT's reward, escrowing the difference for every slot not yet paid.

        Pushes resume when the new reward meets the floor at the measured time.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            live = (HitStatus.OPEN, HitStatus.PAUSED)
            if hit is None or hit.requester_id != requester.id or hit.status not in live:
                return RaiseResult.NOT_FOUND, None
            if reward_cents <= hit.reward_cents:
                return RaiseResult.NOT_HIGHER, None
            extra = (reward_cents - hit.reward_cents) * await fairwork.unpaid_slots(conn, hit_id)
            available = await ledger.balance(conn, ledger.requester_account(requester.id))
            if available < extra:
                return RaiseResult.INSUFFICIENT_FUNDS, None
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
            await fairwork.raise_reward(conn, hit_id, requester.id, reward_cents)
            check = await fairpay.measured_check(conn, hit, reward_cents, self.floor_cents)
            if check.under:
                return RaiseResult.STILL_UNDER, check
            if await fairwork.set_pushes_paused(conn, hit_id, False):
                raised = await hits.get(conn, hit_id)
                assert raised is not None
                # Timed offers made here reach the scheduler with its next horizon load.
                await push_wave(conn, raised, self.waves.policy, now, self.waves.max_active)
        self.on_outbox()
        return RaiseResult.OK, check
