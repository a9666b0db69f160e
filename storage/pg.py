"""PostgreSQL through asyncpg: a pool of connections, each wrapped to answer the calls
storage makes of an aiosqlite connection (execute, executemany, execute_fetchall,
rowcount), with SQLite's placeholders rewritten once per query text.

Types: asyncpg is strict. Storage passes int for BIGINT columns, float (or int) for DOUBLE
PRECISION ones and str for TEXT. A NUMERIC result (SUM of BIGINTs, a product with 40.0)
comes back as int when whole and float otherwise, as SQLite gives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from decimal import Decimal
from functools import lru_cache
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]

from storage.dialect import Params, postgres_args, to_postgres

# Versions before 13 lack what the migrations use (generated columns need 12, and
# gen_random_uuid without an extension needs 13).
OLDEST_SERVER = 13

# SQLSTATEs after which the whole transaction may simply run again.
RETRY_STATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


class Unsupported(Exception):
    """The server is older than gigbot supports."""


def is_url(target: object) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL."""
    text = str(target)
    return text.startswith("postgresql://") or text.startswith("postgres://")


def _numeric(text: str) -> int | float:
    value = Decimal(text)
    if value == value.to_integral_value() and "." not in text and "e" not in text.lower():
        return int(value)
    return float(value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _same(text: str) -> str:
    return text


async def setup_connection(con: asyncpg.Connection) -> None:
    """Per connection: NUMERIC as int/float (as SQLite returns sums and averages), and a
    number given for a TEXT parameter stored as its digits (as SQLite's TEXT affinity does:
    `'push:' || ?` with a HIT id)."""
    await con.set_type_codec(
        "numeric", encoder=str, decoder=_numeric, schema="pg_catalog", format="text"
    )
    await con.set_type_codec(
        "text", encoder=_text, decoder=_same, schema="pg_catalog", format="text"
    )


async def keep_session(con: asyncpg.Connection) -> None:
    """A connection going back to the pool keeps its session as it is: gigbot leaves no
    session state behind (no SET, LISTEN, cursor; the migrations' advisory lock is let go
    in a finally), and asyncpg itself still rolls back a transaction left open. Its default
    reset (RESET ALL, UNLISTEN *, CLOSE ALL, pg_advisory_unlock_all()) cost a round trip
    to the server on every read and every transaction: 8 % of the core loop."""
    del con


class PgCursor:
    """What a statement returned: its rows (if any) and how many rows it touched."""

    __slots__ = ("rows", "rowcount", "_next")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount
        self._next = 0

    @property
    def lastrowid(self) -> int:
        raise NotImplementedError("use INSERT ... RETURNING id (both dialects support it)")

    async def fetchone(self) -> Any:
        if self._next >= len(self.rows):
            return None
        self._next += 1
        return self.rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        rest = self.rows[self._next :]
        self._next = len(self.rows)
        return rest

    async def close(self) -> None:
        return None


def _rowcount(status: str) -> int:
    """The count in a command tag: 'UPDATE 3', 'INSERT 0 1', 'DELETE 0'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _returns_rows(sql: str) -> bool:
    """Whether a statement gives rows back (fetched) or only a command tag (executed)."""
    head = sql.lstrip()[:6].upper()
    return head.startswith(("SELECT", "WITH", "VALUES")) or bool(_RETURNING.search(sql))


class _Call:
    """`conn.execute(...)`: awaited for the cursor, or used as `async with ... as cur`."""

    __slots__ = ("conn", "sql", "params", "cursor")

    def __init__(self, conn: PgConn, sql: str, params: Params) -> None:
        self.conn = conn
        self.sql = sql
        self.params = params
        self.cursor: PgCursor | None = None

    def __await__(self) -> Any:
        return self.conn._run(self.sql, self.params).__await__()

    async def __aenter__(self) -> PgCursor:
        self.cursor = await self.conn._run(self.sql, self.params)
        return self.cursor

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class PgConn:
    """One pooled asyncpg connection, spoken to as storage speaks to aiosqlite's."""

    __slots__ = ("raw", "users", "changing_users")

    def __init__(self, raw: asyncpg.Connection, users: Kept | None = None) -> None:
        self.raw = raw
        self.users = users  # the users this process keeps
        self.changing_users = False

    def change_users(self) -> None:
        """A statement changing users runs on this connection: until the connection goes
        back to the pool (its transaction committed or rolled back), this process keeps
        no user, and it forgets those it kept (Kept)."""
        if self.users is not None and not self.changing_users:
            self.changing_users = True
            self.users.begin_change()

    def release(self) -> None:
        if self.changing_users and self.users is not None:
            self.changing_users = False
            self.users.end_change()

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.is_in_transaction())

    def execute(self, sql: str, params: Params = ()) -> _Call:
        """Run one statement; the cursor has its rows (SELECT, RETURNING) and rowcount."""
        return _Call(self, sql, params)

    async def _run(self, sql: str, params: Params) -> PgCursor:
        text, names = to_postgres(sql)
        args = postgres_args(names, params)
        if _returns_rows(text):
            rows = await self.raw.fetch(text, *args)
            return PgCursor(rows, len(rows))
        status = await self.raw.execute(text, *args)
        return PgCursor([], _rowcount(status))

    async def executemany(self, sql: str, seq: Iterable[Params]) -> None:
        """Run one statement for each set of parameters (one prepared statement)."""
        text, names = to_postgres(sql)
        rows = [postgres_args(names, params) for params in seq]
        if rows:
            await self.raw.executemany(text, rows)

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """All rows of a query."""
        text, names = to_postgres(sql)
        rows: list[Any] = await self.raw.fetch(text, *postgres_args(names, params))
        return rows

    async def executescript(self, sql: str) -> None:
        """Several statements without parameters (migrations)."""
        await self.raw.execute(sql)


