"""/free: a worker says how long they have; only HITs that fit in that window, best first.

A HIT fits when its estimate (storage/estimates.py: measured, else the requester's, else
the time allotted) is within the time left, the same estimate its card and /hits show;
the list is /hits' (same eligibility and preferences, a batch once), best paid per minute.
"""

from __future__ import annotations

from bot.domain import HitSort, ListedHit, User
from storage import fairwork, listing
from storage.db import Conn, retrying
from storage.usecases import UseCases

MAX_LISTED = 5


class FreeTime(UseCases):
    @retrying
    async def start(self, worker: User, seconds: int) -> list[ListedHit]:
        """Store the window and return the HITs that fit in it, best first."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            await fairwork.set_free_window(conn, worker.id, seconds, now)
            return await _fitting(conn, worker, seconds, now)

    @retrying
    async def stop(self, worker: User) -> bool:
        """Forget the window; True if one was set."""
        async with self.db.transaction() as conn:
            return await fairwork.clear_free_window(conn, worker.id)

    async def fitting(self, worker: User) -> tuple[float | None, list[ListedHit]]:
        """(seconds left in the window, HITs that fit in what is left); (None, []) if unset.

        Pushes follow the same rule: the matching query (storage/matching.py) skips a worker
        whose running window is shorter than a HIT's estimate.
        """
        now = self.clock.now()
        async with self.db.reading() as conn:
            until = await fairwork.free_until(conn, worker.id, now)
            if until is None:
                return None, []
            return until - now, await _fitting(conn, worker, until - now, now)


async def _fitting(conn: Conn, worker: User, seconds: float, now: float) -> list[ListedHit]:
    return await listing.visible_hits(
        conn, worker.id, now, sort=HitSort.PER_MINUTE, limit=MAX_LISTED, fits_s=seconds
    )
