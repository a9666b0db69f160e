"""Connection, migrations and the transaction helper, on SQLite or PostgreSQL.

`Database(target)` is a SQLite file, or PostgreSQL when the target is a
`postgresql://user:pass@host/db` URL (storage/pg.py: a pool of asyncpg connections).
Storage speaks to either through `Conn`: `execute` (a cursor with rowcount, rows),
`executemany`, `execute_fetchall`, and the helpers `fetch_one/all/value` below.

SQLite: aiosqlite runs every call of one connection on one thread, in order: another
coroutine's statement could land inside an open BEGIN ... COMMIT. All access goes
through one lock, and writes use BEGIN IMMEDIATE so several processes on the same
file stay safe too. Quick blocks (`quick=True`: a tap's few indexed statements) run on
the loop's own thread instead, through the same connection (storage/inline.py).

PostgreSQL: each transaction has its own pooled connection (READ COMMITTED); nothing is
serialized in the process. Race safety comes from the statements themselves: conditional
UPDATEs whose WHERE PostgreSQL re-checks on the locked row, INSERT ... ON CONFLICT, and
`FOR UPDATE SKIP LOCKED` where work is claimed. A transaction PostgreSQL chose as a
deadlock's victim (or failed for serialization) is run again whole: use cases whose body is
safe to re-run (their one transaction is all they change) carry `@retrying`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import aiosqlite

from storage.dialect import migration_for
from storage.inline import BUSY_TIMEOUT_MS, InlineConn, finish, trip
from storage.pg import PgConn, PgPool, is_retryable, is_url

Conn = aiosqlite.Connection | PgConn | InlineConn
Row = aiosqlite.Row
Params = tuple[object, ...] | dict[str, object]  # positional (?) or named (:name)

# Held (session-level) while one process migrates PostgreSQL: others starting at the
# same moment wait, then find the migrations applied.
_MIGRATION_LOCK = 0x6769_6762  # "gigb"

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# How many times a transaction PostgreSQL rolled back for a deadlock or a serialization
# failure is run in all before its error reaches the caller (the user's apology).
ATTEMPTS = 5

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def retrying(
    body: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """Run `body` again, whole, when PostgreSQL rolled its transaction back as a deadlock's
    victim or for a serialization failure (the other transaction goes through; ours then
    sees its outcome), at most ATTEMPTS times in all; any other error is raised at once.

    Only for a body safe to re-run: all it changes is inside the one transaction it opens
    (rolled back with it), and what it does before or after is reading or waking a loop.
    SQLite never raises these (one writer at a time), so there it runs once as before.
    """

    @functools.wraps(body)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        attempt = 1
        while True:
            try:
                return await body(*args, **kwargs)
            except Exception as exc:
                if attempt >= ATTEMPTS or not is_retryable(exc):
                    raise
                log.info(
                    "%s: PostgreSQL rolled the transaction back (%s); attempt %d of %d",
                    body.__qualname__,
                    getattr(exc, "sqlstate", "?"),
                    attempt + 1,
                    ATTEMPTS,
                )
            # A moment's jitter, so two victims of one another do not meet again at once.
            await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
            attempt += 1

    return run


def is_postgres(conn: Conn) -> bool:
    """Whether `conn` speaks PostgreSQL (for the few queries that differ)."""
    return isinstance(conn, PgConn)


def ids_in_json(conn: Conn) -> str:
    """A subquery of the integers in a JSON list parameter (`x IN (...)` with one `?`)."""
    if is_postgres(conn):
        return "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS json))"
    return "SELECT value FROM json_each(?)"


def skip_locked(conn: Conn) -> str:
    """What a subquery picking rows to claim ends with: on PostgreSQL the rows another
    process is claiming right now are passed over instead of waited for (each is applied
    once either way: the claiming UPDATE re-checks the state it expects)."""
    return " FOR UPDATE SKIP LOCKED" if is_postgres(conn) else ""


def claimed(conn: Conn, subquery: str) -> str:
    """`id IN (subquery)` for an UPDATE claiming the rows a subquery picks (with
    skip_locked). On PostgreSQL `id = ANY(ARRAY(subquery))`: the picked ids are read first
    and each row is found by its primary key, where IN had the planner scan the whole table
    and hash the picks (5,000 of 100,000 assignments abandoned: 80 ms -> 10 ms a pass)."""
    if is_postgres(conn):
        return f"id = ANY(ARRAY({subquery}))"
    return f"id IN ({subquery})"


def json_object(conn: Conn) -> str:
    """The function building a JSON object from key, value, key, value, ..."""
    return "json_build_object" if is_postgres(conn) else "json_object"


class Database:
    """One SQLite file (WAL, foreign keys on) or a PostgreSQL database; migrated at open.

    With `same_cpu` (Linux), the event-loop thread and aiosqlite's thread are kept on one
    CPU while the database is open: every statement is a hand-off between the two threads,
    and waking a thread parked on another (idle) CPU costs ~100 us on a VM where a wake-up
    on the same CPU costs ~15 us. Only these two threads are pinned, and the loop thread
    gets its old CPU set back at close.
    """

    def __init__(self, path: Path | str, *, same_cpu: bool = False, pool_size: int = 10) -> None:
        self.target = str(path)
        self.pg = PgPool(self.target, max_size=pool_size) if is_url(path) else None
        self.path = Path(path) if self.pg is None else Path()
        self.same_cpu = same_cpu and self.pg is None
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        # SQLite: whether the connection's busy timeout is BUSY_TIMEOUT_MS (aiosqlite's thread
        # waits for another process's write lock) or 0 (a quick block's BEGIN never does).
        self._waits = True
        self._loop_cpus: set[int] | None = None
        self._checkpointer: Checkpointer | None = None

    @property
    def is_postgres(self) -> bool:
        return self.pg is not None

    def on_queued(self, call: Callable[[], None]) -> Callable[[], None]:
        """Have `call` called whenever another process queued outbox rows (PostgreSQL's
        notices, storage/pg.Listener); returns what stops it. SQLite: never called."""
        if self.pg is None:
            return lambda: None
        calls = self.pg.listener.on_queued
        calls.append(call)
        return lambda: calls.remove(call) if call in calls else None

    @property
    def hears_queued(self) -> bool:
        """Whether `on_queued` calls come now (PostgreSQL, its listener connected): a loop
        waiting for other processes' rows need not poll for them."""
        return self.pg is not None and self.pg.listener.live

    async def open(self) -> None:
        """Connect, set pragmas and apply pending migrations."""
        if self.pg is not None:
            await self.pg.open()
            async with self.pg.session() as session:
                await session.raw.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
                try:
                    await migrate(session)
                finally:
                    await session.raw.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
            await self.pg.listen()
            return
        # Quick blocks use the same sqlite3 connection from the loop's thread (storage/inline.py).
        conn = await aiosqlite.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # The write-ahead log is copied into the file by a thread of its own (Checkpointer);
        # a COMMIT copies it only past 10,000 pages of log (SQLite's default: 1,000), which
        # the thread keeps it from reaching but under writes that never pause. A COMMIT
        # crossing 1,000 pages took 10-15 ms more (the slow tail of push waves), and held
        # every other use of the database meanwhile.
        await conn.execute(f"PRAGMA wal_autocheckpoint={Checkpointer.SAFETY_PAGES}")
        self._conn = conn
        if self.same_cpu:
            await self._share_one_cpu(conn)
        await migrate(conn)
        self._checkpointer = Checkpointer(self.path)
        self._checkpointer.start()

    async def _share_one_cpu(self, conn: aiosqlite.Connection) -> None:
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
        if self._checkpointer is not None:
            await asyncio.to_thread(self._checkpointer.stop)
            self._checkpointer = None
        if self.pg is not None:
            await self.pg.close()
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
    async def transaction(self, *, quick: bool = False) -> AsyncIterator[Conn]:
        """Run the block as one IMMEDIATE transaction; roll back on any exception.

        `quick`: the block is a few indexed statements (a tap's accept, answer, submit).
        On SQLite they then run on the loop's thread, each at once (storage/inline.py),
        so the lock is held for the SQL alone, not for a hand-off and two turns of the
        loop per statement; BEGIN waits on aiosqlite's thread if another process holds
        the write lock. Never for a block that may walk many rows: it would hold the loop.

        Hazard: a task cancelled while awaiting BEGIN has still queued it on aiosqlite's
        thread, so the BEGIN is inside the try and the ROLLBACK (queued after it, in
        order) is sent even then; a BEGIN that itself failed leaves nothing to roll back.
        """
        if self.pg is not None:
            async with self.pg.transaction() as pg_conn:
                yield pg_conn
            return
        async with self._lock:
            conn: Conn = self.conn
            if quick:
                inline = self._begun_here()
                if inline is not None:
                    try:
                        yield inline
                    except BaseException:
                        with suppress(sqlite3.OperationalError):
                            inline.raw.execute("ROLLBACK")
                        raise
                    inline.raw.execute("COMMIT")
                    return
                # begun below, on the thread; the block's statements inline
                conn = InlineConn(self.conn._conn)
            self._wait_again()
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                yield conn
            except BaseException:
                with suppress(sqlite3.OperationalError):  # "no transaction is active"
                    await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def atomic(
        self, body: Callable[[Conn], Coroutine[Any, Any, T]], *, quick: bool = False
    ) -> T:
        """Run `body(conn)` as one transaction, as `transaction()` runs a block; on SQLite
        in one trip to the connection's thread (storage/inline.py: BEGIN, every statement
        and COMMIT there, one hand-off instead of one per statement), so the body must do
        nothing but SQL and plain computation (no hooks, no asyncio: after the commit).
        `quick`: a few indexed statements, as `transaction(quick=True)`: on SQLite the
        whole body runs on the loop's thread, no hand-off at all (on aiosqlite's thread
        if another process holds the write lock).

        Hazard: a caller cancelled meanwhile does not stop the trip (aiosqlite runs what it
        was handed): the transaction commits, or rolls back, on its own.
        """
        if self.pg is not None:
            async with self.pg.transaction() as pg_conn:
                return await body(pg_conn)
        async with self._lock:
            if quick:
                inline = self._begun_here()
                if inline is not None:
                    return finish(inline.raw, body)
            self._wait_again()
            # aiosqlite's one way to run a function of ours on its thread, in its queue.
            conn = self.conn
            result: T = await conn._execute(trip, conn._conn, body)  # type: ignore[no-untyped-call]
            return result

    @asynccontextmanager
    async def single_write(self, *, quick: bool = False) -> AsyncIterator[Conn]:
        """For a use case that reads, then changes what it changes with ONE statement (or
        none). SQLite: an IMMEDIATE transaction, as `transaction` (`quick` as there).
        PostgreSQL: no transaction at all, so no BEGIN and COMMIT round trips: READ
        COMMITTED reads from a snapshot per statement inside a transaction too, a plain
        SELECT takes no lock, and one statement is atomic by itself, so the outcome is the
        same. Never for two writes (the first would stay when the second fails), nor for
        SELECT ... FOR UPDATE."""
        if self.pg is not None:
            async with self.pg.reading() as pg_conn:
                yield pg_conn
            return
        async with self.transaction(quick=quick) as conn:
            yield conn

    @asynccontextmanager
    async def one_transaction(self, conn: Conn) -> AsyncIterator[Conn]:
        """Inside `single_write`, for a block that turns out to need several writes after
        its reads: they are one transaction after all. PostgreSQL: BEGIN ... COMMIT on the
        same connection, rolled back on any exception; SQLite: single_write's block is one
        transaction already."""
        if isinstance(conn, PgConn) and not conn.in_transaction:
            async with conn.raw.transaction():
                yield conn
            return
        yield conn

    @asynccontextmanager
    async def reading(self, *, quick: bool = False) -> AsyncIterator[Conn]:
        """Read outside any other coroutine's transaction (`quick`: a few indexed reads,
        run on the loop's thread as in `transaction`, with the busy timeout a quick block
        may have left at 0: in WAL mode a read waits for no writer; a recovery after another
        process died mid-write then fails the read instead of holding the loop)."""
        if self.pg is not None:
            async with self.pg.reading() as pg_conn:
                yield pg_conn
            return
        async with self._lock:
            if quick:
                yield InlineConn(self.conn._conn)
                return
            self._wait_again()
            yield self.conn

    def _begun_here(self) -> InlineConn | None:
        """A quick block's transaction, begun on the loop's thread (BEGIN IMMEDIATE) if the
        write lock is free now; None (nothing begun) if another process holds it: the caller
        then begins on aiosqlite's thread, which waits for it. Under the lock.

        The busy timeout is set to 0 only if it is not already: a run of quick blocks (a
        script's CreateHITs, a worker's taps) sends no PRAGMA, where two per block (~8 us on
        the loop's thread) were a tenth of a CreateHIT's SQL."""
        inline = InlineConn(self.conn._conn)
        if self._waits:
            inline.raw.execute("PRAGMA busy_timeout=0")
            self._waits = False
        if inline.begin_at_once():
            return inline
        self._wait_again()
        return None

    def _wait_again(self) -> None:
        """Before a statement on aiosqlite's thread: it waits for another process's write lock
        again (busy timeout). Run here, under the lock, while that thread has nothing to do."""
        if not self._waits:
            self.conn._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._waits = True


