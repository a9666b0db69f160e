"""Deadlines in the database: what is due now, what is due soon, and the set-based steps
that apply them. Each state change is conditional on the state it expects, so a late
submit and the deadline can race and exactly one wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.domain import fee_on
from storage.db import (
    Conn,
    changed_one,
    claimed,
    ids_in_json,
    is_postgres,
    json_object,
    skip_locked,
)


@dataclass(frozen=True, slots=True)
class Abandoned:
    assignment_id: int
    hit_id: int
    worker_id: int


@dataclass(frozen=True, slots=True)
class DueReminder:
    assignment_id: int
    hit_id: int
    accepted_at: float
    deadline_at: float
    reminders_sent: int
    tg_id: int


@dataclass(frozen=True, slots=True)
class Expired:
    hit_id: int
    requester_id: int
    reward_cents: int
    free_slots: int
    fee_bp: int = 0

    @property
    def slot_cents(self) -> int:
        """What one assignment holds in escrow: its reward and the marketplace's fee."""
        return self.reward_cents + fee_on(self.reward_cents, self.fee_bp)


# -- what is due now -------------------------------------------------------------------


def _abandoning(conn: Conn, returning: str) -> str:
    """The UPDATE abandoning the accepted assignments past their deadline (parameters:
    now, now, limit), returning `returning`."""
    return (
        "UPDATE assignments SET status = 'abandoned', reviewed_at = ?, remind_at = NULL WHERE "
        + claimed(
            conn,
            "SELECT id FROM assignments WHERE status = 'accepted'"
            f" AND deadline_at <= ? ORDER BY deadline_at LIMIT ?{skip_locked(conn)}",
        )
        + " AND status = 'accepted'"
        f" RETURNING {returning}"
    )


async def abandon_due(conn: Conn, now: float, limit: int) -> list[Abandoned]:
    """Abandon accepted assignments whose deadline has passed; the rows this call won."""
    async with conn.execute(_abandoning(conn, "id, hit_id, worker_id"), (now, now, limit)) as cur:
        rows = await cur.fetchall()
    return [Abandoned(r[0], r[1], r[2]) for r in rows]


# Each abandoned assignment's notice to its worker and the edit ending its task message
# (notify_abandoned), from the assignments' rows `a` and their workers `u`.
_NOTICES = (
    "INSERT INTO outbox (key, chat_id, kind, priority, payload, not_before, created_at)"
    " SELECT k.kind || ':' || a.id, CASE k.kind WHEN 'abandoned' THEN u.tg_id"
    " ELSE a.chat_id END, k.kind, CAST(? AS BIGINT), CASE k.kind WHEN 'abandoned'"
    " THEN {json}('assignment_id', a.id)"
    " ELSE {json}('assignment_id', a.id, 'edit_message_id', a.message_id)"
    " END, CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)"
    " FROM {assignments} a JOIN users u ON u.id = a.worker_id"
    " CROSS JOIN (SELECT 'abandoned' AS kind UNION ALL SELECT 'task_ended') AS k"
    " WHERE {which}(k.kind = 'abandoned'"
    " OR (a.chat_id IS NOT NULL AND a.message_id IS NOT NULL))"
    # each notice before its edit, as the two statements this was queued them
    " ORDER BY a.id, k.kind ON CONFLICT (key) DO NOTHING"
)


async def abandon_due_noticed(
    conn: Conn, now: float, limit: int, priority: int
) -> list[Abandoned]:
    """abandon_due and notify_abandoned of the rows it won.

    PostgreSQL: one statement, the notices queued from the rows the UPDATE returns (a
    data-modifying WITH) where notify_abandoned read each assignment again by its id, and
    one round trip fewer: 5,000 deadlines at a time (bench/bench_timers.py)."""
    if not is_postgres(conn):
        gone = await abandon_due(conn, now, limit)
        if gone:
            await notify_abandoned(conn, [a.assignment_id for a in gone], priority, now)
        return gone
    notices = _NOTICES.format(json=json_object(conn), assignments="gone", which="")
    rows = await conn.execute_fetchall(
        "WITH gone AS ("
        + _abandoning(conn, "id, hit_id, worker_id, chat_id, message_id")
        + f"), queued AS ({notices})"
        " SELECT id, hit_id, worker_id FROM gone",
        (now, now, limit, priority, now, now),
    )
    return [Abandoned(r[0], r[1], r[2]) for r in rows]


