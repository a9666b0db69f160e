"""PostgreSQL's plans for the hot listing queries keep their shape (EXPLAIN, no timing).

bench/ with --postgres measures how fast they are; these stories keep what made them fast
from being lost by an innocent edit, whatever the planner makes of a small table.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.matching.fanout import FanOut
from bot.matching.waves import push_wave
from storage import hits, listing, offers, timers
from storage.db import Conn, Database
from storage.dialect import to_postgres
from storage.pg import PgConn
from tests.auxil import database as databases

NOW = 1_800_000_000.0
pytestmark = pytest.mark.postgres_only


async def _open_poll(conn: Conn, hit_id: int, requester_id: int, batch: int | None = None) -> None:
    """An open poll HIT (3 slots, 5 cents, a day to live) of this requester."""
    await conn.execute(
        "INSERT INTO hits (id, requester_id, batch_id, kind, title, reward_cents,"
        " max_assignments, time_allotted_s, lifetime_s, auto_approve_s, status,"
        " created_at, published_at, expires_at) VALUES (?, ?, ?, 'poll', 'H', 5,"
        " 3, 300, 86400, 86400, 'open', ?, ?, ?)",
        (hit_id, requester_id, batch, NOW, NOW, NOW + 86400),
    )


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node of a JSON plan, depth first."""
    found = [plan]
    for child in plan.get("Plans", []):
        found += nodes(child)
    return found


async def test_a_listing_ranks_with_a_top_n_and_probes_requirements_hits_by_key(
    tmp_path: Path,
) -> None:
    """/hits, /next and /free rank the HITs outside batches and the batches apart, each with
    a LIMIT: no plan sorts every visible HIT into groups (Unique) or counts a group's items
    with a window (WindowAgg), as DISTINCT ON over every visible HIT did (20-80 ms a page
    at 10,000 open HITs). The set of HITs whose requirements the worker misses checks that
    a requirement's HIT is open with a probe by primary key (a subplan), never by joining
    the requirements with every HIT (a hash or merge join read all hits: 24-27 ms)."""
    db = Database(await databases.database_at(tmp_path, "plans"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, tg_id, alias, created_at) VALUES"
                " (1, 11, 'W-1', 0), (2, 12, 'R-2', 0)"
            )
            await conn.execute(
                "INSERT INTO worker_prefs (user_id, kinds, topics, onboarded)"
                " VALUES (1, 'poll,tag', '', 1)"
            )
            await conn.execute(
                "INSERT INTO batches (id, requester_id, title, created_at)"
                " VALUES (1, 2, 'B', 0)"
            )
            for hit_id, batch in ((1, None), (2, None), (3, 1), (4, 1)):
                await _open_poll(conn, hit_id, 2, batch)
            await conn.execute(
                "INSERT INTO hit_requirements (hit_id, kind, value)"
                " VALUES (2, 'approved_count', '10')"  # the worker has approved none
            )
        sent: list[tuple[str, tuple[Any, ...]]] = []
        async with db.reading() as conn:
            assert isinstance(conn, PgConn)

            def note(record: Any) -> None:
                if "FROM hits h" in record.query:
                    sent.append((record.query, tuple(record.args)))

            conn.raw.add_query_logger(note)
            try:
                page = await listing.visible_hits(conn, 1, NOW, limit=5, offset=0)
                await listing.visible_hits(conn, 1, NOW, limit=1)
                await listing.visible_hits(conn, 1, NOW, limit=5, fits_s=300)
                await listing.count_visible(conn, 1, NOW)
            finally:
                await asyncio.sleep(0)  # asyncpg calls its loggers soon after, not at once
                conn.raw.remove_query_logger(note)
            assert [(listed.hit.id, listed.items) for listed in page] == [(3, 2), (1, 1)]
            assert len(sent) == 4
            plans = []
            for query, args in sent:
                row = await conn.raw.fetchrow(f"EXPLAIN (FORMAT JSON) {query}", *args)
                plans.append(nodes(json.loads(row[0])[0]["Plan"]))
    finally:
        await db.close()
    for plan in plans[:3]:  # the listings
        kinds = {node["Node Type"] for node in plan}
        assert not kinds & {"Unique", "WindowAgg"}, kinds
    for plan in plans:
        open_checks = [node for node in plan if node.get("Alias") == "rh"]
        assert open_checks, [node["Node Type"] for node in plan]
        assert all(node["Parent Relationship"] == "SubPlan" for node in open_checks), [
            (node["Node Type"], node["Parent Relationship"]) for node in open_checks
        ]


