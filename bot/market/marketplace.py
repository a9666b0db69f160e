"""Use-cases of the HIT lifecycle: post, publish, accept, answer, submit, return, review.

Every state change is one transaction; the race-critical steps are single conditional
statements (see storage/). Messages caused by a change go to the outbox in the same
transaction. No Telegram here.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.clock import Clock
from bot.domain import (
    DEFAULT_TEXT_MAX_LEN,
    MAX_STORED_ANSWER,
    MAX_TEXT_ANSWER,
    Answer,
    Assignment,
    AssignmentStatus,
    Hit,
    HitKind,
    HitSpec,
    HitStatus,
    PollDraft,
    Priority,
    Question,
    QuestionKind,
    QuestionSpec,
    User,
)
from bot.market import pay_floor as fairpay
from bot.market.results import (
    AcceptOutcome,
    AcceptResult,
    ChangeResult,
    HitControlResult,
    PublishResult,
    ReviewResult,
    WorkResult,
)
from bot.matching.fanout import FanOut
from bot.matching.offers import OFFER, Dispatch, store_dispatch
from bot.matching.waves import push_wave
from storage import (
    accepting,
    assignments,
    estimates,
    fairwork,
    hits,
    ledger,
    listing,
    opening,
    outbox,
    stale,
    users,
    workers,
)
from storage import offers as offer_store
from storage import timers as due
from storage.channels import enqueue_channel_cards
from storage.db import Conn, Database

ALIAS_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_REASON_LEN = 500
BATCH_RETRIES = 3  # next items tried when a batch card's item fills under a worker's tap


@dataclass(frozen=True, slots=True)
class WorkView:
    """Everything needed to draw an assignment's message."""

    hit: Hit
    questions: list[Question]
    assignment: Assignment
    answers: dict[int, str]
    # A batch item: (items of the batch this worker has handed in, items in the batch).
    progress: tuple[int, int] | None = None

    def moved_to(self, position: int, answered: dict[int, str] | None = None) -> WorkView:
        """The same view after moving to `position` (and recording `answered`)."""
        return WorkView(
            self.hit,
            self.questions,
            replace(self.assignment, position=position),
            {**self.answers, **(answered or {})},
            self.progress,
        )

    @property
    def current(self) -> Question | None:
        """The question being answered, or None on the summary page."""
        pos = self.assignment.position
        return self.questions[pos] if pos < len(self.questions) else None


def new_alias() -> str:
    """A random worker alias like W-7F3K."""
    return "W-" + "".join(secrets.choice(ALIAS_ALPHABET) for _ in range(4))