# What this process keeps at most of a table it keeps (Kept), before starting afresh.
KEPT_MAX = 50_000
# Real seconds between attempts to listen again after the listener's connection was lost.
LISTEN_AGAIN_S = 1.0
# Real seconds between the listener's looks at its own connection (a statement it must
# answer within as long): a connection cut without a word (a network gone, a machine
# frozen) would leave the process keeping users nobody tells it about any more.
HEARTBEAT_S = 2.0

log = logging.getLogger(__name__)


class Kept:
    """Rows of one table kept by this process (users by Telegram id; MTurk API keys with
    their holders, migration 0030), valid while its Listener hears every change any
    process makes to them (a trigger's notice, migration 0028): kept only while listening,
    forgotten at every notice and whenever the listener is lost or found again.

    A read that began before a notice may bring back the row as it was: `put` keeps it
    only when no notice came (nor a change of this process began) since `begin`. A
    change made by this process is not kept from its start until its commit (`changing`
    / `changed`: the connection it runs on says so, storage/users), so the process that
    made it never reads an old row afterwards; other processes forget theirs when the
    notice arrives, a moment after the commit."""

    def __init__(self) -> None:
        self.rows: dict[object, object] = {}
        self.live = False  # the listener is listening: every change will be heard
        self.generation = 0  # moves on at every notice, loss, and change begun or ended
        self.changing = 0  # changes of this process under way

    def get(self, key: object) -> object | None:
        if not self.live or self.changing:
            return None
        return self.rows.get(key)

    def begin(self) -> int:
        """Before reading a row to keep: pass the result to `put`."""
        return self.generation

    def put(self, key: object, row: object, begun: int) -> None:
        if self.live and not self.changing and begun == self.generation:
            if len(self.rows) >= KEPT_MAX:
                self.rows.clear()
            self.rows[key] = row

    def forget(self) -> None:
        self.rows.clear()
        self.generation += 1

    def begin_change(self) -> None:
        self.changing += 1
        self.forget()

    def end_change(self) -> None:
        self.changing -= 1
        self.forget()