async def test_a_wave_counts_a_rare_qualification_once_and_reads_no_window_end_it_needs_not(
    tmp_path: Path,
) -> None:
    """A push wave for a HIT needing a qualification few hold counts its holders once for
    the wave's walks (each walk counted them again: up to 20,000 rows a count for a common
    one), the newcomers' walk is bounded by its LIMIT alone, and the ranked walk that
    fills the wave reads no window end: on PostgreSQL that end comes with the walk, only
    when the walk falls short (a statement before each walk, bench_matching's whole wave).
    The first ranked walk and the newcomers' are one statement (storage/matching.first_walks)."""
    db = Database(await databases.database_at(tmp_path, "wave"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, tg_id, alias, created_at, is_worker, is_requester)"
                " VALUES (1, 11, 'R-1', 0, 0, 1)"
            )
            for worker_id in range(2, 8):
                await conn.execute(
                    "INSERT INTO users (id, tg_id, alias, created_at, is_worker, is_requester)"
                    " VALUES (?, ?, ?, 0, 1, 0)",
                    (worker_id, 10 + worker_id, f"W-{worker_id}"),
                )
                await conn.execute(
                    "INSERT INTO worker_prefs (user_id, kinds, topics, onboarded)"
                    " VALUES (?, 'poll', '', 1)",
                    (worker_id,),
                )
            await conn.execute(
                "INSERT INTO qualification_types (id, requester_id, name, created_at)"
                " VALUES (1, 1, 'Q', 0)"
            )
            for worker_id in (2, 4, 6):
                await conn.execute(
                    "INSERT INTO worker_qualifications (worker_id, qualification_id, value,"
                    " granted_at) VALUES (?, 1, 1, 0)",
                    (worker_id,),
                )
            await conn.execute(
                "INSERT INTO hits (id, requester_id, kind, title, reward_cents,"
                " max_assignments, time_allotted_s, lifetime_s, auto_approve_s, status,"
                " created_at, published_at, expires_at) VALUES (1, 1, 'poll', 'H', 5,"
                " 1, 300, 86400, 86400, 'open', ?, ?, ?)",
                (NOW, NOW, NOW + 86400),
            )
            await conn.execute(
                "INSERT INTO hit_requirements (hit_id, kind, qualification_id, value)"
                " VALUES (1, 'qualification', 1, '1')"
            )
        sent: list[str] = []
        async with db.transaction() as conn:
            assert isinstance(conn, PgConn)
            conn.raw.add_query_logger(lambda record: sent.append(record.query))
            hit = await hits.get(conn, 1)
            assert hit is not None
            pushed = await push_wave(conn, hit, FanOut(), NOW, 3)
            await asyncio.sleep(0)  # asyncpg calls its loggers soon after, not at once
        async with db.reading() as conn:
            rows = await conn.execute_fetchall(
                "SELECT worker_id, reason FROM pushes ORDER BY worker_id"
            )
    finally:
        await db.close()
    assert pushed == 3  # the three holders: two ranked, one newcomer (3 x 1 slot)
    assert sorted(row[0] for row in rows) == [2, 4, 6]
    counts = [sql for sql in sent if sql.startswith("SELECT (SELECT COUNT(*) FROM (SELECT 1")]
    assert len(counts) == 1, counts
    walks = [sql for sql in sent if "FROM worker_stats w WHERE" in sql]
    assert len(walks) == 1, walks  # the ranked walk and the newcomers', one statement
    assert sum(sql.count("FROM worker_stats w WHERE") for sql in walks) == 2, walks
    ends = [sql for sql in sent if sql.startswith(("SELECT score, user_id", "SELECT pushes"))]
    assert ends == []


async def test_the_timers_questions_are_bounded_by_time_in_their_indexes(tmp_path: Path) -> None:
    """What falls due now (deadlines, reminders, auto-approvals, and the horizon's look
    ahead) is read from an index that leads with that time, so the scan starts and stops
    at the time asked. PostgreSQL drops a condition a partial index's WHERE implies (status
    = 'accepted') from its scan, and an index leading with the status then bounded nothing:
    asking for the reminders due read every assignment in progress (bench_timers: 80,000
    index entries at the end of each deadline pass, none due)."""
    db = Database(await databases.database_at(tmp_path, "timers"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, tg_id, alias, created_at) VALUES"
                " (1, 11, 'W-1', 0), (2, 12, 'R-2', 0)"
            )
            await conn.execute(
                "INSERT INTO hits (id, requester_id, kind, title, reward_cents,"
                " max_assignments, time_allotted_s, lifetime_s, auto_approve_s, status,"
                " created_at, published_at, expires_at) VALUES (1, 2, 'poll', 'H', 5,"
                " 1, 300, 86400, 86400, 'open', ?, ?, ?)",
                (NOW, NOW, NOW + 86400),
            )
            await conn.execute(
                "INSERT INTO assignments (hit_id, worker_id, accepted_at, deadline_at,"
                " remind_at) VALUES (1, 1, ?, ?, ?)",
                (NOW, NOW + 300, NOW + 200),
            )
        sent: list[tuple[str, tuple[Any, ...]]] = []
        async with db.transaction() as conn:
            assert isinstance(conn, PgConn)

            def note(record: Any) -> None:
                if "FROM assignments" in record.query:
                    sent.append((record.query, tuple(record.args)))

            conn.raw.add_query_logger(note)
            await timers.abandon_due(conn, NOW, 5000)
            await timers.due_reminders(conn, NOW, 5000)
            await timers.due_auto_approvals(conn, NOW, 5000)
            await timers.upcoming(conn, NOW + 60, 1)
            await asyncio.sleep(0)  # asyncpg calls its loggers soon after, not at once
            conn.raw.remove_query_logger(note)
            assert len(sent) == 4
            await conn.execute("SET LOCAL enable_seqscan = off")  # a tiny table: an index
            scans: list[tuple[str, str]] = []
            for query, args in sent:
                row = await conn.raw.fetchrow(f"EXPLAIN (FORMAT JSON) {query}", *args)
                for node in nodes(json.loads(row[0])[0]["Plan"]):
                    if node.get("Relation Name") == "assignments" and "Index Name" in node:
                        scans.append((node["Index Name"], node.get("Index Cond", "")))
            leading = {
                name: column
                for name, column in await conn.raw.fetch(
                    "SELECT c.relname, a.attname FROM pg_index i"
                    " JOIN pg_class c ON c.oid = i.indexrelid"
                    " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                    " WHERE i.indrelid = 'assignments'::regclass"
                )
            }
    finally:
        await db.close()
    assert {name for name, _ in scans} >= {
        "assignments_deadline",
        "assignments_remind",
        "assignments_auto_approve",
    }, scans
    for name, cond in scans:
        assert f"({leading[name]} <=" in cond, (name, leading[name], cond)


