"""Handing work in: the assignment moves to 'submitted' (only from 'accepted': the deadline
may have won the race), its reminders and task message are edited to say so, and the
HIT's (batch's) measured time counts it. On SQLite three statements in the caller's
transaction; on PostgreSQL one statement, so a Submit needs no transaction there (no BEGIN
and COMMIT round trips: Database.single_write) and sends one statement instead of five.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Assignment, Hit
from storage import assignments, estimates, stale
from storage.db import Conn, fetch_one, is_postgres


@dataclass(frozen=True, slots=True)
class Submitted:
    """What handing in did: whether the work moved to 'submitted', how many edits were
    queued, the worker's rewards now pending review (the work handed in among them;
    None on SQLite, where the caller reads them), and on PostgreSQL the work as handed
    in, its HIT and its answers (None if it did not move)."""

    moved: bool
    queued: int = 0
    pending: int | None = None
    handed: tuple[Assignment, Hit, dict[int, str]] | None = None


async def submit(
    conn: Conn,
    worker_id: int,
    assignment_id: int,
    hit: tuple[int, int | None, int],
    now: float,
    priority: int,
    pressed: tuple[int, int] | None,
    shown: tuple[int, int] | None,
) -> Submitted:
    """Hand the assignment in. `hit` is its HIT's (id, batch id, number of questions);
    `pressed` the (chat, message) the worker submitted from, which the caller redraws
    itself; `shown` the assignment's task message as the caller's transaction read it
    (SQLite: the edits' statement runs only when a reminder may exist or the task message
    is another than the one pressed, which is what it would find). On PostgreSQL the
    statement itself checks that the work is the worker's, within its time and complete
    (no question unanswered), so the caller need not have read it."""
    hit_id, batch_id, questions = hit
    if not is_postgres(conn):
        reminded = await assignments.hand_in(conn, assignment_id, now)
        if reminded is None:
            return Submitted(False)
        queued = 0
        if reminded or (shown is not None and shown != pressed):
            queued = await stale.work_over(conn, [assignment_id], priority, now, pressed)
        await estimates.record_submission(conn, hit_id, batch_id)
        return Submitted(True, queued)
    chat, message = pressed or stale.NO_MESSAGE
    table, key, times_sql = estimates.scope(hit_id, batch_id)
    # The statement's WITH queries all read the database as it was before it: the moved
    # row is taken from `moved` itself (its new status, its time among the times), never
    # read back from assignments. Edits as stale.work_over's, from `moved`.
    row = await fetch_one(
        conn,
        "WITH moved AS (UPDATE assignments SET status = 'submitted', submitted_at = ?"
        "  WHERE id = ? AND status = 'accepted' AND worker_id = ? AND deadline_at > ?"
        "  AND (SELECT COUNT(*) FROM answers WHERE assignment_id = ? AND value <> '') = ?"
        f"  RETURNING {assignments.COLUMNS}),"
        " edits AS ("
        + stale.OUTBOX_INSERT
        + " SELECT 'over:' || r.key, r.chat_id, 'reminder_over', CAST(? AS BIGINT),"
        "  json_object('assignment_id', a.id, 'edits', r.key),"
        "  CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)"
        "  FROM moved a JOIN outbox r ON r.key >= 'remind:' || a.id || ':'"
        "  AND r.key < 'remind:' || a.id || ';'"
        "  WHERE r.kind = 'reminder' AND r.status IN ('pending', 'sending', 'sent')"
        "  AND NOT (r.chat_id = ? AND COALESCE(r.message_id, -2) = ?)"
        " UNION ALL"
        "  SELECT 'task_over:' || a.id || ':' || a.status, a.chat_id, 'task_over',"
        "  CAST(? AS BIGINT), json_object('assignment_id', a.id, 'edit_message_id', a.message_id),"
        "  CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)"
        "  FROM moved a WHERE a.chat_id IS NOT NULL AND a.message_id IS NOT NULL"
        "  AND NOT (a.chat_id = ? AND a.message_id = ?)"
        "  ON CONFLICT (key) DO NOTHING RETURNING 1),"
        + estimates.median_ctes(
            f"SELECT u.s FROM (({times_sql}) UNION ALL SELECT m.submitted_at - m.accepted_at,"
            " m.submitted_at, m.id FROM moved m) u ORDER BY u.at, u.id LIMIT ?"
        )
        + ", counting AS ("
        + estimates.median_update(table)
        + " AND EXISTS (SELECT 1 FROM moved) RETURNING 1)"
        " SELECT (SELECT COUNT(*) FROM moved), (SELECT COUNT(*) FROM edits),"
        " (SELECT COALESCE(SUM(h.reward_cents), 0) FROM assignments p"
        "  JOIN hits h ON h.id = p.hit_id WHERE p.worker_id = ?"
        "  AND (p.status = 'submitted' OR p.id IN (SELECT id FROM moved))),"
        f" {assignments.view_columns(conn, 'm')}"
        " FROM (SELECT 1) AS one LEFT JOIN (moved m JOIN hits h ON h.id = m.hit_id) ON TRUE",
        (
            now,
            *(assignment_id, worker_id, now, assignment_id, questions),
            *(priority, now, now, chat, message),
            *(priority, now, now, chat, message),
            key,
            estimates.SAMPLE,
            estimates.SAMPLE,
            estimates.SAMPLE,
            estimates.SAMPLE,
            key,
            worker_id,
        ),
    )
    assert row is not None
    if int(row[0]) != 1:
        return Submitted(False)
    return Submitted(True, int(row[1]), int(row[2]), assignments.view_at(row))
