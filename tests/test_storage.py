"""Storage: migrations apply once, in order, and are recorded; the file is WAL with FKs on."""

from __future__ import annotations

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