class Checkpointer:
    """Copies a SQLite file's write-ahead log into the file every `every` seconds, on a
    thread and a connection of its own, so that COMMITs do not (they still would past
    SAFETY_PAGES of log, which only writes that never pause reach: then most of the log is
    already copied and theirs is short).

    PASSIVE: it copies what no reader still needs and waits for nobody; the writer goes on
    appending meanwhile, and the first write after a complete copy starts the log again
    from its beginning. With nothing new in the log a pass only reads its index. Several
    processes on one file each run one; a pass that finds another copying is skipped.
    """

    SAFETY_PAGES = 10_000

    def __init__(self, path: Path, every: float = 0.25) -> None:
        self.path = path
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"checkpoint {path.name}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread (a copy under way finishes first)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            log.exception("the checkpointer could not open %s", self.path)
            return
        try:
            while not self._stop.wait(self.every):
                try:
                    copy(conn)
                except sqlite3.Error as exc:  # busy: another process is copying
                    log.debug("checkpoint of %s skipped: %s", self.path, exc)
        finally:
            conn.close()


def copy(conn: sqlite3.Connection) -> tuple[int, int]:
    """One PASSIVE checkpoint: (pages in the log, pages of it now in the file)."""
    _, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(logged), int(copied)


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


async def migrate(conn: aiosqlite.Connection | PgConn) -> list[int]:
    """Apply migrations not yet recorded in schema_version; return the versions applied."""
    postgres = is_postgres(conn)
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in await conn.execute_fetchall("SELECT version FROM schema_version")}
    applied = []
    for version, name, sql in migration_files():
        if version in done:
            continue
        # One transaction per file (DDL is transactional on both), recording the version
        # first: a process that applied it meanwhile (SQLite: several processes starting on
        # one file; PostgreSQL waits on the advisory lock instead) makes that INSERT fail
        # before anything else runs, and this one rolls back and goes on. The file's name
        # and number are ours, not input, so they are written into the script as they are.
        now = "CAST(now() AS TEXT)" if postgres else "datetime('now')"
        record = f"INSERT INTO schema_version VALUES ({version}, '{name}', {now});"
        begin = "BEGIN" if postgres else "BEGIN IMMEDIATE"
        body = migration_for(sql, "postgres" if postgres else "sqlite")
        try:
            await conn.executescript(f"{begin};\n{record}\n{body}\nCOMMIT;")
        except sqlite3.IntegrityError as exc:
            with suppress(sqlite3.OperationalError):  # "no transaction is active"
                await conn.executescript("ROLLBACK;")
            if "schema_version" not in str(exc):
                raise
            continue  # applied by another process meanwhile
        except BaseException:
            with suppress(Exception):
                await conn.executescript("ROLLBACK;")
            raise
        applied.append(version)
    return applied


# Rows made into domain objects on the loop take ~5-15 us each (more on a busy machine):
# past this many, a worker thread makes them, so a 5,000-item batch's rows do not hold the
# event loop for tens of milliseconds.
OFF_LOOP_ROWS = 1000


async def made_from(rows: Sequence[Any], make: Callable[[Any], T]) -> list[T]:
    """`[make(row) for row in rows]`, on a worker thread when there are many rows."""
    if len(rows) <= OFF_LOOP_ROWS:
        return [make(row) for row in rows]
    return await asyncio.to_thread(lambda: [make(row) for row in rows])


async def fetch_one(conn: Conn, sql: str, params: Params = ()) -> Row | None:
    """The first row of a query, in one round trip to the database thread."""
    rows = await conn.execute_fetchall(sql, params)
    for row in rows:
        return row
    return None


async def fetch_all(conn: Conn, sql: str, params: Params = ()) -> list[Row]:
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
