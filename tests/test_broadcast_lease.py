"""Several bot processes on one database, one sender: the broadcaster lease.

Process A and process B are two real Applications on the same SQLite file and the same
simulated Telegram, as two processes behind a load balancer would be. Telegram's limits
are the bot's, so only the lease holder sends the outbox; the other stands by, takes over
when the holder's lease expires (it died) or is released (it stopped cleanly), and only
then settles what the old holder left half-sent. Lease expiry is by the FakeClock.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.clock import FakeClock
from bot.delivery._lease import Lease, Taken, process_name
from bot.demo.stage import Actor, Stage
from bot.domain import WorkerPrefs
from bot.runtime.app import stop_app
from bot.sandbox import Limits, SimUser
from storage import lease
from storage.db import Database
from tests.auxil.database import connect, database_at, stalled
from tests.auxil.people import funded_requester

SCALE = 10  # Telegram's limits x10 (300 messages a second overall): short stories
LEASE_S = 10.0  # the default lease (GIGBOT_SEND_LEASE_S)
POLL = "reward=0.01 n=70 time=2m life=1d"  # 70 slots: a first wave of 200 pushes


@asynccontextmanager
async def two_processes(
    tmp_path: Path, clock: FakeClock, lease_s: float = LEASE_S
) -> AsyncIterator[tuple[Stage, Stage]]:
    """A (opened first: it holds the lease) and B; both checked for errors and violations."""
    a = await Stage.open(
        await database_at(tmp_path, "gigbot"),
        clock=clock,
        limits=Limits(scale=SCALE),
        overrides={"send_lease_s": lease_s},
    )
    b = await a.another_process()
    try:
        yield a, b
    finally:
        errors = [*a.services.errors, *b.services.errors]
        violations = list(a.sim.violations)
        await b.close()
        if a.app.running:
            await a.close()
        else:  # stopped by the test: only the simulator is left to close
            await a.sim.stop()
    assert errors == [], f"handler errors: {errors}"
    assert violations == [], f"Telegram rules broken: {violations}"


async def crowd(stage: Stage, size: int) -> list[SimUser]:
    """Workers who have talked to the bot and finished its setup (registered and set up
    straight away: hundreds of /start conversations are not what these stories are about)."""
    people = [stage.sim.add_user(f"W{n}") for n in range(size)]
    for person in people:
        user = await stage.services.market.people.register(person.id, person.first_name)
        await stage.services.desk.save_prefs(user, WorkerPrefs(onboarded=True))
    return people


async def publish(stage: Stage, requester: Actor, title: str, *, hold: bool = False) -> None:
    """The requester posts and publishes a poll through `stage`'s process; its pushes are
    queued, not waited for. With `hold`, Telegram keeps every sendMessage from then on
    waiting unanswered (the pushes hang in flight) until sim.release()."""
    on = Actor(stage, requester.user)
    stage.settle_each_update = False
    await on.send(f"/newpoll {title} | yes | no ; {POLL}")
    if hold:
        stage.sim.hold("sendMessage")
    await on.press("Publish")
    assert "Published poll #" in requester.last_text(), requester.last_text()


def pushes(stage: Stage, title: str, people: list[SimUser]) -> Counter[int]:
    """How many times each worker got the push of the poll `title`."""
    ids = {person.id for person in people}
    return Counter(
        int(call.params["chat_id"])
        for call in stage.sim.calls_to("sendMessage")
        if call.ok and title in str(call.params.get("text")) and call.params["chat_id"] in ids
    )


async def calls_hang(stage: Stage, count: int) -> None:
    """Wait until `count` calls are held unanswered by the simulator."""
    await stage.sim.until(lambda: stage.sim.held >= count, 10, what=f"{count} calls held")


def rows(stage: Stage, sql: str) -> list[tuple[object, ...]]:
    with connect(stage.services.settings.database) as db:
        return list(db.execute(sql).fetchall())


def holder(stage: Stage) -> object:
    return rows(stage, "SELECT holder FROM broadcast_lease")[0][0]


async def die(stage: Stage) -> None:
    """The process's sending dies the way kill -9 ends it: mid-call, recording nothing,
    releasing nothing (the rest of the process stays up for the test to close later)."""
    broadcaster = stage.services.broadcaster
    dying = [t for t in (broadcaster._task, *broadcaster._in_flight) if t is not None]
    for task in dying:
        task.cancel()
    await asyncio.gather(*dying, return_exceptions=True)
    async with stage.services.db.reading() as conn:  # a cancelled transaction rolled back
        assert not conn.in_transaction
    broadcaster._task = None
    broadcaster._done.clear()
    broadcaster.holding = False


async def test_only_the_lease_holder_sends_and_the_bot_keeps_the_overall_limit(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_processes(tmp_path, clock) as (a, b):
        assert a.services.broadcaster.holding and not b.services.broadcaster.holding
        rita = await funded_requester(a, a.admin())
        people = await crowd(a, 200)
        sent_before = a.services.broadcaster.sent

        # Two polls at once, one published through each process: 400 pushes, more than
        # Telegram lets through in a second even at x10 (300), if both processes sent.
        await publish(a, rita, "First?")
        await publish(b, rita, "Second?")
        await asyncio.gather(a.settle(), b.settle())

        assert pushes(a, "First?", people) == Counter({p.id: 1 for p in people})
        assert pushes(a, "Second?", people) == Counter({p.id: 1 for p in people})
        assert a.services.broadcaster.sent - sent_before == 400
        assert b.services.broadcaster.sent == 0, "the standby sent nothing itself"
        claimers = rows(a, "SELECT DISTINCT claimed_by FROM outbox WHERE kind = 'push'")
        assert claimers == [(a.services.broadcaster.claimer,)]
        assert holder(a) == a.services.broadcaster.claimer
        assert [c for c in a.sim.calls if c.error_code == 429] == []
        # the two_processes check: no limit broken (overall, per chat) at the simulator


async def test_a_dead_holder_is_replaced_once_its_lease_expires_and_nothing_goes_twice(
    tmp_path: Path, clock: FakeClock
) -> None:
    # A short lease, so B's flush gives up waiting for the silent A within half a second.
    async with two_processes(tmp_path, clock, lease_s=0.5) as (a, b):
        rita = await funded_requester(a, a.admin())
        people = await crowd(a, 100)
        await publish(a, rita, "Crash?", hold=True)  # A's pushes hang in flight
        await calls_hang(a, 10)
        await die(a)
        a.sim.release()  # A's calls that reached Telegram arrive; A never hears back
        called = rows(
            a, "SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND called_at IS NOT NULL"
        )[0][0]
        assert isinstance(called, int) and called >= 10

        # A's lease has not expired: B does not take over, its flush does not hang, and
        # nothing A left behind is touched.
        assert await b.settle() is None and not b.services.broadcaster.holding
        assert b.services.broadcaster.sent == 0 and b.services.broadcaster.recovered == 0
        assert holder(a) == a.services.broadcaster.claimer

        clock.advance(1.0)  # past A's lease
        # B's own loop looks again (every third of a lease), takes it and sends the rest.
        await b.sim.until(lambda: b.services.broadcaster.holding, 5, what="B to take the lease")
        await b.settle()

        assert b.services.broadcaster.holding and holder(a) == b.services.broadcaster.claimer
        failed = rows(a, "SELECT chat_id, error FROM outbox WHERE status = 'failed'")
        assert {error for _, error in failed} == {"interrupted"} and len(failed) == called
        assert b.services.broadcaster.recovered == called
        got = pushes(a, "Crash?", people)
        assert max(got.values()) == 1, "nobody got the push twice"
        given_up = {int(str(chat)) for chat, _ in failed}
        assert all(got[p.id] == 1 for p in people if p.id not in given_up)
        assert b.services.broadcaster.sent == len(people) - called
        assert rows(a, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == [
            (0,)
        ]


async def test_a_clean_stop_hands_the_sending_over_at_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_processes(tmp_path, clock) as (a, b):
        rita = await funded_requester(a, a.admin())
        people = await crowd(a, 100)
        sent_before = a.services.broadcaster.sent
        await publish(a, rita, "Handover?", hold=True)
        await calls_hang(a, 10)

        # A stops cleanly (SIGTERM) in the middle: the calls it made finish, the rows it
        # claimed but did not call go back to the queue, and it releases the lease.
        stopping = asyncio.create_task(a.services.broadcaster.stop())
        await asyncio.sleep(0)  # the stop has begun: A claims and calls nothing more
        a.sim.release()
        await stopping
        await stop_app(a.app)
        assert holder(a) is None
        by_a = a.services.broadcaster.sent - sent_before
        assert 10 <= by_a < len(people)

        await b.settle()  # B takes over without waiting for any expiry (the clock stands)

        assert b.services.broadcaster.holding
        assert pushes(a, "Handover?", people) == Counter({p.id: 1 for p in people})
        assert b.services.broadcaster.sent == len(people) - by_a
        assert b.services.broadcaster.recovered == 0
        assert rows(a, "SELECT COUNT(*) FROM outbox WHERE status != 'sent'") == [(0,)]


async def test_a_holder_stalled_past_its_lease_steps_down_and_nothing_goes_twice(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_processes(tmp_path, clock) as (a, b):
        rita = await funded_requester(a, a.admin())
        people = await crowd(a, 100)
        await publish(a, rita, "Stall?", hold=True)
        await calls_hang(a, 10)

        async with stalled(a.services.db):  # A stalls: it cannot even renew its lease
            clock.advance(LEASE_S + 1)
            assert await b.services.broadcaster.take_lease(), "an expired lease is free"
        assert b.services.broadcaster.recovered >= 10  # A's calls in flight: given up
        a.sim.release()  # ... and answered after all: A records them as sent
        await b.settle()
        await a.settle()

        assert not a.services.broadcaster.holding, "A noticed at its next renewal"
        assert holder(a) == b.services.broadcaster.claimer
        assert pushes(a, "Stall?", people) == Counter({p.id: 1 for p in people})
        assert rows(a, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == [
            (0,)
        ]


async def test_a_process_starting_next_to_a_live_holder_leaves_its_rows_alone(
    tmp_path: Path, clock: FakeClock
) -> None:
    a = await Stage.open(
        await database_at(tmp_path, "gigbot"), clock=clock, limits=Limits(scale=SCALE)
    )
    b: Stage | None = None
    try:
        rita = await funded_requester(a, a.admin())
        people = await crowd(a, 100)
        await publish(a, rita, "In flight?", hold=True)
        await calls_hang(a, 10)
        query = "SELECT id, status, claimed_by, called_at FROM outbox WHERE status = 'sending'"
        in_flight = rows(a, query)

        b = await a.another_process()  # starts while A's calls hang

        assert not b.services.broadcaster.holding and b.services.broadcaster.recovered == 0
        now = {row[0]: row for row in rows(a, query)}
        for row_id, _, claimer, called_at in in_flight:  # A goes on; B touched none of them
            assert now[row_id][2] == claimer == a.services.broadcaster.claimer
            assert called_at is None or now[row_id][3] == called_at
        assert rows(a, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'") == [(0,)]
        a.sim.release()
        await a.settle()
        await b.settle()
        assert pushes(a, "In flight?", people) == Counter({p.id: 1 for p in people})
        assert rows(a, "SELECT COUNT(*) FROM outbox WHERE status != 'sent'") == [(0,)]
        assert b.services.broadcaster.sent == 0
    finally:
        a.sim.release()
        errors = [*a.services.errors, *(b.services.errors if b is not None else [])]
        violations = list(a.sim.violations)
        if b is not None:
            await b.close()
        await a.close()
    assert errors == [] and violations == []


async def test_a_holder_known_to_be_gone_is_replaced_without_waiting(
    tmp_path: Path, clock: FakeClock
) -> None:
    """On one machine a restarted bot need not wait for the lease of the process it
    replaces to run out when that process's pid runs no more (kill -9, then restart)."""
    exited = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    host, space, _, _ = process_name().rsplit(":", 3)
    dead = f"{host}:{space}:{int(exited.stdout)}:0"
    alive = f"{host}:{space}:{os.getppid()}:0"  # the process that started this one
    elsewhere = f"other-host:{space}:{int(exited.stdout)}:0"  # pids of other machines: unsure
    mine = Lease(clock, process_name(), LEASE_S)
    db = Database(await database_at(tmp_path, "lease"))
    await db.open()
    try:
        for other, expected in (
            (alive, Taken.REFUSED),
            (elsewhere, Taken.REFUSED),
            (dead, Taken.OVER),
        ):
            async with db.transaction() as conn:
                now = clock.now()
                seen = (await lease.current(conn)).holder
                assert await lease.take(conn, other, seen, now, now + LEASE_S, seen_gone=True)
                assert await mine.take(conn, now) == (expected, other), other
        async with db.reading() as conn:
            assert (await lease.current(conn)).holder == mine.name
    finally:
        await db.close()