class Marketplace:
    """The HIT lifecycle, race-safe, on one database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        max_active: int,
        auto_approve_s: int,
        on_outbox: Callable[[], None] = lambda: None,
        fanout: FanOut | None = None,
        reminders: tuple[float, ...] = (0.5, 0.2),
        min_hourly_cents: int = 0,
    ) -> None:
        self.fanout = fanout or FanOut()
        self.db = db
        self.clock = clock
        self.max_active = max_active
        self.auto_approve_s = auto_approve_s
        self.on_outbox = on_outbox
        self.min_hourly_cents = min_hourly_cents  # the fair-pay floor (pay_floor.py); 0 = off
        self._questions: dict[int, list[Question]] = {}
        self.reminders = reminders
        # Told of each new deadline (job name, due time) so a scheduler can hold it.
        self.on_timer: Callable[[str, float], None] = lambda name, due_at: None
        # Makes aliases for new users; `gigbot demo --seed` swaps in a seeded one.
        self.new_alias: Callable[[], str] = new_alias

    # -- users -------------------------------------------------------------------------

    async def register(self, tg_id: int, first_name: str, language: str = "en") -> User:
        """Create the user on first contact (idempotent); return it."""
        async with self.db.transaction() as conn:
            found = await users.by_tg_id(conn, tg_id)
            if found is None:
                alias = self.new_alias()
                while await users.alias_taken(conn, alias):
                    alias = self.new_alias()
                await users.insert(conn, tg_id, alias, first_name, language, self.clock.now())
                found = await users.by_tg_id(conn, tg_id)
        assert found is not None
        return found

    async def user(self, tg_id: int) -> User | None:
        async with self.db.reading() as conn:
            return await users.by_tg_id(conn, tg_id)

    async def user_by_id(self, user_id: int) -> User | None:
        async with self.db.reading() as conn:
            return await users.by_id(conn, user_id)

    async def set_active(self, tg_id: int, active: bool) -> bool:
        """Record that a user blocked (False) or unblocked (True) the bot."""
        async with self.db.transaction() as conn:
            changed = await users.set_active(conn, tg_id, active)
            if not active:
                await outbox.drop_pending_for_chat(conn, tg_id, "push")
            return changed

    # -- posting -----------------------------------------------------------------------

    async def create_poll(
        self, requester: User, draft: PollDraft, dispatch: Dispatch | None = None
    ) -> Hit:
        """Store a one-question draft HIT for the requester to preview."""
        question = QuestionSpec(QuestionKind.SINGLE, draft.question, draft.options)
        spec = HitSpec(
            title=draft.question,
            kind=HitKind.POLL,
            topic=draft.topic,
            reward_cents=draft.reward_cents,
            max_assignments=draft.max_assignments,
            time_allotted_s=draft.time_allotted_s,
            lifetime_s=draft.lifetime_s,
            auto_approve_s=draft.auto_approve_s or self.auto_approve_s,
            questions=(question,),
            est_s=draft.est_s,
        )
        return await self.create_hit(requester, spec, dispatch)

    async def create_hit(
        self, requester: User, spec: HitSpec, dispatch: Dispatch | None = None
    ) -> Hit:
        """Store a draft HIT with several questions (survey, tagging item) for preview."""
        async with self.db.transaction() as conn:
            hit_id = await insert_spec(conn, requester, spec, self.clock.now())
            if dispatch is not None:
                await store_dispatch(conn, hit_id, dispatch)
            hit = await hits.get(conn, hit_id)
        assert hit is not None
        return hit

    async def publish(self, requester: User, hit_id: int) -> PublishResult:
        """Escrow reward x max assignments and open the HIT; push it to a first wave."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return PublishResult.NOT_FOUND
            if hit.status is not HitStatus.DRAFT:
                return PublishResult.ALREADY
            available = await ledger.balance(conn, ledger.requester_account(requester.id))
            if available < hit.escrow_cents:
                return PublishResult.INSUFFICIENT_FUNDS
            if (await fairpay.publish_check(conn, hit, self.min_hourly_cents)).under:
                return PublishResult.UNDER_FLOOR
            await hits.open_draft(conn, hit_id, requester.id, now)
            opened = await hits.get(conn, hit_id)
            assert opened is not None
            await self._escrow_and_queue(
                conn, opened, now, wave=True, cards=hit.batch_id is None
            )  # a batch gets one card, queued by batch publishing
        self._after_opening(opened, now, wake=True)
        return PublishResult.OK

    async def publish_new(
        self,
        requester: User,
        spec: HitSpec,
        attach: Callable[[Conn, int], Awaitable[None]] | None = None,
        *,
        first_wave: bool = True,
    ) -> tuple[PublishResult, Hit | None]:
        """Store a HIT from `spec` and publish it at once, in one transaction.

        The checks, escrow, channel cards and first wave of create_hit + publish, without
        a draft in between: refused (funds, fair-pay floor) means nothing stored and no
        money moved. `attach` stores what belongs with the HIT (its MTurk side) in the same
        transaction. first_wave=False leaves the first wave to the caller (send_first_waves);
        if that never happens, the periodic wave job (Matcher.next_waves) sends it, since an
        open HIT with free slots always wants waves.
        """
        now = self.clock.now()
        escrow = spec.reward_cents * spec.max_assignments
        seconds = spec.est_s or spec.time_allotted_s  # as fairpay.expected_seconds
        account = ledger.requester_account(requester.id)
        async with self.db.transaction() as conn:
            if fairpay.check(spec.reward_cents, seconds, self.min_hourly_cents).under:
                if await ledger.balance(conn, account) < escrow:  # publish checks funds first
                    return PublishResult.INSUFFICIENT_FUNDS, None
                return PublishResult.UNDER_FLOOR, None
            made = await opening.insert_open_if_funded(
                conn,
                account=account,
                escrow_cents=escrow,
                requester_id=requester.id,
                kind=spec.kind,
                title=spec.title,
                topic=spec.topic,
                reward_cents=spec.reward_cents,
                max_assignments=spec.max_assignments,
                time_allotted_s=spec.time_allotted_s,
                lifetime_s=spec.lifetime_s,
                auto_approve_s=spec.auto_approve_s,
                now=now,
            )
            if made is None:
                return PublishResult.INSUFFICIENT_FUNDS, None
            opened = made.hit
            if spec.est_s is not None:
                await fairwork.set_estimate(conn, opened.id, spec.est_s)
            await hits.insert_spec_questions(conn, opened.id, spec.questions)
            if not requester.is_requester:
                await users.mark_requester(conn, requester.id)
            if attach is not None:
                await attach(conn, opened.id)
            queued = await self._escrow_and_queue(
                conn, opened, now, wave=first_wave, cards=made.has_channels
            )
        self._after_opening(opened, now, wake=queued > 0)
        return PublishResult.OK, opened

    async def _escrow_and_queue(
        self, conn: Conn, hit: Hit, now: float, *, wave: bool, cards: bool
    ) -> int:
        """Publishing's money and messages for a HIT just opened, in the caller's transaction.

        Moves the HIT's escrow from its requester's account into the HIT's escrow account,
        queues its first wave (if `wave`) and a card in each linked channel (if `cards`);
        returns how many messages were queued. After the commit, call _after_opening.
        """
        await ledger.transfer(
            conn,
            f"publish:{hit.id}",
            ledger.requester_account(hit.requester_id),
            ledger.escrow_account(hit.id),
            hit.escrow_cents,
            "publish",
            now,
        )
        queued = 0
        if wave:
            queued += await push_wave(conn, hit, self.fanout, now, self.max_active, self.on_timer)
        if cards:
            queued += await enqueue_channel_cards(conn, hit.requester_id, hit_id=hit.id, now=now)
        return queued

    def _after_opening(self, hit: Hit, now: float, *, wake: bool) -> None:
        """After publishing's commit: wake the outbox (if asked) and time the HIT's expiry."""
        if wake:
            self.on_outbox()
        self.on_timer(f"expire:{hit.id}", hit.expires_at or now)

    async def send_first_waves(self, hit_ids: list[int]) -> int:
        """The first wave of each HIT published without one (publish_new); pushes queued.

        Each is conditional like any wave (open, free slots, never pushed twice), so a HIT
        the periodic wave job reached first gets nothing twice.
        """
        now = self.clock.now()
        queued = 0
        async with self.db.transaction() as conn:
            for hit_id in hit_ids:
                hit = await hits.get(conn, hit_id)
                if hit is not None:
                    queued += await push_wave(
                        conn, hit, self.fanout, now, self.max_active, self.on_timer
                    )
        if queued:
            self.on_outbox()
        return queued

    async def discard_draft(self, requester: User, hit_id: int) -> bool:
        """Throw away an unpublished draft."""
        async with self.db.transaction() as conn:
            return await hits.delete_draft(conn, hit_id, requester.id)

    async def hit(self, hit_id: int) -> Hit | None:
        async with self.db.reading() as conn:
            return await hits.get(conn, hit_id)

    async def questions(self, hit_id: int) -> list[Question]:
        async with self.db.reading() as conn:
            return await hits.questions(conn, hit_id)

    # -- working -----------------------------------------------------------------------

    async def accept_from_card(
        self, worker: User, hit_id: int, shown_in: tuple[int, int] | None = None
    ) -> AcceptOutcome:
        """Accept from a push or a card. A batch's card stands for the whole batch: when the
        item it shows is full, the worker gets the batch's next item they may take."""
        outcome = await self.accept(worker, hit_id, shown_in)
        for _ in range(BATCH_RETRIES):
            if outcome.result is not AcceptResult.FULL:
                break
            async with self.db.reading() as conn:
                hit = await hits.get(conn, hit_id)
                if hit is None or hit.batch_id is None:
                    break
                found = await listing.visible_hits(
                    conn, worker.id, self.clock.now(), with_prefs=False,
                    batch_id=hit.batch_id, limit=1,
                )  # fmt: skip
            if not found:
                break
            hit_id = found[0].hit.id
            outcome = await self.accept(worker, hit_id, shown_in)
        return outcome

    async def accept(
        self, worker: User, hit_id: int, shown_in: tuple[int, int] | None = None
    ) -> AcceptOutcome:
        """Give the worker a slot: never past max assignments, one per worker per HIT.

        `shown_in` is the (chat id, message id) the assignment will be worked in.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            facts = await accepting.accept_facts(conn, hit_id, worker.id)
            if facts is None or facts.hit.status is HitStatus.DRAFT:
                return AcceptOutcome(AcceptResult.NOT_FOUND)
            hit = facts.hit
            if hit.requester_id == worker.id:
                return AcceptOutcome(AcceptResult.OWN_HIT)
            if facts.blocked:
                return AcceptOutcome(AcceptResult.NOT_FOUND)  # blocked: as if it were gone
            if facts.mine is not None:
                return AcceptOutcome(
                    AcceptResult.ALREADY_YOURS, await assignments.get(conn, facts.mine)
                )
            if not facts.qualified:
                return AcceptOutcome(AcceptResult.NOT_QUALIFIED)
            if hit.status is not HitStatus.OPEN or (hit.expires_at or 0) <= now:
                return AcceptOutcome(AcceptResult.NOT_OPEN)
            if facts.active >= self.max_active:
                return AcceptOutcome(AcceptResult.TOO_MANY_ACTIVE)
            # Timed offers (bot/matching/offers.py): slots held for others are never free; a slot
            # nobody holds is anyone's.
            if not await offer_store.claim_slot(conn, hit_id, worker.id, now):
                if await offer_store.held_for_others(conn, hit_id, worker.id, now):
                    return AcceptOutcome(AcceptResult.HELD)
                return AcceptOutcome(AcceptResult.FULL)
            await offer_store.take_hold(conn, hit_id, worker.id, now)
            deadline = now + hit.time_allotted_s
            remind_at = next_reminder(now, deadline, self.reminders, 0)
            created = await assignments.insert(
                conn, hit_id, worker.id, now, deadline, remind_at, shown_in
            )
            if created is None:  # same worker, concurrent tap in another process
                raise RuntimeError("duplicate assignment despite the check")
            # A batch's push stands for the whole batch: it is not "filled" by one item.
            item_full = hit.slots_used + 1 >= hit.max_assignments
            filled = item_full and hit.batch_id is None
            if filled:  # one statement queues one edit per earlier push, not one per accept
                await outbox.enqueue_fill_edits(conn, hit_id, Priority.PUSH, now)
            elif (
                item_full
                and hit.batch_id is not None
                and (await hits.batch_slots(conn, hit.batch_id))[0] == 0
            ):
                filled = True
                await stale.batch_fill_edits(conn, hit.batch_id, Priority.PUSH, now)
            if filled:  # the fill edits say it all: no counter redraw is worth sending
                await stale.drop_count_edits(conn, hit_id, hit.batch_id)
            else:  # unanswered cards show the slots left, redrawn at most once a minute
                await stale.drop_count_edits(conn, hit_id, hit.batch_id, worker.tg_id)
                await stale.count_edits(conn, hit_id, hit.batch_id, Priority.PUSH, now)
        if filled:
            self.on_outbox()
        self.on_timer(f"deadline:{created.id}", created.deadline_at)
        if remind_at is not None:
            self.on_timer(f"remind:{created.id}:0", remind_at)
        return AcceptOutcome(AcceptResult.OK, created)

    async def work_view(self, assignment_id: int) -> WorkView | None:
        """The assignment with its HIT, questions and answers so far."""
        async with self.db.reading() as conn:
            return await self._work_view(conn, assignment_id)

    async def _work_view(self, conn: Conn, assignment_id: int) -> WorkView | None:
        found = await assignments.with_hit_and_answers(conn, assignment_id)
        if found is None:
            return None
        assignment, hit, given = found
        progress = None
        if hit.batch_id is not None:
            progress = await workers.batch_progress(conn, hit.batch_id, assignment.worker_id)
        return WorkView(hit, await self._questions_of(conn, hit), assignment, given, progress)

    async def _questions_of(self, conn: Conn, hit: Hit) -> list[Question]:
        """A published HIT's questions never change, so they are read once per process."""
        cached = self._questions.get(hit.id)
        if cached is None:
            cached = await hits.questions(conn, hit.id)
            if hit.status is not HitStatus.DRAFT:
                self._questions[hit.id] = cached
        return cached

    async def attach_message(self, assignment_id: int, chat_id: int, message_id: int) -> None:
        """Remember which message shows this assignment."""
        async with self.db.transaction() as conn:
            await assignments.set_message(conn, assignment_id, chat_id, message_id)

    async def answer(
        self, worker: User, assignment_id: int, position: int, value: str
    ) -> tuple[WorkResult, WorkView | None]:
        """Record an answer to the question at `position` and move to the next one."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            problem, view, q = await self._at_question(conn, worker, assignment_id, position, now)
            if view is None or q is None:
                return problem, view
            if not _valid_answer(q, value):
                return WorkResult.BAD_ANSWER, view
            await assignments.save_answer(conn, assignment_id, q.id, value, now)
            await assignments.set_position(conn, assignment_id, position + 1)
            return WorkResult.OK, view.moved_to(position + 1, {q.id: value})

    async def back(self, worker: User, assignment_id: int) -> tuple[WorkResult, WorkView | None]:
        """Go back one question."""
        async with self.db.transaction() as conn:
            view, problem = await self._own_active(conn, worker, assignment_id, self.clock.now())
            if view is None:
                return problem, None
            if view.assignment.position == 0:
                return WorkResult.STALE, view
            await assignments.set_position(conn, assignment_id, view.assignment.position - 1)
            return WorkResult.OK, view.moved_to(view.assignment.position - 1)

    async def submit(
        self, worker: User, assignment_id: int, pressed: tuple[int, int] | None = None
    ) -> tuple[WorkResult, WorkView | None]:
        """Hand in a complete assignment; the reward becomes pending.

        Its reminders and its task message (unless `pressed`, the message the worker
        submitted from, which the caller redraws) are edited to say so.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            view, problem = await self._own_active(conn, worker, assignment_id, now)
            if view is None:
                return problem, None
            if any(not view.answers.get(q.id) for q in view.questions):
                return WorkResult.INCOMPLETE, view  # '' = several labels, none ticked yet
            if not await assignments.transition(
                conn,
                assignment_id,
                AssignmentStatus.ACCEPTED,
                AssignmentStatus.SUBMITTED,
                now=now,
            ):  # the deadline won the race
                return WorkResult.NOT_ACTIVE, None
            await self._work_over(conn, assignment_id, now, pressed)
            await estimates.record_submission(conn, view.hit.id, view.hit.batch_id)
            await fairpay.after_submit(conn, view.hit, self.min_hourly_cents, now)
            done = replace(view.assignment, status=AssignmentStatus.SUBMITTED, submitted_at=now)
        self.on_outbox()
        self.on_timer(f"autoapprove:{assignment_id}", now + view.hit.auto_approve_s)
        return WorkResult.OK, replace(view, assignment=done)

    async def _work_over(
        self, conn: Conn, assignment_id: int, now: float, pressed: tuple[int, int] | None
    ) -> None:
        """The work ended (submitted or returned): its reminders and task message say so."""
        await stale.reminders_over(conn, [assignment_id], Priority.REMINDER, now, pressed)
        await stale.task_message_over(conn, [assignment_id], Priority.REMINDER, now, pressed)

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
            await self.refund_released(conn, view.hit, assignment_id, now)
            if (await offer_store.dispatch(conn, view.hit.id))[0] == OFFER:  # offer it on now
                freed = await hits.get(conn, view.hit.id)
                assert freed is not None
                await push_wave(conn, freed, self.fanout, now, self.max_active, self.on_timer)
            returned = await self._work_view(conn, assignment_id)
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
        view = await self._work_view(conn, assignment_id)
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

    # -- reviewing ---------------------------------------------------------------------

    async def next_for_review(self, requester: User) -> tuple[WorkView | None, int]:
        """The oldest submitted assignment to review and how many are waiting."""
        async with self.db.reading() as conn:
            found = await assignments.next_for_review(conn, requester.id)
            waiting = await assignments.count_for_review(conn, requester.id)
            view = await self._work_view(conn, found.id) if found else None
        return view, waiting

    async def requester_name(self, requester_id: int) -> str:
        """How a requester is shown to workers: their first name."""
        async with self.db.reading() as conn:
            found = await users.by_id(conn, requester_id)
        return found.first_name if found else "?"

    async def worker_alias(self, worker_id: int) -> str:
        async with self.db.reading() as conn:
            found = await users.by_id(conn, worker_id)
        return found.alias if found else "W-????"

    async def approve(self, requester: User, assignment_id: int) -> ReviewResult:
        """Pay the worker one reward from escrow, exactly once."""
        return await self._review(requester, assignment_id, approved=True, reason=None)

    async def reject(self, requester: User, assignment_id: int, reason: str) -> ReviewResult:
        """Reject with a reason the worker will read; the reward returns to the requester."""
        reason = reason.strip()
        if not reason:
            return ReviewResult.REASON_REQUIRED
        return await self._review(
            requester, assignment_id, approved=False, reason=reason[:MAX_REASON_LEN]
        )

    async def _review(
        self, requester: User, assignment_id: int, *, approved: bool, reason: str | None
    ) -> ReviewResult:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            view = await self._work_view(conn, assignment_id)
            if view is None or view.hit.requester_id != requester.id:
                return ReviewResult.NOT_YOURS
            status = view.assignment.status
            if status in (AssignmentStatus.APPROVED, AssignmentStatus.REJECTED):
                return ReviewResult.ALREADY_REVIEWED
            if status is not AssignmentStatus.SUBMITTED:
                return ReviewResult.NOT_SUBMITTED
            await self._settle(conn, view, approved=approved, reason=reason, now=now)
        self.on_outbox()
        return ReviewResult.OK

    async def auto_approve(self, conn: Conn, assignment_id: int, now: float) -> Hit | None:
        """Approve unreviewed work past its delay, on the same path as a requester's approval.

        Runs inside the caller's transaction; the work's HIT if this call approved it.
        """
        view = await self._work_view(conn, assignment_id)
        if view is None or view.assignment.status is not AssignmentStatus.SUBMITTED:
            return None
        approved = await self._settle(conn, view, approved=True, reason=None, now=now)
        return view.hit if approved else None

    async def refund_released(
        self, conn: Conn, hit: Hit, assignment_id: int, now: float
    ) -> bool:
        """A slot freed on an expired or cancelled HIT can't be taken again: refund it, once.

        Expiry and cancellation keep the rewards of work in progress in escrow; this returns
        one of them when that work is returned or abandoned instead.
        """
        if hit.status not in (HitStatus.EXPIRED, HitStatus.CANCELLED):
            return False
        return await ledger.transfer(
            conn,
            f"release:{assignment_id}",
            ledger.escrow_account(hit.id),
            ledger.requester_account(hit.requester_id),
            hit.reward_cents,
            "refund",
            now,
        )

    async def pause_hit(self, requester: User, hit_id: int) -> HitControlResult:
        """Stop offering an open HIT; the lifetime it has left is kept for resume."""
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return HitControlResult.NOT_FOUND
            if not await due.pause(conn, hit_id, requester.id, self.clock.now()):
                return HitControlResult.WRONG_STATE
        return HitControlResult.OK

    async def resume_hit(self, requester: User, hit_id: int) -> HitControlResult:
        """Offer a paused HIT again with the lifetime it had left when paused."""
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return HitControlResult.NOT_FOUND
            expires_at = await due.resume(conn, hit_id, requester.id, self.clock.now())
            if expires_at is None:
                return HitControlResult.WRONG_STATE
        self.on_timer(f"expire:{hit_id}", expires_at)
        return HitControlResult.OK

    async def _settle(
        self, conn: Conn, view: WorkView, *, approved: bool, reason: str | None, now: float
    ) -> bool:
        """Move the assignment to its verdict and the money with it; notify the worker."""
        target = AssignmentStatus.APPROVED if approved else AssignmentStatus.REJECTED
        if not await assignments.transition(
            conn, view.assignment.id, AssignmentStatus.SUBMITTED, target, now=now, reason=reason
        ):
            return False
        hit, aid = view.hit, view.assignment.id
        # approved: the reward goes to the worker; rejected: back to the requester
        memo, payee = (
            ("approve", ledger.worker_account(view.assignment.worker_id))
            if approved
            else ("reject", ledger.requester_account(hit.requester_id))
        )
        await ledger.transfer(
            conn, f"{memo}:{aid}", ledger.escrow_account(hit.id), payee, hit.reward_cents, memo, now
        )
        worker = await users.by_id(conn, view.assignment.worker_id)
        assert worker is not None
        await outbox.enqueue(
            conn,
            f"{target.value}:{aid}",
            worker.tg_id,
            target.value,
            Priority.NOTIFICATION,
            {"assignment_id": aid},
            now,
        )
        # The task message said "pending review": it says the verdict now.
        await stale.task_message_over(conn, [aid], Priority.NOTIFICATION, now)
        await hits.close_if_done(conn, hit.id)
        return True


    # -- changing a published HIT --------------------------------------------------------

    async def add_assignments(
        self, requester: User, hit_id: int, count: int, key: str
    ) -> ChangeResult:
        """Escrow `count` more rewards and open that many more slots, once per key."""
        now = self.clock.now()
        try:
            async with self.db.transaction() as conn:
                hit = await hits.get(conn, hit_id)
                if hit is None or hit.requester_id != requester.id:
                    return ChangeResult.NOT_FOUND
                if not await ledger.transfer(
                    conn,
                    f"extend:{hit_id}:{key}",
                    ledger.requester_account(requester.id),
                    ledger.escrow_account(hit_id),
                    hit.reward_cents * count,
                    "extend",
                    now,
                ):
                    return ChangeResult.OK  # done before under this key
                if await ledger.balance(conn, ledger.requester_account(requester.id)) < 0:
                    raise _Undo(ChangeResult.INSUFFICIENT_FUNDS)
                if not await hits.add_slots(conn, hit_id, requester.id, count, now):
                    raise _Undo(ChangeResult.NOT_OPEN)
                widened = await hits.get(conn, hit_id)
                assert widened is not None
                await push_wave(conn, widened, self.fanout, now, self.max_active, self.on_timer)
        except _Undo as undo:
            return undo.result
        self.on_outbox()
        return ChangeResult.OK

    async def set_expiry(self, requester: User, hit_id: int, expires_at: float) -> ChangeResult:
        """Extend or shorten an open HIT's lifetime; a time in the past expires it now."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return ChangeResult.NOT_FOUND
            if not await hits.set_expiry(conn, hit_id, requester.id, max(expires_at, now)):
                return ChangeResult.NOT_OPEN
        self.on_timer(f"expire:{hit_id}", max(expires_at, now))
        return ChangeResult.OK

    async def dispose(self, requester: User, hit_id: int) -> ChangeResult:
        """Cancel a finished or expired HIT with all work reviewed; refund its escrow."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return ChangeResult.NOT_FOUND
            if hit.status is HitStatus.CANCELLED:
                return ChangeResult.OK
            if not await hits.cancel_settled(conn, hit_id, requester.id, now):
                return ChangeResult.BUSY
            left = await ledger.balance(conn, ledger.escrow_account(hit_id))
            if left > 0:
                await ledger.transfer(
                    conn,
                    f"refund:{hit_id}",
                    ledger.escrow_account(hit_id),
                    ledger.requester_account(requester.id),
                    left,
                    "refund",
                    now,
                )
        return ChangeResult.OK

    # -- multi-select and free-text work (issue 4) ---------------------------------------

    async def toggle(
        self, worker: User, assignment_id: int, position: int, option: int
    ) -> tuple[WorkResult, WorkView | None]:
        """Tick or untick one option of a multi-select (or tag) question; stay on it."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
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
            return WorkResult.OK, await self._work_view(conn, assignment_id)

    async def pick_several(
        self, worker: User, assignment_id: int, position: int
    ) -> tuple[WorkResult, WorkView | None]:
        """Switch a tagging question from one tap per label to ticking several labels.

        The mode is stored as an empty answer ('' = several, none ticked yet); submit
        treats an empty answer as unanswered.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            problem, view, q = await self._at_question(conn, worker, assignment_id, position, now)
            if view is None or q is None:
                return problem, view
            if q.kind is not QuestionKind.TAG:
                return WorkResult.BAD_ANSWER, view
            if q.id not in view.answers:
                await assignments.save_answer(conn, assignment_id, q.id, "", now)
            return WorkResult.OK, await self._work_view(conn, assignment_id)

    async def done_picking(
        self, worker: User, assignment_id: int, position: int
    ) -> tuple[WorkResult, WorkView | None]:
        """Leave a multi-select question with at least one option ticked."""
        async with self.db.transaction() as conn:
            problem, view, q = await self._at_question(
                conn, worker, assignment_id, position, self.clock.now()
            )
            if view is None or q is None:
                return problem, view
            if not ticked(view.answers.get(q.id)):
                return WorkResult.NOTHING_PICKED, view
            await assignments.set_position(conn, assignment_id, position + 1)
            return WorkResult.OK, await self._work_view(conn, assignment_id)

    async def answer_text(
        self, worker: User, assignment_id: int, text: str
    ) -> tuple[WorkResult, WorkView | None]:
        """Record a typed answer to the current free-text question, within its length limit."""
        now = self.clock.now()
        value = text.strip()
        async with self.db.transaction() as conn:
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
            await assignments.save_answer(conn, assignment_id, q.id, value, now)
            await assignments.set_position(conn, assignment_id, view.assignment.position + 1)
            return WorkResult.OK, await self._work_view(conn, assignment_id)

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
                view = await self._work_view(conn, a.id)
                if view and view.current and view.current.kind is QuestionKind.TEXT:
                    waiting.append(a.id)
        return waiting


