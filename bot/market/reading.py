"""Reading the market: a HIT, its questions, an assignment as a WorkView. No Telegram here."""

from __future__ import annotations

from bot.domain import Assignment, Hit, HitStatus, Question
from bot.market.views import WorkView
from storage import assignments, hits, workers
from storage.db import Conn, Database

KNOWN_KEPT = 20_000  # assignments whose HIT a process keeps in mind (then it starts over)


class Reading:
    """The read side shared by the market's use-cases (one per process: it caches questions)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._questions: dict[int, list[Question]] = {}
        # assignment id -> its HIT's (id, batch id): neither ever changes
        self._hit_of: dict[int, tuple[int, int | None]] = {}

    async def hit(self, hit_id: int) -> Hit | None:
        async with self.db.reading() as conn:
            return await hits.get(conn, hit_id)

    async def questions(self, hit_id: int) -> list[Question]:
        async with self.db.reading() as conn:
            return await hits.questions(conn, hit_id)

    async def work_view(self, assignment_id: int) -> WorkView | None:
        """The assignment with its HIT, questions and answers so far."""
        async with self.db.reading(quick=True) as conn:
            return await self.work_view_in(conn, assignment_id)

    async def work_view_in(self, conn: Conn, assignment_id: int) -> WorkView | None:
        """The assignment's WorkView, read in the caller's transaction."""
        found = await assignments.with_hit_and_answers(conn, assignment_id)
        if found is None:
            return None
        return await self.view_of(conn, *found)

    async def view_of(
        self, conn: Conn, assignment: Assignment, hit: Hit, given: dict[int, str]
    ) -> WorkView:
        """The WorkView of what a statement returned (storage/assignments.view_at): its
        questions from the cache, a batch item's progress read."""
        progress = None
        if hit.batch_id is not None:
            progress = await workers.batch_progress(conn, hit.batch_id, assignment.worker_id)
        return WorkView(
            hit, await self._questions_of(conn, hit, assignment), assignment, given, progress
        )

    async def accepted_view(self, conn: Conn, hit: Hit, assignment: Assignment) -> WorkView:
        """The WorkView of an assignment just made in the caller's transaction from `hit`
        as it stands there: no answers yet, and its questions from the cache (read once per
        process), so showing the task costs no second read of what the accept has in hand."""
        return await self.view_of(conn, assignment, hit, {})

    def known(self, assignment_id: int) -> tuple[int, int | None, list[Question]] | None:
        """The HIT (id, batch id) and questions of an assignment this process has shown
        (none of them ever changes), without reading; None if it has not."""
        found = self._hit_of.get(assignment_id)
        if found is None:
            return None
        questions = self._questions.get(found[0])
        return None if questions is None else (*found, questions)

    async def _questions_of(self, conn: Conn, hit: Hit, assignment: Assignment) -> list[Question]:
        """A published HIT's questions never change, so they are read once per process
        (and the assignment's HIT is kept in mind with them: `known`)."""
        cached = self._questions.get(hit.id)
        if cached is None:
            cached = await hits.questions(conn, hit.id)
            if hit.status is HitStatus.DRAFT:
                return cached
            self._questions[hit.id] = cached
        if len(self._hit_of) >= KNOWN_KEPT:
            self._hit_of.clear()
        self._hit_of[assignment.id] = (hit.id, hit.batch_id)
        return cached
