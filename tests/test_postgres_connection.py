"""A connection to PostgreSQL lost while gigbot runs: the update it was handling is rolled
back whole (the server does it) and answered with an apology; the pool connects again and
the worker's next tap works. A database that cannot be reached for a while (every
connection cut, none taken) leaves gigbot sending once it is back. (PostgreSQL only: a
SQLite file has no connection to lose.)"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from bot.clock import FakeClock
from bot.demo.stage import Stage
from bot.formatting import SOMETHING_WRONG
from storage.db import Database, fetch_one
from storage.pg import PgConn
from tests.auxil import database as databases
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll

pytestmark = pytest.mark.postgres_only


async def test_a_connection_cut_mid_accept_writes_nothing_and_apologizes(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = str(await databases.database_at(tmp_path, "cut"))
    stage = await Stage.open(url, clock=clock)
    try:
        rita = await funded_requester(stage, stage.admin())
        ann = await worker(stage, "Ann")
        hit_id = await published_poll(stage, rita, "Cut? | yes | no ; reward=0.05 n=2")
        push = ann.last()

        # Another session holds the HIT's row, so Ann's accept waits inside its transaction
        # (after reading, at its first write); then the server cuts that connection. (Only
        # that one: cutting the idle ones too made the story flaky under load, the pool
        # handing out one the server had cut but whose socket had not closed yet; a whole
        # database away is the next story.)
        holder = await asyncpg.connect(url)
        blocker = holder.transaction()
        await blocker.start()
        await holder.execute("SELECT 1 FROM hits WHERE id = $1 FOR UPDATE", hit_id)
        seen = len(stage.sim.alerts(ann.user))
        tapping = asyncio.create_task(ann.press("Accept", push.message_id))
        for _ in range(500):
            waiting = await holder.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if waiting:
                break
            await asyncio.sleep(0.01)
        assert waiting, "the accept is waiting on the row"
        await holder.execute(
            "SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid",
            [row["pid"] for row in waiting],
        )
        await tapping
        await blocker.rollback()
        await holder.close()

        answers = stage.sim.alerts(ann.user)[seen:]
        assert [a.get("text") for a in answers] == [SOMETHING_WRONG]
        assert databases.rows(url, "SELECT COUNT(*) FROM assignments") == [(0,)]
        assert databases.rows(url, "SELECT slots_used FROM hits WHERE id = ?", (hit_id,)) == [(0,)]
        errors = list(stage.services.errors)
        assert len(errors) == 1 and isinstance(
            errors[0], (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError)
        ), errors
        stage.services.errors.clear()

        # The pool connects again: the same tap now works, once.
        await ann.press("Accept", push.message_id)
        assert "1/1" in ann.last_text(), ann.last_text()
        assert databases.rows(url, "SELECT COUNT(*) FROM assignments") == [(1,)]
        await rita.send("/balance")
        assert "$99.90" in rita.last_text(), "the escrow is as it was"
        assert list(stage.services.errors) == []
        assert stage.sim.violations == []
    finally:
        await stage.close()


async def test_gigbots_connections_never_compile_a_plan(tmp_path: Path) -> None:
    """JIT is off on the pool's connections: the recipient walk's plan is costed above
    jit_above_cost, and compiling it took longer than running it (bench_matching's tail)."""
    db = Database(await databases.database_at(tmp_path, "jit"))
    await db.open()
    try:
        async with db.reading() as conn:
            row = await fetch_one(conn, "SHOW jit")
            assert row is not None and row[0] == "off"
    finally:
        await db.close()


async def test_gigbots_statements_never_wait_for_parallel_workers(tmp_path: Path) -> None:
    """Parallel query is off on the pool's connections: at 100,000 workers the recipient
    walk's window was planned as a parallel bitmap scan, and starting its worker process
    took 20-50 ms on a busy machine for a walk of 1-2 ms (bench_matching's select tail)."""
    db = Database(await databases.database_at(tmp_path, "parallel"))
    await db.open()
    try:
        async with db.reading() as conn:
            row = await fetch_one(conn, "SHOW max_parallel_workers_per_gather")
            assert row is not None and row[0] == "0"
        async with db.transaction() as conn:  # a transaction's connection too
            row = await fetch_one(conn, "SHOW max_parallel_workers_per_gather")
            assert row is not None and row[0] == "0"
    finally:
        await db.close()


async def test_a_connection_goes_back_to_the_pool_without_a_reset_round_trip(
    tmp_path: Path,
) -> None:
    """Every read and every transaction takes a pooled connection and gives it back; giving
    it back sends the server nothing (asyncpg's default sent RESET ALL, UNLISTEN *, CLOSE
    ALL and pg_advisory_unlock_all() each time: a round trip per use, 8 % of the core loop),
    and the next use of the connection works as before."""
    db = Database(str(await databases.database_at(tmp_path, "reset")))
    await db.open()
    sent: list[str] = []

    def note(record: Any) -> None:
        sent.append(str(record.query))

    try:
        async with db.reading() as conn:
            assert isinstance(conn, PgConn)
            conn.raw.add_query_logger(note)
            one = await fetch_one(conn, "SELECT 1")
        assert one is not None and one[0] == 1
        async with db.reading() as conn:  # the pool's one idle connection, used again
            none = await fetch_one(conn, "SELECT COUNT(*) FROM users")
            conn.raw.remove_query_logger(note)
        assert none is not None and none[0] == 0
    finally:
        await db.close()
    assert sent and not [q for q in sent if "RESET" in q or "UNLISTEN" in q], sent


async def test_sending_goes_on_after_the_database_was_away(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The server cuts every connection and takes no new one for a while (a restart, a
    failover) while the bot is idle. The broadcaster, which looks for rows due every 50 ms
    when idle, keeps trying (each pass logs why it cannot) instead of ending for good;
    once the database is back, what users do is answered as before. (Before, the first
    failed look ended the broadcaster: nothing was sent any more and the next flush waited
    forever, the hang seen in the story above under load.)"""
    url = str(await databases.database_at(tmp_path, "away"))
    name = url.rsplit("/", 1)[1]
    stage = await Stage.open(url, clock=clock)
    try:
        rita = await funded_requester(stage, stage.admin())
        ann = await worker(stage, "Ann")
        await published_poll(stage, rita, "Away? | yes | no ; reward=0.05 n=2")
        push = ann.last()

        server = await asyncpg.connect(databases.SERVER)  # its own database, not the bot's
        await server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        with caplog.at_level(logging.ERROR, logger="bot.delivery.outbox"):
            for _ in range(2000):  # a pass runs at least every second of real time
                if "broadcaster pass failed" in caplog.text:
                    break
                await asyncio.sleep(0.01)
            assert "broadcaster pass failed" in caplog.text, "it kept trying while away"
        await server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await server.close()

        async with asyncio.timeout(60):  # a hang guard: before the fix this waited forever
            await ann.press("Accept", push.message_id)
        assert "1/1" in ann.last_text(), ann.last_text()
        await rita.send("/balance")
        assert "$99.90" in rita.last_text()
        assert list(stage.services.errors) == []
        assert stage.sim.violations == []
    finally:
        await stage.close()


async def test_a_message_sent_while_the_database_goes_away_is_recorded_once_it_is_back(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Ann's push is on its way to Telegram (the call is made, not yet answered) when the
    server cuts every connection. The push reaches her; recording that fails while the
    database is away. Once it is back the outcome is recorded: the row is 'sent' with her
    message's id, so the card can be edited later. (Before, the outcome was dropped with
    the failed pass: the row stayed 'sending' without a message id for good.)"""
    url = str(await databases.database_at(tmp_path, "record"))
    name = url.rsplit("/", 1)[1]
    stage = await Stage.open(url, clock=clock)
    try:
        rita = await funded_requester(stage, stage.admin())
        ann = await worker(stage, "Ann")
        await rita.send("/newpoll Kept? | yes | no ; reward=0.05")
        stage.sim.hold("sendMessage")
        publish = asyncio.create_task(rita.press("Publish"))
        push = "SELECT status, message_id FROM outbox WHERE chat_id = ? AND kind = 'push'"
        on_its_way = [("sending", None)]  # the call is made: sendMessage is held
        for _ in range(2000):
            if stage.sim.held and await databases.sql(stage, push, ann.tg_id) == on_its_way:
                break
            await asyncio.sleep(0.01)
        assert await databases.sql(stage, push, ann.tg_id) == on_its_way

        server = await asyncpg.connect(databases.SERVER)
        await server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        with caplog.at_level(logging.ERROR, logger="bot.delivery.outbox"):
            stage.sim.release()
            for _ in range(2000):
                if "broadcaster pass failed" in caplog.text:
                    break
                await asyncio.sleep(0.01)
            assert "broadcaster pass failed" in caplog.text, "recording failed while away"
        await server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await server.close()

        async with asyncio.timeout(60):
            await publish
            await stage.settle()
        card = ann.last()
        assert "Kept?" in card.text, card.text
        assert await databases.sql(stage, push, ann.tg_id) == [("sent", card.message_id)]
        assert list(stage.services.errors) == []
        assert stage.sim.violations == []
    finally:
        await stage.close()
