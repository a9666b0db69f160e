"""How long a HIT takes: one estimate per HIT, computed one way for every screen.

The estimate of a HIT is, in this order:
* measured: the median time from accept to submit of its submitted work, once
  MEASURED_AFTER submissions are in; a batch's items are one task to a worker (one line in
  /hits, one card), so their work is pooled and they share one estimate;
* the requester's estimate (`est=`);
* the time allotted: without an estimate, the most it can take (so the hourly rate shown
  is the least it pays). This is also what the pay floor checks at publishing
  (bot/market/pay_floor.py), so a requester's preview and a worker's card quote the same rate.

The median is kept on the HIT (on the batch) by `record_submission`, in the transaction of
each submission, over the first SAMPLE submissions: listings, /free, push cards and the
/free window of pushes read `ESTIMATE_SQL` instead of aggregating assignments per HIT.
"""

from __future__ import annotations

import statistics
from typing import Any

from bot.domain import MEASURED_AFTER, Estimate, EstimateSource
from storage.db import Conn, fetch_all, fetch_one, is_postgres

SAMPLE = 200  # submissions the median is taken over (the first ones)

# The measured median over `h` (NULL until MEASURED_AFTER submissions): the HIT's own, or
# its batch's.
_ENOUGH = MEASURED_AFTER
MEASURED_SQL = (
    f"(CASE WHEN h.batch_id IS NULL THEN (CASE WHEN h.measured_n >= {_ENOUGH}"
    " THEN h.measured_s END)"
    f" ELSE (SELECT CASE WHEN mb.measured_n >= {_ENOUGH} THEN mb.measured_s END"
    " FROM batches mb WHERE mb.id = h.batch_id) END)"
)
SAMPLES_SQL = (
    "(CASE WHEN h.batch_id IS NULL THEN h.measured_n"
    " ELSE (SELECT mb.measured_n FROM batches mb WHERE mb.id = h.batch_id) END)"
)
# Seconds a HIT `h` takes (see the module docstring).
ESTIMATE_SQL = f"COALESCE({MEASURED_SQL}, h.est_time_s, h.time_allotted_s)"
# Where it comes from: 'measured', 'requester' or 'allotted' (EstimateSource).
SOURCE_SQL = (
    f"(CASE WHEN {MEASURED_SQL} IS NOT NULL THEN 'measured'"
    " WHEN h.est_time_s IS NOT NULL THEN 'requester' ELSE 'allotted' END)"
)
# Columns a listing selects after the HIT's, read back by `estimate_at`.
ESTIMATE_COLUMNS = (
    f"{ESTIMATE_SQL} AS estimated_s, {SOURCE_SQL} AS estimate_source,"
    f" {SAMPLES_SQL} AS estimate_samples"
)


def estimate_at(seconds: Any, source: Any, samples: Any) -> Estimate:
    """An Estimate from the three ESTIMATE_COLUMNS of a row."""
    return Estimate(float(seconds or 0), EstimateSource(str(source)), int(samples or 0))


async def estimate(conn: Conn, hit_id: int) -> Estimate:
    """The HIT's estimate (see the module docstring)."""
    row = await fetch_one(conn, f"SELECT {ESTIMATE_COLUMNS} FROM hits h WHERE h.id = ?", (hit_id,))
    if row is None:
        return Estimate(0.0, EstimateSource.ALLOTTED)
    return estimate_at(row[0], row[1], row[2])


def scope(hit_id: int, batch_id: int | None) -> tuple[str, int, str]:
    """Where a submission's time is pooled (table, key) and the query of its first SAMPLE
    times (columns: the time, when it was submitted, the assignment; parameters: key,
    SAMPLE)."""
    if batch_id is None:
        return (
            "hits",
            hit_id,
            "SELECT a.submitted_at - a.accepted_at AS s, a.submitted_at AS at, a.id AS id"
            " FROM assignments a WHERE a.hit_id = ?"
            " AND a.submitted_at IS NOT NULL ORDER BY a.submitted_at, a.id LIMIT ?",
        )
    return (
        "batches",
        batch_id,
        "SELECT a.submitted_at - a.accepted_at AS s, a.submitted_at AS at, a.id AS id"
        " FROM hits h JOIN assignments a"
        " ON a.hit_id = h.id WHERE h.batch_id = ? AND a.submitted_at IS NOT NULL"
        " ORDER BY a.submitted_at, a.id LIMIT ?",
    )


async def record_submission(conn: Conn, hit_id: int, batch_id: int | None) -> None:
    """Count one more submission of the HIT (its batch) and keep the median time of the
    first SAMPLE ones; in the transaction of the submission."""
    table, key, times_sql = scope(hit_id, batch_id)
    if is_postgres(conn):
        await conn.execute(
            f"WITH {median_ctes(times_sql)} {median_update(table)}",
            (key, SAMPLE, SAMPLE, SAMPLE, key),
        )
        return
    # Past the first SAMPLE the median stands: one statement counts the submission.
    counted = await conn.execute(
        f"UPDATE {table} SET measured_n = measured_n + 1 WHERE id = ? AND measured_n >= ?",
        (key, SAMPLE),
    )
    if counted.rowcount == 1:
        return
    times = [max(0.0, float(r[0])) for r in await fetch_all(conn, times_sql, (key, SAMPLE))]
    median = max(1.0, statistics.median(times)) if times else None
    await conn.execute(
        f"UPDATE {table} SET measured_n = ?, measured_s = ? WHERE id = ?",
        (len(times), median, key),
    )


def median_ctes(times_sql: str) -> str:
    """`record_submission` on PostgreSQL is one UPDATE (one round trip instead of three):
    these WITH queries, then `median_update`. Past SAMPLE submissions only the count moves;
    before, the count of the first SAMPLE times and their median (the middle one, or the
    mean of the two middle ones, as statistics.median; at least 1 s; each time at least
    0). The times are read only when needed: a subquery in a CASE branch runs only if that
    branch is taken, a WITH query only as far as it is read. `times_sql`'s first column is
    the time."""
    return (
        f"times AS MATERIALIZED (SELECT GREATEST(0.0, x.s) AS d FROM ({times_sql}) x),"
        " counted AS MATERIALIZED (SELECT COUNT(*) AS n FROM times)"
    )


def median_update(table: str) -> str:
    """The UPDATE after `median_ctes`; parameters: SAMPLE, SAMPLE, the key."""
    middle = (
        "SELECT d FROM times ORDER BY d LIMIT 2 - (SELECT n FROM counted) % 2"
        " OFFSET ((SELECT n FROM counted) - 1) / 2"
    )
    return (
        f"UPDATE {table} SET"
        " measured_n = CASE WHEN measured_n >= ? THEN measured_n + 1"
        "  ELSE (SELECT n FROM counted) END,"
        " measured_s = CASE WHEN measured_n >= ? THEN measured_s"
        f"  ELSE (SELECT CASE WHEN COUNT(*) > 0 THEN GREATEST(1.0, AVG(m.d)) END FROM ({middle}) m)"
        "  END"
        " WHERE id = ?"
    )

