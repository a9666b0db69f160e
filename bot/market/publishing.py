"""Publishing: drafts, escrow, the first wave and channel cards. No Telegram here.

Every state change is one transaction; money and the messages it causes move in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Unpack

from bot.clock import Clock
from bot.domain import (
    Hit,
    HitKind,
    HitSpec,
    HitStatus,
    PollDraft,
    QuestionKind,
    QuestionSpec,
    User,
    fee_on,
)
from bot.market import pay_floor as fairpay
from bot.market.results import PublishResult
from bot.matching.offers import Dispatch, store_dispatch
from bot.matching.waves import Waves
from storage import fairwork, hits, ledger, mturk, opening, users
from storage.channels import enqueue_channel_cards
from storage.db import Conn, Database, retrying
from storage.mturk import ApiSide
from storage.usecases import Hooks, UseCases

# A HIT published without its first wave with at most this many questions is stored on the
# loop's thread (a few indexed statements each, well under a millisecond).
QUICK_QUESTIONS = 100


class Publishing(UseCases):
    """Drafts and publishing, race-safe, on one database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        waves: Waves,
        *,
        auto_approve_s: int,
        min_hourly_cents: int = 0,
        fee_bp: int = 0,
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.waves = waves
        self.auto_approve_s = auto_approve_s
        self.min_hourly_cents = min_hourly_cents  # the fair-pay floor (pay_floor.py); 0 = off
        self.fee_bp = fee_bp  # the marketplace's fee on rewards of new HITs (basis points)

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

    @retrying
    async def create_hit(
        self, requester: User, spec: HitSpec, dispatch: Dispatch | None = None
    ) -> Hit:
        """Store a draft HIT with several questions (survey, tagging item) for preview."""
        async with self.db.transaction() as conn:
            hit_id = await insert_spec(conn, requester, spec, self.clock.now(), self.fee_bp)
            if dispatch is not None:
                await store_dispatch(conn, hit_id, dispatch)
            hit = await hits.get(conn, hit_id)
        assert hit is not None
        return hit

    @retrying
    async def publish(self, requester: User, hit_id: int) -> PublishResult:
        """Escrow reward x max assignments and open the HIT; push it to a first wave."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return PublishResult.NOT_FOUND
            if hit.status is not HitStatus.DRAFT:
                return PublishResult.ALREADY
            available = await ledger.held_balance(conn, ledger.requester_account(requester.id))
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

    @retrying
    async def publish_new(
        self,
        requester: User,
        spec: HitSpec,
        api: ApiSide | None = None,
        *,
        first_wave: bool = True,
    ) -> tuple[PublishResult, Hit | None]:
        """Store a HIT from `spec` and publish it at once, in one transaction.

        The checks, escrow, channel cards and first wave of create_hit + publish, without
        a draft in between: refused (funds, fair-pay floor) means nothing stored and no
        money moved. Without an estimate (MTurk has none, and its time limit is generous)
        the floor is judged on measured work instead (pay_floor.after_submit). `api` is
        the HIT's MTurk side, stored in the same transaction (storage/mturk.attach).
        first_wave=False leaves the first wave to the caller (send_first_waves);
        if that never happens, the periodic wave job (Matcher.next_waves) sends it, since an
        open HIT with free slots always wants waves.
        """
        now = self.clock.now()
        escrow = (spec.reward_cents + fee_on(spec.reward_cents, self.fee_bp)) * spec.max_assignments
        account = ledger.requester_account(requester.id)
        what = opening.Opening(spec, requester.id, account, escrow, now, self.fee_bp)
        if api is not None and self._foldable(requester, spec, first_wave):
            async with self.db.single_write() as conn:  # PostgreSQL: no BEGIN, no COMMIT
                hit, has_channels = await opening.open_api_hit(conn, what, api)
            if hit is not None:
                self._after_opening(hit, now, wake=False)
                return PublishResult.OK, hit
            if not has_channels:
                return PublishResult.INSUFFICIENT_FUNDS, None
            # The requester's channels each get a card: the longer way below queues them.

        async def body(conn: Conn) -> tuple[PublishResult, Hit | None, int]:
            floor = self.min_hourly_cents
            if spec.est_s is not None and fairpay.check(spec.reward_cents, spec.est_s, floor).under:
                if await ledger.balance(conn, account) < escrow:  # publish checks funds first
                    return PublishResult.INSUFFICIENT_FUNDS, None, 0
                return PublishResult.UNDER_FLOOR, None, 0
            made = await opening.insert_open_if_funded(conn, what)
            if made is None:
                return PublishResult.INSUFFICIENT_FUNDS, None, 0
            opened = made.hit
            if spec.est_s is not None:
                await fairwork.set_estimate(conn, opened.id, spec.est_s)
            await hits.insert_spec_questions(conn, opened.id, spec.questions)
            if not requester.is_requester:
                await users.mark_requester(conn, requester.id)
            if api is not None:
                await mturk.attach(conn, opened.id, api)
            queued = await self._escrow_and_queue(
                conn, opened, now, wave=first_wave, cards=made.has_channels, timers=timers
            )
            return PublishResult.OK, opened, queued

        timers: list[tuple[str, float]] = []  # timed offers' deadlines, told after the commit
        # Without its wave the body is a few indexed statements per question: on SQLite it
        # then runs on the loop's thread, with no hand-off (Database.atomic).
        quick = not first_wave and len(spec.questions) <= QUICK_QUESTIONS
        result, opened, queued = await self.db.atomic(body, quick=quick)
        if opened is None:
            return result, None
        self._after_opening(opened, now, wake=queued > 0, timers=timers)
        return PublishResult.OK, opened

    def _foldable(self, requester: User, spec: HitSpec, first_wave: bool) -> bool:
        """Whether publish_new's API HIT is one statement (storage/opening.open_api_hit):
        on PostgreSQL, where each statement is a round trip, for a HIT with no wave to
        queue, no estimate to store and a requester already marked as one."""
        return (
            self.db.is_postgres and not first_wave and spec.est_s is None and requester.is_requester
        )

    async def _escrow_and_queue(
        self,
        conn: Conn,
        hit: Hit,
        now: float,
        *,
        wave: bool,
        cards: bool,
        timers: list[tuple[str, float]] | None = None,
    ) -> int:
        """Publishing's money and messages for a HIT just opened, in the caller's transaction.

        Moves the HIT's escrow from its requester's account into the HIT's escrow account,
        queues its first wave (if `wave`) and a card in each linked channel (if `cards`);
        returns how many messages were queued. Timed offers' deadlines go to `timers` if
        given (told after the commit), else to on_timer. After the commit, call _after_opening.
        """
        await escrow(conn, hit, now)
        queued = 0
        if wave:
            notify = None if timers is None else _keep(timers)
            queued += await self.waves.push(conn, hit, now, notify)
        if cards:
            queued += await enqueue_channel_cards(conn, hit.requester_id, hit_id=hit.id, now=now)
        return queued

    def _after_opening(
        self, hit: Hit, now: float, *, wake: bool, timers: Sequence[tuple[str, float]] = ()
    ) -> None:
        """After publishing's commit: wake the outbox (if asked), tell the deadlines the
        transaction kept (`timers`) and time the HIT's expiry."""
        if wake:
            self.on_outbox()
        for name, due_at in timers:
            self.waves.on_timer(name, due_at)
        self.on_timer(f"expire:{hit.id}", hit.expires_at or now)

    @retrying
    async def send_first_waves(self, hit_ids: list[int]) -> int:
        """The first wave of each HIT published without one (publish_new); pushes queued.

        Each is conditional like any wave (open, free slots, never pushed twice), so a HIT
        the periodic wave job reached first gets nothing twice. One trip to the database
        (Database.atomic) for them all, whose HITs with their wave facts, and their wave
        records, are one statement each on PostgreSQL (Waves.push_many).
        """
        now = self.clock.now()
        timers: list[tuple[str, float]] = []

        async def body(conn: Conn) -> int:
            timers.clear()  # a run again by @retrying starts afresh
            return await self.waves.push_many(conn, hit_ids, now, _keep(timers))

        queued = await self.db.atomic(body)
        for name, due_at in timers:
            self.waves.on_timer(name, due_at)
        if queued:
            self.on_outbox()
        return queued

    @retrying
    async def discard_draft(self, requester: User, hit_id: int) -> bool:
        """Throw away an unpublished draft."""
        async with self.db.transaction() as conn:
            return await hits.delete_draft(conn, hit_id, requester.id)


