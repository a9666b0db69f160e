"""Counts for the end of `gigbot demo` and the admins' /stats: users, HITs and assignments
by state, money by kind."""

from __future__ import annotations

from storage.db import Conn, fetch_all, fetch_one, fetch_value


async def hit_states(conn: Conn) -> dict[str, int]:
    """How many HITs are in each status."""
    rows = await fetch_all(conn, "SELECT status, COUNT(*) FROM hits GROUP BY status")
    return {str(row[0]): int(row[1]) for row in rows}


async def assignment_states(conn: Conn) -> dict[str, int]:
    """How many assignments are in each status."""
    rows = await fetch_all(conn, "SELECT status, COUNT(*) FROM assignments GROUP BY status")
    return {str(row[0]): int(row[1]) for row in rows}


async def money_by_memo(conn: Conn, since: float = 0.0) -> dict[str, int]:
    """Cents moved through the ledger per kind of transfer (fund, publish, approve...),
    in transfers made at `since` or later (by default: all of them)."""
    rows = await fetch_all(
        conn,
        "SELECT memo, SUM(amount_cents) FROM ledger WHERE created_at >= ? GROUP BY memo",
        (since,),
    )
    return {str(row[0]): int(row[1]) for row in rows}


async def batch_count(conn: Conn) -> int:
    """How many batches were created."""
    return await fetch_value(conn, "SELECT COUNT(*) FROM batches")


async def poll_count(conn: Conn) -> int:
    """How many HITs were made on their own (polls, surveys), not from a batch upload."""
    return await fetch_value(conn, "SELECT COUNT(*) FROM hits WHERE batch_id IS NULL")


async def user_counts(conn: Conn, since: float) -> tuple[int, int, int, int]:
    """Users in all, how many are requesters, how many joined at `since` or later, and how
    many are unreachable (they blocked the bot)."""
    row = await fetch_one(
        conn,
        "SELECT COUNT(*), COALESCE(SUM(is_requester), 0),"
        " COALESCE(SUM(created_at >= ?), 0), COALESCE(SUM(active = 0), 0) FROM users",
        (since,),
    )
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


async def submitted_since(conn: Conn, since: float) -> int:
    """How many assignments were submitted at `since` or later (whatever became of them)."""
    return await fetch_value(
        conn, "SELECT COUNT(*) FROM assignments WHERE submitted_at >= ?", (since,)
    )
