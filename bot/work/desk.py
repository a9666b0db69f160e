"""A worker's read side and settings: cards, deep links, /hits, /next, /earnings, /status,
preferences and mutes. Use-cases return views or result enums; no Telegram here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain import (
    Assignment,
    AssignmentStatus,
    Estimate,
    Hit,
    HitKind,
    HitSort,
    HitStatus,
    ListedHit,
    Question,
    User,
    WorkerPrefs,
)
from bot.work.results import LinkResult, Period
from storage import assignments, estimates, hits, ledger, listing, money, offers, users, workers
from storage.db import Conn, retrying
from storage.usecases import UseCases
from storage.workers import PeriodTotals

PAGE_SIZE = 5


@dataclass(frozen=True, slots=True)
class HitCard:
    """What a push card and a preview show about one HIT."""

    hit: Hit
    requester_name: str
    approved: int
    rejected: int
    estimate: Estimate
    questions: list[Question]
    batch: tuple[int, int, int] | None = None  # a batch's (slots left, slots, items)


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    result: LinkResult
    card: HitCard | None = None
    assignment: Assignment | None = None


@dataclass(frozen=True, slots=True)
class HitPage:
    items: list[ListedHit]
    total: int
    page: int
    sort: HitSort
    kind: HitKind | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass(frozen=True, slots=True)
class EarningsReport:
    balance_cents: int
    pending_cents: int
    pending: int
    approved_cents: int
    approved: int
    rejected: int
    bonus_cents: int
    periods: list[tuple[Period, PeriodTotals]]
    # the latest withdrawals: (cents, state: pending | paid | rejected, method, reason)
    payouts: list[tuple[int, str, str, str | None]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StatusReport:
    alias: str
    counts: dict[AssignmentStatus, int]
    qualifications: list[str]
    active: list[tuple[Assignment, Hit]]

    @property
    def reviewed(self) -> int:
        return self.counts.get(AssignmentStatus.APPROVED, 0) + self.counts.get(
            AssignmentStatus.REJECTED, 0
        )

    @property
    def submitted_total(self) -> int:
        """Everything ever handed in (waiting, approved or rejected)."""
        return self.reviewed + self.counts.get(AssignmentStatus.SUBMITTED, 0)


def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone called `name`, or None: "Europe/Berlin" -> ZoneInfo."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class WorkerDesk(UseCases):
    """The worker's read side over the marketplace's database."""

    async def card(self, hit_id: int) -> HitCard | None:
        """The card of one HIT, whatever its state."""
        async with self.db.reading() as conn:
            return await self._card(conn, hit_id)

    async def push_card(self, hit_id: int, kept: HitCard | None) -> tuple[HitCard, bool] | None:
        """A push's card and whether the HIT's pushes are paused, on one connection: the HIT
        (status, slots, pause) and a batch's slots read now; the requester's record, the
        estimate and the questions taken from `kept`, this HIT's card of a moment ago, if
        given (a wave shows the same ones to everybody). With `kept` it is two indexed
        reads, on SQLite on the loop's own thread (`quick`: no hand-off to aiosqlite's)."""
        async with self.db.reading(quick=kept is not None) as conn:
            found = await hits.with_pause(conn, hit_id)
            if found is None or found[0].status is HitStatus.DRAFT:
                return None
            hit, paused = found
            if kept is None:
                return await self._card_of(conn, hit), paused
            batch = None if hit.batch_id is None else await hits.batch_slots(conn, hit.batch_id)
            return replace(kept, hit=hit, batch=batch), paused

    async def _card(self, conn: Conn, hit_id: int) -> HitCard | None:
        hit = await hits.get(conn, hit_id)
        if hit is None or hit.status is HitStatus.DRAFT:
            return None
        return await self._card_of(conn, hit)

    async def _card_of(self, conn: Conn, hit: Hit) -> HitCard:
        requester = await users.by_id(conn, hit.requester_id)
        approved, rejected = await workers.requester_record(conn, hit.requester_id)
        return HitCard(
            hit,
            requester.first_name if requester else "?",
            approved,
            rejected,
            await estimates.estimate(conn, hit.id),
            await hits.questions(conn, hit.id),
            await hits.batch_slots(conn, hit.batch_id) if hit.batch_id is not None else None,
        )

    async def open_hit(self, worker: User, hit_id: int) -> LinkOutcome:
        """What `/start hit_<id>` (or an Open button) shows this worker."""
        now = self.clock.now()
        async with self.db.reading() as conn:
            card = await self._card(conn, hit_id)
            if card is None:
                return LinkOutcome(LinkResult.UNKNOWN)
            mine = await assignments.for_worker_and_hit(conn, worker.id, hit_id)
            if mine is not None and mine.status is AssignmentStatus.ACCEPTED:
                if mine.deadline_at > now:
                    return LinkOutcome(LinkResult.YOURS, card, mine)
            if mine is not None:
                return LinkOutcome(LinkResult.DONE, card)
            if card.hit.requester_id == worker.id:
                return LinkOutcome(LinkResult.OWN, card)
            if card.hit.status is not HitStatus.OPEN or (card.hit.expires_at or 0) <= now:
                return LinkOutcome(LinkResult.EXPIRED, card)
            if card.hit.slots_left <= 0:
                return LinkOutcome(LinkResult.FULL, card)
            if await offers.held_for_others(conn, hit_id, worker.id, now):
                if (await offers.tally(conn, hit_id, now)).open_slots <= 0:
                    return LinkOutcome(LinkResult.HELD, card)
            found = await listing.visible_hits(
                conn, worker.id, now, with_prefs=False, hit_id=hit_id, limit=1
            )
            if not found:
                return LinkOutcome(LinkResult.UNAVAILABLE, card)
            return LinkOutcome(LinkResult.OK, card)

    async def open_batch(self, worker: User, batch_id: int) -> LinkOutcome:
        """What `/start batch_<id>` shows: the batch's next HIT this worker may take."""
        now = self.clock.now()
        async with self.db.reading() as conn:
            if not await workers.batch_exists(conn, batch_id):
                return LinkOutcome(LinkResult.UNKNOWN)
            found = await listing.visible_hits(
                conn, worker.id, now, with_prefs=False, batch_id=batch_id, limit=1
            )
            if not found and await workers.batch_has_room(conn, batch_id, worker.id, now):
                return LinkOutcome(LinkResult.UNAVAILABLE)  # not qualified, or blocked
            if not found:
                return LinkOutcome(LinkResult.BATCH_DONE)
            return LinkOutcome(LinkResult.OK, await self._card(conn, found[0].hit.id))

    async def next_in_batch(self, worker: User, batch_id: int) -> int | None:
        """The id of the batch's next HIT this worker may take."""
        async with self.db.reading() as conn:
            found = await listing.visible_hits(
                conn, worker.id, self.clock.now(), with_prefs=False, batch_id=batch_id, limit=1
            )
        return found[0].hit.id if found else None

    async def page(self, worker: User, sort: HitSort, kind: HitKind | None, page: int) -> HitPage:
        """One page of /hits."""
        now = self.clock.now()
        async with self.db.reading() as conn:
            total = await listing.count_visible(conn, worker.id, now, kind=kind)
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(max(0, page), pages - 1)
            items = await listing.visible_hits(
                conn,
                worker.id,
                now,
                kind=kind,
                sort=sort,
                limit=PAGE_SIZE,
                offset=page * PAGE_SIZE,
            )
        return HitPage(items, total, page, sort, kind)

    async def best(self, worker: User) -> HitCard | None:
        """The HIT paying most per minute of work that this worker may take now."""
        async with self.db.reading() as conn:
            found = await listing.visible_hits(
                conn, worker.id, self.clock.now(), sort=HitSort.PER_MINUTE, limit=1
            )
            return await self._card(conn, found[0].hit.id) if found else None

    # -- money and status ----------------------------------------------------------------

    async def pending_cents(self, worker: User) -> int:
        """Rewards of the worker's submitted work waiting for review (one query)."""
        async with self.db.reading() as conn:
            return await assignments.pending_cents(conn, worker.id)

    async def earnings(self, worker: User) -> EarningsReport:
        """Pending, approved, bonuses and balance; today, 7 days and all time."""
        now = self.clock.now()
        account = ledger.worker_account(worker.id)
        async with self.db.reading() as conn:
            tz = zone((await workers.prefs(conn, worker.id)).timezone) or ZoneInfo("UTC")
            local = datetime.fromtimestamp(now, tz)
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            starts = [
                (Period.TODAY, midnight.timestamp()),
                (Period.WEEK, (midnight - timedelta(days=6)).timestamp()),
                (Period.ALL, 0.0),
            ]
            counts = await assignments.status_counts(conn, worker.id)
            periods = [
                (period, await workers.period_totals(conn, worker.id, since))
                for period, since in starts
            ]
            return EarningsReport(
                balance_cents=await ledger.balance(conn, account),
                pending_cents=await assignments.pending_cents(conn, worker.id),
                pending=counts.get(AssignmentStatus.SUBMITTED, 0),
                approved_cents=await ledger.received(conn, account, "approve"),
                approved=counts.get(AssignmentStatus.APPROVED, 0),
                rejected=counts.get(AssignmentStatus.REJECTED, 0),
                bonus_cents=await ledger.received(conn, account, "bonus"),
                periods=periods,
                payouts=[
                    (p.cents, p.status, p.method, p.reason)
                    for p in await money.worker_payouts(conn, worker.id)
                ],
            )

    async def status(self, worker: User) -> StatusReport:
        """Approval record, counts per state, qualifications, work in progress."""
        async with self.db.reading() as conn:
            counts = await assignments.status_counts(conn, worker.id)
            active = await self._in_progress(conn, worker)
            return StatusReport(
                worker.alias, counts, await workers.qualification_names(conn, worker.id), active
            )

    async def in_progress(self, worker: User) -> list[tuple[Assignment, Hit]]:
        """The worker's accepted assignments whose time is not up, with their HITs."""
        async with self.db.reading() as conn:
            return await self._in_progress(conn, worker)

    async def _in_progress(self, conn: Conn, worker: User) -> list[tuple[Assignment, Hit]]:
        now = self.clock.now()
        active = []
        for a in await workers.active_assignments(conn, worker.id):
            hit = await hits.get(conn, a.hit_id)
            if hit is not None and a.deadline_at > now:
                active.append((a, hit))
        return active

    async def qualification_name(self, qualification_id: int) -> str | None:
        async with self.db.reading() as conn:
            return await workers.qualification_name(conn, qualification_id)

    # -- the language gigbot speaks, and preferences and mutes ----------------------------

    @retrying
    async def set_language(self, user: User, language: str) -> None:
        """Speak `language` (a code of bot/i18n.LANGUAGES) to this user from now on."""
        async with self.db.transaction() as conn:
            await users.set_language(conn, user.tg_id, language)

    async def prefs(self, worker: User) -> WorkerPrefs:
        async with self.db.reading() as conn:
            return await workers.prefs(conn, worker.id)

    @retrying
    async def save_prefs(self, worker: User, prefs: WorkerPrefs) -> None:
        """Store the worker's preferences in full."""
        async with self.db.transaction() as conn:
            await workers.save_prefs(conn, worker.id, prefs)

    @retrying
    async def mute(self, worker: User, hit_id: int) -> Hit | None:
        """Stop offering the HIT's requester to this worker; the HIT, or None if unknown."""
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id == worker.id:
                return None
            await workers.mute(conn, worker.id, hit.requester_id, self.clock.now())
            return hit

    @retrying
    async def unmute(self, worker: User, requester_id: int) -> bool:
        async with self.db.transaction() as conn:
            return await workers.unmute(conn, worker.id, requester_id)