def _keep(timers: list[tuple[str, float]]) -> Callable[[str, float], None]:
    """A `notify` that keeps each deadline in `timers`, to be told after the commit."""

    def keep(name: str, due_at: float) -> None:
        timers.append((name, due_at))

    return keep


async def escrow(conn: Conn, hit: Hit, now: float) -> None:
    """Publishing's money, in the caller's transaction: the HIT's escrow (rewards and fees
    of all its assignments) moves from its requester's account into the HIT's own."""
    await ledger.transfer(
        conn,
        f"publish:{hit.id}",
        ledger.requester_account(hit.requester_id),
        ledger.escrow_account(hit.id),
        hit.escrow_cents,
        "publish",
        now,
    )


async def insert_spec(
    conn: Conn, requester: User, spec: HitSpec, now: float, fee_bp: int = 0
) -> int:
    """Store a draft HIT with its questions from a spec (the marketplace's fee on its
    rewards: `fee_bp` basis points); return its id."""
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
        fee_bp=fee_bp,
    )
    if spec.topic:
        await hits.set_topic_and_batch(conn, hit_id, spec.topic, None)
    if spec.est_s is not None:
        await fairwork.set_estimate(conn, hit_id, spec.est_s)
    await hits.insert_spec_questions(conn, hit_id, spec.questions)
    await users.mark_requester(conn, requester.id)
    return hit_id