class Listener:
    """A connection of this process's own (outside the pool) that LISTENs to the notices
    of migration 0028: a user changed (Kept users forgotten) and rows queued in the
    outbox by another process (`on_queued` callbacks, e.g. the broadcaster's bell). When
    its connection is lost (or fails to answer within HEARTBEAT_S), nothing is kept and
    `live` is False (the broadcaster polls again) until it listens again, tried every
    LISTEN_AGAIN_S; then the callbacks are called once, for rows queued while nobody
    listened. A notice is delivered before the answer to any later statement on the
    connection, so an answered heartbeat means every change committed before it was
    heard."""

    USERS = "gigbot_users"
    OUTBOX = "gigbot_outbox"

    def __init__(self, url: str, name: str, users: Kept) -> None:
        self.url = url
        self.name = name  # this process's application_name: its own notices are not news
        self.users = users
        self.on_queued: list[Callable[[], None]] = []
        self._con: asyncpg.Connection | None = None
        self._again: asyncio.Task[None] | None = None
        self._beat: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def live(self) -> bool:
        return self._con is not None and not self._con.is_closed()

    async def open(self) -> None:
        con = await asyncpg.connect(self.url, server_settings={"application_name": self.name})
        try:
            await con.add_listener(self.USERS, self._user_changed)
            await con.add_listener(self.OUTBOX, self._queued)
        except BaseException:
            await con.close()
            raise
        con.add_termination_listener(self._lost)
        self._con = con
        self.users.live = True
        self.users.forget()  # what was read while deaf may be old
        self._beat = asyncio.get_running_loop().create_task(self._heartbeat(con))
        self._ring()

    async def _heartbeat(self, con: asyncpg.Connection) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            try:
                await asyncio.wait_for(con.fetchval("SELECT 1"), HEARTBEAT_S)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                self._beat = None
                con.terminate()
                self._lost(con)
                return

    async def close(self) -> None:
        self._closing = True
        for task in (self._again, self._beat):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._again = self._beat = None
        self.users.live = False
        self.users.forget()
        con, self._con = self._con, None
        if con is not None:
            con.remove_termination_listener(self._lost)
            try:
                await asyncio.wait_for(con.close(), 5)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                con.terminate()

    def _user_changed(self, con: object, pid: int, channel: str, payload: str) -> None:
        self.users.forget()

    def _queued(self, con: object, pid: int, channel: str, payload: str) -> None:
        if payload != self.name:
            self._ring()

    def _ring(self) -> None:
        for call in list(self.on_queued):
            call()

    def _lost(self, con: object) -> None:
        if self._con is None or con is not self._con:
            return  # already taken for lost
        self.users.live = False
        self.users.forget()
        self._con = None
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None
        if not self._closing and self._again is None:
            log.warning("lost the connection listening for notices; listening again")
            self._again = asyncio.get_running_loop().create_task(self._listen_again())

    async def _listen_again(self) -> None:
        try:
            while not self._closing:
                await asyncio.sleep(LISTEN_AGAIN_S)
                try:
                    await self.open()
                    return
                except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
                    log.debug("listening again failed: %s", exc)
        finally:
            self._again = None


