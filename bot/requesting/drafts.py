"""Drafts before Publish: what Publish will decide about the fair-pay floor, and new terms
for a draft HIT or batch in place (nothing made again, nothing uploaded again)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.domain import Batch, Hit, HitStatus, Question, RequirementKind, User
from bot.market import pay_floor as fairpay
from bot.market.results import FloorCheck
from bot.matching.offers import Dispatch, DispatchTerms, store_dispatch
from bot.requesting.parsing import Terms
from bot.requesting.results import DraftResult
from storage import batches, fairwork, hits, qualifications
from storage import offers as dispatches
from storage.db import Conn, Database, retrying
from storage.usecases import UseCases


@dataclass(frozen=True, slots=True)
class DraftView:
    """A draft HIT ('h') or batch ('b') as its preview shows it."""

    scope: str
    target_id: int
    hits: list[Hit]  # the HIT, or the batch's items (they share their terms)
    questions: list[Question]  # of the first
    terms: Terms
    dispatch: Dispatch | None  # how a HIT reaches workers; a batch races
    floor: FloorCheck  # what Publish will decide
    batch: Batch | None = None
    golds: int = 0
    quals: tuple[str, ...] = ()  # the custom qualifications it requires

    @property
    def first(self) -> Hit:
        return self.hits[0]

    @property
    def total_cents(self) -> int:
        return sum(hit.escrow_cents for hit in self.hits)


class Drafts(UseCases):
    """Reading a draft with its floor check, and changing its terms before publishing."""

    def __init__(self, db: Database, clock: Clock, floor_cents: int = 0) -> None:
        super().__init__(db, clock)
        self.floor_cents = floor_cents  # the fair-pay floor (bot/market/pay_floor.py); 0 = off

    async def view(
        self, requester: User, scope: str, target_id: int
    ) -> tuple[DraftResult, DraftView | None]:
        """The requester's draft with what Publish will decide; else why there is none
        (NOT_FOUND, PUBLISHED)."""
        async with self.db.reading() as conn:
            result, found = await _drafts(conn, requester, scope, target_id)
            if result is not DraftResult.OK:
                return result, None
            first = found[0]
            est = await fairwork.estimate(conn, first.id)
            terms = Terms(
                first.reward_cents,
                first.max_assignments,
                first.time_allotted_s,
                first.lifetime_s,
                first.auto_approve_s,
                est,
            )
            batch = await batches.get(conn, target_id) if scope == "b" else None
            dispatch = None
            if scope == "h":
                dispatch = Dispatch(*await dispatches.dispatch(conn, first.id))
            quals = tuple(
                req.qualification_name
                for req in await qualifications.requirements(conn, first.id)
                if req.kind is RequirementKind.QUALIFICATION
            )
            return DraftResult.OK, DraftView(
                scope=scope,
                target_id=target_id,
                hits=found,
                questions=await hits.questions(conn, first.id),
                terms=terms,
                dispatch=dispatch,
                floor=await fairpay.publish_check(conn, first, self.floor_cents),
                batch=batch,
                golds=len(await hits.golds(conn, [h.id for h in found])) if batch else 0,
                quals=quals,
            )

    @retrying
    async def change_terms(
        self,
        requester: User,
        scope: str,
        target_id: int,
        terms: Terms,
        *,
        topic: str | None = None,
        dispatch: DispatchTerms | None = None,
        language: str | None = None,
    ) -> DraftResult:
        """Give the draft (every item of a batch) new terms, and a topic, dispatch or task
        language if given; all or nothing."""
        async with self.db.transaction() as conn:
            result, found = await _drafts(conn, requester, scope, target_id)
            if result is not DraftResult.OK:
                return result
            for hit in found:
                changed = await hits.set_draft_terms(
                    conn,
                    hit.id,
                    requester.id,
                    reward_cents=terms.reward_cents,
                    max_assignments=terms.max_assignments,
                    time_allotted_s=terms.time_allotted_s,
                    lifetime_s=terms.lifetime_s,
                    auto_approve_s=terms.auto_approve_s,
                )
                assert changed, "a draft of this requester, checked in this transaction"
                await fairwork.set_estimate(conn, hit.id, terms.est_s)
                if topic is not None:
                    await hits.set_topic_and_batch(conn, hit.id, topic, hit.batch_id)
                if language is not None:
                    await hits.set_language(conn, hit.id, language)
                if scope == "h" and dispatch is not None and (dispatch.mode or dispatch.extend_s):
                    mode, extend_s = await dispatches.dispatch(conn, hit.id)
                    given = Dispatch(dispatch.mode or mode, dispatch.extend_s or extend_s)
                    await store_dispatch(conn, hit.id, given)
        return DraftResult.OK

    @retrying
    async def set_language(
        self, requester: User, scope: str, target_id: int, language: str
    ) -> DraftResult:
        """Mark the draft (every item of a batch) as written in `language` (lang=)."""
        async with self.db.transaction() as conn:
            result, found = await _drafts(conn, requester, scope, target_id)
            if result is not DraftResult.OK:
                return result
            for hit in found:
                await hits.set_language(conn, hit.id, language)
        return DraftResult.OK


async def _drafts(
    conn: Conn, requester: User, scope: str, target_id: int
) -> tuple[DraftResult, list[Hit]]:
    """The requester's draft HIT, or every item of their draft batch (OK); else why not
    (NOT_FOUND, PUBLISHED) and no HITs."""
    found = await _targets(conn, requester, scope, target_id)
    if not found:
        return DraftResult.NOT_FOUND, []
    if any(hit.status is not HitStatus.DRAFT for hit in found):
        return DraftResult.PUBLISHED, []
    return DraftResult.OK, found


async def _targets(conn: Conn, requester: User, scope: str, target_id: int) -> list[Hit]:
    """The requester's HIT, or the items of their batch, whatever their status."""
    if scope == "b":
        found = await hits.in_batch(conn, target_id)
    else:
        one = await hits.get(conn, target_id)
        found = [one] if one is not None and one.batch_id is None else []
    return [hit for hit in found if hit.requester_id == requester.id]
