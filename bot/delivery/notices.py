"""Turn outbox rows into screens at send time (so a push shows the slots left now)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.config import Later
from bot.deadlines import texts as deadlines_texts
from bot.delivery import screens as delivery_screens
from bot.delivery import texts as delivery_texts
from bot.delivery.channels import CHANNEL_KINDS, Channels
from bot.domain import AssignmentStatus, Button, Hit, HitStatus, Screen
from bot.fair import screens as fair_screens
from bot.fair.notices import KINDS as FAIR_KINDS
from bot.fair.notices import FairNotices
from bot.i18n import Translator, translator
from bot.market import texts as market_texts
from bot.market.reading import Reading
from bot.market.views import WorkView
from bot.matching import texts as matching_texts
from bot.money import texts as money_texts
from bot.requesting import texts as requesting_texts
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from bot.work.desk import HitCard, WorkerDesk
from storage import assignments, stale
from storage import offers as offer_store
from storage.db import Database
from storage.outbox import OutboxRow
from storage.usecases import UseCases

# A push wave's cards share the requester's record, the estimate and the questions: read
# once per HIT for this long (the HIT itself, its slots and its pause are read per push).
CARD_KEEP_S = 10.0
CARDS_KEPT = 256


class Notices(UseCases):
    """The renderer the broadcaster calls for each row."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        reading: Reading,
        desk: WorkerDesk,
        channels: Channels,
        bot_username: Later[str],
        *,
        reminders: tuple[float, ...] = (0.5, 0.2),
        preview_link: Callable[[Hit], Awaitable[str | None]] | None = None,
        task_link: Callable[[WorkView], Awaitable[str | None]] | None = None,
    ) -> None:
        super().__init__(db, clock)
        self.reading = reading
        self.desk = desk
        self.channels = channels  # channel cards and their edits
        self.bot_username = bot_username  # the cards' deep links; known once the bot starts
        self.reminders = reminders  # the last one carries the timer concierge
        self.fair = FairNotices(db, clock, reading)
        # push cards of a wave (_push_card): when first read, and the card once it is
        self._cards: dict[int, tuple[float, asyncio.Future[HitCard | None]]] = {}
        # Web tasks (MTurk API): a push carries a Preview link when this gives one ...
        self.preview_link = preview_link
        # ... and a task message the link that opens the task's page.
        self.task_link = task_link

    async def __call__(self, row: OutboxRow) -> Screen | None:
        """The screen for this row, in its recipient's language (a user's, or a linked
        channel's), or None when it is no longer worth sending."""
        t = translator(row.language)  # read with the row when it was claimed
        if row.kind == "push":
            return await self._push(t, int(row.payload["hit_id"]))
        if row.kind in ("approved", "rejected"):
            feedback = str(row.payload.get("feedback") or "")
            return await self._verdict(t, int(row.payload["assignment_id"]), feedback)
        if row.kind == "approved_batch":
            ids = [int(i) for i in row.payload["assignment_ids"]]
            return await self._batch_approved(t, ids, int(row.payload["cents"]))
        if row.kind == "bonus":
            return await self._bonus(t, row.payload)
        if row.kind == "filled":
            return await self._filled(t, int(row.payload["hit_id"]))
        if row.kind == "push_count":
            return await self._push_count(t, int(row.payload["hit_id"]), row.chat_id)
        if row.kind in CHANNEL_KINDS:
            card = await self.channels.card(row)
            return delivery_screens.channel_card(t, card, self.bot_username.get()) if card else None
        if row.kind == "deposited":
            p = row.payload
            return Screen(
                money_texts.deposited_notice(t, int(p["amount_cents"]), int(p["balance_cents"]))
            )
        if row.kind == "payout_paid":
            p = row.payload
            return Screen(
                money_texts.payout_paid_notice(
                    t, int(p["cents"]), str(p["method"]), str(p["address"])
                )
            )
        if row.kind == "payout_rejected":
            p = row.payload
            return Screen(money_texts.payout_rejected_notice(t, int(p["cents"]), str(p["reason"])))
        if row.kind == "funded":
            return Screen(market_texts.funded_notice(t, int(row.payload["amount_cents"])))
        if row.kind == "qualified":
            payload = row.payload
            return Screen(
                requesting_texts.qualified_notice(t, str(payload["name"]), int(payload["value"]))
            )
        if row.kind == "reminder":
            return await self._reminder(
                t, int(row.payload["assignment_id"]), int(row.payload.get("n", 0))
            )
        if row.kind == "abandoned":
            return await self._abandoned(t, int(row.payload["assignment_id"]))
        if row.kind == "auto_approved":
            batch = row.payload.get("batch_id")
            return await self._auto_approved(
                t,
                int(row.payload["hit_id"]),
                int(row.payload["count"]),
                int(batch) if batch is not None else None,
            )
        if row.kind in ("task_ended", "task_over"):
            return await self._task_over(t, int(row.payload["assignment_id"]))
        if row.kind == "task_tick":
            return await self._task_tick(t, int(row.payload["assignment_id"]))
        if row.kind == "reminder_over":
            return await self._reminder_over(t, int(row.payload["assignment_id"]))
        if row.kind == "expired":
            return await self._expired(
                t, int(row.payload["hit_id"]), int(row.payload["refund_cents"])
            )
        if row.kind in FAIR_KINDS:
            return await self.fair(t, row.kind, row.payload)
        if row.kind == "requester_message":
            p = row.payload
            return Screen(
                delivery_texts.requester_message_notice(
                    t,
                    str(p["from"]),
                    str(p["subject"]),
                    str(p["text"]),
                    int(str(p.get("part", 1))),
                    int(str(p.get("parts", 1))),
                )
            )
        if row.kind == "web_submitted":
            view = await self.reading.work_view(int(row.payload["assignment_id"]))
            return (
                Screen(work_texts.submitted(t, view.hit.title, view.hit.reward_cents))
                if view
                else None
            )
        if row.kind in ("offer", "offer_tick", "offer_end", "offer_open"):
            return await self._offer(t, row.kind, int(row.payload["offer_id"]))
        if row.kind == "offers_out":
            return await self._offers_out(t, int(row.payload["hit_id"]))
        raise ValueError(f"unknown outbox kind {row.kind!r}")

    async def _push(self, t: Translator, hit_id: int) -> Screen | None:
        found = await self._push_card(hit_id, self.clock.now())
        if found is None:
            return None
        found_card, paused = found
        hit = found_card.hit
        if hit.status is not HitStatus.OPEN or hit.slots_left <= 0:
            return None
        if paused:
            return None  # measured pay under the floor: wait for /raise (bot/market/pay_floor.py)
        card = worker_screens.card(
            t, found_card, await self.fair.compact_reputation(t, hit.requester_id)
        )
        link = await self.preview_link(hit) if self.preview_link is not None else None
        if link is not None:
            card = Screen(
                card.text, (*card.rows, (Button(t(delivery_texts.BTN_PREVIEW_TASK), url=link),))
            )
        return card

    async def _push_card(self, hit_id: int, now: float) -> tuple[HitCard, bool] | None:
        """The HIT read now; its requester's record, estimate and questions read once for
        the pushes of the next CARD_KEEP_S (those sent at once wait for the first read)."""
        kept = self._cards.get(hit_id)
        if kept is not None and now - kept[0] < CARD_KEEP_S:
            card = await asyncio.shield(kept[1])
            if card is not None:
                return await self.desk.push_card(hit_id, card)
        first: asyncio.Future[HitCard | None] = asyncio.get_running_loop().create_future()
        if len(self._cards) >= CARDS_KEPT:
            self._cards = {k: v for k, v in self._cards.items() if now - v[0] < CARD_KEEP_S}
        self._cards[hit_id] = (now, first)
        found = None
        try:
            found = await self.desk.push_card(hit_id, None)
        finally:
            first.set_result(found[0] if found is not None else None)
        return found

    async def _filled(self, t: Translator, hit_id: int) -> Screen | None:
        """An earlier push (or a lapsed offer), rewritten once its HIT (its batch) has no
        slot left, or was cancelled or expired; nothing while a slot is free."""
        hit = await self.reading.hit(hit_id)
        if hit is None:
            return None
        if hit.status in (HitStatus.CANCELLED, HitStatus.EXPIRED):
            return Screen(delivery_texts.push_closed(t, hit.title, hit.status.value))
        if hit.status is HitStatus.OPEN and await self._slots_left(t, hit) > 0:
            return None
        return Screen(delivery_texts.push_filled(t, hit.title))

    async def _slots_left(self, t: Translator, hit: Hit) -> int:
        """Free slots of the HIT, or of its whole batch (a batch's card stands for all)."""
        if hit.batch_id is None:
            return hit.slots_left
        found = await self.desk.card(hit.id)
        return found.batch[0] if found is not None and found.batch else 0

    async def _push_count(self, t: Translator, hit_id: int, chat_id: int) -> Screen | None:
        """An unanswered push card redrawn with the slots left now (a closed HIT's card
        says so instead, without Accept); nothing once it was skipped or became a task."""
        hit = await self.reading.hit(hit_id)
        if hit is None:
            return None
        async with self.db.reading() as conn:
            if not await stale.card_unanswered(conn, hit_id, chat_id):
                return None
        if hit.status is HitStatus.OPEN and await self._slots_left(t, hit) > 0:
            return await self._push(t, hit_id)
        return await self._filled(t, hit_id)

    async def _verdict(
        self, t: Translator, assignment_id: int, feedback: str = ""
    ) -> Screen | None:
        view = await self.reading.work_view(assignment_id)
        if view is None:
            return None
        a = view.assignment
        if a.reject_reason is not None:
            return Screen(
                work_texts.rejected_notice(t, view.hit.title, a.reject_reason),
                fair_screens.verdict_rows(t, a.id, rejected=True),
            )
        return Screen(
            work_texts.approved_notice(t, view.hit.title, view.hit.reward_cents, feedback),
            fair_screens.verdict_rows(t, a.id, rejected=False),
        )

    async def _batch_approved(
        self, t: Translator, assignment_ids: list[int], cents: int
    ) -> Screen | None:
        """Items of one batch approved together: one notice, their count and total."""
        view = await self.reading.work_view(assignment_ids[-1])
        if view is None:
            return None
        return Screen(
            work_texts.approved_items_notice(t, view.hit.title, len(assignment_ids), cents),
            fair_screens.verdict_rows(t, view.assignment.id, rejected=False),
        )

    async def _bonus(self, t: Translator, payload: dict[str, object]) -> Screen:
        """A bonus: the amount, the requester's reason, and the HIT when it names one."""
        title = None
        if "assignment_id" in payload:
            view = await self.reading.work_view(int(str(payload["assignment_id"])))
            title = view.hit.title if view else None
        return Screen(
            requesting_texts.bonus_notice(
                t, int(str(payload["amount_cents"])), str(payload["reason"]), title
            )
        )

    async def _running(self, assignment_id: int) -> tuple[WorkView, float] | None:
        """Work in progress with time left: its view and the time now; else None."""
        view = await self.reading.work_view(assignment_id)
        now = self.clock.now()
        if view is None or view.assignment.status is not AssignmentStatus.ACCEPTED:
            return None
        if view.assignment.deadline_at <= now:
            return None
        return view, now

    async def _reminder(self, t: Translator, assignment_id: int, n: int = 0) -> Screen | None:
        """Time left now; nothing if the work was handed in or the time is already up.

        The last reminder carries the timer concierge (bot/deadlines/holds.py).
        """
        running = await self._running(assignment_id)
        if running is None:
            return None
        view, now = running
        if n == len(self.reminders) - 1:
            async with self.db.reading() as conn:
                found = await offer_store.extension(conn, assignment_id)
            unused = found.extend_s if found is not None and not found.extended_s else None
            return worker_screens.last_reminder(t, view, now, unused)
        return worker_screens.reminder(t, view, now)

    async def _abandoned(self, t: Translator, assignment_id: int) -> Screen | None:
        view = await self.reading.work_view(assignment_id)
        if view is None:
            return None
        return Screen(deadlines_texts.abandoned_notice(t, view.hit.title))

    async def _auto_approved(
        self, t: Translator, hit_id: int, count: int, batch_id: int | None = None
    ) -> Screen | None:
        hit = await self.reading.hit(hit_id)
        if hit is None:
            return None
        return Screen(
            deadlines_texts.auto_approved_notice(
                t, hit.id, hit.title, count, hit.auto_approve_s, batch_id
            )
        )

    async def _task_over(self, t: Translator, assignment_id: int) -> Screen | None:
        """The task message of work no longer in progress: where it stands, no buttons
        left to tap (time ran out, handed in elsewhere, returned from a reminder, reviewed)."""
        view = await self.reading.work_view(assignment_id)
        if view is None or view.assignment.message_id is None:
            return None  # its message shows the batch's next item now (bot/work/tagging.py)
        a, title = view.assignment, view.hit.title
        if a.status is AssignmentStatus.ABANDONED:
            return Screen(work_texts.task_time_up(t, title))
        if a.status is AssignmentStatus.SUBMITTED:
            return Screen(work_texts.submitted(t, title, view.hit.reward_cents))
        if a.status in (AssignmentStatus.APPROVED, AssignmentStatus.REJECTED):
            approved = a.status is AssignmentStatus.APPROVED
            return Screen(work_texts.task_reviewed(t, title, view.hit.reward_cents, approved))
        if a.status is AssignmentStatus.RETURNED:
            return Screen(work_texts.returned(t, title))
        return None  # still in progress

    async def _task_tick(self, t: Translator, assignment_id: int) -> Screen | None:
        """The task message of running work, redrawn with the time left now."""
        running = await self._running(assignment_id)
        if running is None:
            return None
        view, now = running
        link = await self.task_link(view) if self.task_link is not None else None
        return worker_screens.with_task_link(t, view, now, link)

    async def _reminder_over(self, t: Translator, assignment_id: int) -> Screen | None:
        """A reminder of work that is over: what became of it, no buttons."""
        view = await self.reading.work_view(assignment_id)
        if view is None or view.assignment.status is AssignmentStatus.ACCEPTED:
            return None
        batch_item = view.hit.batch_id is not None
        return Screen(
            deadlines_texts.reminder_over(
                t, view.hit.title, view.assignment.status.value, batch_item
            )
        )

    async def _expired(self, t: Translator, hit_id: int, refund_cents: int) -> Screen | None:
        hit = await self.reading.hit(hit_id)
        if hit is None:
            return None
        return Screen(deadlines_texts.expired_notice(t, hit.id, hit.title, refund_cents))

    async def _took(self, t: Translator, worker_id: int, hit_id: int) -> bool:
        async with self.db.reading() as conn:
            return await assignments.for_worker_and_hit(conn, worker_id, hit_id) is not None

    async def _offers_out(self, t: Translator, hit_id: int) -> Screen | None:
        """To the requester: nobody in line took the HIT's free slots; they are anyone's."""
        hit = await self.reading.hit(hit_id)
        now = self.clock.now()
        if hit is None or hit.status is not HitStatus.OPEN or (hit.expires_at or 0) <= now:
            return None
        async with self.db.reading() as conn:
            tally = await offer_store.tally(conn, hit_id, now)
        if tally.open_slots <= 0:
            return None  # taken meanwhile
        return Screen(
            matching_texts.offers_out(
                t,
                hit.id,
                hit.title,
                tally.offered,
                tally.taken,
                tally.open_slots,
                (hit.expires_at or now) - now,
            )
        )

    async def _offer(self, t: Translator, kind: str, offer_id: int) -> Screen | None:
        """A timed offer, its countdown (while still held) or its passing on."""
        async with self.db.reading() as conn:
            hold = await offer_store.hold(conn, offer_id)
        if hold is None:
            return None
        hit = await self.reading.hit(hold.hit_id)
        if hit is None:
            return None
        now = self.clock.now()
        if kind in ("offer_end", "offer_open"):
            if hold.status != "expired" and (kind == "offer_end" or hold.status != "declined"):
                return None
            if hit.status is not HitStatus.OPEN or (hit.expires_at or 0) <= now:
                return Screen(
                    work_texts.offer_ended(t, hit.title)
                )  # paused, cancelled...: nobody next
            async with self.db.reading() as conn:
                tally = await offer_store.tally(conn, hit.id, now)
            if tally.open_slots > 0:  # nobody else in line: the slot is anyone's
                if kind == "offer_open" and await self._took(t, hold.worker_id, hit.id):
                    return None  # took one since (from /hits): the task is elsewhere
                return worker_screens.open_offer(t, hit)
            if kind == "offer_open":
                return None  # held again, or full (the fill edit says so)
            return Screen(work_texts.offer_passed(t, hit.title))
        left = hold.expires_at - now
        if hold.status != "held" or left < 1 or hit.status is not HitStatus.OPEN:
            return None
        found = await self.desk.card(hit.id)
        if found is None:
            return None
        reputation = await self.fair.compact_reputation(t, hit.requester_id)
        return worker_screens.offer(t, found, left, reputation)
