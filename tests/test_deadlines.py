"""Durable time with an injected clock: reminders, abandonment, auto-approval, expiry, pause.

The clock is a FakeClock: the test moves it and the stage applies what fell due (one
`timers.run_due()` per action), exactly as the JobQueue would at the right real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import AssignmentStatus, HitStatus, Priority
from tests.auxil.database import database_at
from tests.auxil.gestures import answer_poll, approve_next, forge
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import accepted_poll, published_poll
from tests.auxil.stages import fast_stage, later

DAY = 24 * 3600


async def _status(stage: Stage, assignment_id: int) -> AssignmentStatus:
    view = await stage.services.market.reading.work_view(assignment_id)
    assert view is not None
    return view.assignment.status


async def _assignment_of(stage: Stage, worker: Actor, hit_id: int) -> int:
    async with stage.services.db.reading() as conn:
        async with conn.execute(
            "SELECT a.id FROM assignments a JOIN users u ON u.id = a.worker_id"
            " WHERE u.tg_id = ? AND a.hit_id = ?",
            (worker.tg_id, hit_id),
        ) as cur:
            row = await cur.fetchone()
    assert row is not None
    return int(row[0])


def _count(actor: Actor, fragment: str) -> int:
    return sum(fragment in text for text in actor.texts())


async def test_reminded_at_half_and_a_fifth_then_abandoned(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    hit_id = await published_poll(stage, rita, "Pick one | X | Y ; reward=0.05 n=1 time=2m")
    await ann.press("Accept")
    assert "Filled — see /next" in bob.last_text(), "Bob's push was edited when it filled"

    await later(stage, 59)
    assert _count(ann, "left to finish") == 0
    await later(stage, 1)
    assert "Pick one" in ann.last_text() and "1m left to finish" in ann.last_text()
    await ann.press("Open the task")
    assert "1/1" in ann.last_text() and "1m left" in ann.last_text()
    task = ann.last()
    x_data = next(data for row in task.buttons() for text, data, _ in row if text == "X")
    await ann.send("/next")  # nothing else is open: the way back to this one
    assert "Nothing open" in ann.last_text() and "in progress are below" in ann.last_text()
    assert ann.last().buttons()[0][0][0] == "📝 Pick one"

    await later(stage, 36)
    assert "24s left to finish" in ann.last_text()
    assert _count(ann, "left to finish") == 2

    await later(stage, 24)
    assert "Time's up" in ann.last_text() and "went back to the pool" in ann.last_text()
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 0
    await bob.send(f"/start hit_{hit_id}")
    assert await bob.press("Accept") is not None
    assert "1/1" in bob.last_text(), "the slot went back to the pool"

    await later(stage, 600)
    assert _count(ann, "Time's up") == 1
    # the two reminders no longer say "left to finish" nor offer buttons: the time ran out
    assert _count(ann, "left to finish") == 0 and _count(ann, "the time ran out") == 2
    ended = stage.sim.message_by_id(ann.tg_id, task.message_id)
    assert "Out of time" in (ended.text or "") and ended.buttons() == [], "no buttons left"
    stale = await forge(stage, ann, str(x_data), task.message_id)  # a copy from before
    assert "no longer active" in (stale or "")


async def test_no_reminder_for_a_deadline_already_past(stage: Stage, admin: Actor) -> None:
    rita, ann, _ = await accepted_poll(stage, admin, "Pick one | X | Y ; reward=0.05 n=1 time=2m")
    await later(stage, 3600)
    assert _count(ann, "left to finish") == 0
    assert _count(ann, "Time's up") == 1


async def test_only_the_latest_due_reminder_is_sent(stage: Stage, admin: Actor) -> None:
    rita, ann, _ = await accepted_poll(stage, admin, "Pick one | X | Y ; reward=0.05 n=1 time=10m")
    await later(stage, 9 * 60)  # both reminders (at 5m and 8m) fell due together
    assert _count(ann, "left to finish") == 1 and "1m left to finish" in ann.last_text()


async def test_unreviewed_work_is_approved_once_after_the_delay(stage: Stage, admin: Actor) -> None:
    rita, ann, hit_id = await accepted_poll(stage, admin, "Pick one | X | Y ; reward=0.05 n=1")
    await ann.press("X")
    await ann.press("Submit")
    aid = await _assignment_of(stage, ann, hit_id)

    await later(stage, 3 * DAY - 1)
    assert await _status(stage, aid) is AssignmentStatus.SUBMITTED
    await later(stage, 1)
    assert "Approved" in ann.last_text() and "+$0.05" in ann.last_text()
    told = f"1 submission on Pick one (#{hit_id}) approved automatically: not reviewed within 3d"
    assert told in rita.last_text(), "the requester learns what was paid without her"
    await stage.services.timers.run_due()
    await stage.settle()
    assert _count(ann, "Approved") == 1
    assert _count(rita, "approved automatically") == 1, "once"
    await ann.send("/earnings")
    assert "Approved: $0.05 (1)" in ann.last_text()
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_id}"] == 0 and sum(balances.values()) == 0
    async with stage.services.db.reading() as conn:
        async with conn.execute(
            "SELECT COUNT(*) FROM ledger WHERE key = ?", (f"approve:{aid}",)
        ) as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == 1
    await rita.send("/review")
    assert "Nothing to review" in rita.last_text()
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.status is HitStatus.CLOSED


async def test_expiry_refunds_unspent_escrow_once(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    hit_id = await published_poll(stage, rita, "Pick one | X | Y ; reward=0.05 n=4 life=1h")
    await answer_poll(ann, "X")
    clock.advance(3500)
    await bob.press("Accept")  # still working when the HIT expires

    await later(stage, 100)
    assert "has expired" in rita.last_text() and "$0.10 went back" in rita.last_text()
    await stage.services.timers.run_due()
    await stage.settle()
    assert _count(rita, "has expired") == 1
    await rita.send("/balance")
    assert "$99.90" in rita.last_text(), "2 free slots refunded, 2 still held"

    await bob.press("Y")
    await bob.press("Submit")
    assert "Submitted" in bob.last_text(), "work accepted before expiry can still be handed in"
    await approve_next(rita)
    await rita.press("Approve")
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_id}"] == 0 and sum(balances.values()) == 0
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.status is HitStatus.EXPIRED


async def test_abandoned_after_expiry_refunds_that_slot(stage: Stage, admin: Actor) -> None:
    rita, ann, hit_id = await accepted_poll(
        stage, admin, "Pick one | X | Y ; reward=0.05 n=2 time=10m life=5m"
    )
    await later(stage, 5 * 60)
    assert "$0.05 went back" in rita.last_text()
    await later(stage, 5 * 60)
    assert "Time's up" in ann.last_text()
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_id}"] == 0 and sum(balances.values()) == 0
    await rita.send("/balance")
    assert "$100.00" in rita.last_text()


async def test_paused_hit_does_not_expire_early(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Pick one | X | Y ; reward=0.05 n=2 life=1h")
    market = stage.services.market
    owner = await market.people.user(rita.tg_id)
    assert owner is not None
    clock.advance(1800)
    assert (await market.settling.pause_hit(owner, hit_id)).value == "ok"
    assert (await market.settling.pause_hit(owner, hit_id)).value == "wrong_state"
    assert "closed" in (await ann.press("Accept") or ""), "a paused HIT can't be taken"

    await later(stage, 5 * 3600)
    hit = await market.reading.hit(hit_id)
    assert hit is not None and hit.status is HitStatus.PAUSED

    assert (await market.settling.resume_hit(owner, hit_id)).value == "ok"
    await later(stage, 1799)
    hit = await market.reading.hit(hit_id)
    assert hit is not None and hit.status is HitStatus.OPEN
    await later(stage, 1)
    assert "has expired" in rita.last_text() and "$0.10 went back" in rita.last_text()


@pytest.fixture
async def race_stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """Telegram's per-chat limits scaled up: six workers get pushes and notices at once."""
    async with fast_stage(await database_at(tmp_path, "race"), clock) as opened:
        yield opened


