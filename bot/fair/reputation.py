"""Requester reputation from gigbot's own records, plus workers' optional ratings.

Figures, per requester, over the assignments of their HITs:
  effective hourly  = approved rewards / time from accept to submit of that approved work
  approved share    = approved / (approved + rejected)   (a reversed rejection is approved)
  review time       = median of submit -> review over reviewed work
  disputes lost     = disputes the requester reversed + those left unanswered (auto-approved)
"""

from __future__ import annotations

import statistics

from bot.fair.results import Reputation
from bot.parsing import whole_number
from storage import assignments, hits, users
from storage import reputation as reads
from storage.db import retrying
from storage.usecases import UseCases

DIMENSIONS = {"p": "pay", "f": "fairness", "c": "communication"}
MAX_NAMED = 3


class Reputations(UseCases):
    """Reading reputations and recording ratings."""

    async def card(self, requester_id: int) -> Reputation | None:
        """The whole reputation of one requester (None if there is no such user)."""
        async with self.db.reading() as conn:
            found = await users.by_id(conn, requester_id)
            if found is None:
                return None
            r = await reads.record(conn, requester_id)
        reviewed = r.approved + r.rejected
        return Reputation(
            requester_id=requester_id,
            name=found.first_name,
            hourly_cents=(
                round(r.approved_reward_cents * 3600 / r.approved_work_s)
                if r.approved_work_s > 0
                else None
            ),
            approved_percent=round(100 * r.approved / reviewed) if reviewed else None,
            reviewed=reviewed,
            median_review_s=statistics.median(r.review_waits_s) if r.review_waits_s else None,
            disputes_lost=r.disputes.get("reversed", 0) + r.disputes.get("expired", 0),
            disputes_upheld=r.disputes.get("upheld", 0),
            disputes_open=r.disputes.get("open", 0),
            ratings=r.ratings,
            pay=r.pay,
            fairness=r.fairness,
            communication=r.communication,
        )

    async def named(self, name: str) -> list[Reputation]:
        """Reputations of requesters shown as `name` (a HIT number finds its requester)."""
        async with self.db.reading() as conn:
            number = whole_number(name)
            if number is not None:
                hit = await hits.get(conn, number)
                ids = [hit.requester_id] if hit is not None else []
            else:
                ids = await reads.requesters_named(conn, name, MAX_NAMED)
        found = [await self.card(requester_id) for requester_id in ids]
        return [rep for rep in found if rep is not None]

    @retrying
    async def rate(
        self, worker_id: int, assignment_id: int, dimension: str, stars: int
    ) -> tuple[bool, dict[str, int]]:
        """Record one dimension of the worker's rating after review; (done, ratings so far)."""
        if dimension not in DIMENSIONS or not 1 <= stars <= 5:
            return False, {}
        async with self.db.transaction() as conn:
            found = await assignments.get(conn, assignment_id)
            if found is None or found.worker_id != worker_id or found.reviewed_at is None:
                return False, {}
            hit = await hits.get(conn, found.hit_id)
            assert hit is not None
            await reads.rate(
                conn,
                worker_id,
                hit.requester_id,
                assignment_id,
                DIMENSIONS[dimension],
                stars,
                self.clock.now(),
            )
            return True, await reads.rating_of(conn, worker_id, hit.requester_id)

    async def my_rating(self, worker_id: int, assignment_id: int) -> dict[str, int] | None:
        """The worker's rating of the requester of this assignment (None if not theirs)."""
        async with self.db.reading() as conn:
            found = await assignments.get(conn, assignment_id)
            if found is None or found.worker_id != worker_id or found.reviewed_at is None:
                return None
            hit = await hits.get(conn, found.hit_id)
            assert hit is not None
            return await reads.rating_of(conn, worker_id, hit.requester_id)
