"""Timed offers instead of races: each free slot is held for one worker at a time.

A requester chooses per HIT how it reaches workers (`dispatch=offer|race` in /newpoll and
/newsurvey terms). Without a choice, polls and surveys with at most `offer_up_to` max
assignments (GIGBOT_OFFER_UP_TO, default 5) get timed offers and larger ones a race;
batches and HITs made through the MTurk API are races.

Offer mode: for every free slot not already held, the next worker in ranking order (the
matcher's ranked walk: same eligibility, same score, never the same worker twice) gets an
exclusive hold of `offer_s` seconds (GIGBOT_OFFER_SECONDS, default 90): a message with a
countdown, Accept and Decline. While it is live the slot is reserved: accept counts the
live holds of other workers in its conditional UPDATE (storage/offers.claim_slot), so a
script tapping Accept faster than anyone gains nothing. Decline passes the slot on at once;
a hold that runs out is ended by the timers (bot/deadlines/timers.py, a durable deadline like the
others, applied after a restart too) and passes on in the same transaction.

When nobody is left in line (every worker the walk finds was offered already), a free slot
is held by nobody and is anyone's: it stays listed in /hits and /next, the first Accept
takes it (from a listing or a lapsed offer, which says so and keeps its Accept), and once
no offer of the HIT is live the requester is told, once (`offers_out`). Workers who turn
up later (new, or out of quiet hours) are offered it by the periodic waves as before.

The countdown is a few edits of the offer message (every `offer_tick_s`, default 30 s)
queued in the outbox with their send time, so they go out within Telegram's limits with
everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.domain import Hit, Priority
from bot.matching.fanout import FanOut
from bot.parsing import ParseError, in_poll_terms, parse_duration, take_settings
from storage import matching as ranking
from storage import offers as store
from storage import outbox
from storage.db import Conn

MIN_EXTEND_S = 60
MAX_EXTEND_S = 2 * 3600
OFFER = "offer"
RACE = "race"
DISPATCH_SETTINGS = ("dispatch", "extend")

Notify = Callable[[str, float], None]


@dataclass(frozen=True, slots=True)
class DispatchTerms:
    """What a requester wrote about dispatch: a mode (or none) and "+N minutes" (or none)."""

    mode: str | None = None
    extend_s: int | None = None

    def resolve(self, max_assignments: int, offer_up_to: int) -> Dispatch:
        """The dispatch a HIT gets: the mode given, else offers for small HITs.

        DispatchTerms().resolve(3, 5) -> Dispatch("offer", None);
        DispatchTerms().resolve(6, 5) -> Dispatch("race", None).
        """
        mode = self.mode or (OFFER if max_assignments <= offer_up_to else RACE)
        return Dispatch(mode, self.extend_s)


@dataclass(frozen=True, slots=True)
class Dispatch:
    mode: str
    extend_s: int | None


def split_terms(text: str) -> tuple[str, DispatchTerms]:
    """Take `dispatch=` and `extend=` out of HIT terms; the rest is left as written.

    "reward=0.05 n=3 dispatch=race extend=10m" -> ("reward=0.05 n=3", DispatchTerms("race", 600))
    """
    return _dispatch_of(*take_settings(text, DISPATCH_SETTINGS))


def split_poll_terms(args: str) -> tuple[str, DispatchTerms]:
    """The same for `/newpoll` arguments, whose terms follow the first ';'.

    "Q? | A | B ; reward=0.05 dispatch=offer"
    -> ("Q? | A | B ; reward=0.05", DispatchTerms("offer"))
    """
    return _dispatch_of(*in_poll_terms(args, DISPATCH_SETTINGS))


def _dispatch_of(rest: str, found: dict[str, str]) -> tuple[str, DispatchTerms]:
    mode = found["dispatch"].lower() if "dispatch" in found else None
    if mode is not None and mode not in (OFFER, RACE):
        raise ParseError("dispatch must be offer (timed offers) or race")
    extend_s = None
    if "extend" in found:
        extend_s = parse_duration(found["extend"])
        if not MIN_EXTEND_S <= extend_s <= MAX_EXTEND_S:
            raise ParseError("extend must be 1m to 2h")
    return rest, DispatchTerms(mode, extend_s)


async def store_dispatch(conn: Conn, hit_id: int, dispatch: Dispatch) -> None:
    """Remember a draft's dispatch (in the transaction that makes the draft)."""
    await store.set_dispatch(conn, hit_id, dispatch.mode, dispatch.extend_s)


