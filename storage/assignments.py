"""Assignments (one worker's attempt at one HIT) and their answers."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.domain import Answer, Assignment, AssignmentStatus, Hit
from storage import hits
from storage.db import Conn, changed_one, fetch_all, fetch_one, is_postgres

_COLUMNS = (
    "id, hit_id, worker_id, status, position, accepted_at, deadline_at, submitted_at,"
    " reviewed_at, reject_reason, chat_id, message_id"
)


_NAMES = tuple(c.strip() for c in _COLUMNS.split(","))
WIDTH = len(_NAMES)  # columns of an assignment's row (what follows them starts there)
COLUMNS = _COLUMNS  # for statements elsewhere returning an assignment (assignment_at)


def assignment_at(row: aiosqlite.Row | tuple[Any, ...]) -> Assignment:
    """An assignment from a row that starts with `_COLUMNS`, by position (no name lookups)."""
    return Assignment(
        row[0],
        row[1],
        row[2],
        AssignmentStatus(row[3]),
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
    )


async def get(conn: Conn, assignment_id: int) -> Assignment | None:
    row = await fetch_one(
        conn, f"SELECT {_COLUMNS} FROM assignments WHERE id = ?", (assignment_id,)
    )
    return assignment_at(row) if row else None


def view_columns(conn: Conn, source: str) -> str:
    """The columns of an assignment (`source`, its row) joined with its HIT (`h`), and its
    answers by question id (JSON), for a statement returning what a task's message shows."""
    columns = ", ".join(f"{source}.{name} AS a_{name}" for name in _NAMES)
    group = "json_object_agg" if is_postgres(conn) else "json_group_object"
    return (
        f"{columns}, {hits.hit_columns('h_')},"
        f" (SELECT CAST({group}(question_id, value) AS TEXT) FROM answers"
        f"  WHERE assignment_id = {source}.id) AS given"
    )


def view_at(row: aiosqlite.Row) -> tuple[Assignment, Hit, dict[int, str]]:
    """The assignment, its HIT and its answers from a row of `view_columns`."""
    assignment = assignment_at(tuple(row["a_" + name] for name in _NAMES))
    given = {int(q): str(v) for q, v in json.loads(row["given"] or "{}").items()}
    return assignment, hits.hit_from(row, "h_"), given


async def with_hit_and_answers(
    conn: Conn, assignment_id: int
) -> tuple[Assignment, Hit, dict[int, str]] | None:
    """The assignment, its HIT and its answers by question id, in one query."""
    row = await fetch_one(
        conn,
        f"SELECT {view_columns(conn, 'a')} FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " WHERE a.id = ?",
        (assignment_id,),
    )
    return view_at(row) if row is not None else None


async def for_worker_and_hit(conn: Conn, worker_id: int, hit_id: int) -> Assignment | None:
    row = await fetch_one(
        conn,
        f"SELECT {_COLUMNS} FROM assignments WHERE worker_id = ? AND hit_id = ?",
        (worker_id, hit_id),
    )
    return assignment_at(row) if row else None


async def insert(
    conn: Conn,
    hit_id: int,
    worker_id: int,
    now: float,
    deadline: float,
    remind_at: float | None = None,
    shown_in: tuple[int, int] | None = None,
) -> Assignment | None:
    """Create an accepted assignment (worked in message `shown_in`, first reminder at
    `remind_at`); None if the worker already has one for this HIT."""
    chat_id, message_id = shown_in if shown_in is not None else (None, None)
    row = await fetch_one(
        conn,
        "INSERT INTO assignments"
        " (hit_id, worker_id, accepted_at, deadline_at, remind_at, chat_id, message_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hit_id, worker_id) DO NOTHING"
        f" RETURNING {_COLUMNS}",
        (hit_id, worker_id, now, deadline, remind_at, chat_id, message_id),
    )
    return assignment_at(row) if row is not None else None


async def set_message(conn: Conn, assignment_id: int, chat_id: int, message_id: int) -> None:
    """Remember the one message this assignment is worked in."""
    await conn.execute(
        "UPDATE assignments SET chat_id = ?, message_id = ? WHERE id = ?",
        (chat_id, message_id, assignment_id),
    )


async def set_position(conn: Conn, assignment_id: int, position: int) -> bool:
    return await changed_one(
        conn,
        "UPDATE assignments SET position = ? WHERE id = ? AND status = 'accepted'",
        (position, assignment_id),
    )


async def transition(
    conn: Conn,
    assignment_id: int,
    from_status: AssignmentStatus,
    to_status: AssignmentStatus,
    *,
    now: float,
    reason: str | None = None,
) -> bool:
    """Move an assignment between states, only from the expected one (race-safe)."""
    stamp = "submitted_at" if to_status is AssignmentStatus.SUBMITTED else "reviewed_at"
    return await changed_one(
        conn,
        f"UPDATE assignments SET status = ?, {stamp} = ?,"
        " reject_reason = COALESCE(?, reject_reason) WHERE id = ? AND status = ?",
        (to_status.value, now, reason, assignment_id, from_status.value),
    )


