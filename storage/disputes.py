"""Disputes of rejected work: opened by the worker, answered by the requester or by time."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import Conn, changed_one, fetch_all, fetch_one

_COLUMNS = (
    "id, assignment_id, worker_id, requester_id, message, status, reply, created_at, due_at,"
    " resolved_at"
)


@dataclass(frozen=True, slots=True)
class Dispute:
    id: int
    assignment_id: int
    worker_id: int
    requester_id: int
    message: str
    status: str  # open, reversed, upheld, expired
    reply: str | None
    created_at: float
    due_at: float
    resolved_at: float | None


def _dispute(row: aiosqlite.Row) -> Dispute:
    return Dispute(*(row[n] for n in range(10)))


async def insert(
    conn: Conn,
    assignment_id: int,
    worker_id: int,
    requester_id: int,
    message: str,
    now: float,
    due_at: float,
) -> int | None:
    """Open a dispute; None if this assignment was already disputed."""
    made = await fetch_one(
        conn,
        "INSERT INTO disputes (assignment_id, worker_id, requester_id, message, created_at,"
        " due_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (assignment_id) DO NOTHING RETURNING id",
        (assignment_id, worker_id, requester_id, message, now, due_at),
    )
    return int(made[0]) if made is not None else None


async def get(conn: Conn, dispute_id: int) -> Dispute | None:
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM disputes WHERE id = ?", (dispute_id,))
    return _dispute(row) if row else None


async def for_assignment(conn: Conn, assignment_id: int) -> Dispute | None:
    row = await fetch_one(
        conn, f"SELECT {_COLUMNS} FROM disputes WHERE assignment_id = ?", (assignment_id,)
    )
    return _dispute(row) if row else None


async def resolve(
    conn: Conn, dispute_id: int, status: str, reply: str | None, now: float
) -> bool:
    """Close an open dispute with its outcome; False if it was no longer open (race-safe)."""
    return await changed_one(
        conn,
        "UPDATE disputes SET status = ?, reply = ?, resolved_at = ?"
        " WHERE id = ? AND status = 'open'",
        (status, reply, now, dispute_id),
    )


async def overdue(conn: Conn, now: float, limit: int) -> list[int]:
    """Open disputes whose answer time has passed, oldest first."""
    rows = await fetch_all(
        conn,
        "SELECT id FROM disputes WHERE status = 'open' AND due_at <= ? ORDER BY due_at LIMIT ?",
        (now, limit),
    )
    return [int(row[0]) for row in rows]


async def close_for_assignment(conn: Conn, assignment_id: int, now: float) -> bool:
    """The requester approved the rejected work on their own: its open dispute (if any)
    is closed as reversed, so it can never pay a second time."""
    cur = await conn.execute(
        "UPDATE disputes SET status = 'reversed', resolved_at = ?"
        " WHERE assignment_id = ? AND status = 'open'",
        (now, assignment_id),
    )
    return cur.rowcount == 1


async def reverse_rejection(conn: Conn, assignment_id: int) -> bool:
    """Turn a rejected assignment into an approved one (its review time stays as it was)."""
    return await changed_one(
        conn,
        "UPDATE assignments SET status = 'approved' WHERE id = ? AND status = 'rejected'",
        (assignment_id,),
    )


async def open_count(conn: Conn) -> int:
    """How many disputes wait for the requester's answer."""
    row = await fetch_one(conn, "SELECT COUNT(*) FROM disputes WHERE status = 'open'")
    return int(row[0]) if row else 0
