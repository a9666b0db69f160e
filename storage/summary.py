"""Counts for the end of `gigbot demo`: HITs and assignments by state, money by kind."""

from __future__ import annotations

from storage.db import Conn, fetch_all, fetch_value


async def hit_states(conn: Conn) -> dict[str, int]:
    """How many HITs are in each status."""
    rows = await fetch_all(conn, "SELECT status, COUNT(*) FROM hits GROUP BY status")
    return {str(row[0]): int(row[1]) for row in rows}


async def assignment_states(conn: Conn) -> dict[str, int]:
    """How many assignments are in each status."""
    rows = await fetch_all(conn, "SELECT status, COUNT(*) FROM assignments GROUP BY status")
    return {str(row[0]): int(row[1]) for row in rows}


async def money_by_memo(conn: Conn) -> dict[str, int]:
    """Cents moved through the ledger per kind of transfer (fund, publish, approve...)."""
    rows = await fetch_all(conn, "SELECT memo, SUM(amount_cents) FROM ledger GROUP BY memo")
    return {str(row[0]): int(row[1]) for row in rows}


async def batch_count(conn: Conn) -> int:
    """How many batches were created."""
    return await fetch_value(conn, "SELECT COUNT(*) FROM batches")


async def poll_count(conn: Conn) -> int:
    """How many HITs were made on their own (polls, surveys), not from a batch upload."""
    return await fetch_value(conn, "SELECT COUNT(*) FROM hits WHERE batch_id IS NULL")
