"""A requester's HITs and batches: progress, pause, resume, cancel with refund (once)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Hit, HitProgress, HitStatus, Priority, User
from bot.requesting.results import ManageResult
from storage import hits, ledger, stale
from storage import requesting as reads
from storage import timers as due
from storage.db import Conn, retrying
from storage.usecases import UseCases

SHOWN = 8
LIVE = (HitStatus.OPEN, HitStatus.PAUSED)


class Managing(UseCases):
    """Progress and lifecycle controls for the requester's own work."""

    async def progress(self, requester: User, page: int = 1) -> tuple[list[HitProgress], int]:
        """One page of HITs and batches, newest first, each with its slot counts and escrow
        left; and how many HITs and batches there are in all."""
        shown: list[HitProgress] = []
        async with self.db.reading() as conn:
            heads, total = await hits.group_heads(conn, requester.id, SHOWN, (page - 1) * SHOWN)
            for batch_id, hit_id in heads:
                if batch_id is not None:
                    group = await hits.in_batch(conn, batch_id)
                else:
                    found = await hits.get(conn, hit_id)
                    group = [found] if found is not None else []
                if group:
                    shown.append(await _progress(conn, group))
        return shown, total

    async def card(self, requester: User, scope: str, target_id: int) -> HitProgress | None:
        """The progress of one of the requester's HITs ('h') or batches ('b')."""
        async with self.db.reading() as conn:
            group = await _targets(conn, requester, scope, target_id)
            return await _progress(conn, group) if group else None

    async def page_of(self, requester: User, scope: str, target_id: int) -> int:
        """The /myhits page (from 1) a HIT ('h') or batch ('b') of this requester is on."""
        async with self.db.reading() as conn:
            group = await _targets(conn, requester, scope, target_id)
            if not group:
                return 1
            head = max(h.id for h in group)
            return await hits.newer_groups(conn, requester.id, head) // SHOWN + 1

    async def targets(self, requester: User, scope: str, target_id: int) -> list[Hit]:
        """The requester's HITs a button points at: one HIT ('h') or a batch ('b')."""
        async with self.db.reading() as conn:
            return await _targets(conn, requester, scope, target_id)

    async def pause(self, requester: User, scope: str, target_id: int) -> ManageResult:
        """Stop new accepts; work in progress may still be submitted."""
        return await self._move(requester, scope, target_id, (HitStatus.OPEN,), HitStatus.PAUSED)

    async def resume(self, requester: User, scope: str, target_id: int) -> ManageResult:
        return await self._move(requester, scope, target_id, (HitStatus.PAUSED,), HitStatus.OPEN)

    @retrying
    async def _move(
        self,
        requester: User,
        scope: str,
        target_id: int,
        from_statuses: tuple[HitStatus, ...],
        to_status: HitStatus,
    ) -> ManageResult:
        async with self.db.transaction() as conn:
            found = await _targets(conn, requester, scope, target_id)
            if not found:
                return ManageResult.NOT_FOUND
            moved = 0
            resumed: list[tuple[int, float]] = []
            now = self.clock.now()
            for hit in found:
                # Pausing keeps the lifetime left and resuming restores it, so a paused HIT
                # does not expire early.
                if to_status is HitStatus.PAUSED:
                    moved += await due.pause(conn, hit.id, requester.id, now)
                elif from_statuses == (HitStatus.PAUSED,) and to_status is HitStatus.OPEN:
                    expires_at = await due.resume(conn, hit.id, requester.id, now)
                    if expires_at is not None:
                        moved += 1
                        resumed.append((hit.id, expires_at))
                else:
                    moved += await hits.change_status(conn, hit.id, from_statuses, to_status)
        for hit_id, expires_at in resumed:
            self.on_timer(f"expire:{hit_id}", expires_at)
        return ManageResult.OK if moved else ManageResult.NOT_NOW

    @retrying
    async def cancel(self, requester: User, scope: str, target_id: int) -> tuple[ManageResult, int]:
        """Cancel open or paused HITs; refund escrow no assignment can still claim, once.

        Work already accepted or submitted keeps its reward in escrow (it may still be
        approved). The refund's ledger key is per HIT, so a double tap refunds once.
        """
        now = self.clock.now()
        refunded = 0
        async with self.db.transaction() as conn:
            found = await _targets(conn, requester, scope, target_id)
            if not found:
                return ManageResult.NOT_FOUND, 0
            cancelled = 0
            for hit in found:
                if not await hits.change_status(conn, hit.id, LIVE, HitStatus.CANCELLED):
                    continue
                cancelled += 1
                # Its push cards (and open offers) lose Accept and say it was withdrawn.
                await stale.closed_card_edits(conn, hit.id, Priority.PUSH, now)
                counts = await reads.slot_counts(conn, hit.id)
                claimable = hit.slot_cents * (
                    counts.get("accepted", 0) + counts.get("submitted", 0)
                )
                refund = await reads.escrow_balance(conn, hit.id) - claimable
                if refund > 0 and await ledger.transfer(
                    conn,
                    f"cancel:{hit.id}",
                    ledger.escrow_account(hit.id),
                    ledger.requester_account(requester.id),
                    refund,
                    "cancel",
                    now,
                ):
                    refunded += refund
        if cancelled:
            self.on_outbox()
        return (ManageResult.OK if cancelled else ManageResult.NOT_NOW), refunded

    async def cancel_preview(
        self, requester: User, scope: str, target_id: int
    ) -> tuple[ManageResult, CancelPreview | None]:
        """The refund Managing.cancel would make now, and the work it would leave running;
        NOT_FOUND for someone else's HIT, NOT_NOW if nothing of it is open or paused."""
        async with self.db.reading() as conn:
            found = await _targets(conn, requester, scope, target_id)
            if not found:
                return ManageResult.NOT_FOUND, None
            live = [h for h in found if h.status in LIVE]
            if not live:
                return ManageResult.NOT_NOW, None
            open_slots = refund = 0
            for hit in live:
                # as cancel computes it: the escrow no accepted or submitted work can claim
                counts = await reads.slot_counts(conn, hit.id)
                taken = counts.get("accepted", 0) + counts.get("submitted", 0)
                left = max(0, await reads.escrow_balance(conn, hit.id) - hit.slot_cents * taken)
                refund += left
                open_slots += left // hit.slot_cents if hit.slot_cents else 0
            progress = await _progress(conn, found)
        return ManageResult.OK, CancelPreview(progress, open_slots, refund)


