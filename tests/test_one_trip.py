"""Database.atomic: a transaction's body run in one trip to SQLite's thread (storage/inline.py),
the same body on PostgreSQL as an ordinary transaction."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from storage.db import Conn, Database, fetch_value
from storage.inline import NotInline
from tests.auxil.database import database_at, on_postgres

ADD_USER = "INSERT INTO users (tg_id, alias, created_at) VALUES (?, ?, 0)"


async def opened(tmp_path: Path, name: str) -> Database:
    db = Database(await database_at(tmp_path, name))
    await db.open()
    return db


async def users(db: Database) -> int:
    async with db.reading() as conn:
        return await fetch_value(conn, "SELECT COUNT(*) FROM users")


async def test_an_atomic_body_commits_every_statement_and_returns_its_result(
    tmp_path: Path,
) -> None:
    """Each way storage speaks to a connection works inside it: execute (awaited, or as a
    context manager), rowcount, executemany, execute_fetchall, RETURNING."""
    db = await opened(tmp_path, "a")
    try:

        async def body(conn: Conn) -> tuple[int, int, list[str]]:
            cur = await conn.execute(ADD_USER + " RETURNING id", (1, "W-AAAA"))
            first = await cur.fetchone()
            await conn.executemany(ADD_USER, [(2, "W-BBBB"), (3, "W-CCCC")])
            async with conn.execute(
                "UPDATE users SET first_name = 'x' WHERE tg_id IN (2, 3)"
            ) as changed:
                touched = changed.rowcount
            rows = await conn.execute_fetchall("SELECT alias FROM users ORDER BY tg_id")
            return int(first[0]), touched, [row[0] for row in rows]

        made_id, touched, aliases = await db.atomic(body)
        assert made_id > 0 and touched == 2
        assert aliases == ["W-AAAA", "W-BBBB", "W-CCCC"]
        assert await users(db) == 3
    finally:
        await db.close()


async def test_an_atomic_body_that_fails_leaves_nothing(tmp_path: Path) -> None:
    db = await opened(tmp_path, "r")
    try:

        async def body(conn: Conn) -> None:
            await conn.execute(ADD_USER, (1, "W-AAAA"))
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            await db.atomic(body)
        assert await users(db) == 0
        async with db.transaction() as conn:  # the connection is out of the transaction
            await conn.execute(ADD_USER, (2, "W-BBBB"))
        assert await users(db) == 1
    finally:
        await db.close()


@pytest.mark.sqlite_only
async def test_on_sqlite_the_body_runs_on_the_database_thread(tmp_path: Path) -> None:
    """One hand-off for the whole transaction: the body itself runs where the statements do."""
    db = await opened(tmp_path, "t")
    try:
        loop_thread = threading.get_ident()

        async def body(conn: Conn) -> int:
            await conn.execute(ADD_USER, (1, "W-AAAA"))
            return threading.get_ident()

        assert await db.atomic(body) != loop_thread
        assert await users(db) == 1
    finally:
        await db.close()


@pytest.mark.sqlite_only
async def test_a_quick_body_runs_on_the_loops_thread_and_a_failing_one_leaves_nothing(
    tmp_path: Path,
) -> None:
    """atomic(quick=True): a few indexed statements need no hand-off at all; they run
    where the caller does, and a failure rolls them back as on the database thread."""
    db = await opened(tmp_path, "q")
    try:
        loop_thread = threading.get_ident()

        async def body(conn: Conn) -> int:
            await conn.execute(ADD_USER, (1, "W-AAAA"))
            return threading.get_ident()

        async def failing(conn: Conn) -> None:
            await conn.execute(ADD_USER, (2, "W-BBBB"))
            raise RuntimeError("boom")

        assert await db.atomic(body, quick=True) == loop_thread
        with pytest.raises(RuntimeError, match="boom"):
            await db.atomic(failing, quick=True)
        assert await users(db) == 1
        async with db.reading() as conn:
            assert not conn.in_transaction
    finally:
        await db.close()


@pytest.mark.sqlite_only
async def test_a_quick_body_waits_for_another_process_on_the_database_thread(
    tmp_path: Path,
) -> None:
    """Another process holding SQLite's write lock never holds the loop: the quick body
    then runs in a trip, whose BEGIN waits on the database thread."""
    db = await opened(tmp_path, "w")
    other = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")
        loop_thread = threading.get_ident()

        async def body(conn: Conn) -> int:
            await conn.execute(ADD_USER, (1, "W-AAAA"))
            return threading.get_ident()

        waiting = asyncio.create_task(db.atomic(body, quick=True))
        await asyncio.sleep(0)  # it found the lock taken and went to the database thread
        assert not waiting.done()
        other.execute("COMMIT")
        assert await waiting != loop_thread
        assert await users(db) == 1
    finally:
        other.close()
        await db.close()


@pytest.mark.sqlite_only
async def test_quick_blocks_in_a_row_set_the_busy_timeout_once_and_the_thread_still_waits(
    tmp_path: Path,
) -> None:
    """A quick block's BEGIN must not wait (busy timeout 0), aiosqlite's thread must (10 s):
    the PRAGMA goes only when the side changes, not two per quick block, and a transaction
    on the thread after quick ones still waits for another process's write lock."""
    db = await opened(tmp_path, "b")
    other = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    sent: list[str] = []
    try:
        db.conn._conn.set_trace_callback(sent.append)
        for n in range(3):

            async def body(conn: Conn, n: int = n) -> None:
                await conn.execute(ADD_USER, (n, f"W-{n:04d}"))

            await db.atomic(body, quick=True)
        async with db.transaction(quick=True) as conn:
            await conn.execute(ADD_USER, (3, "W-0003"))
        assert [s for s in sent if s.startswith("PRAGMA")] == ["PRAGMA busy_timeout=0"]
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(0.2, other.execute, ("COMMIT",)).start()
        async with db.transaction() as conn:  # BEGIN on the thread: waits, or 'locked' at once
            await conn.execute(ADD_USER, (4, "W-0004"))
        assert await users(db) == 5
    finally:
        other.close()
        await db.close()


