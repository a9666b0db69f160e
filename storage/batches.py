"""Batches: HITs created together from one upload."""

from __future__ import annotations

from bot.domain import Batch
from storage.db import Conn, fetch_value


async def insert(conn: Conn, requester_id: int, title: str, now: float) -> int:
    return await fetch_value(
        conn,
        "INSERT INTO batches (requester_id, title, created_at) VALUES (?, ?, ?) RETURNING id",
        (requester_id, title, now),
    )


async def get(conn: Conn, batch_id: int) -> Batch | None:
    async with conn.execute(
        "SELECT id, requester_id, title, created_at FROM batches WHERE id = ?", (batch_id,)
    ) as cur:
        row = await cur.fetchone()
    return Batch(row[0], row[1], row[2], row[3]) if row else None


async def delete_drafts(conn: Conn, batch_id: int, requester_id: int) -> int:
    """Drop an unpublished batch and its draft HITs; how many HITs went."""
    cur = await conn.execute(
        "DELETE FROM hits WHERE batch_id = ? AND requester_id = ? AND status = 'draft'",
        (batch_id, requester_id),
    )
    await conn.execute(
        "DELETE FROM batches WHERE id = ? AND requester_id = ?"
        " AND NOT EXISTS (SELECT 1 FROM hits WHERE batch_id = batches.id)",
        (batch_id, requester_id),
    )
    return cur.rowcount
