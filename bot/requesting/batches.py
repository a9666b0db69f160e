"""Tagging batches: one draft HIT per uploaded item, published together with one escrow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from bot.clock import Clock
from bot.domain import (
    Batch,
    Hit,
    HitKind,
    HitStatus,
    QuestionKind,
    QuestionSpec,
    User,
)
from bot.market import pay_floor as fairpay
from bot.market.publishing import escrow, insert_spec
from bot.market.results import PublishResult
from bot.matching.waves import Waves
from bot.requesting.parsing import BatchItem, Terms
from bot.requesting.posting import spec_of
from storage import batches, hits, ledger
from storage.channels import enqueue_channel_cards
from storage.db import Database, retrying
from storage.usecases import Hooks, UseCases


@dataclass(frozen=True, slots=True)
class BatchDraft:
    batch: Batch
    hits: list[Hit]
    labels: tuple[str, ...]
    golds: int

    @property
    def total_cents(self) -> int:
        return sum(hit.escrow_cents for hit in self.hits)


def item_prompt(item: BatchItem) -> str:
    """What the worker reads for an item: the text, or the image link."""
    return item.text if item.text is not None else f"🖼 {item.image_url}"


class Batches(UseCases):
    """Creating, publishing and discarding tagging batches."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        waves: Waves,
        *,
        min_hourly_cents: int = 0,
        fee_bp: int = 0,
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.fee_bp = fee_bp  # the marketplace's fee on rewards of new HITs (basis points)
        self.waves = waves  # the batch's first wave, as any HIT's
        self.min_hourly_cents = min_hourly_cents  # the fair-pay floor (bot/market/pay_floor.py)

    @retrying
    async def create(
        self,
        requester: User,
        title: str,
        items: list[BatchItem],
        labels: tuple[str, ...],
        terms: Terms,
        *,
        topic: str = "",
    ) -> BatchDraft:
        """Store the batch and one draft HIT per item (all of `topic`), all or nothing."""
        now = self.clock.now()
        index = {label.lower(): n for n, label in enumerate(labels)}
        async with self.db.transaction() as conn:
            batch_id = await batches.insert(conn, requester.id, title, now)
            for item in items:
                gold = None if item.gold is None else str(index[item.gold.lower()])
                question = QuestionSpec(
                    QuestionKind.TAG,
                    item_prompt(item),
                    labels,
                    item=item.text or item.image_url,
                    gold=gold,
                )
                spec = spec_of(title, HitKind.TAG, topic, terms, (question,))
                hit_id = await insert_spec(conn, requester, spec, now, self.fee_bp)
                await hits.set_topic_and_batch(conn, hit_id, topic, batch_id)
            batch = await batches.get(conn, batch_id)
            made = await hits.in_batch(conn, batch_id)
        assert batch is not None
        return BatchDraft(batch, made, labels, sum(1 for i in items if i.gold is not None))

    @retrying
    async def publish(self, requester: User, batch_id: int) -> tuple[PublishResult, int]:
        """Escrow the whole batch in one transaction and open every HIT; (result, cost)."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            batch = await batches.get(conn, batch_id)
            if batch is None or batch.requester_id != requester.id:
                return PublishResult.NOT_FOUND, 0
            drafts = [h for h in await hits.in_batch(conn, batch_id)]
            cost = sum(h.escrow_cents for h in drafts if h.status is HitStatus.DRAFT)
            if not drafts or any(h.status is not HitStatus.DRAFT for h in drafts):
                return PublishResult.ALREADY, cost
            available = await ledger.held_balance(conn, ledger.requester_account(requester.id))
            if available < cost:
                return PublishResult.INSUFFICIENT_FUNDS, cost
            if (await fairpay.publish_check(conn, drafts[0], self.min_hourly_cents)).under:
                return PublishResult.UNDER_FLOOR, cost
            for hit in drafts:
                await hits.open_draft(conn, hit.id, requester.id, now)
                await escrow(conn, hit, now)
            # One push per worker for the batch (its first item), not one per item,
            # in waves like any HIT (bot/matching/waves.py).
            first = await hits.get(conn, drafts[0].id)
            assert first is not None
            await self.waves.push(conn, first, now)  # a race: no offer deadlines to tell
            await enqueue_channel_cards(conn, requester.id, batch_id=batch_id, now=now)
        self.on_outbox()
        # every item opened at `now` with one lifetime: one pass expires them all
        self.on_timer(f"expire:{first.id}", first.expires_at or now)
        return PublishResult.OK, cost

    @retrying
    async def discard(self, requester: User, batch_id: int) -> bool:
        """Throw away an unpublished batch."""
        async with self.db.transaction() as conn:
            return await batches.delete_drafts(conn, batch_id, requester.id) > 0

    async def draft(self, batch_id: int) -> list[Hit]:
        async with self.db.reading() as conn:
            return await hits.in_batch(conn, batch_id)
