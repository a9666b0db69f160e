"""A transaction PostgreSQL rolls back as a deadlock's victim, or for a serialization failure,
is run again whole (`storage.db.retrying`, at most ATTEMPTS times): the user gets the answer,
not the apology, and nothing is written twice. (PostgreSQL only: SQLite has one writer at a
time and never raises these.)"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from bot.clock import FakeClock
from bot.demo.stage import Stage
from storage.db import ATTEMPTS, Database, retrying
from tests.auxil import database as databases
from tests.auxil.gestures import approve_next
from tests.auxil.invariants import ledger_sums_to_zero
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll
from tests.auxil.stages import failing_on_errors

pytestmark = pytest.mark.postgres_only


async def _open(tmp_path: Path, name: str) -> tuple[str, Database]:
    url = str(await databases.database_at(tmp_path, name))
    db = Database(url)
    await db.open()
    return url, db


async def test_a_real_deadlock_its_victim_runs_again_and_both_go_through(tmp_path: Path) -> None:
    """Two transactions lock two rows in opposite orders: PostgreSQL aborts one of them
    (deadlock_detected); it runs again after the other commits, and each change lands once."""
    _, db = await _open(tmp_path, "deadlock")
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE pair (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
            await conn.execute("INSERT INTO pair VALUES (1, 0), (2, 0)")
        runs: Counter[str] = Counter()
        locked = {"a": asyncio.Event(), "b": asyncio.Event()}

        @retrying
        async def move(me: str, other: str, first: int, second: int) -> None:
            runs[me] += 1
            async with db.transaction() as conn:
                await conn.execute("UPDATE pair SET n = n + 1 WHERE id = ?", (first,))
                locked[me].set()
                await locked[other].wait()  # each holds one row and wants the other's
                await conn.execute("UPDATE pair SET n = n + 10 WHERE id = ?", (second,))

        await asyncio.wait_for(asyncio.gather(move("a", "b", 1, 2), move("b", "a", 2, 1)), 60)
        assert sorted(runs.values()) == [1, 2], runs  # one victim, run once more
        async with db.reading() as conn:
            found = await conn.execute_fetchall("SELECT id, n FROM pair ORDER BY id")
        assert [tuple(r) for r in found] == [(1, 11), (2, 11)]
    finally:
        await db.close()


async def test_the_retry_is_bounded_and_only_for_conflicts(tmp_path: Path) -> None:
    """A transaction that keeps failing for serialization is run ATTEMPTS times, then its
    error reaches the caller; any other error is raised at the first run."""
    _, db = await _open(tmp_path, "bounded")
    try:
        runs: Counter[str] = Counter()

        @retrying
        async def fails(name: str, sqlstate: str) -> None:
            runs[name] += 1
            async with db.transaction() as conn:
                await conn.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '" + sqlstate + "';"
                    " END $$"
                )

        with pytest.raises(asyncpg.SerializationError):
            await fails("conflict", "40001")
        with pytest.raises(asyncpg.UniqueViolationError):
            await fails("other", "23505")
        assert runs == {"conflict": ATTEMPTS, "other": 1}
    finally:
        await db.close()


def _fail_once(url: str, table: str, sqlstate: str) -> None:
    """The next INSERT into `table` (from any connection) fails with `sqlstate`, as it would
    for the victim of a deadlock or a serialization failure; the ones after it go through.
    A sequence counts the inserts: it is not rolled back with the transaction that failed."""
    databases.rows(url, f"CREATE SEQUENCE forced_{table}")
    databases.rows(
        url,
        f"CREATE FUNCTION forced_{table}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN IF nextval('forced_{table}') = 1 THEN"
        f" RAISE EXCEPTION 'forced conflict' USING ERRCODE = '{sqlstate}'; END IF;"
        " RETURN NEW; END $$",
    )
    databases.rows(
        url,
        f"CREATE TRIGGER forced_{table} BEFORE INSERT ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION forced_{table}()",
    )


def _fired(url: str, table: str) -> int:
    return int(databases.rows(url, f"SELECT last_value FROM forced_{table}")[0][0])


async def test_an_accept_and_an_approval_rolled_back_by_postgres_go_through_on_their_own(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Ann's accept is a deadlock's victim, Rita's approval a serialization failure's: each
    is run again at once, so Ann gets her task and her pay (once), Rita's escrow pays it, no
    one sees 'Sorry, something went wrong'."""
    url = str(await databases.database_at(tmp_path, "forced"))
    stage = await Stage.open(url, clock=clock)
    caplog.set_level(logging.INFO, logger="storage.db")
    async with failing_on_errors(stage):
        rita = await funded_requester(stage, stage.admin())
        ann = await worker(stage, "Ann")
        await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.10 n=2")

        _fail_once(url, "assignments", "40P01")  # deadlock_detected
        await ann.press("Accept")
        assert _fired(url, "assignments") >= 2, "the accept failed once, then went through"
        await ann.press("Tea")
        await ann.press("Submit")
        assert "Submitted" in ann.last_text(), ann.last_text()
        assert databases.rows(url, "SELECT COUNT(*) FROM assignments") == [(1,)]

        _fail_once(url, "ledger", "40001")  # serialization_failure
        await approve_next(rita)
        assert _fired(url, "ledger") >= 2, "the approval failed once, then went through"
        await ann.send("/earnings")
        assert "Balance: $0.10" in ann.last_text(), ann.last_text()
        await ledger_sums_to_zero(stage)
        retried = [r.getMessage() for r in caplog.records if "attempt 2 of" in r.getMessage()]
        assert len(retried) == 2 and "40P01" in retried[0] and "40001" in retried[1], retried