async def _targets(conn: Conn, requester: User, scope: str, target_id: int) -> list[Hit]:
    if scope == "b":
        found = await hits.in_batch(conn, target_id)
    else:
        one = await hits.get(conn, target_id)
        found = [one] if one is not None else []
    return [h for h in found if h.requester_id == requester.id and h.status is not HitStatus.DRAFT]


async def _progress(conn: Conn, group: list[Hit]) -> HitProgress:
    counts: dict[str, int] = {}
    escrow = 0
    for hit in group:
        for status, n in (await reads.slot_counts(conn, hit.id)).items():
            counts[status] = counts.get(status, 0) + n
        escrow += await reads.escrow_balance(conn, hit.id)
    first = group[0]
    statuses = {h.status for h in group}
    status = next((s for s in (HitStatus.OPEN, HitStatus.PAUSED) if s in statuses), first.status)
    return HitProgress(
        hit_id=first.id,
        batch_id=first.batch_id,
        title=first.title,
        kind=first.kind,
        status=status,
        hits=len(group),
        slots=sum(h.max_assignments for h in group),
        submitted=counts.get("submitted", 0),
        approved=counts.get("approved", 0),
        rejected=counts.get("rejected", 0),
        in_progress=counts.get("accepted", 0),
        escrow_cents=escrow,
    )


@dataclass(frozen=True, slots=True)
class CancelPreview:
    """What cancelling would do now: refund open slots, leave work in progress alone."""

    progress: HitProgress
    open_slots: int
    refund_cents: int
