"""PostgreSQL through asyncpg: a pool of connections, each wrapped to answer the calls
storage makes of an aiosqlite connection (execute, executemany, execute_fetchall,
rowcount), with SQLite's placeholders rewritten once per query text.

Types: asyncpg is strict. Storage passes int for BIGINT columns, float (or int) for DOUBLE
PRECISION ones and str for TEXT. A NUMERIC result (SUM of BIGINTs, a product with 40.0)
comes back as int when whole and float otherwise, as SQLite gives it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable
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

    __slots__ = ("raw",)

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

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


class PgPool:
    """The pool behind one Database on PostgreSQL."""

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        self.url = url
        self.max_size = max_size
        self._pool: asyncpg.Pool | None = None

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
            server_settings={"jit": "off", "max_parallel_workers_per_gather": "0"},
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

    async def close(self) -> None:
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
        async with self.pool.acquire() as raw, raw.transaction():
            yield PgConn(raw)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[PgConn]:
        """A pooled connection outside any transaction (each statement commits alone)."""
        async with self.pool.acquire() as raw:
            yield PgConn(raw)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[PgConn]:
        """One connection held for a while (migrations under an advisory lock)."""
        async with self.pool.acquire() as raw:
            yield PgConn(raw)


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