class _Undo(Exception):
    """Roll the transaction back and answer `result`."""

    def __init__(self, result: ChangeResult) -> None:
        super().__init__(result.value)
        self.result = result
MULTI_SELECT = (QuestionKind.MULTI, QuestionKind.TAG)


def ticked(value: str | None) -> list[int]:
    """The option indexes of a multi-select answer: "0,2" -> [0, 2]."""
    return [int(p) for p in (value or "").split(",") if p.isdigit()]


def reminder_times(
    accepted_at: float, deadline_at: float, fractions: tuple[float, ...]
) -> list[float]:
    """When each reminder is due: a fraction f of the time allotted left.

    (0, 120, (0.5, 0.2)) -> [60.0, 96.0]
    """
    allotted = deadline_at - accepted_at
    return [deadline_at - f * allotted for f in sorted(fractions, reverse=True)]


def next_reminder(
    accepted_at: float, deadline_at: float, fractions: tuple[float, ...], sent: int
) -> float | None:
    """The due time of reminder number `sent` (0-based), or None when there are no more."""
    times = reminder_times(accepted_at, deadline_at, fractions)
    return times[sent] if sent < len(times) else None


def text_limit(question: Question) -> int:
    """The longest typed answer a free-text question takes: its own limit, at most
    MAX_TEXT_ANSWER (an MTurk FreeTextAnswer may ask for any length)."""
    return min(question.max_len or DEFAULT_TEXT_MAX_LEN, MAX_TEXT_ANSWER)


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


