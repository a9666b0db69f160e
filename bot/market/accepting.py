"""Accepting: a worker takes a slot, never past max assignments, one per worker per HIT.

The race-critical step is one conditional statement (storage/offers.claim_slot). No
Telegram here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Unpack

from bot.clock import Clock
from bot.domain import Assignment, HitStatus, Priority, User
from bot.market.reading import Reading
from bot.market.results import AcceptOutcome, AcceptResult
from bot.market.views import WorkView, next_reminder
from storage import accepting, assignments, hits, listing, outbox, stale
from storage import offers as offer_store
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

BATCH_RETRIES = 3  # next items tried when a batch card's item fills under a worker's tap
COUNTED_KEPT = 1000  # HITs whose push-card counter walk is remembered (this minute's)
KNOWN_KEPT = 20_000  # HITs whose batch a process keeps in mind (then it starts over)


class Accepting(UseCases):
    """Accepting HITs, race-safe, on one database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        reading: Reading,
        *,
        max_active: int,
        reminders: tuple[float, ...] = (0.5, 0.2),
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.reading = reading  # the task as accepted is built from what the accept read
        self.max_active = max_active  # tasks a worker may hold at once
        self.reminders = reminders
        # Push-card counters: per HIT (batch), the minute and the outbox id from which this
        # minute's next accept walks the cards (storage/stale.count_edits), so one accept
        # costs the cards sent since the last, not all of them.
        self._counted: dict[tuple[str, int], tuple[int, int]] = {}
        # HIT id -> its batch id (never changes), for the HITs this process has seen taken:
        # their next accept reads nothing first on PostgreSQL (_take_unread)
        self._batch_of: dict[int, int | None] = {}

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
        try:
            return await self._accept(worker, hit_id, shown_in)
        except _TakenMeanwhile:  # rolled back; now the other tap's assignment is seen
            return await self._accept(worker, hit_id, shown_in)

    @retrying
    async def _accept(
        self, worker: User, hit_id: int, shown_in: tuple[int, int] | None
    ) -> AcceptOutcome:
        now = self.clock.now()
        unread = await self._take_unread(worker, hit_id, shown_in, now)
        if unread is not None:
            return unread
        counted: tuple[tuple[str, int], int] | None = None  # this minute's walk, once done
        # PostgreSQL: no transaction unless the accept fills the HIT (see below).
        async with self.db.single_write(quick=True) as conn:
            facts = await accepting.accept_facts(conn, hit_id, worker.id)
            if facts is None or facts.hit.status is HitStatus.DRAFT:
                return AcceptOutcome(AcceptResult.NOT_FOUND)
            hit = facts.hit
            self._remember_batch(hit_id, hit.batch_id)
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
            deadline = now + hit.time_allotted_s
            remind_at = next_reminder(now, deadline, self.reminders, 0)
            # A batch's push stands for the whole batch: it is not "filled" by one item.
            item_full = hit.slots_used + 1 >= hit.max_assignments
            filled = False
            # Unanswered cards show the slots left, redrawn at most once a minute.
            scope = ("batch", hit.batch_id) if hit.batch_id is not None else ("hit", hit_id)
            minute, since = self._counted.get(scope, (None, 0))
            if minute != stale.count_minute(now):
                since = 0  # a new minute: every card gets this minute's redraw
            if self.db.is_postgres and not item_full:
                # The slot, the hold used up, the assignment, MTurk's AutoGranted types and
                # the other cards' counter redraw: one statement, no transaction.
                recount = accepting.Recount(hit.batch_id, worker.tg_id, Priority.PUSH, since)
                took = await accepting.take(
                    conn, hit_id, worker.id, now, deadline, remind_at, shown_in,
                    facts.required, recount,
                )  # fmt: skip
                claimed, created, counted_to = took.claimed, took.made, took.since
                if not claimed:
                    return await self._not_claimed(conn, hit_id, worker, now)
                if created is None:  # the same worker's other tap won meanwhile
                    raise _TakenMeanwhile  # nothing of this statement stayed
                assert counted_to is not None
                counted = (scope, counted_to)
            else:
                async with self.db.one_transaction(conn):
                    # The slot, the hold used up, the assignment and MTurk's AutoGranted types.
                    took = await accepting.take(
                        conn, hit_id, worker.id, now, deadline, remind_at, shown_in,
                        facts.required,
                    )  # fmt: skip
                    claimed, created = took.claimed, took.made
                    if not claimed:
                        return await self._not_claimed(conn, hit_id, worker, now)
                    if created is None:  # the same worker's other tap won meanwhile
                        raise _TakenMeanwhile  # undo the slot claimed above
                    filled = item_full and hit.batch_id is None
                    if filled:  # one statement queues one edit per earlier push
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
                    else:
                        since = await stale.recount(
                            conn, hit_id, hit.batch_id, worker.tg_id, Priority.PUSH, now, since
                        )
                        counted = (scope, since)
            # The task as it now stands, without reading it back: the HIT with the slot
            # claimed above (nothing else of it changed here) and no answers yet.
            taken = replace(hit, slots_used=hit.slots_used + 1)
            view = await self.reading.accepted_view(conn, taken, created)
        if counted is not None:  # committed: the next accept this minute starts there
            self._remember_counted(*counted, now)
        if filled:
            self.on_outbox()
        return self._accepted(created, view)

    async def _take_unread(
        self, worker: User, hit_id: int, shown_in: tuple[int, int] | None, now: float
    ) -> AcceptOutcome | None:
        """PostgreSQL, a HIT this process has seen taken (its batch known): the accept as
        one statement and no read before it, when it fills nothing; the statement checks
        what the read would have (storage/accepting.Unread). None: it took nothing (the
        caller reads why, or takes the slot after all)."""
        if not self.db.is_postgres or hit_id not in self._batch_of:
            return None
        batch_id = self._batch_of[hit_id]
        scope = ("batch", batch_id) if batch_id is not None else ("hit", hit_id)
        minute, since = self._counted.get(scope, (None, 0))
        if minute != stale.count_minute(now):
            since = 0  # a new minute: every card gets this minute's redraw
        recount = accepting.Recount(batch_id, worker.tg_id, Priority.PUSH, since)
        first = max(self.reminders) if self.reminders else None
        unread = accepting.Unread(self.max_active, first)
        async with self.db.single_write(quick=True) as conn:
            took = await accepting.take(
                conn, hit_id, worker.id, now, 0.0, None, shown_in, False, recount, unread
            )
            if took.made is None or took.hit is None or took.since is None:
                return None  # nothing of the statement stayed
            view = await self.reading.accepted_view(conn, took.hit, took.made)
        self._remember_counted(scope, took.since, now)
        return self._accepted(took.made, view)

    def _accepted(self, created: Assignment, view: WorkView) -> AcceptOutcome:
        """The accept's outcome, its deadline and first reminder told to the timers."""
        self.on_timer(f"deadline:{created.id}", created.deadline_at)
        remind_at = next_reminder(created.accepted_at, created.deadline_at, self.reminders, 0)
        if remind_at is not None:
            self.on_timer(f"remind:{created.id}:0", remind_at)
        return AcceptOutcome(AcceptResult.OK, created, view)

    def _remember_batch(self, hit_id: int, batch_id: int | None) -> None:
        if len(self._batch_of) >= KNOWN_KEPT:
            self._batch_of.clear()
        self._batch_of[hit_id] = batch_id

    async def _not_claimed(
        self, conn: Conn, hit_id: int, worker: User, now: float
    ) -> AcceptOutcome:
        """No slot was free for the worker: held for others, or full."""
        if await offer_store.held_for_others(conn, hit_id, worker.id, now):
            return AcceptOutcome(AcceptResult.HELD)
        return AcceptOutcome(AcceptResult.FULL)

    def _remember_counted(self, scope: tuple[str, int], since: int, now: float) -> None:
        minute = stale.count_minute(now)
        if len(self._counted) >= COUNTED_KEPT:  # forget the HITs of past minutes
            self._counted = {k: v for k, v in self._counted.items() if v[0] == minute}
        self._counted[scope] = (minute, since)


class _TakenMeanwhile(Exception):
    """The same worker's concurrent tap made the assignment first (several processes on
    PostgreSQL): this attempt is rolled back and answered as 'already yours'."""
