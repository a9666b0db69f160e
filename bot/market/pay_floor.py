"""The fair-pay floor: refuse to publish HITs that pay under it; pause pushes when measured
work shows underpayment. No Telegram here.
"""

from __future__ import annotations

import math

from bot.domain import EstimateSource, Hit, Priority
from bot.market.results import FloorCheck
from storage import estimates, fairwork, outbox, users
from storage.db import Conn


def floor_reward(seconds: float, floor_cents_per_hour: int) -> int:
    """The smallest reward (cents) that pays the floor for `seconds`: (120, 800) -> 27."""
    return max(1, math.ceil(floor_cents_per_hour * seconds / 3600))


def hourly_cents(reward_cents: int, seconds: float) -> int:
    """What a reward pays per hour of `seconds`: (5, 120) -> 150."""
    return round(reward_cents * 3600 / seconds) if seconds > 0 else 0


def check(reward_cents: int, seconds: int, floor_cents: int) -> FloorCheck:
    """The reward for `seconds` of work against the floor."""
    return FloorCheck(
        seconds=seconds,
        hourly_cents=hourly_cents(reward_cents, seconds),
        needed_cents=floor_reward(seconds, floor_cents),
        floor_cents=floor_cents,
    )


async def expected_seconds(conn: Conn, hit: Hit) -> int:
    """The requester's estimate, else the time allotted."""
    return await fairwork.estimate(conn, hit.id) or hit.time_allotted_s


async def publish_check(conn: Conn, hit: Hit, floor_cents: int) -> FloorCheck:
    """The HIT's advertised pay against the floor (checked before publishing)."""
    return check(hit.reward_cents, await expected_seconds(conn, hit), floor_cents)


async def measured_seconds(conn: Conn, hit: Hit) -> int | None:
    """The median time of submitted work once enough is in (a batch's items pooled, as
    every screen's estimate: storage/estimates.py), else None."""
    found = await estimates.estimate(conn, hit.id)
    if found.source is not EstimateSource.MEASURED:
        return None
    return max(1, round(found.seconds))


async def after_submit(conn: Conn, hit: Hit, floor_cents: int, now: float) -> bool:
    """Once enough work is in, compare the measured median time with the floor.

    Underpaid: pause the pushes of the HIT (of every item of its batch, whose work is
    measured pooled) and tell the requester once per reward; True then.
    """
    if floor_cents <= 0:
        return False
    seconds = await measured_seconds(conn, hit)
    if seconds is None:
        return False
    measured = check(hit.reward_cents, seconds, floor_cents)
    if not measured.under:
        return False
    payload: dict[str, object] = {
        "hit_id": hit.id,
        "median_s": measured.seconds,
        "needed_cents": measured.needed_cents,
        "hourly_cents": measured.hourly_cents,
    }
    if hit.batch_id is None:
        await fairwork.set_pushes_paused(conn, hit.id, True)
        key = f"underpaid:{hit.id}:{hit.reward_cents}"
    else:
        await fairwork.set_batch_pushes_paused(conn, hit.batch_id, True)
        key = f"underpaid:b{hit.batch_id}:{hit.reward_cents}"
        payload["batch_id"] = hit.batch_id
    requester = await users.by_id(conn, hit.requester_id)
    assert requester is not None
    await outbox.enqueue(
        conn, key, requester.tg_id, "underpaid", Priority.NOTIFICATION, payload, now
    )
    return True


async def measured_check(conn: Conn, hit: Hit, reward_cents: int, floor_cents: int) -> FloorCheck:
    """A reward against the floor at the measured median time (or the expected time)."""
    seconds = await measured_seconds(conn, hit) or await expected_seconds(conn, hit)
    return check(reward_cents, seconds, floor_cents)