def answer_label(question: Question, answer: Answer | str) -> str:
    """Turn a stored answer value into what a person reads ("1" -> "B")."""
    value = answer.value if isinstance(answer, Answer) else answer
    if question.kind in (QuestionKind.SINGLE, QuestionKind.TAG, QuestionKind.MULTI):
        return ", ".join(question.options[int(p)] for p in value.split(",") if p.isdigit())
    return value


async def insert_spec(conn: Conn, requester: User, spec: HitSpec, now: float) -> int:
    """Store a draft HIT with its questions from a spec; return its id."""
    hit_id = await hits.insert_hit(
        conn,
        requester_id=requester.id,
        kind=spec.kind,
        title=spec.title,
        reward_cents=spec.reward_cents,
        max_assignments=spec.max_assignments,
        time_allotted_s=spec.time_allotted_s,
        lifetime_s=spec.lifetime_s,
        auto_approve_s=spec.auto_approve_s,
        now=now,
    )
    if spec.topic:
        await hits.set_topic_and_batch(conn, hit_id, spec.topic, None)
    if spec.est_s is not None:
        await fairwork.set_estimate(conn, hit_id, spec.est_s)
    await hits.insert_spec_questions(conn, hit_id, spec.questions)
    await users.mark_requester(conn, requester.id)
    return hit_id