@pytest.mark.parametrize("yields", [10, 20, 40])
async def test_late_submit_racing_the_deadline(
    race_stage: Stage, clock: FakeClock, yields: int
) -> None:
    """Exactly one of submitted / abandoned wins, whoever gets there first."""
    stage = race_stage
    rita = await funded_requester(stage, stage.admin())
    workers = [await worker(stage, f"W{n}") for n in range(6)]
    hit_id = await published_poll(stage, rita, "Pick one | X | Y ; reward=0.05 n=6 time=1m")
    for w in workers:
        await w.press("Accept", w.messages()[-1].message_id)
        await w.press("X")
    clock.advance(60 - 0.001)
    taps = []
    for w in workers:
        card = w.messages()[-1]
        data = next(d for row in card.buttons() for t, d, _ in row if "Submit" in t)
        taps.append(stage.sim.callback(w.user, card.message_id, str(data), enqueue=False))

    async def deadline() -> None:
        for _ in range(yields):  # let some taps read the time and queue for the database
            await asyncio.sleep(0)
        clock.advance(0.001)
        await stage.services.timers.run_due()

    half = len(taps) // 2
    await asyncio.gather(
        stage.deliver_many(taps[:half]), deadline(), stage.deliver_many(taps[half:])
    )
    await stage.settle()
    outcomes = {}
    for w in workers:
        aid = await _assignment_of(stage, w, hit_id)
        status = await _status(stage, aid)
        outcomes[w.name] = status
        told = (_count(w, "Submitted"), _count(w, "Time's up"))
        if status is AssignmentStatus.SUBMITTED:
            assert told == (1, 0), w.texts()
        else:
            assert status is AssignmentStatus.ABANDONED and told == (0, 1), w.texts()
    abandoned = sum(s is AssignmentStatus.ABANDONED for s in outcomes.values())
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 6 - abandoned
    assert set(outcomes.values()) <= {AssignmentStatus.SUBMITTED, AssignmentStatus.ABANDONED}


