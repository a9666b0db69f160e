"""Working on an assignment: answers of every kind, going back, typed answers, submit,
return, the task again. Every step is one transaction on the worker's own active work. No
Telegram here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Unpack

from bot.clock import Clock
from bot.domain import (
    MAX_STORED_ANSWER,
    AssignmentStatus,
    Priority,
    Question,
    QuestionKind,
    User,
)
from bot.market import pay_floor as fairpay
from bot.market.reading import Reading
from bot.market.results import WorkResult
from bot.market.settling import refund_released
from bot.market.views import MULTI_SELECT, WorkView, text_limit, ticked
from bot.matching.offers import OFFER
from bot.matching.waves import Waves
from storage import assignments, hits, stale, submitting, workers
from storage import offers as offer_store
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

# (result, the work as handed in, the worker's rewards pending, edits queued)
_HandedIn = tuple[WorkResult, "WorkView | None", int, int]


class Working(UseCases):
    """A worker's steps through an assignment, race-safe, on one database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        reading: Reading,
        waves: Waves,
        *,
        min_hourly_cents: int = 0,
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.reading = reading
        self.waves = waves  # a returned slot of a HIT in timed offers is offered on at once
        self.min_hourly_cents = min_hourly_cents  # the fair-pay floor (pay_floor.py); 0 = off

    @retrying
    async def attach_message(self, assignment_id: int, chat_id: int, message_id: int) -> None:
        """Remember which message shows this assignment."""
        async with self.db.transaction(quick=True) as conn:
            await assignments.set_message(conn, assignment_id, chat_id, message_id)

    @retrying
    async def answer(
        self, worker: User, assignment_id: int, position: int, value: str
    ) -> tuple[WorkResult, WorkView | None]:
        """Record an answer to the question at `position` and move to the next one."""
        now = self.clock.now()
        moved = await self._answer_in_place(worker, assignment_id, position, value, now)
        if moved is not None:
            return WorkResult.OK, moved
        async with self.db.single_write(quick=True) as conn:  # a read, then one write
            problem, view, q = await self._at_question(conn, worker, assignment_id, position, now)
            if view is None or q is None:
                return problem, view
            if not _valid_answer(q, value):
                return WorkResult.BAD_ANSWER, view
            await assignments.answer_and_move(conn, assignment_id, q.id, value, now, position + 1)
            return WorkResult.OK, view.moved_to(position + 1, {q.id: value})

    async def _answer_in_place(
        self, worker: User, assignment_id: int, position: int, value: str, now: float
    ) -> WorkView | None:
        """PostgreSQL, an assignment whose HIT and questions this process knows: a valid
        answer recorded by one statement that checks what the read would have (the
        worker's, accepted, in time, at the question) and returns the task moved on. None:
        nothing was done (the caller reads the task and says why, or does it)."""
        known = self.reading.known(assignment_id) if self.db.is_postgres else None
        if known is None or not 0 <= position < len(known[2]):
            return None
        q = known[2][position]
        if not _valid_answer(q, value):
            return None
        async with self.db.single_write(quick=True) as conn:  # PostgreSQL: no transaction
            found = await assignments.answer_in_place(
                conn, worker.id, assignment_id, position, q.id, value, now
            )
            if found is None:
                return None
            assignment, hit, given = found
            return await self.reading.view_of(conn, assignment, hit, {**given, q.id: value})

    @retrying
    async def back(self, worker: User, assignment_id: int) -> tuple[WorkResult, WorkView | None]:
        """Go back one question."""
        async with self.db.transaction(quick=True) as conn:
            view, problem = await self._own_active(conn, worker, assignment_id, self.clock.now())
            if view is None:
                return problem, None
            if view.assignment.position == 0:
                return WorkResult.STALE, view
            await assignments.set_position(conn, assignment_id, view.assignment.position - 1)
            return WorkResult.OK, view.moved_to(view.assignment.position - 1)

    @retrying
    async def toggle(
        self, worker: User, assignment_id: int, position: int, option: int
    ) -> tuple[WorkResult, WorkView | None]:
        """Tick or untick one option of a multi-select (or tag) question; stay on it."""
        now = self.clock.now()
        async with self.db.transaction(quick=True) as conn:
            problem, view, q = await self._at_question(conn, worker, assignment_id, position, now)
            if view is None or q is None:
                return problem, view
            if q.kind not in MULTI_SELECT or not 0 <= option < len(q.options):
                return WorkResult.BAD_ANSWER, view
            picked = set(ticked(view.answers.get(q.id)))
            picked ^= {option}
            if picked:
                value = ",".join(str(p) for p in sorted(picked))
                await assignments.save_answer(conn, assignment_id, q.id, value, now)
            else:
                await workers.delete_answer(conn, assignment_id, q.id)
            return WorkResult.OK, await self.reading.work_view_in(conn, assignment_id)

    @retrying
    async def pick_several(
        self, worker: User, assignment_id: int, position: int
    ) -> tuple[WorkResult, WorkView | None]:
        """Switch a tagging question from one tap per label to ticking several labels.

        The mode is stored as an empty answer ('' = several, none ticked yet); submit
        treats an empty answer as unanswered.
        """
        now = self.clock.now()
        async with self.db.transaction(quick=True) as conn:
            problem, view, q = await self._at_question(conn, worker, assignment_id, position, now)
            if view is None or q is None:
                return problem, view
            if q.kind is not QuestionKind.TAG:
                return WorkResult.BAD_ANSWER, view
            if q.id not in view.answers:
                await assignments.save_answer(conn, assignment_id, q.id, "", now)
            return WorkResult.OK, await self.reading.work_view_in(conn, assignment_id)

    @retrying
    async def done_picking(
        self, worker: User, assignment_id: int, position: int
    ) -> tuple[WorkResult, WorkView | None]:
        """Leave a multi-select question with at least one option ticked, or a free-text
        question with the answer it has (Keep, after Back)."""
        async with self.db.transaction(quick=True) as conn:
            problem, view, q = await self._at_question(
                conn, worker, assignment_id, position, self.clock.now()
            )
            if view is None or q is None:
                return problem, view
            if q.kind is QuestionKind.TEXT:
                if not view.answers.get(q.id):
                    return WorkResult.BAD_ANSWER, view
            elif not ticked(view.answers.get(q.id)):
                return WorkResult.NOTHING_PICKED, view
            await assignments.set_position(conn, assignment_id, position + 1)
            return WorkResult.OK, await self.reading.work_view_in(conn, assignment_id)

    @retrying
    async def answer_text(
        self, worker: User, assignment_id: int, text: str
    ) -> tuple[WorkResult, WorkView | None]:
        """Record a typed answer to the current free-text question, within its length limit."""
        now = self.clock.now()
        value = text.strip()
        async with self.db.transaction(quick=True) as conn:
            view, problem = await self._own_active(conn, worker, assignment_id, now)
            if view is None:
                return problem, None
            q = view.current
            if q is None or q.kind is not QuestionKind.TEXT:
                return WorkResult.STALE, view
            if not value:
                return WorkResult.BAD_ANSWER, view
            if len(value) > text_limit(q):
                return WorkResult.TOO_LONG, view
            moved = view.assignment.position + 1
            await assignments.answer_and_move(conn, assignment_id, q.id, value, now, moved)
            return WorkResult.OK, await self.reading.work_view_in(conn, assignment_id)

    async def text_assignment(self, worker: User, chat_id: int, reply_to: int | None) -> int | None:
        """Which assignment a typed answer is for: the replied-to task, else the only
        active assignment waiting for free text."""
        if reply_to is not None:
            async with self.db.reading() as conn:
                found = await workers.by_message(conn, chat_id, reply_to)
            return found.id if found is not None else None
        waiting = await self.waiting_for_text(worker)
        return waiting[0] if len(waiting) == 1 else None

    async def waiting_for_text(self, worker: User) -> list[int]:
        """The worker's active assignments whose question at hand takes a typed answer."""
        waiting = []
        async with self.db.reading() as conn:
            for a in await workers.active_assignments(conn, worker.id):
                view = await self.reading.work_view_in(conn, a.id)
                if view and view.current and view.current.kind is QuestionKind.TEXT:
                    waiting.append(a.id)
        return waiting

    async def submit(
        self, worker: User, assignment_id: int, pressed: tuple[int, int] | None = None
    ) -> tuple[WorkResult, WorkView | None]:
        """Hand in a complete assignment; the reward becomes pending.

        Its reminders and its task message (unless `pressed`, the message the worker
        submitted from, which the caller redraws) are edited to say so.
        """
        result, view, _ = await self.hand_in(worker, assignment_id, pressed)
        return result, view

    @retrying
    async def hand_in(
        self, worker: User, assignment_id: int, pressed: tuple[int, int] | None = None
    ) -> tuple[WorkResult, WorkView | None, int]:
        """As submit, also with the worker's rewards now pending review (the cents). The
        view handed in is never read back: on PostgreSQL the statement that hands in work
        this process has shown returns it; else it is what the read before had in hand,
        moved on (its status, and a batch item counted among those handed in)."""
        now = self.clock.now()
        # Without a pay floor, handing in is a read and one statement (storage/submitting),
        # on PostgreSQL that statement alone for work this process knows; the floor's check
        # may pause pushes and tell the requester: a transaction then.
        checked = self.min_hourly_cents > 0
        known = None if checked or not self.db.is_postgres else self.reading.known(assignment_id)
        handed = None
        if known is not None:
            handed = await self._hand_in_place(worker, assignment_id, known, pressed, now)
        if handed is None:
            handed = await self._hand_in_read(worker, assignment_id, pressed, now, checked)
        result, view, pending, queued = handed
        if result is not WorkResult.OK or view is None:
            return result, view, 0
        if queued:  # nothing queued (the usual Submit): no broadcaster pass for nothing
            self.on_outbox()
        self.on_timer(f"autoapprove:{assignment_id}", now + view.hit.auto_approve_s)
        return WorkResult.OK, view, pending

    async def _hand_in_place(
        self,
        worker: User,
        assignment_id: int,
        known: tuple[int, int | None, list[Question]],
        pressed: tuple[int, int] | None,
        now: float,
    ) -> _HandedIn | None:
        """PostgreSQL, work whose HIT and questions this process knows: handed in by one
        statement that checks what the read would have (the worker's, accepted, in time,
        every question answered) and returns it. None: it did not apply (the caller reads
        why)."""
        hit_id, batch_id, questions = known
        async with self.db.single_write(quick=True) as conn:  # PostgreSQL: no transaction
            done = await submitting.submit(
                conn, worker.id, assignment_id, (hit_id, batch_id, len(questions)), now,
                Priority.REMINDER, pressed, None,
            )  # fmt: skip
            if done.handed is None or done.pending is None:
                return None
            view = await self.reading.view_of(conn, *done.handed)
        return WorkResult.OK, view, done.pending, done.queued

    async def _hand_in_read(
        self,
        worker: User,
        assignment_id: int,
        pressed: tuple[int, int] | None,
        now: float,
        checked: bool,
    ) -> _HandedIn:
        """Hand in after reading the work (`checked`: a pay floor's check in the same
        transaction)."""
        opened = self.db.transaction if checked else self.db.single_write
        async with opened(quick=True) as conn:
            view, problem = await self._own_active(conn, worker, assignment_id, now)
            if view is None:
                return problem, None, 0, 0
            if any(not view.answers.get(q.id) for q in view.questions):
                return WorkResult.INCOMPLETE, view, 0, 0  # '' = several labels, none ticked
            a = view.assignment  # its task message, as read here (None: none)
            shown = None
            if a.chat_id is not None and a.message_id is not None:
                shown = (a.chat_id, a.message_id)
            hit = (view.hit.id, view.hit.batch_id, len(view.questions))
            done = await submitting.submit(
                conn, worker.id, assignment_id, hit, now, Priority.REMINDER, pressed, shown
            )
            if not done.moved:  # the deadline won the race
                return WorkResult.NOT_ACTIVE, None, 0, 0
            queued = done.queued
            if await fairpay.after_submit(conn, view.hit, self.min_hourly_cents, now):
                queued += 1  # the requester is told
            pending = done.pending
            if pending is None:  # SQLite: read in the same transaction
                pending = await assignments.pending_cents(conn, worker.id)
        finished = replace(view.assignment, status=AssignmentStatus.SUBMITTED, submitted_at=now)
        progress = view.progress  # a batch item: this one is now among those handed in
        if progress is not None:
            progress = (progress[0] + 1, progress[1])
        return WorkResult.OK, replace(view, assignment=finished, progress=progress), pending, queued

    async def _work_over(
        self, conn: Conn, assignment_id: int, now: float, pressed: tuple[int, int] | None
    ) -> int:
        """The work ended (submitted or returned): its reminders and task message say so
        (one statement); how many edits were queued."""
        return await stale.work_over(conn, [assignment_id], Priority.REMINDER, now, pressed)

    @retrying
    async def return_assignment(
        self, worker: User, assignment_id: int, pressed: tuple[int, int] | None = None
    ) -> tuple[WorkResult, WorkView | None]:
        """Give the HIT back; the slot returns to the pool. Its reminders and task message
        say so, except `pressed` (the message the worker returned it from)."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            view, problem = await self._own_active(conn, worker, assignment_id, now)
            if view is None:
                return problem, None
            await assignments.transition(
                conn,
                assignment_id,
                AssignmentStatus.ACCEPTED,
                AssignmentStatus.RETURNED,
                now=now,
            )
            await self._work_over(conn, assignment_id, now, pressed)
            await hits.release_slot(conn, view.hit.id)
            await refund_released(conn, view.hit, assignment_id, now)
            if (await offer_store.dispatch(conn, view.hit.id))[0] == OFFER:  # offer it on now
                freed = await hits.get(conn, view.hit.id)
                assert freed is not None
                await self.waves.push(conn, freed, now)
            returned = await self.reading.work_view_in(conn, assignment_id)
        self.on_outbox()
        return WorkResult.OK, returned

    async def open_task(
        self, worker: User, assignment_id: int
    ) -> tuple[WorkResult, WorkView | None]:
        """The worker's running assignment, to show its task again (from a reminder)."""
        async with self.db.reading() as conn:
            view, problem = await self._own_active(conn, worker, assignment_id, self.clock.now())
        return problem, view

    async def _own_active(
        self, conn: Conn, worker: User, assignment_id: int, now: float
    ) -> tuple[WorkView | None, WorkResult]:
        view = await self.reading.work_view_in(conn, assignment_id)
        if view is None or view.assignment.worker_id != worker.id:
            return None, WorkResult.NOT_YOURS
        if view.assignment.status is not AssignmentStatus.ACCEPTED:
            return None, WorkResult.NOT_ACTIVE
        if view.assignment.deadline_at <= now:
            return None, WorkResult.NOT_ACTIVE
        return view, WorkResult.OK

    async def _at_question(
        self, conn: Conn, worker: User, assignment_id: int, position: int, now: float
    ) -> tuple[WorkResult, WorkView | None, Question | None]:
        """The worker's active assignment and its question at `position`, for a step on it.

        (problem, None, None) as _own_active; (STALE, view, None) if the assignment has
        moved on from `position` or stands on the summary page; else (OK, view, question).
        """
        view, problem = await self._own_active(conn, worker, assignment_id, now)
        if view is None:
            return problem, None, None
        if position != view.assignment.position or view.current is None:
            return WorkResult.STALE, view, None
        return WorkResult.OK, view, view.current


def _valid_answer(question: Question, value: str) -> bool:
    """Whether `value` is an acceptable answer to `question` (choice index or text); no
    answer is stored over MAX_STORED_ANSWER characters (a web task's form, bot/mturk)."""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.TAG):
        return value.isdigit() and int(value) < len(question.options)
    if question.kind is QuestionKind.RATING:
        return value in {"1", "2", "3", "4", "5"}
    if question.kind is QuestionKind.MULTI:
        picks = value.split(",")
        return all(p.isdigit() and int(p) < len(question.options) for p in picks)
    return bool(value.strip()) and len(value) <= MAX_STORED_ANSWER
