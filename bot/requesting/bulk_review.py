"""Reviewing in bulk: approve everything waiting; reject a low-gold worker's batch work."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain import User
from bot.market import reviewing
from bot.market.results import ReviewResult
from bot.requesting.results import Waiting
from storage import assignments, hits, users
from storage import requesting as reads
from storage.db import Database
from storage.usecases import UseCases


class Reviewing(UseCases):
    """Many verdicts at once, each on the market's own path (bot/market/reviewing.py)."""

    def __init__(self, db: Database, clock: Clock, verdicts: reviewing.Reviewing) -> None:
        super().__init__(db, clock)
        self.verdicts = verdicts

    async def waiting_until(self, requester: User, until: float) -> Waiting:
        """How many submissions (by `until`) Approve all would approve, and what they pay:
        rewards and the marketplace's fees."""
        async with self.db.reading() as conn:
            return Waiting(*await reads.submitted_total(conn, requester.id, until))

    async def approve_all(self, requester: User, until: float) -> tuple[int, int]:
        """Approve every assignment submitted by `until` (when the requester's card was
        drawn, so nothing they have not seen counted); (approved, still waiting)."""
        async with self.db.reading() as conn:
            waiting = await reads.submitted_ids(conn, requester.id, until=until)
        approved = await self.verdicts.approve_many(requester, waiting)
        async with self.db.reading() as conn:
            left = len(await reads.submitted_ids(conn, requester.id))
        return approved, left

    async def reject_in_batch(
        self, requester: User, alias: str, batch_id: int, reason: str
    ) -> int | None:
        """Reject the worker's submitted work in one batch; None if not this requester's."""
        async with self.db.reading() as conn:
            worker = await users.by_alias(conn, alias)
            batch_hits = {h.id for h in await hits.in_batch(conn, batch_id)}
            if worker is None or not batch_hits:
                return None
            waiting = await reads.submitted_ids(conn, requester.id, worker.id)
            mine = [
                a.id
                for a in [await assignments.get(conn, i) for i in waiting]
                if a is not None and a.hit_id in batch_hits
            ]
        rejected = 0
        for assignment_id in mine:
            rejected += (
                await self.verdicts.reject(requester, assignment_id, reason) is ReviewResult.OK
            )
        return rejected
