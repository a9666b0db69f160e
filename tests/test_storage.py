"""Storage: migrations apply once, in order, and are recorded; the file is WAL with FKs on."""

from __future__ import annotations

import os
from pathlib import Path

from storage.db import Database, migration_files


async def test_migrations_apply_once_and_are_recorded(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.sqlite3")
    await db.open()
    async with db.reading() as conn:
        async with conn.execute("SELECT version FROM schema_version ORDER BY version") as cur:
            versions = [row[0] for row in await cur.fetchall()]
        async with conn.execute("PRAGMA journal_mode") as cur:
            mode = await cur.fetchone()
        async with conn.execute("PRAGMA foreign_keys") as cur:
            fks = await cur.fetchone()
    await db.close()
    assert versions == [v for v, _, _ in migration_files()]
    assert versions == sorted(versions) and versions[0] == 1
    assert mode is not None and mode[0] == "wal"
    assert fks is not None and fks[0] == 1
    again = Database(tmp_path / "m.sqlite3")
    await again.open()  # reopening applies nothing twice (a second ALTER TABLE would fail)
    await again.close()


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "r.sqlite3")
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


async def test_without_same_cpu_nothing_is_pinned(tmp_path: Path) -> None:
    before = os.sched_getaffinity(0)
    db = Database(tmp_path / "f.sqlite3")
    await db.open()
    during = os.sched_getaffinity(0)
    await db.close()
    assert during == before