async def release_slots(conn: Conn, freed: dict[int, int]) -> None:
    """Give `count` slots back to each HIT ({hit_id: count})."""
    await conn.executemany(
        "UPDATE hits SET slots_used = MAX(slots_used - ?, 0) WHERE id = ?",
        [(count, hit_id) for hit_id, count in freed.items()],
    )


async def notify_abandoned(
    conn: Conn, assignment_ids: list[int], priority: int, now: float
) -> None:
    """Queue an 'abandoned' notice to each assignment's worker, once per assignment, and
    an edit of the task message that ends it (which loses its buttons: 'task_ended').

    One statement for both, in one pass over the assignments: 20,000 deadlines at once
    read each of them once instead of twice (bench/bench_timers.py)."""
    await conn.execute(
        _NOTICES.format(
            json=json_object(conn),
            assignments="assignments",
            which=f"a.id IN ({ids_in_json(conn)}) AND ",
        ),
        (priority, now, now, json.dumps(assignment_ids)),
    )


async def notify_user(
    conn: Conn,
    key: str,
    user_id: int,
    kind: str,
    priority: int,
    payload: dict[str, object],
    now: float,
) -> None:
    """Queue one message to a user (by user id), once per key."""
    await conn.execute(
        "INSERT INTO outbox (key, chat_id, kind, priority, payload, not_before, created_at)"
        " SELECT ?, tg_id, ?, ?, ?, ?, ? FROM users WHERE id = ? ON CONFLICT (key) DO NOTHING",
        (key, kind, priority, json.dumps(payload), now, now, user_id),
    )


async def hits_in_state(conn: Conn, hit_ids: list[int], status: str) -> list[int]:
    """Which of these HITs are in `status`."""
    if not hit_ids:
        return []
    marks = ",".join("?" * len(hit_ids))
    async with conn.execute(
        f"SELECT id FROM hits WHERE status = ? AND id IN ({marks})", (status, *hit_ids)
    ) as cur:
        return [r[0] for r in await cur.fetchall()]


