"""SQLite statements without a hand-off each to aiosqlite's thread, two ways.

aiosqlite hands every statement to its connection's thread and wakes the event loop with
the answer: a hand-off each way per statement (~50-140 us on a loaded machine, far more
than most of gigbot's statements take), and the caller resumes only once the loop gets to
it, behind whatever else is ready. A transaction of eight statements paid eight, holding
the database lock throughout (the core loop found it busy 87-93 % of the time, ~2.4 ms a
turn for ~0.3 ms of SQL).

One trip (Database.atomic): the whole transaction (BEGIN, the body, COMMIT) is one
function run on that thread: the body is the same `async def body(conn)` storage and
use-cases write for any Conn, and it is driven to its end there with an `InlineConn`,
whose calls run the statement at once and complete without suspending. PostgreSQL runs
the same body on the loop, as usual. A body run there must do nothing but SQL and plain
computation: it runs on the database thread, beside the event loop, so it may not touch
asyncio (nothing it awaits may really suspend: that raises NotInline and the transaction
rolls back), hooks that wake or schedule loop work (call them after the commit), or any
state the loop thread changes.

Quick blocks (Database.transaction / reading with `quick=True`): a tap's few indexed
statements run on the loop's own thread through an `InlineConn`, each at once, in an
ordinary `async with` block that may use anything the loop has. The loop waits for them
as for any short computation, so never a block that may walk many rows. The sqlite3
connection is opened with check_same_thread=False for this; the two threads never use it
at once: all access goes through the Database's lock, and a holder lets go only once its
statements are done. `begin_at_once` keeps another process's write lock from holding the
loop: the BEGIN then waits on aiosqlite's thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Coroutine, Generator, Iterable
from contextlib import suppress
from types import TracebackType
from typing import Any, TypeVar

from storage.dialect import Params

T = TypeVar("T")
BUSY_TIMEOUT_MS = 10_000  # how long a statement on aiosqlite's thread waits for another process


class NotInline(RuntimeError):
    """A body run in one trip awaited something besides its connection."""


class InlineCursor:
    """A statement's cursor, with aiosqlite's awaitable fetches."""

    __slots__ = ("raw",)

    def __init__(self, raw: sqlite3.Cursor) -> None:
        self.raw = raw

    @property
    def rowcount(self) -> int:
        return self.raw.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self.raw.lastrowid

    async def fetchone(self) -> Any:
        return self.raw.fetchone()

    async def fetchall(self) -> list[Any]:
        return self.raw.fetchall()

    async def close(self) -> None:
        self.raw.close()


class _Call:
    """`conn.execute(...)`: awaited for the cursor, or used as `async with ... as cur`."""

    __slots__ = ("conn", "sql", "params", "cursor")

    def __init__(self, conn: sqlite3.Connection, sql: str, params: Params) -> None:
        self.conn = conn
        self.sql = sql
        self.params = params
        self.cursor: InlineCursor | None = None

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        return self._run().__await__()

    async def _run(self) -> InlineCursor:
        return InlineCursor(self.conn.execute(self.sql, self.params))

    async def __aenter__(self) -> InlineCursor:
        self.cursor = await self._run()
        return self.cursor

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.cursor is not None:
            self.cursor.raw.close()


class InlineConn:
    """A SQLite connection spoken to directly (in one trip on its thread, or in a quick
    block on the loop's): each call runs its statement at once (the awaitables never
    suspend)."""

    __slots__ = ("raw",)

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def execute(self, sql: str, params: Params = ()) -> _Call:
        return _Call(self.raw, sql, params)

    async def executemany(self, sql: str, seq: Iterable[Params]) -> InlineCursor:
        return InlineCursor(self.raw.executemany(sql, seq))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        return self.raw.execute(sql, params).fetchall()

    def begin_at_once(self) -> bool:
        """BEGIN IMMEDIATE if the write lock is free now; False (nothing begun) if another
        process holds it: the caller then waits for it on aiosqlite's thread, not here.
        Only with the connection's busy timeout at 0 (Database._begun_here sets it), else
        the timeout would hold the loop meanwhile."""
        try:
            self.raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return False
        return True


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to its end; NotInline if it tries to."""
    try:
        waited = coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise NotInline(f"a one-trip transaction awaited {waited!r}, not its connection")


def trip(raw: sqlite3.Connection, body: Callable[[InlineConn], Coroutine[Any, Any, T]]) -> T:
    """On the connection's thread: BEGIN IMMEDIATE, the body, COMMIT (ROLLBACK and raise
    if anything in it fails, the COMMIT included)."""
    raw.execute("BEGIN IMMEDIATE")
    return finish(raw, body)


def finish(raw: sqlite3.Connection, body: Callable[[InlineConn], Coroutine[Any, Any, T]]) -> T:
    """In a transaction just begun on `raw`: the body, then COMMIT (ROLLBACK and raise if
    anything in it fails, the COMMIT included)."""
    try:
        result = drive(body(InlineConn(raw)))
        raw.execute("COMMIT")
    except BaseException:
        with suppress(sqlite3.OperationalError):  # "no transaction is active"
            raw.execute("ROLLBACK")
        raise
    return result