async def hand_in(conn: Conn, assignment_id: int, now: float) -> bool | None:
    """Submit an accepted assignment (race-safe, as `transition`): None if it was not
    accepted any more, else whether a reminder of it may have been queued (one was sent,
    or its deadline was extended, which plans its reminders anew); if not, it has none."""
    row = await fetch_one(
        conn,
        "UPDATE assignments SET status = 'submitted', submitted_at = ?"
        " WHERE id = ? AND status = 'accepted' RETURNING reminders_sent, extended_s",
        (now, assignment_id),
    )
    if row is None:
        return None
    return bool(row[0]) or bool(row[1])


async def approve_rejected(conn: Conn, assignment_id: int, now: float) -> bool:
    """A rejected assignment approved after all (MTurk's OverrideRejection): its reason
    goes, its review time is now; False if it was not rejected (race-safe)."""
    cur = await conn.execute(
        "UPDATE assignments SET status = 'approved', reviewed_at = ?, reject_reason = NULL"
        " WHERE id = ? AND status = 'rejected'",
        (now, assignment_id),
    )
    return cur.rowcount == 1


async def save_answer(
    conn: Conn, assignment_id: int, question_id: int, value: str, now: float
) -> None:
    """Store (or replace) the answer to one question."""
    await conn.execute(
        "INSERT INTO answers (assignment_id, question_id, value, answered_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (assignment_id, question_id)"
        " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
        (assignment_id, question_id, value, now),
    )


async def answer_and_move(
    conn: Conn, assignment_id: int, question_id: int, value: str, now: float, position: int
) -> None:
    """`save_answer`, then `set_position` (of accepted work only); on PostgreSQL in one
    statement, so one round trip, and atomic without a transaction around it."""
    if not is_postgres(conn):
        await save_answer(conn, assignment_id, question_id, value, now)
        await set_position(conn, assignment_id, position)
        return
    await conn.execute(
        "WITH saved AS (INSERT INTO answers (assignment_id, question_id, value, answered_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (assignment_id, question_id)"
        " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at)"
        " UPDATE assignments SET position = ? WHERE id = ? AND status = 'accepted'",
        (assignment_id, question_id, value, now, position, assignment_id),
    )


async def answer_in_place(
    conn: Conn,
    worker_id: int,
    assignment_id: int,
    position: int,
    question_id: int,
    value: str,
    now: float,
) -> tuple[Assignment, Hit, dict[int, str]] | None:
    """PostgreSQL: record the answer to the question at `position` and move to the next,
    only if the assignment is the worker's, accepted, within its time and standing at
    `position`: the assignment as moved, its HIT and its answers before this one, by one
    statement (no read before it). None: nothing changed (the caller reads why)."""
    row = await fetch_one(
        conn,
        "WITH moved AS (UPDATE assignments SET position = position + 1"
        "  WHERE id = ? AND worker_id = ? AND status = 'accepted' AND deadline_at > ?"
        f"  AND position = ? RETURNING {_COLUMNS}),"
        " saved AS (INSERT INTO answers (assignment_id, question_id, value, answered_at)"
        "  SELECT id, CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS DOUBLE PRECISION) FROM moved"
        "  ON CONFLICT (assignment_id, question_id)"
        "  DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at)"
        f" SELECT {view_columns(conn, 'm')} FROM moved m JOIN hits h ON h.id = m.hit_id",
        (assignment_id, worker_id, now, position, question_id, value, now),
    )
    return view_at(row) if row is not None else None


async def answers(conn: Conn, assignment_id: int) -> list[Answer]:
    return [
        Answer(r[0], r[1], r[2])
        for r in await fetch_all(
            conn,
            "SELECT a.assignment_id, a.question_id, a.value FROM answers a"
            " JOIN questions q ON q.id = a.question_id"
            " WHERE a.assignment_id = ? ORDER BY q.position",
            (assignment_id,),
        )
    ]


async def next_for_review(conn: Conn, requester_id: int) -> Assignment | None:
    """The oldest submitted assignment on this requester's HITs."""
    row = await fetch_one(
        conn,
        f"SELECT {', '.join('a.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " WHERE h.requester_id = ? AND a.status = 'submitted'"
        " ORDER BY a.submitted_at, a.id LIMIT 1",
        (requester_id,),
    )
    return assignment_at(row) if row else None


async def count_for_review(conn: Conn, requester_id: int) -> int:
    row = await fetch_one(
        conn,
        "SELECT COUNT(*) FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " WHERE h.requester_id = ? AND a.status = 'submitted'",
        (requester_id,),
    )
    return int(row[0]) if row else 0


async def status_counts(conn: Conn, worker_id: int) -> dict[AssignmentStatus, int]:
    """How many of the worker's assignments are in each state."""
    rows = await fetch_all(
        conn,
        "SELECT status, COUNT(*) FROM assignments WHERE worker_id = ? GROUP BY status",
        (worker_id,),
    )
    return {AssignmentStatus(r[0]): int(r[1]) for r in rows}


async def pending_cents(conn: Conn, worker_id: int) -> int:
    """Rewards of the worker's submitted, not yet reviewed work."""
    row = await fetch_one(
        conn,
        "SELECT COALESCE(SUM(h.reward_cents), 0) FROM assignments a"
        " JOIN hits h ON h.id = a.hit_id WHERE a.worker_id = ? AND a.status = 'submitted'",
        (worker_id,),
    )
    return int(row[0]) if row else 0
