"""/free: a worker says how long they have; only HITs that fit in that window, best first."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain import Hit, User
from storage import fairwork
from storage.db import Database

MAX_LISTED = 5


class FreeTime:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def start(self, worker: User, seconds: int) -> list[tuple[Hit, int]]:
        """Store the window and return the HITs that fit in it, best first."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            await fairwork.set_free_window(conn, worker.id, seconds, now)
            return await fairwork.fitting_hits(conn, worker.id, seconds, now, MAX_LISTED)

    async def stop(self, worker: User) -> bool:
        """Forget the window; True if one was set."""
        async with self.db.transaction() as conn:
            return await fairwork.clear_free_window(conn, worker.id)

    async def fitting(self, worker: User) -> tuple[float | None, list[tuple[Hit, int]]]:
        """(seconds left in the window, HITs that fit in what is left); (None, []) if unset.

        Pushes follow the same rule: the matching query (storage/matching.py) skips a worker
        whose running window is shorter than a HIT's estimate (else its time allotted).
        """
        now = self.clock.now()
        async with self.db.reading() as conn:
            until = await fairwork.free_until(conn, worker.id, now)
            if until is None:
                return None, []
            return until - now, await fairwork.fitting_hits(
                conn, worker.id, until - now, now, MAX_LISTED
            )
