"""Storage: migrations apply once, in order, and are recorded (on SQLite and PostgreSQL);
a SQLite file is WAL with FKs on."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from storage import db as storage_db
from storage import ledger
from storage.db import Database, migration_files
from tests.auxil.database import database_at


async def test_migrations_apply_once_and_are_recorded(tmp_path: Path) -> None:
    target = await database_at(tmp_path, "m")
    db = Database(target)
    await db.open()
    async with db.reading() as conn:
        async with conn.execute("SELECT version FROM schema_version ORDER BY version") as cur:
            versions = [row[0] for row in await cur.fetchall()]
    await db.close()
    assert versions == [v for v, _, _ in migration_files()]
    assert versions == sorted(versions) and versions[0] == 1
    again = Database(target)
    await again.open()  # reopening applies nothing twice (a second ALTER TABLE would fail)
    await again.close()


@pytest.mark.sqlite_only
async def test_a_sqlite_file_is_wal_with_foreign_keys_on(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.sqlite3")
    await db.open()
    async with db.reading() as conn:
        async with conn.execute("PRAGMA journal_mode") as cur:
            mode = await cur.fetchone()
        async with conn.execute("PRAGMA foreign_keys") as cur:
            fks = await cur.fetchone()
    await db.close()
    assert mode is not None and mode[0] == "wal"
    assert fks is not None and fks[0] == 1


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database(await database_at(tmp_path, "r"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (tg_id, alias, created_at) VALUES (1, 'W-AAAA', 0)"
            )
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with db.reading() as conn:
        async with conn.execute("SELECT COUNT(*) FROM users") as cur:
            row = await cur.fetchone()
    await db.close()
    assert row is not None and row[0] == 0


@pytest.mark.sqlite_only
async def test_same_cpu_pins_loop_and_database_thread_together_until_close(
    tmp_path: Path,
) -> None:
    before = os.sched_getaffinity(0)
    db = Database(tmp_path / "p.sqlite3", same_cpu=True)
    await db.open()
    loop_cpus = os.sched_getaffinity(0)
    await db.conn.create_function(
        "thread_cpus", 0, lambda: ",".join(map(str, sorted(os.sched_getaffinity(0))))
    )
    rows = list(await db.conn.execute_fetchall("SELECT thread_cpus()"))
    db_cpus = {int(c) for c in rows[0][0].split(",")}
    await db.close()
    assert len(loop_cpus) == 1 and loop_cpus <= before
    assert db_cpus == loop_cpus
    assert os.sched_getaffinity(0) == before  # the loop thread has its CPUs back


@pytest.mark.sqlite_only
async def test_without_same_cpu_nothing_is_pinned(tmp_path: Path) -> None:
    before = os.sched_getaffinity(0)
    db = Database(tmp_path / "f.sqlite3")
    await db.open()
    during = os.sched_getaffinity(0)
    await db.close()
    assert during == before


async def test_balances_follow_the_ledger_which_is_never_changed(tmp_path: Path) -> None:
    db = Database(await database_at(tmp_path, "b"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await ledger.transfer(conn, "fund:1", ledger.WORLD, "req:1", 1000, "fund", 0)
            await ledger.transfer(conn, "publish:7", "req:1", "escrow:7", 300, "publish", 0)
            await ledger.transfer(conn, "approve:3", "escrow:7", "wrk:2", 100, "approve", 0)
            await ledger.transfer(conn, "approve:3", "escrow:7", "wrk:2", 100, "approve", 0)
        async with db.reading() as conn:
            assert await ledger.balance(conn, "req:1") == 700
            assert await ledger.balance(conn, "escrow:7") == 200
            assert await ledger.balance(conn, "wrk:2") == 100, "the repeated key moved nothing"
            assert await ledger.balance(conn, "wrk:404") == 0
            assert await ledger.kept_balances(conn) == await ledger.all_balances(conn)
        for change in ("UPDATE ledger SET amount_cents = 1", "DELETE FROM ledger"):
            with pytest.raises((sqlite3.IntegrityError, asyncpg.RaiseError), match="append-only"):
                async with db.transaction() as conn:
                    await conn.execute(change)
    finally:
        await db.close()


@pytest.mark.sqlite_only
async def test_the_balances_migration_sums_the_ledger_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = Database(path)
    await db.open()
    async with db.reading() as conn:  # back to a file from before migration 0015
        await conn.executescript(
            "DROP TRIGGER ledger_moves_balances; DROP TRIGGER ledger_rows_are_never_changed;"
            " DROP TRIGGER ledger_rows_are_never_deleted; DROP TABLE balances;"
            " DELETE FROM schema_version WHERE version = 15;"
        )
    async with db.transaction() as conn:
        await ledger.transfer(conn, "fund:1", ledger.WORLD, "req:1", 900, "fund", 0)
        await ledger.transfer(conn, "publish:7", "req:1", "escrow:7", 250, "publish", 0)
    await db.close()
    again = Database(path)
    await again.open()
    async with again.reading() as conn:
        kept = await ledger.kept_balances(conn)
    await again.close()
    assert kept == {"world": -900, "req:1": 650, "escrow:7": 250}


async def test_a_transaction_cancelled_at_its_begin_leaves_none_open(tmp_path: Path) -> None:
    """A task cancelled while BEGIN is on its way (a stop, a timeout) must not leave the
    shared connection inside a transaction: every later transaction would fail, and other
    processes' writers would wait on the file's lock."""
    db = Database(await database_at(tmp_path, "c"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER NOT NULL)")

        async def write() -> None:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO t VALUES (1)")

        cancelled = asyncio.ensure_future(write())
        await asyncio.sleep(0)  # it has sent BEGIN IMMEDIATE and waits for the answer
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        async with db.transaction() as conn:  # would raise "within a transaction"
            await conn.execute("INSERT INTO t VALUES (2)")
        async with db.reading() as conn:
            assert not conn.in_transaction
            async with conn.execute("SELECT x FROM t") as cur:
                assert [row[0] for row in await cur.fetchall()] == [2]
    finally:
        await db.close()


async def test_several_processes_opening_a_new_database_at_once_all_start(
    tmp_path: Path,
) -> None:
    """Three bots started together on a new database (each migrating it) all start, and
    every migration is applied once."""
    target = await database_at(tmp_path, "together")
    opened = [Database(target) for _ in range(3)]
    await asyncio.gather(*(db.open() for db in opened))
    try:
        async with opened[0].reading() as conn:
            rows = await conn.execute_fetchall("SELECT version FROM schema_version")
        assert sorted(row[0] for row in rows) == [v for v, _, _ in migration_files()]
    finally:
        for db in opened:
            await db.close()


def test_every_migration_has_a_number_of_its_own() -> None:
    """Two files with one number: the second would never run on a database that has the
    first (and two branches landing the same number is easy to miss)."""
    versions = [version for version, _, _ in migration_files()]
    assert len(versions) == len(set(versions)), sorted(versions)


@pytest.mark.sqlite_only
async def test_commits_leave_copying_the_log_to_the_checkpointer(tmp_path: Path) -> None:
    """A COMMIT that crossed SQLite's 1,000 pages of write-ahead log used to copy the log
    into the file itself (10-15 ms more, the slow tail of push waves); the bot's own thread
    copies it now, and COMMITs leave it alone up to 10,000 pages."""
    db = Database(tmp_path / "c.sqlite3")
    await db.open()
    try:
        assert db._checkpointer is not None
        await asyncio.to_thread(db._checkpointer.stop)  # this story copies by hand
        for n in range(30):  # ~3,000 pages of log in 30 commits
            async with db.transaction() as conn:
                await conn.executemany(
                    "INSERT INTO users (tg_id, alias, first_name, created_at)"
                    " VALUES (?, ?, ?, 0)",
                    [(n * 1000 + i, f"U-{n}-{i}", "x" * 300) for i in range(1000)],
                )
        raw = sqlite3.connect(tmp_path / "c.sqlite3")
        try:
            logged, copied = storage_db.copy(raw)
        finally:
            raw.close()
    finally:
        await db.close()
    assert logged > 2_000, "the commits copied the log themselves"
    assert copied == logged, "one pass of the checkpointer copies all of it"