async def offer_wave(
    conn: Conn,
    hit: Hit,
    policy: FanOut,
    now: float,
    max_active: int,
    notify: Notify | None = None,
) -> int:
    """Hold each free slot not held yet for the next worker in ranking order; how many.

    Runs in the caller's transaction (bot/matching.push_wave dispatches here for HITs in
    offer mode, after refreshing the time zones quiet hours are computed with).
    """
    wanted = hit.slots_left - await store.live_holds(conn, hit.id, now)
    if wanted <= 0:
        return 0
    target = await ranking.hit_target(conn, hit.id)
    assert target is not None
    state = await ranking.wave_state(conn, hit.id, now - policy.wait_s)
    wave = state.waves + 1
    picked: list[ranking.Candidate] = []
    resume = await ranking.resume_point(conn, hit.id)
    scan = None
    for _ in range(2):  # from where the last walk stopped, then once more (wrapping)
        scan = await ranking.ranked(
            conn,
            target,
            now=now,
            max_active=max_active,
            limit=wanted - len(picked),
            after=resume,
            window=policy.window,
        )
        # Recorded at once: the next walk's filter skips everyone pushed this HIT.
        await ranking.record_pushes(conn, hit.id, wave, "ranked", scan.picked, now)
        picked += scan.picked
        resume = scan.resume
        if len(picked) >= wanted:
            break
    assert scan is not None
    expires_at = now + policy.offer_s
    holds = await store.insert_holds(conn, hit.id, [c.worker_id for c in picked], now, expires_at)
    for hold in holds:
        await _queue_offer(conn, hold, policy.offer_tick_s, now)
        if notify is not None:
            notify(f"offer:{hold.offer_id}", hold.expires_at)
    exhausted = len(picked) < wanted
    await ranking.note_wave(conn, hit.id, wave if picked else state.waves, now, exhausted, resume)
    if not picked and wanted == hit.slots_left:  # nobody in line, and no offer is live
        await _nobody_in_line(conn, hit, now)
    return len(holds)


async def _nobody_in_line(conn: Conn, hit: Hit, now: float) -> None:
    """Every free slot is anyone's now: tell the requester (once per HIT) and turn the
    offers that passed on earlier into open cards with Accept (once per offer)."""
    if await store.offered_count(conn, hit.id) == 0:
        return  # never offered (nobody matched at publishing): nothing ran out
    await outbox.enqueue(
        conn,
        f"offers_out:{hit.id}",
        await store.requester_chat(conn, hit.id),
        "offers_out",
        Priority.NOTIFICATION,
        {"hit_id": hit.id},
        now,
    )
    for hold in await store.ended_before(conn, hit.id, now):
        key = f"offer:{hold.offer_id}"
        await outbox.enqueue(
            conn,
            f"{key}:open",
            hold.tg_id,
            "offer_open",
            Priority.PUSH,
            {"offer_id": hold.offer_id, "edits": key},
            now,
        )


async def _queue_offer(conn: Conn, hold: store.Hold, tick_s: float, now: float) -> None:
    """The offer message now, and its countdown edits at their times."""
    key = f"offer:{hold.offer_id}"
    await outbox.enqueue(
        conn, key, hold.tg_id, "offer", Priority.REMINDER, {"offer_id": hold.offer_id}, now
    )
    step = 1
    while tick_s > 0 and now + step * tick_s < hold.expires_at - 1:
        await outbox.enqueue(
            conn,
            f"{key}:tick:{step}",
            hold.tg_id,
            "offer_tick",
            Priority.REMINDER,
            {"offer_id": hold.offer_id, "edits": key},
            now,
            not_before=now + step * tick_s,
        )
        step += 1


async def notify_passed(conn: Conn, ended: list[store.Hold], now: float) -> None:
    """Edit each ended offer's message to say it passed to the next worker."""
    for hold in ended:
        key = f"offer:{hold.offer_id}"
        await outbox.enqueue(
            conn,
            f"{key}:end",
            hold.tg_id,
            "offer_end",
            Priority.REMINDER,
            {"offer_id": hold.offer_id, "edits": key},
            now,
        )
