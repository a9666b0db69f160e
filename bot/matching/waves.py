"""Who gets a HIT next: filters, ranking with exploration, and adaptive fan-out in waves.

Who may get a push (all in SQL, storage/matching.py): an active worker, not the
requester, with fewer than `max_active` tasks in progress, who meets every requirement
of the HIT and is not blocked by its requester (storage/qualifications.eligible_clause,
the same predicate accept and listings use), wants this kind of task, this topic (a HIT
without a topic suits everyone; a worker without topics takes any), at least this
reward, has notifications on, is not in quiet hours in their own time zone (a window
may cross midnight, e.g. 22:00-07:00), has not muted the requester, and was never
pushed this HIT nor holds an assignment of it.

Ranking: `worker_stats.score`, a stored column kept current by triggers:

    score = 40 * (approved + 1) / (approved + rejected + 2)        approval history
          + 20 * (pushes_taken + 1) / (pushes + 2)                 acceptance of pushes
          + 20 * (gold_correct + 1) / (gold_answered + 2)          gold accuracy
          + last_active_at / 43200                                 recent activity

Ratios are Laplace-smoothed, so a newcomer starts at one half of each. The activity term
is linear in the time of the last accept or submit: two points per day, so a worker idle
for ten days has given up as much as the whole acceptance range. Being linear, the order
it gives never depends on "now", which is what lets an index hold the ranking.

Exploration: in each wave `explore_share` of the pushes (at least one in a wave of three
or more) go to new workers (fewer than NEW_WORKER_REVIEWS reviewed assignments), least
pushed first, so every newcomer gets a fair share of work to build a record; if there are
not enough newcomers, ranked workers fill the rest.

Fan-out: a wave targets `factor x remaining slots` unanswered pushes in flight (3 x by
default). Pushes unanswered after `wait_s` are given up on; every earlier wave that got
no accept within the wait multiplies the factor by `widen` (up to `max_factor`), so a HIT
nobody takes reaches ever more workers. A wave never exceeds `max_wave`; no worker gets
the same HIT twice (pushes table); nothing is pushed once the HIT is full or closed.
The first wave goes out with publishing; later ones when the scheduler calls
`Matcher.next_waves()`. To bound its cost, one wave looks at no more than `window`
workers in score order, going on where the HIT's previous wave stopped and wrapping
around at the end (so a HIT needing a rare qualification reaches all holders over a few
waves rather than in one slow query).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import Unpack
from zoneinfo import ZoneInfo, available_timezones

from bot.clock import Clock
from bot.domain import (
    Hit,
    HitStatus,
    Priority,
    PushRecord,
    User,
)
from bot.matching import offers
from bot.matching.fanout import FanOut, explore_count, wave_size
from bot.matching.results import WhyView
from storage import hits, outbox, stale
from storage import matching as store
from storage import offers as offer_store
from storage import qualifications as quals
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

NEW_WORKER_REVIEWS = 5  # equal to the partial index worker_stats_new (migration 0006)
TZ_BUCKET_S = 900


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones() | {"UTC"}))


@cache
def _zones() -> tuple[tuple[str, ZoneInfo], ...]:
    """Every IANA zone, read once per process (~60 ms): ZoneInfo keeps only a few zones
    it made alive, so asking for 600 by name read and parsed their files again each time
    (25-45 ms every quarter hour, the slowest 5 % of push waves in bench_matching)."""
    found = []
    for name in _zone_names():
        try:
            found.append((name, ZoneInfo(name)))
        except (ValueError, OSError):  # a broken zone file on this system
            continue
    return tuple(found)


def utc_offsets(now: float) -> list[tuple[str, int]]:
    """Every IANA zone's UTC offset in minutes at `now` (DST included): ~1 ms once the
    zones are read."""
    moment = datetime.fromtimestamp(now, UTC)
    found = []
    for name, zone in _zones():
        try:
            offset = moment.astimezone(zone).utcoffset()
        except (ValueError, OSError):
            continue
        if offset is not None:
            found.append((name, int(offset.total_seconds() // 60)))
    return found


async def zone_offsets(now: float) -> list[tuple[str, int]]:
    """`utc_offsets(now)` on a worker thread: the first call reads 600 zone files. Off the
    event loop already (a wave run on the database thread by Database.atomic), right here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return utc_offsets(now)
    return await asyncio.to_thread(utc_offsets, now)


