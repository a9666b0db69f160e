"""Processes on one PostgreSQL database hear each other instead of asking (migration
0028, storage/pg.Listener): a process keeps the users it read, and forgets them when any
process changes one; the process holding the broadcaster lease rests while idle and is
woken by the rows other processes queue (it asked the database every 50 ms). A process
that lost its listening connection keeps nothing and polls again until it listens anew.
(PostgreSQL only: SQLite has no notices; several processes on one file poll as before.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from bot.demo.stage import Actor, Stage
from tests.auxil import database as databases
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll

pytestmark = pytest.mark.postgres_only

Pair = tuple[Stage, Stage]

ANY_DUE = "SELECT 1 FROM outbox WHERE status = 'pending' AND not_before <= $1 LIMIT 1"
DUE = "SELECT id, key, chat_id, kind, priority, payload, attempts, "  # with the language


def on(stage: Stage, actor: Actor) -> Actor:
    """The same person, their next update delivered to `stage`'s process."""
    return Actor(stage, actor.user)


class Statements:
    """What one process sends the server, on every connection of its pool."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.changed = asyncio.Event()

    def note(self, record: Any) -> None:
        self.sent.append(" ".join(str(record.query).split()))
        self.changed.set()

    def count(self, head: str) -> int:
        return len([s for s in self.sent if s.startswith(head)])

    async def until(self, check: Callable[[], bool], what: str) -> None:
        """Until `check` holds, looked at after each statement (20 s at most)."""
        try:
            async with asyncio.timeout(20):
                while not check():
                    self.changed.clear()
                    await self.changed.wait()
        except TimeoutError:
            raise AssertionError(f"never saw {what}") from None

    async def watch(self, stage: Stage) -> None:
        await databases.log_every_query(stage, self.note)


async def until(check: Callable[[], bool], what: str) -> None:
    """Until a notice has arrived, a moment after the commit that sent it (10 s at most)."""
    try:
        async with asyncio.timeout(10):
            while not check():
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise AssertionError(f"never saw {what}") from None


async def test_an_idle_holder_rests_and_hears_the_rows_another_process_queued(
    processes: Pair,
) -> None:
    a, b = processes
    assert a.services.broadcaster.holding, "A started first: it sends the outbox"
    assert not b.services.broadcaster.holding
    rita = await funded_requester(a, a.admin())
    ann = await worker(a, "Ann")
    await a.settle()
    before = len(ann.messages())
    seen = Statements()
    await seen.watch(a)

    # Published on B: B queues the push, A sends it, woken by B's notice.
    await published_poll(b, on(b, rita), "Heard? | yes | no ; reward=0.05 n=2")
    await a.sim.until(lambda: len(ann.messages()) > before, what="the push, sent by A")
    assert "Heard?" in ann.last_text()

    # Idle again, A looks at the outbox only in its own passes (each a claim, then at most
    # one look whether anything is due): it asked every 50 ms in between.
    passes = seen.count(DUE)
    await seen.until(lambda: seen.count(DUE) >= passes + 2, "two more of A's passes")
    assert seen.count(ANY_DUE) <= seen.count(DUE), seen.sent


async def test_a_user_changed_on_another_process_is_read_anew(processes: Pair) -> None:
    a, b = processes
    ana = Actor(a, a.sim.add_user("Ana", language_code="es-419"))
    await ana.send("/start")
    await ana.send("/help")
    assert "Cómo funciona gigbot" in ana.last_text()
    kept = a.services.db.pg.users if a.services.db.pg is not None else None
    assert kept is not None and kept.get(ana.tg_id) is not None, "A keeps Ana"

    seen = Statements()
    await seen.watch(a)
    await ana.send("/help")
    assert not [s for s in seen.sent if "FROM users WHERE tg_id" in s], "nor reads her again"

    await on(b, ana).send("/language")
    await on(b, ana).press("English")
    assert "I speak English with you now" in ana.last_text()
    await until(lambda: kept.get(ana.tg_id) is None, "A forgetting Ana at B's notice")
    await ana.send("/help")
    assert "How gigbot works" in ana.last_text(), "A speaks English with her now"


async def test_a_process_that_lost_its_listener_keeps_nothing_and_listens_again(
    processes: Pair,
) -> None:
    a, b = processes
    pg = a.services.db.pg
    assert pg is not None
    rita = await funded_requester(a, a.admin())
    ann = await worker(a, "Ann")
    await ann.send("/help")
    assert pg.users.get(ann.tg_id) is not None and a.services.db.hears_queued

    # The server ends A's listening connection: A keeps no user and polls the outbox.
    async with pg.pool.acquire() as con:
        await con.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = $1 AND query LIKE 'LISTEN%'",
            pg.name,
        )
    await until(lambda: not a.services.db.hears_queued, "A losing its listener")
    await ann.send("/help")
    assert pg.users.get(ann.tg_id) is None, "nothing kept while A hears nothing"
    before = len(ann.messages())
    await published_poll(b, on(b, rita), "Deaf? | yes | no ; reward=0.05 n=2")
    await a.sim.until(lambda: len(ann.messages()) > before, what="the push, found by A's polls")

    # A listens again on its own; what it reads is kept again.
    await until(lambda: a.services.db.hears_queued, "A listening again")
    await ann.send("/help")
    assert pg.users.get(ann.tg_id) is not None
