"""Working through a batch in one message: handing an item in brings the batch's next one.

A tap on a label of a one-label item (a /newbatch item) records it, hands the item in and
accepts the batch's next item for this worker, shown in the same message; a multi-label
item does the same on Submit. Taking the next item is an ordinary accept (the conditional
claim in storage/offers.py), so a batch never gives out more slots than it has, however
many workers tag at once. Undo changes the label of the item just handed in while its
requester has not reviewed it (the review's status change and the change race on one
conditional statement). No Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.domain import AssignmentStatus, QuestionKind, User
from bot.market.market import Market
from bot.market.results import AcceptResult, RetagResult, WorkResult
from bot.market.views import WorkView
from bot.work.desk import WorkerDesk
from storage import workers
from storage.db import Database
from storage.usecases import UseCases


@dataclass(frozen=True, slots=True)
class Onward:
    """What answering or handing in a task led to."""

    result: WorkResult
    view: WorkView | None  # the task as it stands when nothing was handed in
    handed_in: WorkView | None = None  # the task just handed in
    pending_cents: int = 0  # the worker's rewards waiting for review, after handing in
    following: WorkView | None = None  # the batch's next item, accepted in the same message
    refused: AcceptResult | None = None  # why the next item could not be taken (None: none left)


def one_tap(view: WorkView) -> bool:
    """A batch item with one tagging question: a single label hands it in."""
    return (
        view.hit.batch_id is not None
        and len(view.questions) == 1
        and view.questions[0].kind is QuestionKind.TAG
    )


class BatchWork(UseCases):
    """Answering, handing in and moving on through a batch, for one marketplace."""

    def __init__(self, db: Database, clock: Clock, market: Market, desk: WorkerDesk) -> None:
        super().__init__(db, clock)
        self.market = market
        self.desk = desk

    async def choose(
        self,
        worker: User,
        assignment_id: int,
        position: int,
        option: int,
        shown_in: tuple[int, int] | None,
    ) -> Onward:
        """Record a tapped answer; on a one-label batch item, hand it in and move on."""
        working = self.market.working
        result, view = await working.answer(worker, assignment_id, position, str(option))
        if result is not WorkResult.OK or view is None or not one_tap(view):
            return Onward(result, view)
        return await self.hand_in(worker, assignment_id, shown_in)

    async def hand_in(
        self, worker: User, assignment_id: int, shown_in: tuple[int, int] | None
    ) -> Onward:
        """Submit the assignment; a batch item's next item is accepted into `shown_in`."""
        working = self.market.working
        result, handed, pending = await working.hand_in(worker, assignment_id, shown_in)
        if result is not WorkResult.OK or handed is None:
            return Onward(result, handed)
        if handed.hit.batch_id is None:
            return Onward(result, handed, handed, pending)
        onward = await self.next_item(worker, handed.hit.batch_id, shown_in)
        return Onward(result, handed, handed, pending, onward.following, onward.refused)

    async def next_item(
        self, worker: User, batch_id: int, shown_in: tuple[int, int] | None
    ) -> Onward:
        """Accept the batch's next item this worker may take, shown in `shown_in`."""
        hit_id = await self.desk.next_in_batch(worker, batch_id)
        if hit_id is None:
            return Onward(WorkResult.OK, None)
        outcome = await self.market.accepting.accept_from_card(worker, hit_id, shown_in)
        following = outcome.view
        if outcome.result is not AcceptResult.OK or following is None:
            return Onward(WorkResult.OK, None, refused=outcome.result)
        if shown_in is not None:  # the item handed in gives its message up to this one
            async with self.db.transaction() as conn:  # (its other work's, not this one's)
                await workers.take_message(conn, worker.id, *shown_in, following.assignment.id)
        return Onward(WorkResult.OK, following, following=following)

    async def handed_in(
        self, worker: User, assignment_id: int
    ) -> tuple[RetagResult, WorkView | None]:
        """The worker's handed-in one-label item, if its label may still change (Undo)."""
        view = await self.market.reading.work_view(assignment_id)
        if view is None or view.assignment.worker_id != worker.id or not one_tap(view):
            return RetagResult.NOT_YOURS, None
        if view.assignment.status is not AssignmentStatus.SUBMITTED:
            return RetagResult.REVIEWED, view
        return RetagResult.OK, view

    async def retag(
        self, worker: User, assignment_id: int, option: int
    ) -> tuple[RetagResult, WorkView | None]:
        """Give a handed-in item another label, unless its requester has reviewed it."""
        found, view = await self.handed_in(worker, assignment_id)
        if found is not RetagResult.OK or view is None:
            return found, view
        question = view.questions[0]
        if not 0 <= option < len(question.options):
            return RetagResult.BAD_ANSWER, view
        if view.answers.get(question.id) == str(option):
            return RetagResult.KEPT, view
        now = self.clock.now()
        async with self.db.transaction() as conn:
            changed = await workers.retag(conn, assignment_id, question.id, str(option), now)
        if not changed:  # reviewed between the read and the change
            return RetagResult.REVIEWED, await self.market.reading.work_view(assignment_id)
        return RetagResult.OK, await self.market.reading.work_view(assignment_id)

    async def resume(self, worker: User, assignment_id: int) -> WorkView | None:
        """The worker's item in progress again (after Undo), if it still is in progress."""
        view = await self.market.reading.work_view(assignment_id)
        if view is None or view.assignment.worker_id != worker.id:
            return None
        a = view.assignment
        if a.status is not AssignmentStatus.ACCEPTED or a.deadline_at <= self.clock.now():
            return None
        return view