async def refresh_zones(conn: Conn, now: float) -> None:
    """Keep tz_offsets valid for the current quarter hour."""
    bucket = int(now // TZ_BUCKET_S)
    if await store.tz_bucket(conn) != bucket:
        await store.set_tz_offsets(conn, await zone_offsets(now), bucket)


async def queue_pushes(conn: Conn, hit_id: int, chats: list[int], now: float) -> None:
    """Queue a push of the HIT to each chat, in the caller's transaction (the outbox sends
    each once: its key is the HIT and the chat)."""
    await outbox.enqueue_many(
        conn,
        [(f"push:{hit_id}:{chat}", chat) for chat in chats],
        "push",
        Priority.PUSH,
        {"hit_id": hit_id},
        now,
    )


async def push_wave(
    conn: Conn,
    hit: Hit,
    policy: FanOut,
    now: float,
    max_active: int,
    notify: Callable[[str, float], None] | None = None,
) -> int:
    """Queue the HIT's next wave of pushes in the caller's transaction; return how many.

    A HIT dispatched as timed offers gets holds instead (bot/matching/offers.py); `notify` is told
    of each hold's deadline so a scheduler can hold it.
    """
    if not _wants_wave(hit):
        return 0
    facts = await store.wave_facts(conn, hit.id, now - policy.wait_s)  # one read, not five
    notes: list[store.WaveNote] = []
    sent = await _next_wave(conn, hit, facts, policy, now, max_active, notify, notes)
    for note in notes:
        await store.note_wave(conn, note.hit_id, note.waves, note.now, note.exhausted, note.resume)
    return sent


async def push_waves(
    conn: Conn,
    hit_ids: list[int],
    policy: FanOut,
    now: float,
    max_active: int,
    notify: Callable[[str, float], None] | None = None,
) -> int:
    """push_wave for each HIT, in the caller's transaction; the HITs with their facts read
    and their waves recorded once for them all (on PostgreSQL one statement each)."""
    found = await store.wave_facts_of(conn, list(dict.fromkeys(hit_ids)), now - policy.wait_s)
    live = [(hit, facts) for hit, facts in found if _wants_wave(hit)]
    bucket = int(now // TZ_BUCKET_S)
    if any(facts.tz_bucket != bucket for _, facts in live):  # once, not per HIT
        await store.set_tz_offsets(conn, await zone_offsets(now), bucket)
        live = [(hit, replace(facts, tz_bucket=bucket)) for hit, facts in live]
    notes: list[store.WaveNote] = []
    sent = 0
    for hit, facts in live:
        sent += await _next_wave(conn, hit, facts, policy, now, max_active, notify, notes)
    await store.note_waves(conn, notes)
    return sent


def _wants_wave(hit: Hit) -> bool:
    return hit.status is HitStatus.OPEN and hit.slots_left > 0


async def _next_wave(
    conn: Conn,
    hit: Hit,
    facts: store.WaveFacts | None,
    policy: FanOut,
    now: float,
    max_active: int,
    notify: Callable[[str, float], None] | None,
    notes: list[store.WaveNote],
) -> int:
    """The wave push_wave decides from the HIT's facts; where it stands goes to `notes`."""
    cutoff = now - policy.wait_s
    if facts is None or facts.pushes_paused:
        return 0  # measured pay under the floor: waits for /raise (bot/market/pay_floor.py)
    if facts.mode == offers.OFFER:
        await refresh_zones(conn, now)
        return await offers.offer_wave(conn, hit, policy, now, max_active, notify)
    if facts.stale_sent:
        await store.mark_unanswered(conn, hit.id, cutoff)
    state = facts.state
    wanted = wave_size(policy, hit.slots_left, state.silent) - state.fresh
    if wanted <= 0:
        return 0
    terms = facts.terms  # read once for the wave's queries (with the facts on PostgreSQL)
    if terms is None:
        terms = await quals.requirement_terms(conn, hit.id)
    target = store.HitTarget(
        hit.id,
        hit.requester_id,
        hit.kind.value,
        hit.topic,
        hit.reward_cents,
        hit.batch_id,
        facts.need_s,
        terms,
        await store.rare_holders(conn, terms, policy.window),  # decided once too
    )
    bucket = int(now // TZ_BUCKET_S)
    if facts.tz_bucket != bucket:  # as refresh_zones, without reading the bucket again
        await store.set_tz_offsets(conn, await zone_offsets(now), bucket)
    wave = state.waves + 1

    async def queue(reason: str, chosen: list[store.Candidate]) -> int:
        if not chosen:
            return 0
        await store.record_pushes(conn, hit.id, wave, reason, chosen, now)
        await queue_pushes(conn, hit.id, [c.tg_id for c in chosen], now)
        return len(chosen)

    async def walk(limit: int, after: tuple[float, int] | None) -> store.Scan:
        return await store.ranked(
            conn,
            target,
            now=now,
            max_active=max_active,
            limit=limit,
            after=after,
            window=policy.window,
        )

    explore = explore_count(wanted, policy.explore_share)
    both = await store.first_walks(
        conn,
        target,
        now=now,
        max_active=max_active,
        limit=wanted - explore,
        explore=explore,
        after=facts.resume,
        window=policy.window,
    )
    if both is not None:  # PostgreSQL: one statement
        scan, newcomers = both
        sent = await queue("ranked", scan.picked)
    else:
        scan = await walk(wanted - explore, facts.resume)
        sent = await queue("ranked", scan.picked)
        newcomers = await store.newcomers(
            conn,
            target,
            now=now,
            max_active=max_active,
            limit=explore,
            window=policy.window,
        )
    sent += await queue("explore", newcomers)
    if sent < wanted and len(scan.picked) == wanted - explore:  # too few newcomers
        scan = await walk(wanted - sent, scan.resume)
        sent += await queue("ranked", scan.picked)
    exhausted = sent < wanted and scan.wrapped
    notes.append(store.WaveNote(hit.id, wave if sent else state.waves, now, exhausted, scan.resume))
    return sent


def _no_timer(name: str, due_at: float) -> None:
    """No scheduler to tell (tests apply deadlines with Timers.run_due())."""


@dataclass(frozen=True, slots=True)
class Waves:
    """The fan-out policy at work: a HIT's next wave, queued in the caller's transaction."""

    policy: FanOut
    max_active: int  # a worker holding this many tasks gets no push
    # Told of each timed offer's deadline (job name, due time) so a scheduler can hold it.
    on_timer: Callable[[str, float], None] = _no_timer

    async def push(
        self, conn: Conn, hit: Hit, now: float, notify: Callable[[str, float], None] | None = None
    ) -> int:
        """Queue the HIT's next wave of pushes (or timed offers); return how many. Timed
        offers' deadlines go to `notify` if given (a transaction run by Database.atomic
        keeps them for after its commit), else to on_timer."""
        return await push_wave(
            conn, hit, self.policy, now, self.max_active, notify or self.on_timer
        )

    async def push_many(
        self, conn: Conn, hit_ids: list[int], now: float, notify: Callable[[str, float], None]
    ) -> int:
        """`push_id` for each HIT (the first waves of HITs published together)."""
        return await push_waves(conn, hit_ids, self.policy, now, self.max_active, notify)

    async def push_id(
        self,
        conn: Conn,
        hit_id: int,
        now: float,
        notify: Callable[[str, float], None] | None = None,
    ) -> int:
        """As `push`, for the HIT with this id; 0 if there is none."""
        hit = await hits.get(conn, hit_id)
        return 0 if hit is None else await self.push(conn, hit, now, notify)


class Matcher(UseCases):
    """Use-cases of matching: later waves, skips, and explaining a push."""

    def __init__(self, db: Database, clock: Clock, waves: Waves, **hooks: Unpack[Hooks]) -> None:
        super().__init__(db, clock, **hooks)
        self.waves = waves

    @retrying
    async def next_waves(self) -> int:
        """Send the waves that are due now (called periodically); return pushes queued."""
        now = self.clock.now()
        async with self.db.reading() as conn:
            due = await store.hits_wanting_waves(conn, now, now - self.waves.policy.wait_s)
        queued = 0
        for hit_id in due:
            async with self.db.transaction() as conn:
                queued += await self.waves.push_id(conn, hit_id, now)
        if queued:
            self.on_outbox()
        return queued

    @retrying
    async def skip(self, worker: User, hit_id: int) -> bool:
        """Record that the worker passed on a pushed HIT (the wave tops up sooner)."""
        async with self.db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is not None:  # the card says "Skipped": no counter redraw of it
                await stale.drop_count_edits(conn, hit.id, hit.batch_id, worker.tg_id)
            return await store.mark_skipped(conn, hit_id, worker.id, self.clock.now())

    async def pushes(self, hit_id: int) -> list[PushRecord]:
        """Every push of the HIT so far."""
        async with self.db.reading() as conn:
            return await store.pushes_of(conn, hit_id)

    async def why(self, worker: User, message_id: int | None = None) -> WhyView | None:
        """Why the worker got the push in `message_id` (or their latest push)."""
        async with self.db.reading() as conn:
            hit_id = None
            if message_id is not None:
                hit_id = await store.pushed_hit_of_message(conn, worker.tg_id, message_id)
            record = (
                await store.push(conn, hit_id, worker.id)
                if hit_id is not None
                else await store.latest_push(conn, worker.id)
            )
            if record is None:
                return None
            hit = await hits.get(conn, record.hit_id)
            stats = await quals.stats(conn, worker.id)
            assert hit is not None and stats is not None
            return WhyView(
                hit=hit,
                push=record,
                prefs=await store.prefs(conn, worker.id),
                requirements=await quals.requirements_met(conn, hit.id, worker.id),
                stats=stats,
                now=self.clock.now(),
                offered=(await offer_store.dispatch(conn, hit.id))[0] == offers.OFFER,
            )