async def test_abandoned_work_is_noticed_by_the_statement_that_abandons_it(
    tmp_path: Path,
) -> None:
    """On PostgreSQL a deadline pass abandons its batch and queues each worker's notice
    (and the edit ending the task message) in one statement, from the rows the UPDATE
    returns: the notices' INSERT read each of the 5,000 assignments again by its id."""
    db = Database(await databases.database_at(tmp_path, "abandon"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, tg_id, alias, created_at) VALUES"
                " (1, 11, 'W-1', 0), (2, 12, 'R-2', 0), (3, 13, 'W-3', 0)"
            )
            await conn.execute(
                "INSERT INTO hits (id, requester_id, kind, title, reward_cents,"
                " max_assignments, time_allotted_s, lifetime_s, auto_approve_s, status,"
                " slots_used, created_at, published_at, expires_at) VALUES (1, 2, 'poll',"
                " 'H', 5, 2, 300, 86400, 86400, 'open', 2, ?, ?, ?)",
                (NOW, NOW, NOW + 86400),
            )
            await conn.execute(
                "INSERT INTO assignments (id, hit_id, worker_id, accepted_at, deadline_at,"
                " chat_id, message_id) VALUES (1, 1, 1, ?, ?, 11, 77), (2, 1, 3, ?, ?, NULL,"
                " NULL)",
                (NOW - 300, NOW - 1, NOW - 300, NOW + 60),
            )
        sent: list[str] = []
        async with db.transaction() as conn:
            assert isinstance(conn, PgConn)

            def note(record: Any) -> None:
                sent.append(record.query)

            conn.raw.add_query_logger(note)
            gone = await timers.abandon_due_noticed(conn, NOW, 5000, 1)
            await asyncio.sleep(0)  # asyncpg calls its loggers soon after, not at once
            conn.raw.remove_query_logger(note)
        async with db.reading() as conn:
            queued = await conn.execute_fetchall("SELECT key, chat_id FROM outbox ORDER BY id")
    finally:
        await db.close()
    assert [(a.assignment_id, a.worker_id) for a in gone] == [(1, 1)]
    assert [tuple(row) for row in queued] == [("abandoned:1", 11), ("task_ended:1", 11)]
    assert len(sent) == 1, sent


async def test_an_accepts_claim_finds_its_hits_row_by_key_in_a_generic_plan(
    tmp_path: Path,
) -> None:
    """The claim of a slot (storage/offers.claim_and_hold, the first part of an accept's
    statement) reads the HIT's row by its primary key, in the generic plan too that a
    prepared statement gets from its sixth run: a generic plan that read it through
    hits_listing passed over every open HIT's entry, dead ones included, while the row was
    locked (185 ms an accept in bench_core_loop, every tap of a crowd in single file)."""
    db = Database(await databases.database_at(tmp_path, "claim"))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, tg_id, alias, created_at) VALUES (1, 11, 'R-1', 0)"
            )
            for hit_id in (1, 2):
                await _open_poll(conn, hit_id, 1)
        sql, names = to_postgres(f"WITH {offers.claim_and_hold()} SELECT id FROM claimed")
        assert names == ("hit", "now", "worker")
        async with db.reading() as conn:
            assert isinstance(conn, PgConn)
            await conn.raw.execute("SET plan_cache_mode = force_generic_plan")
            await conn.raw.execute(f"PREPARE claim (BIGINT, DOUBLE PRECISION, BIGINT) AS {sql}")
            row = await conn.raw.fetchrow(f"EXPLAIN (FORMAT JSON) EXECUTE claim (1, {NOW}, 9)")
            await conn.raw.execute("DEALLOCATE claim; RESET plan_cache_mode")
        plan = nodes(json.loads(row[0])[0]["Plan"])
    finally:
        await db.close()
    update = next(node for node in plan if node.get("Node Type") == "ModifyTable")
    reads = [node for node in nodes(update)[1:] if node.get("Relation Name") == "hits"]
    assert [node.get("Index Name") for node in reads] == ["hits_pkey"], reads
