"""Use-cases around time a worker holds: declining a timed offer, ending holds that ran
out, and the timer concierge's "+N minutes".

The concierge: an assignment's last reminder offers "Return without penalty" (an ordinary
return: returned and abandoned work never counts in the approval rate, which is approved
share of reviewed work, migration 0006) and, when the requester allowed it (`extend=10m`),
"+N minutes" once: the deadline moves by N and the reminders are planned again for the new
deadline. Conditional on the extension being unused, so a double tap extends once.
"""

from __future__ import annotations

from typing import Unpack

from bot.clock import Clock
from bot.domain import User
from bot.market.results import DeclineResult, ExtendResult
from bot.market.views import reminder_times
from bot.matching.offers import notify_passed
from bot.matching.waves import Waves
from storage import hits
from storage import offers as store
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases


class Holds(UseCases):
    """Timed offers and the concierge, on the marketplace's database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        waves: Waves,
        *,
        reminders: tuple[float, ...] = (0.5, 0.2),
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.waves = waves  # a slot given up goes to the next worker in line at once
        self.reminders = reminders

    @retrying
    async def decline(self, worker: User, hit_id: int) -> DeclineResult:
        """Give up a live hold; the slot is offered to the next worker at once."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            ended = await store.decline(conn, hit_id, worker.id, now)
            if ended is None:
                return DeclineResult.NOT_HELD
            await self._pass_on(conn, [hit_id], now)
            nobody_next = (await store.tally(conn, hit_id, now)).open_slots > 0
        self.on_outbox()
        return DeclineResult.NOBODY_NEXT if nobody_next else DeclineResult.OK

    @retrying
    async def expire_due(self, now: float, limit: int) -> int:
        """End holds past their time and offer their slots on; how many ended."""
        async with self.db.transaction() as conn:
            ended = await store.expire_due(conn, now, limit)
            if not ended:
                return 0
            await notify_passed(conn, ended, now)
            await self._pass_on(conn, sorted({h.hit_id for h in ended}), now)
        return len(ended)

    async def _pass_on(self, conn: Conn, hit_ids: list[int], now: float) -> None:
        for hit_id in hit_ids:
            hit = await hits.get(conn, hit_id)
            if hit is not None:
                await self.waves.push(conn, hit, now)

    async def extension(self, assignment_id: int) -> store.Extension | None:
        """The assignment's deadline and what "+N minutes" allows (for its reminder)."""
        async with self.db.reading() as conn:
            return await store.extension(conn, assignment_id)

    @retrying
    async def extend(self, worker: User, assignment_id: int) -> tuple[ExtendResult, float]:
        """Add the HIT's "+N minutes" to the worker's running assignment, once; new deadline."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            found = await store.extension(conn, assignment_id)
            if found is None or found.worker_id != worker.id:
                return ExtendResult.NOT_YOURS, 0.0
            if found.status != "accepted" or found.deadline_at <= now:
                return ExtendResult.NOT_ACTIVE, 0.0
            if not found.extend_s:
                return ExtendResult.NOT_ALLOWED, 0.0
            if found.extended_s:
                return ExtendResult.ALREADY_USED, found.deadline_at
            times = reminder_times(
                found.accepted_at, found.deadline_at + found.extend_s, self.reminders
            )
            sent = sum(1 for t in times if t <= now)
            remind_at = times[sent] if sent < len(times) else None
            deadline = await store.extend(conn, assignment_id, found.extend_s, now, remind_at, sent)
            if deadline is None:  # another tap won
                return ExtendResult.ALREADY_USED, found.deadline_at
        self.on_timer(f"deadline:{assignment_id}", deadline)
        if remind_at is not None:
            self.on_timer(f"remind:{assignment_id}:{sent}", remind_at)
        return ExtendResult.OK, deadline
