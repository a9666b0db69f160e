"""Reviewing: approve or reject submitted work, by hand or after the auto-approval delay;
the reward moves out of escrow exactly once. No Telegram here.
"""

from __future__ import annotations

from typing import Unpack

from bot.clock import Clock
from bot.domain import AssignmentStatus, Hit, Priority, User
from bot.market.reading import Reading
from bot.market.results import ReviewResult
from bot.market.views import WorkView
from storage import assignments, disputes, hits, ledger, outbox, stale, users
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

MAX_REASON_LEN = 500
APPROVE_CHUNK = 200  # approvals per transaction in Approve all (the database lock is held)
OVERRIDE_WINDOW_S = 30 * 24 * 3600  # MTurk: a rejection can be overridden within 30 days


class Reviewing(UseCases):
    """A requester's verdicts on submitted work, race-safe, on one database."""

    def __init__(
        self, db: Database, clock: Clock, reading: Reading, **hooks: Unpack[Hooks]
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.reading = reading

    async def next_for_review(self, requester: User) -> tuple[WorkView | None, int]:
        """The oldest submitted assignment to review and how many are waiting."""
        async with self.db.reading() as conn:
            found = await assignments.next_for_review(conn, requester.id)
            waiting = await assignments.count_for_review(conn, requester.id)
            view = await self.reading.work_view_in(conn, found.id) if found else None
        return view, waiting

    async def approve(
        self, requester: User, assignment_id: int, feedback: str = ""
    ) -> ReviewResult:
        """Pay the worker one reward from escrow, exactly once; `feedback` (MTurk's
        RequesterFeedback) comes with the worker's notice."""
        return await self._review(
            requester, assignment_id, approved=True, reason=None, feedback=feedback
        )

    @retrying
    async def override_rejection(
        self, requester: User, assignment_id: int, feedback: str = ""
    ) -> ReviewResult:
        """Approve work rejected within OVERRIDE_WINDOW_S after all: the reward and its fee,
        which the rejection returned to the requester, go from their balance to the worker
        and the marketplace, once."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            view = await self.reading.work_view_in(conn, assignment_id)
            if view is None or view.hit.requester_id != requester.id:
                return ReviewResult.NOT_YOURS
            a, hit = view.assignment, view.hit
            if a.status is AssignmentStatus.SUBMITTED:
                return ReviewResult.NOT_SUBMITTED  # not rejected: approve it the usual way
            if a.status is not AssignmentStatus.REJECTED:
                return ReviewResult.ALREADY_REVIEWED
            if (a.reviewed_at or 0) + OVERRIDE_WINDOW_S < now:
                return ReviewResult.TOO_LATE
            account = ledger.requester_account(requester.id)
            if await ledger.held_balance(conn, account) < hit.slot_cents:
                return ReviewResult.INSUFFICIENT_FUNDS
            if not await assignments.approve_rejected(conn, a.id, now):
                return ReviewResult.ALREADY_REVIEWED
            await disputes.close_for_assignment(conn, a.id, now)
            # as an approval: the reward to the worker, the fee on it to the marketplace
            worker_account = ledger.worker_account(a.worker_id)
            await ledger.transfer(
                conn, f"approve:{a.id}", account, worker_account, hit.reward_cents, "approve", now
            )
            if hit.fee_cents:
                await ledger.transfer(
                    conn, f"fee:{a.id}", account, ledger.FEES, hit.fee_cents, "fee", now
                )
            await self._tell_verdict(conn, view, AssignmentStatus.APPROVED, feedback, now)
        self.on_outbox()
        return ReviewResult.OK

    @retrying
    async def approve_many(self, requester: User, assignment_ids: list[int]) -> int:
        """Approve the requester's submitted work among these, in a few transactions (so a
        worker gets one notice for the items of a batch approved together); how many."""
        approved = 0
        for start in range(0, len(assignment_ids), APPROVE_CHUNK):
            now = self.clock.now()
            async with self.db.transaction() as conn:
                for assignment_id in assignment_ids[start : start + APPROVE_CHUNK]:
                    view = await self.reading.work_view_in(conn, assignment_id)
                    if view is None or view.hit.requester_id != requester.id:
                        continue
                    if view.assignment.status is not AssignmentStatus.SUBMITTED:
                        continue
                    approved += await self._settle(conn, view, approved=True, reason=None, now=now)
        self.on_outbox()
        return approved

    async def reject(self, requester: User, assignment_id: int, reason: str) -> ReviewResult:
        """Reject with a reason the worker will read; the reward returns to the requester."""
        reason = reason.strip()
        if not reason:
            return ReviewResult.REASON_REQUIRED
        return await self._review(
            requester, assignment_id, approved=False, reason=reason[:MAX_REASON_LEN]
        )

    @retrying
    async def _review(
        self,
        requester: User,
        assignment_id: int,
        *,
        approved: bool,
        reason: str | None,
        feedback: str = "",
    ) -> ReviewResult:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            view = await self.reading.work_view_in(conn, assignment_id)
            if view is None or view.hit.requester_id != requester.id:
                return ReviewResult.NOT_YOURS
            status = view.assignment.status
            if status in (AssignmentStatus.APPROVED, AssignmentStatus.REJECTED):
                return ReviewResult.ALREADY_REVIEWED
            if status is not AssignmentStatus.SUBMITTED:
                return ReviewResult.NOT_SUBMITTED
            await self._settle(
                conn, view, approved=approved, reason=reason, now=now, feedback=feedback
            )
        self.on_outbox()
        return ReviewResult.OK

    async def auto_approve(self, conn: Conn, assignment_id: int, now: float) -> Hit | None:
        """Approve unreviewed work past its delay, on the same path as a requester's approval.

        Runs inside the caller's transaction; the work's HIT if this call approved it.
        """
        view = await self.reading.work_view_in(conn, assignment_id)
        if view is None or view.assignment.status is not AssignmentStatus.SUBMITTED:
            return None
        approved = await self._settle(conn, view, approved=True, reason=None, now=now)
        return view.hit if approved else None

    async def _settle(
        self,
        conn: Conn,
        view: WorkView,
        *,
        approved: bool,
        reason: str | None,
        now: float,
        feedback: str = "",
    ) -> bool:
        """Move the assignment to its verdict and the money with it; notify the worker."""
        target = AssignmentStatus.APPROVED if approved else AssignmentStatus.REJECTED
        if not await assignments.transition(
            conn, view.assignment.id, AssignmentStatus.SUBMITTED, target, now=now, reason=reason
        ):
            return False
        hit, aid = view.hit, view.assignment.id
        escrow = ledger.escrow_account(hit.id)
        if approved:  # the reward goes to the worker, the fee on it to the marketplace
            worker_account = ledger.worker_account(view.assignment.worker_id)
            await ledger.transfer(
                conn, f"approve:{aid}", escrow, worker_account, hit.reward_cents, "approve", now
            )
            if hit.fee_cents:
                await ledger.transfer(
                    conn, f"fee:{aid}", escrow, ledger.FEES, hit.fee_cents, "fee", now
                )
        else:  # rejected: the reward and its fee go back to the requester
            payee = ledger.requester_account(hit.requester_id)
            await ledger.transfer(
                conn, f"reject:{aid}", escrow, payee, hit.slot_cents, "reject", now
            )
        await self._tell_verdict(conn, view, target, feedback, now)
        await hits.close_if_done(conn, hit.id)
        return True

    async def _tell_verdict(
        self, conn: Conn, view: WorkView, verdict: AssignmentStatus, feedback: str, now: float
    ) -> None:
        """The worker's notice of the verdict (with the requester's feedback, if any), and
        the task message, which said "pending review", says it too."""
        aid = view.assignment.id
        worker = await users.by_id(conn, view.assignment.worker_id)
        assert worker is not None
        said = feedback.strip()[:MAX_REASON_LEN]
        hit = view.hit
        if verdict is AssignmentStatus.APPROVED and hit.batch_id is not None and not said:
            # one notice for the items of a batch approved together
            await outbox.enqueue_batch_approval(
                conn,
                hit.batch_id,
                worker.id,
                worker.tg_id,
                aid,
                hit.reward_cents,
                Priority.NOTIFICATION,
                now,
            )
        else:
            await outbox.enqueue(
                conn,
                f"{verdict.value}:{aid}",
                worker.tg_id,
                verdict.value,
                Priority.NOTIFICATION,
                {"assignment_id": aid, "feedback": said} if said else {"assignment_id": aid},
                now,
            )
        await stale.task_message_over(conn, [aid], Priority.NOTIFICATION, now)
