"""The bot's database in a test: where it lives (a SQLite file, or a fresh PostgreSQL
database), reading rows, and seeding preferences and records a story assumes.

With GIGBOT_TEST_POSTGRES set to a throwaway server's URL (`make test` starts one through
.ci/postgres), every database a test asks for is a new PostgreSQL database copied from a
template migrated once per run (CREATE DATABASE ... TEMPLATE: ~50 ms instead of running
the migrations), dropped when the test ends. Without it, a file in the test's tmp_path.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from bot.demo.stage import Actor, Stage
from storage.db import Database
from storage.dialect import postgres_args, to_postgres
from storage.pg import setup_connection
from tests.auxil.people import user_id

SERVER = os.environ.get("GIGBOT_TEST_POSTGRES", "")
TEMPLATE = f"gigbot_template_{os.getpid()}"
_numbers = itertools.count(1)
made: list[str] = []  # databases made for the running test, dropped after it


def on_postgres() -> bool:
    return bool(SERVER)


@asynccontextmanager
async def stalled(db: Database) -> AsyncIterator[None]:
    """The process on `db` cannot reach its database while this lasts: SQLite's one
    connection, or every connection of its PostgreSQL pool, is held here."""
    if db.pg is None:
        async with db.reading():
            yield
        return
    async with AsyncExitStack() as held:
        for _ in range(db.pg.max_size):
            await held.enter_async_context(db.pg.pool.acquire())
        yield


def _url(name: str) -> str:
    return SERVER.rsplit("/", 1)[0] + "/" + name


_strategy = ""  # " STRATEGY FILE_COPY" on PostgreSQL 15+: half the time of the default


async def _admin(sql: str) -> None:
    con = await asyncpg.connect(SERVER)
    try:
        await con.execute(sql)
    finally:
        await con.close()


def make_template() -> None:
    """Create and migrate the template once (before any test's event loop runs)."""

    async def make() -> None:
        global _strategy
        con = await asyncpg.connect(SERVER)
        try:
            if con.get_server_version().major >= 15:
                _strategy = " STRATEGY FILE_COPY"
        finally:
            await con.close()
        await _admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        await _admin(f"CREATE DATABASE {TEMPLATE}")
        db = Database(_url(TEMPLATE))
        await db.open()
        await db.close()

    asyncio.run(make())


def drop_template() -> None:
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"))


async def database_at(tmp_path: Path, name: str = "gigbot") -> Path | str:
    """A new, migrated-on-open database for a bot: `tmp_path/<name>.sqlite3`, or on
    PostgreSQL a fresh copy of the template (its URL)."""
    if not SERVER:
        return tmp_path / f"{name}.sqlite3"
    db_name = f"t{os.getpid()}_{next(_numbers)}_{name.lower()}"[:63]
    await _admin(f"CREATE DATABASE {db_name} TEMPLATE {TEMPLATE}{_strategy}")
    made.append(db_name)
    return _url(db_name)


async def drop_made() -> None:
    """Drop the databases the test made (connections still open are cut)."""
    while made:
        await _admin(f"DROP DATABASE IF EXISTS {made.pop()} WITH (FORCE)")


def rows(target: Path | str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on a bot's database from a test (SQLite placeholders; on
    PostgreSQL rewritten as storage does) and return its rows as tuples. Callable from
    sync code inside a running event loop: PostgreSQL is spoken to on a thread of its own."""
    if not str(target).startswith("postgres"):
        import sqlite3

        with sqlite3.connect(target) as conn:
            return [tuple(r) for r in conn.execute(sql, tuple(params)).fetchall()]
    text, names = to_postgres(sql)
    args = postgres_args(names, params)
    found: list[tuple[Any, ...]] = []
    failed: list[BaseException] = []

    async def run() -> None:
        con = await asyncpg.connect(str(target))
        try:
            await setup_connection(con)  # numbers come back as storage reads them
            found.extend(tuple(r) for r in await con.fetch(text, *args))
        finally:
            await con.close()

    def thread() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # handed to the caller
            failed.append(exc)

    worker = threading.Thread(target=thread)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
    return found


class _Result:
    def __init__(self, found: list[tuple[Any, ...]]) -> None:
        self.found = found

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.found[0] if self.found else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.found


class Connection:
    """sqlite3's connection as tests use it (`with connect(db) as db: db.execute(...)`),
    on either database; each statement commits on its own."""

    def __init__(self, target: Path | str) -> None:
        self.target = target

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Result:
        return _Result(rows(self.target, sql, params))


def connect(target: Path | str) -> Connection:
    """A connection to a bot's database for a test's own reads and writes."""
    return Connection(target)


def database_of(stage: Stage) -> Path | str:
    """The database the stage's bot runs on (a SQLite file or a PostgreSQL URL)."""
    return stage.services.settings.database


async def sql(stage: Stage, query: str, *args: object) -> list[tuple[object, ...]]:
    """Rows of one query on the bot's own connection."""
    async with stage.services.db.reading() as conn:
        async with conn.execute(query, args) as cur:
            return [tuple(row) for row in await cur.fetchall()]


async def set_prefs(stage: Stage, actor: Actor, **prefs: object) -> None:
    """Store worker preferences as onboarding would (the worker_prefs row, users columns)."""
    uid = await user_id(stage, actor)
    person = {k: prefs.pop(k) for k in ("timezone", "language") if k in prefs}
    async with stage.services.db.transaction() as conn:
        if prefs:
            columns = ", ".join(["user_id", "onboarded", *prefs])
            marks = ", ".join("?" * (len(prefs) + 2))
            updates = ", ".join(f"{c} = excluded.{c}" for c in ["onboarded", *prefs])
            await conn.execute(
                f"INSERT INTO worker_prefs ({columns}) VALUES ({marks})"
                f" ON CONFLICT (user_id) DO UPDATE SET {updates}",
                (uid, 1, *prefs.values()),
            )
        for column, value in person.items():
            await conn.execute(f"UPDATE users SET {column} = ? WHERE id = ?", (value, uid))


async def set_record(stage: Stage, actor: Actor, **counts: int) -> None:
    """Give a worker a review history (the counters triggers keep in worker_stats)."""
    uid = await user_id(stage, actor)
    sets = ", ".join(f"{column} = ?" for column in counts)
    async with stage.services.db.transaction() as conn:
        await conn.execute(
            f"UPDATE worker_stats SET {sets} WHERE user_id = ?", (*counts.values(), uid)
        )


async def log_every_query(stage: Stage, note: Callable[[Any], None]) -> None:
    """Call `note` with each statement any of the stage's pooled PostgreSQL connections
    runs from now on (asyncpg's LoggedQuery): every connection the pool may hand out is
    made and given the logger."""
    pg = stage.services.db.pg
    assert pg is not None
    pool = pg.pool
    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    try:
        for con in held:
            con.add_query_logger(note)
    finally:
        for con in held:
            await pool.release(con)
