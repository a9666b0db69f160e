"""Durable time: deadlines live in the database; a scheduler only holds what is due soon.

`run_due()` applies everything whose time has come, in order: abandon assignments past
their deadline (slot back to the pool, worker told), remind those still running (only the
latest reminder that fell due, never for a deadline already past), approve unreviewed work
past its delay, expire HITs past their lifetime (unspent escrow refunded once), end timed
offers whose hold ran out (the slot is offered to the next worker, matching/offers.py). Each step
is conditional on the state it expects, so running it twice, in two processes, or after a
crash changes nothing twice.

`horizon()` hands the scheduler (python-telegram-bot's JobQueue in production, nothing
with a FakeClock) the deadlines of the next window as named jobs; each job just runs
`fire()`, which coalesces into one `run_due()` pass however many jobs fall due together.
Tests advance the FakeClock and await `run_due()` themselves.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Protocol, Unpack

from bot.clock import Clock
from bot.deadlines.holds import Holds
from bot.domain import HitStatus, Priority
from bot.market.reviewing import Reviewing
from bot.market.settling import refund_released
from bot.market.views import reminder_times
from bot.matching.waves import Waves
from storage import hits, ledger, outbox, stale
from storage import requesting as reads
from storage import timers as due
from storage.db import Database, retrying
from storage.usecases import Hooks, UseCases

log = logging.getLogger(__name__)


class Scheduler(Protocol):
    """Runs `Timers.fire()` at a clock time under a name (a second call replaces it)."""

    def at(self, name: str, due_at: float) -> None: ...


class Agenda:
    """Where use-cases tell each new deadline (`note`), for a real-time scheduler.

    Made with the services, before anything that makes deadlines; the scheduler (the
    JobQueue) exists only once the bot starts and is attached then, if the clock runs by
    itself (with a FakeClock none is: tests apply deadlines with Timers.run_due()). Timers
    loads the deadlines of a window at a time; a new one inside the loaded window is
    scheduled at once, a later one comes with the next load.
    """

    def __init__(self) -> None:
        self._scheduler: Scheduler | None = None
        self._loaded_until = 0.0

    def attach(self, scheduler: Scheduler) -> None:
        """Hand deadlines to `scheduler` from now on (at start-up)."""
        self._scheduler = scheduler

    @property
    def scheduler(self) -> Scheduler | None:
        return self._scheduler

    def loaded(self, until: float) -> None:
        """Record that the scheduler holds every deadline up to `until`."""
        self._loaded_until = until

    def note(self, name: str, due_at: float) -> None:
        """A new deadline: schedule it now if the next horizon load would come too late."""
        if self._scheduler is not None and due_at <= self._loaded_until:
            self._scheduler.at(name, due_at)


@dataclass
class DueReport:
    """What one `run_due()` pass did."""

    abandoned: int = 0
    reminded: int = 0
    approved: int = 0
    expired: int = 0
    offers_ended: int = 0  # timed offers that ran out and passed on (bot/matching/offers.py)

    @property
    def total(self) -> int:
        return self.abandoned + self.reminded + self.approved + self.expired + self.offers_ended


class Timers(UseCases):
    """Applies what is due and keeps the scheduler loaded with what is due soon."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        agenda: Agenda,
        holds: Holds,
        reviewing: Reviewing,
        waves: Waves,
        *,
        reminders: tuple[float, ...] = (0.5, 0.2),
        window_s: float = 600.0,
        batch: int = 5000,
        max_jobs: int = 5000,
        coalesce_s: float = 0.05,
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.agenda = agenda  # the scheduler's side: what is loaded, what new deadlines go to
        self.holds = holds  # timed offers and the timer concierge
        self.reviewing = reviewing  # auto-approval takes the requester's path
        self.waves = waves  # slots that abandonment freed go out again
        self.reminders = reminders
        self.window_s = window_s
        self.batch = batch
        self.max_jobs = max_jobs
        self.coalesce_s = coalesce_s
        self._running = False
        self._again = False
        self._reload = False
        self._freed: set[int] = set()
        self.passes = 0

    def attach(self, scheduler: Scheduler, window_s: float) -> None:
        """Use a real-time scheduler, loading `window_s` clock seconds ahead each time."""
        self.agenda.attach(scheduler)
        self.window_s = window_s

    async def start(self) -> DueReport:
        """At start: apply what fell due while down (users are told), then load the horizon."""
        report = await self.run_due()
        if report.total:
            log.info("caught up on start: %s", report)
        await self.horizon()
        return report

    async def horizon(self) -> int:
        """Load the next window's deadlines into the scheduler; how many were loaded."""
        scheduler = self.agenda.scheduler
        if scheduler is None:
            return 0
        if self._running:
            # A pass is applying what is due. Loaded now, the window would be the deadlines
            # it is applying (20,000 due at once: the same 5,000 again and again, each load
            # a stall of the loop); it is loaded when the pass is done instead.
            self._reload = True
            return 0
        until = self.clock.now() + self.window_s
        async with self.db.reading() as conn:
            soon = await due.upcoming(conn, until, self.max_jobs)
        if len(soon) == self.max_jobs:  # more than we hold: reload when the last is due
            until = soon[-1][1]
            scheduler.at("timers:horizon", until)
        last: float | None = None
        for name, due_at in soon:
            # One job per instant: the first name due then covers the others (one pass
            # applies everything due), so 20,000 deadlines at once cost one job, not 20,000.
            if last is None or due_at - last >= self.coalesce_s:
                scheduler.at(name, due_at)
                last = due_at
        self.agenda.loaded(until)
        return len(soon)

    async def fire(self) -> None:
        """A job fell due: run one pass, or ask the pass in progress for one more."""
        if self._running:
            self._again = True
            return
        self._running = True
        try:
            while True:
                self._again = False
                await self.run_due()
                if not self._again:
                    break
        finally:
            self._running = False
        if self._reload:
            self._reload = False
            await self.horizon()

    async def run_due(self) -> DueReport:
        """Apply everything due at the clock's now; safe to run any number of times."""
        report = DueReport()
        if not self._freed and not await self._anything_due(self.clock.now()):
            self.passes += 1
            return report
        while True:
            now = self.clock.now()
            abandoned = await self._abandon(now)
            if abandoned == self.batch:
                # deadlines first: while whole batches fall due, the reminders' search
                # would only pass over the work still to abandon (20,000 due at once)
                report.abandoned += abandoned
                continue
            step = DueReport(
                abandoned=abandoned,
                reminded=await self._remind(now),
                approved=await self._auto_approve(now),
                expired=await self._expire(now),
                offers_ended=await self.holds.expire_due(now, self.batch),
            )
            report.abandoned += step.abandoned
            report.reminded += step.reminded
            report.approved += step.approved
            report.expired += step.expired
            report.offers_ended += step.offers_ended
            if step.total == 0:
                break
        if self._freed:
            await self._waves(self.clock.now())
        self.passes += 1
        if report.total:
            self.on_outbox()
        return report

    async def _anything_due(self, now: float) -> bool:
        """One cheap read before the four write passes (most calls find nothing due)."""
        async with self.db.reading() as conn:
            return bool(await due.upcoming(conn, now, 1))

    @retrying
    async def _abandon(self, now: float) -> int:
        async with self.db.transaction() as conn:
            # each worker told, and the task message loses its buttons:
            gone = await due.abandon_due_noticed(conn, now, self.batch, Priority.NOTIFICATION)
            if not gone:
                return 0
            freed = Counter(a.hit_id for a in gone)
            await due.release_slots(conn, dict(freed))
            # so do the reminders:
            await stale.reminders_over(
                conn, [a.assignment_id for a in gone], Priority.NOTIFICATION, now
            )
            ended = set(await due.hits_in_state(conn, list(freed), "expired"))
            ended |= set(await due.hits_in_state(conn, list(freed), "cancelled"))
            for a in gone:
                if a.hit_id in ended:
                    hit = await hits.get(conn, a.hit_id)
                    assert hit is not None
                    await refund_released(conn, hit, a.assignment_id, now)
        self._freed.update(hit_id for hit_id in freed if hit_id not in ended)
        return len(gone)

    async def _waves(self, now: float) -> None:
        """Offer the slots abandonment freed to a new wave of workers, once per HIT a pass.

        Its own transaction after the deadlines are applied, so a large wave never delays
        them; if the process dies in between, the matcher's periodic waves top up instead.
        """
        freed, self._freed = sorted(self._freed), set()
        async with self.db.transaction() as conn:
            for hit_id in freed:
                hit = await hits.get(conn, hit_id)
                if hit is not None and hit.status is HitStatus.OPEN:
                    await self.waves.push(conn, hit, now)

    @retrying
    async def _remind(self, now: float) -> int:
        fractions = self.reminders
        async with self.db.transaction() as conn:
            found = await due.due_reminders(conn, now, self.batch)
            marks: list[tuple[int, int, float | None, int]] = []
            for r in found:
                times = reminder_times(r.accepted_at, r.deadline_at, fractions)
                latest = max((n for n, t in enumerate(times) if t <= now), default=-1)
                if latest >= r.reminders_sent:
                    await outbox.enqueue(
                        conn,
                        # The deadline in the key: "+N minutes" plans the reminders anew.
                        f"remind:{r.assignment_id}:{latest}:{r.deadline_at:.0f}",
                        r.tg_id,
                        "reminder",
                        Priority.REMINDER,
                        {"assignment_id": r.assignment_id, "n": latest},
                        now,
                    )
                    # The task message's own "N left" is redrawn with each reminder.
                    await stale.task_tick(
                        conn,
                        r.assignment_id,
                        f"tick:{r.assignment_id}:{latest}:{r.deadline_at:.0f}",
                        Priority.REMINDER,
                        now,
                    )
                sent = max(latest + 1, r.reminders_sent)
                next_at = times[sent] if sent < len(times) else None
                marks.append((r.assignment_id, sent, next_at, r.reminders_sent))
            await due.mark_reminded(conn, marks)
        # The next reminder is due before the next horizon load may come (a short task's
        # last reminder, minutes before its deadline): schedule it now.
        for assignment_id, sent, next_at, _ in marks:
            if next_at is not None:
                self.agenda.note(f"remind:{assignment_id}:{sent}", next_at)
        return len(found)

    @retrying
    async def _auto_approve(self, now: float) -> int:
        """Approve what waited past its delay; each requester is told, once per HIT (per
        batch, for its items) a pass."""
        approved: Counter[tuple[int | None, int]] = Counter()  # (batch, HIT or first item)
        owners: dict[tuple[int | None, int], int] = {}
        firsts: dict[int, int] = {}  # batch -> the first of its items approved
        async with self.db.transaction() as conn:
            ids = await due.due_auto_approvals(conn, now, self.batch)
            for assignment_id in ids:
                hit = await self.reviewing.auto_approve(conn, assignment_id, now)
                if hit is not None:
                    one = (
                        (None, hit.id)
                        if hit.batch_id is None
                        else (hit.batch_id, firsts.setdefault(hit.batch_id, hit.id))
                    )
                    approved[one] += 1
                    owners[one] = hit.requester_id
            for (batch_id, hit_id), count in approved.items():
                where = f"b{batch_id}" if batch_id is not None else str(hit_id)
                await due.notify_user(
                    conn,
                    f"autoapproved:{where}:{now:.3f}",
                    owners[(batch_id, hit_id)],
                    "auto_approved",
                    Priority.NOTIFICATION,
                    {"hit_id": hit_id, "count": count, "batch_id": batch_id},
                    now,
                )
        return len(ids)

    @retrying
    async def _expire(self, now: float) -> int:
        async with self.db.transaction() as conn:
            gone = await due.expire_due(conn, now, self.batch)
            for hit in gone:
                # Keep what work in progress or awaiting review may still claim (as a
                # cancel does); refund_released returns it if that work never comes.
                counts = await reads.slot_counts(conn, hit.hit_id)
                claimable = hit.slot_cents * (
                    counts.get("accepted", 0) + counts.get("submitted", 0)
                )
                refund = max(0, await reads.escrow_balance(conn, hit.hit_id) - claimable)
                if refund > 0:
                    await ledger.transfer(
                        conn,
                        f"expire:{hit.hit_id}",
                        ledger.escrow_account(hit.hit_id),
                        ledger.requester_account(hit.requester_id),
                        refund,
                        "refund",
                        now,
                    )
                await stale.closed_card_edits(conn, hit.hit_id, Priority.PUSH, now)
                await due.notify_user(
                    conn,
                    f"expired:{hit.hit_id}",
                    hit.requester_id,
                    "expired",
                    Priority.NOTIFICATION,
                    {"hit_id": hit.hit_id, "refund_cents": refund},
                    now,
                )
        return len(gone)
