"""Connection, migrations and the transaction helper.

aiosqlite runs every call of one connection on one thread, in order: another
coroutine's statement could land inside an open BEGIN ... COMMIT. All access goes
through one lock, and writes use BEGIN IMMEDIATE so several processes on the same
file stay safe too.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path

import aiosqlite

Conn = aiosqlite.Connection
Params = tuple[object, ...] | dict[str, object]  # positional (?) or named (:name)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class Database:
    """One SQLite file: WAL, foreign keys on, migrated at open.

    With `same_cpu` (Linux), the event-loop thread and aiosqlite's thread are kept on one
    CPU while the database is open: every statement is a hand-off between the two threads,
    and waking a thread parked on another (idle) CPU costs ~100 us on a VM where a wake-up
    on the same CPU costs ~15 us. Only these two threads are pinned, and the loop thread
    gets its old CPU set back at close.
    """

    def __init__(self, path: Path | str, *, same_cpu: bool = False) -> None:
        self.path = Path(path)
        self.same_cpu = same_cpu
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._loop_cpus: set[int] | None = None

    async def open(self) -> None:
        """Connect, set pragmas and apply pending migrations."""
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA busy_timeout=10000")
        self._conn = conn
        if self.same_cpu:
            await self._share_one_cpu(conn)
        await migrate(conn)

    async def _share_one_cpu(self, conn: Conn) -> None:
        """Pin this (the loop's) thread and the database thread to the CPU we run on."""
        if not hasattr(os, "sched_setaffinity"):
            return
        cpu = current_cpu()
        self._loop_cpus = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpu})  # 0 = the calling thread on Linux
        # A SQL function runs on the database thread: the one public way to run code there.
        await conn.create_function("gigbot_pin_thread", 0, lambda: pin_thread(cpu))
        await conn.execute_fetchall("SELECT gigbot_pin_thread()")

    async def close(self) -> None:
        """Close the connection (idempotent); the loop thread gets its CPUs back."""
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
        if self._loop_cpus is not None:
            os.sched_setaffinity(0, self._loop_cpus)
            self._loop_cpus = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Conn]:
        """Run the block as one IMMEDIATE transaction; roll back on any exception.

        Hazard: a task cancelled while awaiting BEGIN has still queued it on aiosqlite's
        thread, so the BEGIN is inside the try and the ROLLBACK (queued after it, in
        order) is sent even then; a BEGIN that itself failed leaves nothing to roll back.
        """
        async with self._lock:
            conn = self.conn
            try:
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
            except BaseException:
                with suppress(sqlite3.OperationalError):  # "no transaction is active"
                    await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Conn]:
        """Read outside any other coroutine's transaction."""
        async with self._lock:
            yield self.conn


def current_cpu() -> int:
    """The CPU the calling thread is running on now (Linux), else the lowest it may use."""
    try:
        with open("/proc/thread-self/stat", encoding="ascii") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[36])
    except (OSError, IndexError, ValueError):
        return min(os.sched_getaffinity(0))


def pin_thread(cpu: int) -> int:
    """Keep the calling thread on `cpu`; returns it (a SQL function must return a value)."""
    os.sched_setaffinity(0, {cpu})
    return cpu


def migration_files() -> list[tuple[int, str, str]]:
    """The packaged migrations as (version, name, sql), in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(conn: Conn) -> list[int]:
    """Apply migrations not yet recorded in schema_version; return the versions applied."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_version") as cur:
        done = {row[0] for row in await cur.fetchall()}
    applied = []
    for version, name, sql in migration_files():
        if version in done:
            continue
        await conn.executescript(
            "BEGIN IMMEDIATE;\n" + sql + "\nINSERT INTO schema_version VALUES "
            f"({version}, '{name}', datetime('now'));\nCOMMIT;"
        )
        applied.append(version)
    return applied


async def fetch_one(conn: Conn, sql: str, params: Params = ()) -> aiosqlite.Row | None:
    """The first row of a query, in one round trip to the database thread."""
    rows = await conn.execute_fetchall(sql, params)
    for row in rows:
        return row
    return None


async def fetch_all(conn: Conn, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
    """All rows of a query, in one round trip to the database thread."""
    return list(await conn.execute_fetchall(sql, params))


async def fetch_value(conn: Conn, sql: str, params: Params = ()) -> int:
    """The integer in the first column of the first row (0 when there is none)."""
    row = await fetch_one(conn, sql, params)
    return int(row[0]) if row is not None and row[0] is not None else 0


async def changed_one(conn: Conn, sql: str, params: Params = ()) -> bool:
    """Run one statement; whether it changed exactly one row (a conditional update's
    "it was still so", an insert's "it was not there yet")."""
    cur = await conn.execute(sql, params)
    return cur.rowcount == 1
