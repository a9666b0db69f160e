"""The broadcaster lease: one row naming the process that may send the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Conn, changed_one, fetch_one


@dataclass(frozen=True, slots=True)
class LeaseRow:
    holder: str | None  # None: released
    expires_at: float
    beats: int


async def current(conn: Conn) -> LeaseRow:
    """Who holds the lease, until when, and how many renewals it has seen."""
    row = await fetch_one(conn, "SELECT holder, expires_at, beats FROM broadcast_lease")
    if row is None:  # the migration inserts the one row; nobody deletes it
        return LeaseRow(None, 0.0, 0)
    return LeaseRow(row[0], float(row[1]), int(row[2]))


async def take(
    conn: Conn, holder: str, seen: str | None, now: float, until: float, *, seen_gone: bool
) -> bool:
    """Become the holder if the lease is still held by `seen` and is free: released,
    expired by `now`, or `seen` is known to be gone. False if anything changed meanwhile."""
    return await changed_one(
        conn,
        "UPDATE broadcast_lease SET holder = ?, expires_at = ?, beats = beats + 1"
        " WHERE id = 1 AND holder IS NOT DISTINCT FROM ? AND (holder IS NULL OR expires_at <= ?"
        " OR ? = 1)",
        (holder, until, seen, now, int(seen_gone)),
    )


async def renew(conn: Conn, holder: str, until: float) -> bool:
    """Extend the lease to `until` if `holder` still has it (even if it ran out meanwhile:
    nobody else took it, so nobody else sent)."""
    return await changed_one(
        conn,
        "UPDATE broadcast_lease SET expires_at = ?, beats = beats + 1 WHERE id = 1 AND holder = ?",
        (until, holder),
    )


async def release(conn: Conn, holder: str, now: float) -> bool:
    """Give the lease up at once (a clean stop), if `holder` has it."""
    return await changed_one(
        conn,
        "UPDATE broadcast_lease SET holder = NULL, expires_at = ? WHERE id = 1 AND holder = ?",
        (now, holder),
    )