async def test_deadline_messages_carry_their_priority(stage: Stage, admin: Actor) -> None:
    rita, ann, _ = await accepted_poll(
        stage, admin, "Pick one | X | Y ; reward=0.05 n=1 time=2m life=1h"
    )
    await later(stage, 60)
    await later(stage, 3600)
    async with stage.services.db.reading() as conn:
        async with conn.execute("SELECT kind, priority FROM outbox") as cur:
            kinds = {row[0]: row[1] for row in await cur.fetchall()}
    assert kinds["reminder"] == Priority.REMINDER
    assert kinds["abandoned"] == kinds["expired"] == Priority.NOTIFICATION
    assert kinds["push"] == Priority.PUSH


async def test_paused_from_myhits_keeps_its_lifetime(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    hit_id = await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.05 n=2 life=1h")
    clock.advance(1200)
    await rita.send("/myhits")
    await rita.press("Tea?")  # its row in the list: the card, in the same message
    card = rita.last()
    await rita.press("Pause", card.message_id)
    await later(stage, 10 * 3600)
    await rita.press("Resume", card.message_id)
    await later(stage, 2399)
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.status is HitStatus.OPEN, "40 minutes were left"
    await later(stage, 1)
    assert "has expired" in rita.last_text() and "$0.10 went back" in rita.last_text()


async def test_work_abandoned_after_a_cancel_refunds_its_reward(stage: Stage, admin: Actor) -> None:
    rita, ann, hit_id = await accepted_poll(
        stage, admin, "Tea? | Yes | No ; reward=0.05 n=3 time=5m"
    )
    await rita.send("/myhits")
    await rita.press("Tea?")  # its row in the list: the card, in the same message
    card = rita.last()
    await rita.press("Cancel", card.message_id)
    await rita.press("Yes, cancel", card.message_id)
    await later(stage, 300)
    assert "Time's up" in ann.last_text()
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_id}"] == 0 and sum(balances.values()) == 0


class _Loads:
    """A scheduler that only remembers what it was asked to run, and when."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, float]] = []

    def at(self, name: str, due_at: float) -> None:
        self.jobs.append((name, due_at))


async def test_the_horizon_waits_for_the_pass_applying_what_is_due(
    stage: Stage, clock: FakeClock
) -> None:
    """A load of the horizon while a pass applies the deadlines due (20,000 at once in
    bench_timers) waits for the pass: loaded during it, it would be those same deadlines,
    again and again, each load a stall of the loop. Once the pass is done it loads what is
    still to come, and Ann's abandoned work is not among it."""
    _, ann, _ = await accepted_poll(
        stage, stage.admin(), "Pick one | X | Y ; reward=0.05 n=1 time=30m life=1d"
    )
    loads = _Loads()
    timers = stage.services.timers
    timers.attach(loads, 2 * 86400.0)  # the HIT expires within it
    clock.advance(31 * 60)
    await asyncio.gather(timers.fire(), timers.horizon())
    await stage.settle()
    assert any("Time's up" in text for text in ann.texts())
    assert loads.jobs, "the horizon was loaded after the pass"
    assert all(due_at > clock.now() for name, due_at in loads.jobs), loads.jobs


async def test_work_lapsing_at_the_same_instant_is_counted_for_each_task(
    stage: Stage, admin: Actor
) -> None:
    """Two of Ann's tasks and one of Bob's lapse at the same instant, so one pass abandons
    them together (on PostgreSQL one statement, its workers' counts moved once per
    statement, migration 0027): each task is counted, Ann's twice."""
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    await published_poll(stage, rita, "Pick one | X | Y ; reward=0.05 n=2 time=2m")
    await ann.press("Accept")
    await bob.press("Accept")
    await published_poll(stage, rita, "Pick two | X | Y ; reward=0.05 n=2 time=2m")
    await ann.press("Accept")

    async def counts() -> dict[int, tuple[int, int, int]]:
        async with stage.services.db.reading() as conn:
            async with conn.execute(
                "SELECT u.tg_id, s.accepted, s.in_progress, s.abandoned FROM worker_stats s"
                " JOIN users u ON u.id = s.user_id WHERE u.tg_id IN (?, ?)",
                (ann.tg_id, bob.tg_id),
            ) as cur:
                return {int(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in await cur.fetchall()}

    assert await counts() == {ann.tg_id: (2, 2, 0), bob.tg_id: (1, 1, 0)}
    await later(stage, 2 * 60)
    assert _count(ann, "Time's up") == 2 and _count(bob, "Time's up") == 1
    assert await counts() == {ann.tg_id: (2, 0, 2), bob.tg_id: (1, 0, 1)}
