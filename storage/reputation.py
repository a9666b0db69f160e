"""What a requester's reputation is computed from: their HITs' assignments, disputes, ratings."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Conn, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class RequesterRecord:
    """Raw figures of one requester, before any rounding."""

    approved: int
    rejected: int
    approved_reward_cents: int
    approved_work_s: float
    review_waits_s: list[float]
    disputes: dict[str, int]
    ratings: int
    pay: float | None
    fairness: float | None
    communication: float | None


async def record(conn: Conn, requester_id: int) -> RequesterRecord:
    """Everything the reputation card needs, in four queries."""
    money = await fetch_one(
        conn,
        "SELECT SUM(a.status = 'approved'), SUM(a.status = 'rejected'),"
        " COALESCE(SUM(CASE WHEN a.status = 'approved' THEN h.reward_cents END), 0),"
        " COALESCE(SUM(CASE WHEN a.status = 'approved' THEN a.submitted_at - a.accepted_at END), 0)"
        " FROM assignments a JOIN hits h ON h.id = a.hit_id WHERE h.requester_id = ?",
        (requester_id,),
    )
    waits = await fetch_all(
        conn,
        "SELECT a.reviewed_at - a.submitted_at FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " WHERE h.requester_id = ? AND a.status IN ('approved', 'rejected')"
        " AND a.reviewed_at IS NOT NULL AND a.submitted_at IS NOT NULL",
        (requester_id,),
    )
    disputes = await fetch_all(
        conn,
        "SELECT status, COUNT(*) FROM disputes WHERE requester_id = ? GROUP BY status",
        (requester_id,),
    )
    rated = await fetch_one(
        conn,
        "SELECT COUNT(*), AVG(pay), AVG(fairness), AVG(communication) FROM ratings"
        " WHERE requester_id = ?",
        (requester_id,),
    )
    assert money is not None and rated is not None
    return RequesterRecord(
        approved=int(money[0] or 0),
        rejected=int(money[1] or 0),
        approved_reward_cents=int(money[2]),
        approved_work_s=float(money[3]),
        review_waits_s=sorted(float(row[0]) for row in waits),
        disputes={str(row[0]): int(row[1]) for row in disputes},
        ratings=int(rated[0]),
        pay=rated[1],
        fairness=rated[2],
        communication=rated[3],
    )


async def requesters_named(conn: Conn, name: str, limit: int) -> list[int]:
    """Ids of requesters whose shown name is `name` (case-insensitive), oldest first."""
    rows = await fetch_all(
        conn,
        "SELECT id FROM users WHERE is_requester = 1 AND lower(first_name) = lower(?)"
        " ORDER BY id LIMIT ?",
        (name, limit),
    )
    return [int(row[0]) for row in rows]


async def rate(
    conn: Conn,
    worker_id: int,
    requester_id: int,
    assignment_id: int,
    dimension: str,
    stars: int,
    now: float,
) -> None:
    """Set one dimension (pay, fairness, communication) of the worker's rating."""
    if dimension not in {"pay", "fairness", "communication"}:
        raise ValueError(f"unknown rating dimension {dimension!r}")
    await conn.execute(
        f"INSERT INTO ratings (worker_id, requester_id, assignment_id, {dimension}, rated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (worker_id, requester_id) DO UPDATE SET"
        f" {dimension} = excluded.{dimension}, assignment_id = excluded.assignment_id,"
        " rated_at = excluded.rated_at",
        (worker_id, requester_id, assignment_id, stars, now),
    )


async def rating_of(conn: Conn, worker_id: int, requester_id: int) -> dict[str, int]:
    """The worker's current rating of the requester, dimension -> stars (set ones only)."""
    row = await fetch_one(
        conn,
        "SELECT pay, fairness, communication FROM ratings WHERE worker_id = ? AND requester_id = ?",
        (worker_id, requester_id),
    )
    if row is None:
        return {}
    names = ("pay", "fairness", "communication")
    return {name: int(row[n]) for n, name in enumerate(names) if row[n] is not None}
