"""The hot queries keep their fast plans (SQLite's EXPLAIN QUERY PLAN, no timing).

bench/ measures how fast they are; these stories keep the shape that made them fast from
being lost by an innocent edit: what a query reads per row it ranks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.requesting.export import Results
from storage import listing, stale, timers
from storage.db import Database

NOW = 1_800_000_000.0
pytestmark = pytest.mark.sqlite_only  # SQLite's plans (PostgreSQL's: bench/ with --postgres)


@asynccontextmanager
async def traced(db: Database) -> AsyncIterator[list[str]]:
    """The statements `db` runs while this lasts, as SQLite traces them."""
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        await db.conn.set_trace_callback(None)


async def plans_of(db: Database, statements: list[str], table: str) -> list[dict[int, str]]:
    """Each traced statement reading `table` as `h`: its plan as {id: detail, ...} with
    each detail prefixed by its parent's ("CORRELATED SCALAR SUBQUERY 3 > SEARCH o ...")."""
    found = []
    async with db.reading() as conn:
        for sql in statements:
            if f"FROM {table} h" not in sql:
                continue
            rows = await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")
            detail = {int(r[0]): str(r[3]) for r in rows}
            found.append({int(r[0]): f"{detail.get(int(r[1]), '')} > {r[3]}" for r in rows})
    return found


async def test_a_listing_ranks_open_hits_on_its_index_with_the_workers_sets_read_once(
    tmp_path: Path,
) -> None:
    """/hits, /next and /free rank every open HIT the worker may take: the HITs are read
    from the index hits_listing alone (not the table), and what depends on the worker (HITs
    done, requesters muted or blocking, requirements not met) is a set built once per query,
    not a probe per HIT; only the rare HIT with a held offer is counted per HIT."""
    db = Database(tmp_path / "plan.sqlite3")
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, tg_id, alias, created_at) VALUES (1, 11, 'W-1', 0)"
            )
            await conn.execute(
                "INSERT INTO worker_prefs (user_id, kinds, topics, onboarded)"
                " VALUES (1, 'poll,tag', 'images', 1)"
            )
        async with traced(db) as statements, db.reading() as conn:
            await listing.count_visible(conn, 1, NOW)
            await listing.visible_hits(conn, 1, NOW, limit=5, offset=5)
            await listing.visible_hits(conn, 1, NOW, limit=5, fits_s=300)
        plans = await plans_of(db, statements, "hits")
    finally:
        await db.close()
    assert len(plans) == 3
    for plan in plans:
        steps = list(plan.values())
        reads = [s.split(" > ")[1] for s in steps if s.split(" > ")[1].split()[1:2] == ["h"]]
        ranked = [r for r in reads if "COVERING INDEX hits_listing" in r]
        rows = [r for r in reads if "INTEGER PRIMARY KEY" in r]  # the page's rows
        assert ranked and len(ranked) + len(rows) == len(reads), reads
        per_hit = {
            s.split(" > ")[1].split()[1]
            for s in steps
            if s.startswith("CORRELATED") and s.split(" > ")[1].startswith("SEARCH")
        }
        # held offers' count, a batch's estimate; wq, qt: per requirement row of the set
        assert per_hit <= {"o", "mb", "wq", "qt"}, steps
        for alias in ("a", "m", "b", "r"):
            assert any(
                s.startswith("LIST SUBQUERY") and s.split(" > ")[1].startswith(f"SEARCH {alias} ")
                for s in steps
            ), (alias, steps)


async def test_the_timers_find_what_is_due_on_the_index_of_each_kind(tmp_path: Path) -> None:
    """Each pass of the timers asks what is due (reminders, auto-approvals, expiries, and
    everything due next): reminders and auto-approvals are searched by their status and
    time on their own index, never by walking every accepted assignment through another."""
    db = Database(tmp_path / "plan.sqlite3")
    await db.open()
    try:
        async with traced(db) as statements, db.transaction() as conn:
            await timers.upcoming(conn, NOW, 1)
            await timers.due_reminders(conn, NOW, 10)
            await timers.due_auto_approvals(conn, NOW, 10)
            await timers.expire_due(conn, NOW, 10)
        searches = []
        async with db.reading() as conn:
            for sql in statements:
                if sql.startswith(("SELECT", "UPDATE")):
                    rows = await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")
                    searches += [str(r[3]) for r in rows if str(r[3]).startswith("SEARCH")]
    finally:
        await db.close()
    for wanted in (
        "INDEX assignments_remind (status=? AND remind_at<?)",
        "INDEX assignments_auto_approve (status=? AND auto_approve_at<?)",
    ):
        assert any(wanted in s for s in searches), (wanted, searches)
    assert not any("assignments" in s and s.endswith("(status=?)") for s in searches), searches


async def test_an_accept_walks_the_hits_push_cards_on_the_key_index(tmp_path: Path) -> None:
    """Every Accept queues the redraw of the HIT's (batch's) unanswered push cards: they are
    found by the key range of their HIT on the outbox's key index, never by walking every
    message ever sent (outbox_due by status), and the workers who took the HIT are one set
    read once, not a probe per card (issue 25: this walk was 90 % of the core loop)."""
    db = Database(tmp_path / "plan.sqlite3")
    await db.open()
    try:
        async with traced(db) as statements, db.transaction() as conn:
            await stale.count_edits(conn, 1, None, 3, NOW)
            await stale.count_edits(conn, 1, 7, 3, NOW, since_id=40)
        plans = await plans_of(db, statements, "hits")
    finally:
        await db.close()
    assert len(plans) == 4  # each call: where its walk ends, then the walk
    for plan in plans:
        steps = [s.split(" > ") for s in plan.values()]
        cards = [step for parent, step in steps if step.startswith("SEARCH o ")]
        by_key = "INDEX sqlite_autoindex_outbox_1 (key>? AND key<?)"
        assert cards and all(by_key in card for card in cards), steps
        assert not any(parent.startswith("CORRELATED") for parent, _ in steps), steps


async def test_a_review_cards_gold_score_reads_that_workers_answers_alone(tmp_path: Path) -> None:
    """The review card shows the worker's gold score in the batch: one statement searching
    their own assignments on an index, never every answer of the batch (a 5,000-item batch
    has 15,000 answers of everyone; each card read them all before)."""
    db = Database(tmp_path / "plan.sqlite3")
    await db.open()
    try:
        async with traced(db) as statements:
            assert await Results(db).gold_for(worker_id=2, batch_id=1) is None
        async with db.reading() as conn:
            [sql] = statements
            plan = [str(r[3]) for r in await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")]
    finally:
        await db.close()
    assert plan and all(step.startswith("SEARCH ") for step in plan), plan
    assert any("assignments_worker (worker_id=?" in step for step in plan), plan
