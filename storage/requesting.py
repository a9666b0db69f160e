"""Reads for the requester's views: progress, answers for results, gold, workers seen."""

from __future__ import annotations

from dataclasses import dataclass

from storage import ledger
from storage.db import Conn, changed_one, fetch_all, fetch_one, made_from


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One answer of one assignment, with who gave it (by alias) and where."""

    hit_id: int
    assignment_id: int
    worker_id: int
    alias: str
    status: str
    submitted_at: float | None
    question_id: int
    position: int
    value: str


async def slot_counts(conn: Conn, hit_id: int) -> dict[str, int]:
    """How many of the HIT's assignments are in each state."""
    async with conn.execute(
        "SELECT status, COUNT(*) FROM assignments WHERE hit_id = ? GROUP BY status", (hit_id,)
    ) as cur:
        return {str(r[0]): int(r[1]) for r in await cur.fetchall()}


async def answer_rows(conn: Conn, hit_ids: list[int]) -> list[AnswerRow]:
    """Answers of submitted or reviewed assignments on these HITs, in a stable order."""
    if not hit_ids:
        return []
    marks = ", ".join("?" for _ in hit_ids)
    rows = await fetch_all(
        conn,
        "SELECT a.hit_id, a.id, a.worker_id, u.alias, a.status, a.submitted_at,"
        " q.id, q.position, an.value FROM assignments a"
        " JOIN users u ON u.id = a.worker_id"
        " JOIN answers an ON an.assignment_id = a.id"
        " JOIN questions q ON q.id = an.question_id"
        f" WHERE a.hit_id IN ({marks}) AND a.status IN ('submitted', 'approved', 'rejected')"
        " ORDER BY a.hit_id, a.id, q.position",
        tuple(hit_ids),
    )
    return await made_from(rows, lambda row: AnswerRow(*row))


async def gold_tally(conn: Conn, batch_id: int, worker_id: int) -> tuple[str, int, int] | None:
    """One worker's answers on the gold items of a batch: (alias, right, answered), or None
    if they answered none. Read from their own assignments (a review card asks per worker:
    a batch of 5,000 items has 15,000 answers of everyone)."""
    row = await fetch_one(
        conn,
        "SELECT u.alias, SUM(CASE WHEN an.value = q.gold THEN 1 ELSE 0 END), COUNT(*)"
        " FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " JOIN users u ON u.id = a.worker_id"
        " JOIN answers an ON an.assignment_id = a.id"
        " JOIN questions q ON q.id = an.question_id"
        " WHERE a.worker_id = ? AND h.batch_id = ? AND q.gold IS NOT NULL"
        " AND a.status IN ('submitted', 'approved', 'rejected')"
        " GROUP BY u.alias",
        (worker_id, batch_id),
    )
    return None if row is None else (str(row[0]), int(row[1]), int(row[2]))


_SUBMITTED = (
    " FROM assignments a JOIN hits h ON h.id = a.hit_id"
    " WHERE h.requester_id = :requester AND a.status = 'submitted'"
    " AND (CAST(:worker AS BIGINT) IS NULL OR a.worker_id = :worker)"
    " AND (CAST(:until AS DOUBLE PRECISION) IS NULL OR a.submitted_at <= :until)"
)


async def submitted_ids(
    conn: Conn, requester_id: int, worker_id: int | None = None, until: float | None = None
) -> list[int]:
    """Submitted, unreviewed assignments on this requester's HITs (of one worker, if given;
    submitted by `until`, if given)."""
    params = {"requester": requester_id, "worker": worker_id, "until": until}
    async with conn.execute(
        f"SELECT a.id{_SUBMITTED} ORDER BY a.submitted_at, a.id", params
    ) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def submitted_total(conn: Conn, requester_id: int, until: float) -> tuple[int, int, int]:
    """How many assignments submitted by `until` wait for review, their rewards and the
    marketplace's fees on them (cents; each fee rounded as bot.domain.fee_on rounds it)."""
    params: dict[str, object] = {"requester": requester_id, "worker": None, "until": until}
    row = await fetch_one(
        conn,
        "SELECT COUNT(*), COALESCE(SUM(h.reward_cents), 0),"
        f" COALESCE(SUM((h.reward_cents * h.fee_bp + 5000) / 10000), 0){_SUBMITTED}",
        params,
    )
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


async def worked_for(conn: Conn, worker_id: int, requester_id: int) -> bool:
    """Whether the worker ever took one of this requester's HITs."""
    async with conn.execute(
        "SELECT 1 FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " WHERE a.worker_id = ? AND h.requester_id = ? LIMIT 1",
        (worker_id, requester_id),
    ) as cur:
        return await cur.fetchone() is not None


async def block(conn: Conn, requester_id: int, worker_id: int, now: float) -> bool:
    """Block a worker from the requester's HITs; False if already blocked."""
    return await changed_one(
        conn,
        "INSERT INTO blocks (requester_id, worker_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (requester_id, worker_id) DO NOTHING",
        (requester_id, worker_id, now),
    )


async def set_block_reason(conn: Conn, requester_id: int, worker_id: int, reason: str) -> None:
    """Remember why the requester blocked the worker (MTurk's CreateWorkerBlock Reason)."""
    await conn.execute(
        "UPDATE blocks SET reason = ? WHERE requester_id = ? AND worker_id = ?",
        (reason, requester_id, worker_id),
    )


async def unblock(conn: Conn, requester_id: int, worker_id: int) -> bool:
    """Let a blocked worker take the requester's HITs again; False if not blocked."""
    return await changed_one(
        conn,
        "DELETE FROM blocks WHERE requester_id = ? AND worker_id = ?",
        (requester_id, worker_id),
    )


async def escrow_balance(conn: Conn, hit_id: int) -> int:
    """What is left in one HIT's escrow."""
    return await ledger.balance(conn, ledger.escrow_account(hit_id))
