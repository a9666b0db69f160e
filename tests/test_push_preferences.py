"""Pushes respect what a worker asked for: kinds, topics, minimum reward, notifications,
muted requesters, blocks, and quiet hours in the worker's own time zone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at, set_prefs, sql
from tests.auxil.people import funded_requester, user_id, worker
from tests.auxil.posting import draft, published_poll
from tests.auxil.screens import got
from tests.auxil.stages import fast_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with fast_stage(await database_at(tmp_path, "gigbot"), clock) as opened:
        yield opened


POLL = "Tea or coffee? | Tea | Coffee ; reward=0.05 n=1"

PREFERENCES: list[tuple[dict[str, object], str, bool]] = [
    ({}, "", True),  # never onboarded: defaults take everything
    ({"kinds": "poll"}, "", True),
    ({"kinds": "survey,tag"}, "", False),
    ({"kinds": "Survey, Poll"}, "", True),
    ({"min_reward_cents": 5}, "", True),
    ({"min_reward_cents": 6}, "", False),
    ({"notifications": 0}, "", False),
    ({"topics": "animals,news"}, "news", True),
    ({"topics": "animals"}, "news", False),
    ({"topics": "animals"}, "", True),  # a HIT without a topic suits everyone
    ({"topics": ""}, "shopping", True),  # no topics chosen: any topic
]


async def test_each_preference_filters_the_push(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    for case, (prefs, topic, pushed) in enumerate(PREFERENCES):
        ann = await worker(stage, f"Ann{case}")
        await set_prefs(stage, ann, **prefs)
        title = f"Case {case}?"
        hit_id = await draft(stage, rita, f"{title} | Yes | No ; reward=0.05 n=100")
        async with stage.services.db.transaction() as conn:
            await conn.execute("UPDATE hits SET topic = ? WHERE id = ?", (topic, hit_id))
        await rita.press("Publish")
        assert got(ann, title) is pushed, (prefs, topic)
        ann_id = await user_id(stage, ann)
        rows = await sql(
            stage, "SELECT COUNT(*) FROM pushes WHERE hit_id = ? AND worker_id = ?", hit_id, ann_id
        )
        assert rows == [(int(pushed),)], (prefs, topic)


@pytest.mark.parametrize("how", ["muted", "blocked", "left"])
async def test_muted_blocked_or_gone_workers_get_nothing(
    stage: Stage, admin: Actor, how: str
) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    ann_id, rita_id = await user_id(stage, ann), await user_id(stage, rita)
    async with stage.services.db.transaction() as conn:
        if how == "muted":
            await conn.execute(
                "INSERT INTO mutes (worker_id, requester_id, created_at) VALUES (?, ?, 0)",
                (ann_id, rita_id),
            )
        elif how == "blocked":
            await conn.execute(
                "INSERT INTO blocks (requester_id, worker_id, created_at) VALUES (?, ?, 0)",
                (rita_id, ann_id),
            )
    if how == "left":  # what a 403 from Telegram records
        await stage.services.market.people.set_active(ann.tg_id, False)
    bob = await worker(stage, "Bob")
    await published_poll(stage, rita, POLL)
    assert not got(ann, "Tea or coffee?")
    assert got(bob, "Tea or coffee?"), "the others still get it"


def _at(clock: FakeClock, iso: str) -> None:
    """Move the fake clock forward to this UTC moment."""
    target = datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp()
    assert target >= clock.now()
    clock.advance(target - clock.now())


QUIET = [  # in time order: the clock only moves forward
    # zone, quiet from, quiet to (local minutes), UTC moment, quiet?
    ("UTC", 22 * 60, 7 * 60, "2027-01-15T23:30", True),  # across midnight, before it
    ("UTC", 22 * 60, 7 * 60, "2027-01-16T03:00", True),  # across midnight, after it
    ("UTC", 22 * 60, 7 * 60, "2027-01-16T07:00", False),  # the end is not quiet
    ("UTC", 22 * 60, 7 * 60, "2027-01-16T12:00", False),
    ("UTC", 13 * 60, 14 * 60, "2027-01-16T13:59", True),  # same-day window
    ("UTC", 13 * 60, 13 * 60, "2027-01-16T13:00", False),  # empty window
    ("Europe/Berlin", 22 * 60, 7 * 60, "2027-01-15T21:30", True),  # 22:30 local
    ("Europe/Berlin", 22 * 60, 7 * 60, "2027-01-16T06:30", False),  # 07:30 local
    ("America/New_York", 22 * 60, 7 * 60, "2027-01-16T04:00", True),  # 23:00 local
    ("America/New_York", 22 * 60, 7 * 60, "2027-01-16T13:00", False),  # 08:00 local
    ("America/New_York", 22 * 60, 7 * 60, "2027-01-16T02:30", False),  # EST: 21:30 local
    ("America/New_York", 22 * 60, 7 * 60, "2027-07-16T02:30", True),  # EDT: 22:30 local
    ("Asia/Kathmandu", 13 * 60, 14 * 60, "2027-01-16T07:30", True),  # 13:15 local (+5:45)
    ("Pacific/Auckland", 9 * 60, 17 * 60, "2027-01-15T22:00", True),  # 11:00 next day
    ("Pacific/Auckland", 9 * 60, 17 * 60, "2027-01-16T06:00", False),  # 19:00 local
    ("Not/AZone", 22 * 60, 7 * 60, "2027-01-15T23:00", True),  # unknown zone: UTC
]


async def test_quiet_hours_in_the_workers_time_zone(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    for case, (zone, start, end, moment, quiet) in enumerate(sorted(QUIET, key=lambda c: c[3])):
        ann = await worker(stage, f"Ann{case}")
        await set_prefs(stage, ann, quiet_start=start, quiet_end=end, timezone=zone)
        _at(clock, moment)
        title = f"Quiet case {case}?"
        await published_poll(stage, rita, f"{title} | Yes | No ; reward=0.05 n=100")
        assert got(ann, title) is not quiet, (zone, start, end, moment)


async def test_quiet_worker_gets_a_later_wave_when_quiet_hours_end(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await set_prefs(stage, ann, quiet_start=22 * 60, quiet_end=7 * 60, timezone="Europe/Berlin")
    _at(clock, "2027-01-16T05:00")  # 06:00 in Berlin
    await published_poll(stage, rita, POLL)
    assert not got(ann, "Tea or coffee?")
    clock.advance(30 * 60)
    await stage.services.matcher.next_waves()
    await stage.settle()
    assert not got(ann, "Tea or coffee?"), "06:30 in Berlin is still quiet"
    clock.advance(45 * 60)
    assert await stage.services.matcher.next_waves() == 1
    await stage.settle()
    assert got(ann, "Tea or coffee?")