class PgPool:
    """The pool behind one Database on PostgreSQL."""

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        self.url = url
        self.max_size = max_size
        self._pool: asyncpg.Pool | None = None
        # This process's name on the server (its notices carry it) and what it keeps.
        self.name = f"gigbot {uuid.uuid4().hex[:12]}"
        self.users = Kept()
        self.listener = Listener(url, self.name, self.users)

    async def open(self) -> None:
        """Connect (a clear error for an old server) and keep a few connections ready."""
        pool = await asyncpg.create_pool(
            self.url,
            min_size=1,
            max_size=self.max_size,
            init=setup_connection,
            reset=keep_session,
            statement_cache_size=1024,
            command_timeout=60,
            # No JIT: gigbot's statements are short lookups, and JIT compiles any plan the
            # planner costs above jit_above_cost (100,000): the recipient walk's estimate
            # crosses it (a window of 2,000 workers with a probe per check), and compiling
            # took 150 ms to seconds per run, far more than the query itself (bench_matching).
            # No parallel workers either: a plan with a Gather waits for worker processes
            # to start, 20-50 ms on a busy machine, for a walk that takes 1-2 ms on its
            # own (the recipient walk's window of 2,000 workers is costed as a parallel
            # bitmap scan at 100,000 workers and more: bench_matching's select p95
            # 64-100 -> 24-28 ms at load 4-5). gigbot's statements are bounded lookups
            # run many at a time, where parallel workers only take CPU from the others.
            server_settings={
                "jit": "off",
                "max_parallel_workers_per_gather": "0",
                "application_name": self.name,
            },
        )
        assert pool is not None
        async with pool.acquire() as con:
            version = con.get_server_version()
            shown = con.get_settings().server_version
        if version.major < OLDEST_SERVER:
            await pool.close()
            raise Unsupported(
                f"PostgreSQL {shown} is too old: gigbot needs {OLDEST_SERVER} or newer"
            )
        self._pool = pool

    async def listen(self) -> None:
        """Start hearing other processes' notices (after the migrations made them)."""
        await self.listener.open()

    async def close(self) -> None:
        await self.listener.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            try:
                await asyncio.wait_for(pool.close(), 10)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                pool.terminate()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConn]:
        """One READ COMMITTED transaction on a pooled connection; rolled back on any
        exception (a connection lost mid-way leaves nothing: the server rolls back)."""
        async with self.pool.acquire() as raw:
            conn = PgConn(raw, self.users)
            try:
                async with raw.transaction():
                    yield conn
            finally:
                conn.release()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[PgConn]:
        """A pooled connection outside any transaction (each statement commits alone)."""
        async with self.pool.acquire() as raw:
            conn = PgConn(raw, self.users)
            try:
                yield conn
            finally:
                conn.release()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[PgConn]:
        """One connection held for a while (migrations under an advisory lock)."""
        async with self.pool.acquire() as raw:
            conn = PgConn(raw, self.users)
            try:
                yield conn
            finally:
                conn.release()


def is_retryable(exc: BaseException) -> bool:
    """A serialization failure or deadlock: the transaction may be run again."""
    return getattr(exc, "sqlstate", None) in RETRY_STATES


def describe(url: str) -> str:
    """The URL without its password, to name the server in messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"postgresql://{user}{host}{port}{parts.path}"


class CannotStart(Exception):
    """PostgreSQL cannot be used; str() is the one line to show."""


async def check_server(url: str, timeout: float = 10.0) -> None:
    """Connect once: raise CannotStart with one clear line for a server that cannot be
    reached, refuses the user, lacks the database or is too old. Writes nothing."""
    where = describe(url)
    try:
        con = await asyncpg.connect(url, timeout=timeout)
    except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError):
        raise CannotStart(f"PostgreSQL at {where} refused the user or password") from None
    except asyncpg.InvalidCatalogNameError:
        raise CannotStart(
            f"PostgreSQL at {where}: no such database (createdb it first)"
        ) from None
    except asyncpg.PostgresError as exc:
        raise CannotStart(f"PostgreSQL at {where} said: {exc}") from None
    except (OSError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        raise CannotStart(f"cannot reach PostgreSQL at {where}: {reason}") from None
    except ValueError as exc:  # a URL asyncpg cannot read
        raise CannotStart(f"GIGBOT_DATABASE is not a usable PostgreSQL URL: {exc}") from None
    try:
        version = con.get_server_version()
        shown = con.get_settings().server_version
    finally:
        await con.close()
    if version.major < OLDEST_SERVER:
        raise CannotStart(
            f"PostgreSQL at {where} is version {shown}: gigbot needs {OLDEST_SERVER} or newer"
        )