@pytest.mark.sqlite_only
async def test_a_body_awaiting_anything_but_its_connection_is_refused_and_rolled_back(
    tmp_path: Path,
) -> None:
    """On SQLite's thread there is no event loop to wait on: a body that suspends (a sleep,
    a hook's task) is stopped with NotInline before anything is stored."""
    db = await opened(tmp_path, "s")
    try:

        async def body(conn: Conn) -> None:
            await conn.execute(ADD_USER, (1, "W-AAAA"))
            await asyncio.sleep(0)
            await conn.execute(ADD_USER, (2, "W-BBBB"))

        with pytest.raises(NotInline):
            await db.atomic(body)
        assert await users(db) == 0
        async with db.reading() as conn:
            assert not conn.in_transaction
    finally:
        await db.close()


async def test_a_caller_cancelled_during_its_trip_leaves_the_connection_usable(
    tmp_path: Path,
) -> None:
    """On SQLite the trip was handed over whole and commits on its own (PostgreSQL rolls the
    cancelled transaction back); either way nothing is left open."""
    db = await opened(tmp_path, "c")
    try:

        async def body(conn: Conn) -> None:
            await conn.execute(ADD_USER, (1, "W-AAAA"))

        cancelled = asyncio.ensure_future(db.atomic(body))
        await asyncio.sleep(0)  # handed over, waiting for the answer
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        async with db.transaction() as conn:  # would raise "within a transaction"
            await conn.execute(ADD_USER, (2, "W-BBBB"))
        assert await users(db) == (1 if on_postgres() else 2)
        async with db.reading() as conn:
            assert not conn.in_transaction
    finally:
        await db.close()
