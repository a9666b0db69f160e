"""Disputes: a rejected worker asks the requester to look again; reversed, upheld, or
approved automatically when the requester does not answer in time.

Money: the rejection already returned the reward to the requester, so a reversal moves
it from the requester's balance to the worker, once (ledger key `dispute:<id>`). The
requester's balance may go below zero: the worker is paid regardless, and publishing
stays impossible until the requester is funded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from bot.clock import Clock
from bot.domain import AssignmentStatus, Priority, User
from bot.fair.results import DisputeResult
from bot.market.views import WorkView, answer_label
from storage import assignments, disputes, hits, ledger, outbox, stale, users
from storage.db import Conn, Database, retrying
from storage.disputes import Dispute
from storage.usecases import Hooks, UseCases

WINDOW_S = 7 * 24 * 3600  # how long after a rejection it can be disputed
MAX_MESSAGE_LEN = 500


@dataclass(frozen=True, slots=True)
class DisputeView:
    """A dispute with what both sides need to see: the HIT, the answers, the reason."""

    dispute: Dispute
    title: str
    alias: str
    reward_cents: int
    reject_reason: str
    answers: list[tuple[str, str]]


class Disputes(UseCases):
    def __init__(
        self, db: Database, clock: Clock, *, answer_s: float = 48 * 3600.0, **hooks: Unpack[Hooks]
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.answer_s = answer_s

    async def can_open(self, worker: User, assignment_id: int) -> DisputeResult:
        """Whether the worker may dispute this rejection now."""
        async with self.db.reading() as conn:
            return await self._eligible(conn, worker, assignment_id, self.clock.now())

    async def _eligible(
        self, conn: Conn, worker: User, assignment_id: int, now: float
    ) -> DisputeResult:
        view = await _work(conn, assignment_id)
        if view is None or view.assignment.worker_id != worker.id:
            return DisputeResult.NOT_YOURS
        if await disputes.for_assignment(conn, assignment_id) is not None:
            return DisputeResult.ALREADY
        if view.assignment.status is not AssignmentStatus.REJECTED:
            return DisputeResult.NOT_REJECTED
        if (view.assignment.reviewed_at or 0) + WINDOW_S < now:
            return DisputeResult.TOO_LATE
        return DisputeResult.OK

    @retrying
    async def open(self, worker: User, assignment_id: int, message: str) -> DisputeResult:
        """Open the dispute and send it, anonymously, to the requester."""
        message = message.strip()[:MAX_MESSAGE_LEN]
        if not message:
            return DisputeResult.EMPTY
        now = self.clock.now()
        async with self.db.transaction() as conn:
            problem = await self._eligible(conn, worker, assignment_id, now)
            if problem is not DisputeResult.OK:
                return problem
            view = await _work(conn, assignment_id)
            assert view is not None
            dispute_id = await disputes.insert(
                conn,
                assignment_id,
                worker.id,
                view.hit.requester_id,
                message,
                now,
                now + self.answer_s,
            )
            if dispute_id is None:
                return DisputeResult.ALREADY
            requester = await users.by_id(conn, view.hit.requester_id)
            assert requester is not None
            await outbox.enqueue(
                conn,
                f"dispute:{dispute_id}",
                requester.tg_id,
                "dispute",
                Priority.NOTIFICATION,
                {"dispute_id": dispute_id},
                now,
            )
        self.on_outbox()
        return DisputeResult.OK

    async def view(self, dispute_id: int) -> DisputeView | None:
        """The dispute with the HIT title, the worker's alias, answers and reject reason."""
        async with self.db.reading() as conn:
            found = await disputes.get(conn, dispute_id)
            if found is None:
                return None
            work = await _work(conn, found.assignment_id)
            worker = await users.by_id(conn, found.worker_id)
        assert work is not None and worker is not None
        return DisputeView(
            found,
            work.hit.title,
            worker.alias,
            work.hit.reward_cents,
            work.assignment.reject_reason or "",
            _answers(work),
        )

    @retrying
    async def reverse(self, requester: User, dispute_id: int) -> DisputeResult:
        """The requester agrees: approve the work and pay the worker, once."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            found = await disputes.get(conn, dispute_id)
            if found is None or found.requester_id != requester.id:
                return DisputeResult.NOT_YOURS
            if not await self._pay(conn, found, "reversed", now):
                return DisputeResult.CLOSED
        self.on_outbox()
        return DisputeResult.OK

    @retrying
    async def uphold(self, requester: User, dispute_id: int, reply: str) -> DisputeResult:
        """The requester keeps the rejection and says why; the worker reads the reply."""
        reply = reply.strip()[:MAX_MESSAGE_LEN]
        if not reply:
            return DisputeResult.EMPTY
        now = self.clock.now()
        async with self.db.transaction() as conn:
            found = await disputes.get(conn, dispute_id)
            if found is None or found.requester_id != requester.id:
                return DisputeResult.NOT_YOURS
            if not await disputes.resolve(conn, dispute_id, "upheld", reply, now):
                return DisputeResult.CLOSED
            await self._tell_worker(conn, found, now)
            await stale.dispute_card_over(conn, dispute_id, Priority.NOTIFICATION, now)
        self.on_outbox()
        return DisputeResult.OK

    async def owned_open(self, requester: User, dispute_id: int) -> DisputeResult:
        """Whether this is the requester's dispute and still waits for an answer."""
        async with self.db.reading() as conn:
            found = await disputes.get(conn, dispute_id)
        if found is None or found.requester_id != requester.id:
            return DisputeResult.NOT_YOURS
        return DisputeResult.OK if found.status == "open" else DisputeResult.CLOSED

    @retrying
    async def expire_disputes(self, now: float) -> int:
        """Approve every dispute left unanswered past its time (counted as lost); how many."""
        async with self.db.reading() as conn:
            due = await disputes.overdue(conn, now, 500)
        done = 0
        for dispute_id in due:
            async with self.db.transaction() as conn:
                found = await disputes.get(conn, dispute_id)
                if found is None or not await self._pay(conn, found, "expired", now):
                    continue
                requester = await users.by_id(conn, found.requester_id)
                assert requester is not None
                await outbox.enqueue(
                    conn,
                    f"dispute_expired:{dispute_id}",
                    requester.tg_id,
                    "dispute_expired",
                    Priority.NOTIFICATION,
                    {"dispute_id": dispute_id},
                    now,
                )
                await stale.dispute_card_over(conn, dispute_id, Priority.NOTIFICATION, now)
                done += 1
        if done:
            self.on_outbox()
        return done

    async def _pay(self, conn: Conn, found: Dispute, status: str, now: float) -> bool:
        """Close the dispute in the worker's favour and move the reward; False if closed."""
        if not await disputes.resolve(conn, found.id, status, None, now):
            return False
        assignment = await _work(conn, found.assignment_id)
        assert assignment is not None
        await disputes.reverse_rejection(conn, found.assignment_id)
        await ledger.transfer(
            conn,
            f"dispute:{found.id}",
            ledger.requester_account(found.requester_id),
            ledger.worker_account(found.worker_id),
            assignment.hit.reward_cents,
            "approve",
            now,
        )
        if assignment.hit.fee_cents:  # the rejection refunded the fee with the reward
            await ledger.transfer(
                conn,
                f"dispute_fee:{found.id}",
                ledger.requester_account(found.requester_id),
                ledger.FEES,
                assignment.hit.fee_cents,
                "fee",
                now,
            )
        await hits.close_if_done(conn, assignment.hit.id)
        await self._tell_worker(conn, found, now)
        return True

    async def _tell_worker(self, conn: Conn, found: Dispute, now: float) -> None:
        worker = await users.by_id(conn, found.worker_id)
        assert worker is not None
        await outbox.enqueue(
            conn,
            f"dispute_closed:{found.id}",
            worker.tg_id,
            "dispute_closed",
            Priority.NOTIFICATION,
            {"dispute_id": found.id},
            now,
        )


async def _work(conn: Conn, assignment_id: int) -> WorkView | None:
    """The assignment with its HIT, questions and answers."""
    found = await assignments.with_hit_and_answers(conn, assignment_id)
    if found is None:
        return None
    assignment, hit, given = found
    return WorkView(hit, await hits.questions(conn, hit.id), assignment, given)


def _answers(view: WorkView) -> list[tuple[str, str]]:
    return [
        (q.prompt, answer_label(q, view.answers[q.id]))
        for q in view.questions
        if q.id in view.answers
    ]