async def due_reminders(conn: Conn, now: float, limit: int) -> list[DueReminder]:
    """Accepted assignments whose next reminder is due and whose deadline is still ahead."""
    async with conn.execute(
        "SELECT a.id, a.hit_id, a.accepted_at, a.deadline_at, a.reminders_sent, u.tg_id"
        " FROM assignments a JOIN users u ON u.id = a.worker_id"
        " WHERE a.status = 'accepted' AND a.remind_at <= ? AND a.deadline_at > ?"
        " ORDER BY a.remind_at LIMIT ?",
        (now, now, limit),
    ) as cur:
        rows = await cur.fetchall()
    return [DueReminder(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


async def mark_reminded(conn: Conn, updates: list[tuple[int, int, float | None, int]]) -> None:
    """Record sent reminders: (assignment id, reminders sent now, next due, sent before)."""
    await conn.executemany(
        "UPDATE assignments SET reminders_sent = ?, remind_at = ?"
        " WHERE id = ? AND status = 'accepted' AND reminders_sent = ?",
        [(sent, next_at, aid, before) for aid, sent, next_at, before in updates],
    )


async def set_remind_at(conn: Conn, assignment_id: int, remind_at: float | None) -> None:
    """Plan the first reminder of a freshly accepted assignment."""
    await conn.execute(
        "UPDATE assignments SET remind_at = ? WHERE id = ? AND status = 'accepted'",
        (remind_at, assignment_id),
    )


async def due_auto_approvals(conn: Conn, now: float, limit: int) -> list[int]:
    """Submitted assignments left unreviewed past their auto-approval time."""
    async with conn.execute(
        "SELECT id FROM assignments WHERE status = 'submitted' AND auto_approve_at <= ?"
        " ORDER BY auto_approve_at LIMIT ?",
        (now, limit),
    ) as cur:
        return [r[0] for r in await cur.fetchall()]


async def expire_due(conn: Conn, now: float, limit: int) -> list[Expired]:
    """Move open HITs past their lifetime to expired; the rows this call won.

    A HIT whose every slot is taken is not available anyway: it stays open until its work
    is reviewed (closed), and expires only if a slot comes free after its lifetime.
    """
    async with conn.execute(
        "UPDATE hits SET status = 'expired' WHERE "
        + claimed(
            conn,
            "SELECT id FROM hits"
            " WHERE status = 'open' AND expires_at <= ? AND slots_used < max_assignments"
            f" ORDER BY expires_at LIMIT ?{skip_locked(conn)}",
        )
        + " AND status = 'open'"
        " RETURNING id, requester_id, reward_cents, max_assignments - slots_used, fee_bp",
        (now, limit),
    ) as cur:
        rows = await cur.fetchall()
    return [Expired(r[0], r[1], r[2], r[3], r[4]) for r in rows]


# -- what is due soon (the horizon) ----------------------------------------------------


async def upcoming(conn: Conn, until: float, limit: int) -> list[tuple[str, float]]:
    """Named deadlines due up to `until`, soonest first: ("deadline:12", due_at)..."""
    async with conn.execute(
        "SELECT name, due FROM ("
        " SELECT 'deadline:' || id AS name, deadline_at AS due FROM assignments"
        "  WHERE status = 'accepted' AND deadline_at <= ?1"
        " UNION ALL SELECT 'remind:' || id || ':' || reminders_sent, remind_at FROM assignments"
        "  WHERE status = 'accepted' AND remind_at <= ?1"
        " UNION ALL SELECT 'autoapprove:' || id, auto_approve_at FROM assignments"
        "  WHERE status = 'submitted' AND auto_approve_at <= ?1"
        " UNION ALL SELECT 'expire:' || id, expires_at FROM hits"
        "  WHERE status = 'open' AND expires_at <= ?1 AND slots_used < max_assignments"
        " UNION ALL SELECT 'offer:' || id, expires_at FROM offers"
        "  WHERE status = 'held' AND expires_at <= ?1"
        ") AS due_soon ORDER BY due LIMIT ?2",
        (until, limit),
    ) as cur:
        return [(r[0], float(r[1])) for r in await cur.fetchall()]


# -- pausing ---------------------------------------------------------------------------


async def pause(conn: Conn, hit_id: int, requester_id: int, now: float) -> bool:
    """Pause an open HIT, keeping the lifetime it has left."""
    return await changed_one(
        conn,
        "UPDATE hits SET status = 'paused', paused_remaining_s = MAX(expires_at - ?, 0)"
        " WHERE id = ? AND requester_id = ? AND status = 'open'",
        (now, hit_id, requester_id),
    )


async def resume(conn: Conn, hit_id: int, requester_id: int, now: float) -> float | None:
    """Reopen a paused HIT with the lifetime it had left; its new expiry time, or None."""
    async with conn.execute(
        "UPDATE hits SET status = 'open',"
        " expires_at = ? + COALESCE(paused_remaining_s, MAX(expires_at - ?, 0)),"
        " paused_remaining_s = NULL"
        " WHERE id = ? AND requester_id = ? AND status = 'paused' RETURNING expires_at",
        (now, now, hit_id, requester_id),
    ) as cur:
        row = await cur.fetchone()
    return float(row[0]) if row else None
