"""Fair-pay flags and estimates on HITs, relayed messages, and workers' free windows."""

from __future__ import annotations

from storage.db import Conn, changed_one, fetch_all, fetch_one, fetch_value

# -- estimates and the pay floor ----------------------------------------------------------


async def set_estimate(conn: Conn, hit_id: int, est_time_s: int | None) -> None:
    """Record the requester's estimate of how long the HIT takes (None = time allotted)."""
    await conn.execute("UPDATE hits SET est_time_s = ? WHERE id = ?", (est_time_s, hit_id))


async def estimate(conn: Conn, hit_id: int) -> int | None:
    """The requester's estimate in seconds, if they gave one."""
    row = await fetch_one(conn, "SELECT est_time_s FROM hits WHERE id = ?", (hit_id,))
    return int(row[0]) if row is not None and row[0] is not None else None


async def set_pushes_paused(conn: Conn, hit_id: int, paused: bool) -> bool:
    """Pause (or resume) pushes of a HIT; True if the flag changed."""
    return await changed_one(
        conn,
        "UPDATE hits SET pushes_paused = ? WHERE id = ? AND pushes_paused != ?",
        (int(paused), hit_id, int(paused)),
    )


async def pushes_paused(conn: Conn, hit_id: int) -> bool:
    """Whether pushes of this HIT wait for the requester to raise the pay."""
    return await fetch_value(conn, "SELECT pushes_paused FROM hits WHERE id = ?", (hit_id,)) == 1


async def set_batch_pushes_paused(conn: Conn, batch_id: int, paused: bool) -> bool:
    """Pause (or resume) pushes of every item of a batch; True if any flag changed."""
    cur = await conn.execute(
        "UPDATE hits SET pushes_paused = ? WHERE batch_id = ? AND pushes_paused != ?",
        (int(paused), batch_id, int(paused)),
    )
    return cur.rowcount > 0


async def raise_reward(conn: Conn, hit_id: int, requester_id: int, reward_cents: int) -> bool:
    """Set a higher reward on the requester's live HIT; False if not theirs, live or higher."""
    return await changed_one(
        conn,
        "UPDATE hits SET reward_cents = ? WHERE id = ? AND requester_id = ?"
        " AND status IN ('open', 'paused') AND reward_cents < ?",
        (reward_cents, hit_id, requester_id, reward_cents),
    )


async def raise_batch_reward(
    conn: Conn, batch_id: int, requester_id: int, reward_cents: int
) -> int:
    """Set a higher reward on every item of the requester's batch still in use (open,
    paused, or filled with work to review); how many items changed."""
    cur = await conn.execute(
        "UPDATE hits SET reward_cents = ? WHERE batch_id = ? AND requester_id = ?"
        " AND status IN ('open', 'paused', 'closed') AND reward_cents < ?",
        (reward_cents, batch_id, requester_id, reward_cents),
    )
    return cur.rowcount


async def unpaid_slots(conn: Conn, hit_id: int) -> int:
    """Slots whose reward is still to be decided: not yet approved, rejected or given up."""
    return await fetch_value(
        conn,
        "SELECT max_assignments - (SELECT COUNT(*) FROM assignments WHERE hit_id = ?"
        " AND status IN ('approved', 'rejected')) FROM hits WHERE id = ?",
        (hit_id, hit_id),
    )


# -- relayed messages ----------------------------------------------------------------------


async def insert_message(
    conn: Conn, assignment_id: int, from_user_id: int, to_user_id: int, body: str, now: float
) -> int:
    return await fetch_value(
        conn,
        "INSERT INTO relayed_messages (assignment_id, from_user_id, to_user_id, body, created_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (assignment_id, from_user_id, to_user_id, body, now),
    )


async def sent_since(conn: Conn, from_user_id: int, since: float) -> int:
    """How many messages this user had relayed since `since`."""
    return await fetch_value(
        conn,
        "SELECT COUNT(*) FROM relayed_messages WHERE from_user_id = ? AND created_at >= ?",
        (from_user_id, since),
    )


async def message(conn: Conn, message_id: int) -> tuple[int, int, int, str] | None:
    """(assignment id, from user id, to user id, body) of a relayed message."""
    row = await fetch_one(
        conn,
        "SELECT assignment_id, from_user_id, to_user_id, body FROM relayed_messages WHERE id = ?",
        (message_id,),
    )
    return (int(row[0]), int(row[1]), int(row[2]), str(row[3])) if row else None


async def latest_assignment(conn: Conn, worker_id: int, requester_id: int) -> int | None:
    """The worker's most recent assignment on one of the requester's HITs."""
    row = await fetch_one(
        conn,
        "SELECT a.id FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " WHERE a.worker_id = ? AND h.requester_id = ? ORDER BY a.accepted_at DESC, a.id DESC"
        " LIMIT 1",
        (worker_id, requester_id),
    )
    return int(row[0]) if row else None


async def hit_workers(conn: Conn, hit_id: int) -> list[tuple[int, str]]:
    """(assignment id, worker alias) of everyone who took the HIT, first to accept first."""
    rows = await fetch_all(
        conn,
        "SELECT a.id, u.alias FROM assignments a JOIN users u ON u.id = a.worker_id"
        " WHERE a.hit_id = ? ORDER BY a.accepted_at, a.id",
        (hit_id,),
    )
    return [(int(row[0]), str(row[1])) for row in rows]


# -- free windows (/free) --------------------------------------------------------------------


async def set_free_window(conn: Conn, worker_id: int, window_s: int, now: float) -> None:
    """Remember that the worker has `window_s` seconds from now."""
    await conn.execute(
        "INSERT INTO free_windows (worker_id, window_s, starts_at, ends_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (worker_id) DO UPDATE SET window_s = excluded.window_s,"
        " starts_at = excluded.starts_at, ends_at = excluded.ends_at",
        (worker_id, window_s, now, now + window_s),
    )


async def clear_free_window(conn: Conn, worker_id: int) -> bool:
    cur = await conn.execute("DELETE FROM free_windows WHERE worker_id = ?", (worker_id,))
    return cur.rowcount == 1


async def free_until(conn: Conn, worker_id: int, now: float) -> float | None:
    """When the worker's free window ends, if one is running now."""
    row = await fetch_one(
        conn,
        "SELECT ends_at FROM free_windows WHERE worker_id = ? AND ends_at > ?",
        (worker_id, now),
    )
    return float(row[0]) if row else None
