"""A worker's side of the tables: preferences, mutes, records, period totals, holdings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Assignment, HitKind, WorkerPrefs
from storage.assignments import _COLUMNS as _ASSIGNMENT_COLUMNS
from storage.assignments import assignment_at
from storage.db import Conn, changed_one
from storage.matching import WORKER_LANGUAGES
from storage.users import changing


@dataclass(frozen=True, slots=True)
class PeriodTotals:
    """Money and time of one worker since a moment."""

    approved_cents: int
    bonus_cents: int
    submitted_work_s: float  # accept -> submit time of work submitted in the period
    earned_by_work_cents: int  # rewards of that work which was approved


async def prefs(conn: Conn, user_id: int) -> WorkerPrefs:
    """The worker's preferences, defaults when never set."""
    async with conn.execute(
        "SELECT u.timezone, p.kinds, p.topics, p.min_reward_cents, p.quiet_start, p.quiet_end,"
        f" p.notifications, p.onboarded, {WORKER_LANGUAGES} AS languages FROM users u"
        " LEFT JOIN worker_prefs p ON p.user_id = u.id WHERE u.id = ?",
        (user_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return WorkerPrefs()
    languages = frozenset(code for code in row["languages"].split(",") if code)
    if row["kinds"] is None:
        return WorkerPrefs(timezone=row["timezone"], languages=languages)
    return WorkerPrefs(
        kinds=frozenset(HitKind(k) for k in row["kinds"].split(",") if k),
        topics=frozenset(t for t in row["topics"].split(",") if t),
        min_reward_cents=row["min_reward_cents"],
        timezone=row["timezone"],
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
        notifications=bool(row["notifications"]),
        onboarded=bool(row["onboarded"]),
        languages=languages,
    )


async def save_prefs(conn: Conn, user_id: int, p: WorkerPrefs) -> None:
    """Store the worker's preferences (and time zone) in full."""
    kinds = ",".join(k.value for k in HitKind if k in p.kinds)
    await conn.execute(
        "INSERT INTO worker_prefs (user_id, kinds, topics, min_reward_cents, quiet_start,"
        " quiet_end, notifications, onboarded, languages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET kinds = excluded.kinds, topics = excluded.topics,"
        " min_reward_cents = excluded.min_reward_cents, quiet_start = excluded.quiet_start,"
        " quiet_end = excluded.quiet_end, notifications = excluded.notifications,"
        " onboarded = excluded.onboarded, languages = excluded.languages",
        (
            user_id,
            kinds,
            ",".join(sorted(p.topics)),
            p.min_reward_cents,
            p.quiet_start,
            p.quiet_end,
            int(p.notifications),
            int(p.onboarded),
            ",".join(sorted(p.languages)),
        ),
    )
    changing(conn)  # the users this process keeps (PostgreSQL)
    await conn.execute("UPDATE users SET timezone = ? WHERE id = ?", (p.timezone, user_id))


async def mute(conn: Conn, worker_id: int, requester_id: int, now: float) -> bool:
    """Stop offering this requester's HITs to the worker; True if newly muted."""
    return await changed_one(
        conn,
        "INSERT INTO mutes (worker_id, requester_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (worker_id, requester_id, now),
    )


async def unmute(conn: Conn, worker_id: int, requester_id: int) -> bool:
    return await changed_one(
        conn,
        "DELETE FROM mutes WHERE worker_id = ? AND requester_id = ?",
        (worker_id, requester_id),
    )


async def requester_record(conn: Conn, requester_id: int) -> tuple[int, int]:
    """(approved, rejected) assignments over all of a requester's HITs."""
    async with conn.execute(
        "SELECT COALESCE(SUM(a.status = 'approved'), 0), COALESCE(SUM(a.status = 'rejected'), 0)"
        " FROM assignments a JOIN hits h ON h.id = a.hit_id WHERE h.requester_id = ?",
        (requester_id,),
    ) as cur:
        row = await cur.fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def period_totals(conn: Conn, worker_id: int, since: float) -> PeriodTotals:
    """Approved and bonus money credited since `since`, and time spent on work submitted since."""
    account = f"wrk:{worker_id}"
    async with conn.execute(
        "SELECT COALESCE(SUM(CASE WHEN memo = 'approve' THEN amount_cents END), 0),"
        " COALESCE(SUM(CASE WHEN memo = 'bonus' THEN amount_cents END), 0)"
        " FROM ledger WHERE to_account = ? AND created_at >= ?",
        (account, since),
    ) as cur:
        money = await cur.fetchone()
    async with conn.execute(
        "SELECT COALESCE(SUM(a.submitted_at - a.accepted_at), 0),"
        " COALESCE(SUM(CASE WHEN a.status = 'approved' THEN h.reward_cents END), 0)"
        " FROM assignments a JOIN hits h ON h.id = a.hit_id"
        " WHERE a.worker_id = ? AND a.submitted_at IS NOT NULL AND a.submitted_at >= ?",
        (worker_id, since),
    ) as cur:
        work = await cur.fetchone()
    assert money is not None and work is not None
    return PeriodTotals(int(money[0]), int(money[1]), float(work[0]), int(work[1]))


async def qualification_names(conn: Conn, worker_id: int) -> list[str]:
    """Names of the qualifications the worker holds."""
    async with conn.execute(
        "SELECT t.name FROM worker_qualifications w JOIN qualification_types t"
        " ON t.id = w.qualification_id WHERE w.worker_id = ? AND w.value > 0 ORDER BY t.name",
        (worker_id,),
    ) as cur:
        return [row[0] for row in await cur.fetchall()]


async def qualification_name(conn: Conn, qualification_id: int) -> str | None:
    async with conn.execute(
        "SELECT name FROM qualification_types WHERE id = ?", (qualification_id,)
    ) as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None


async def active_assignments(conn: Conn, worker_id: int) -> list[Assignment]:
    """The worker's accepted (unsubmitted) assignments, soonest deadline first."""
    async with conn.execute(
        f"SELECT {_ASSIGNMENT_COLUMNS} FROM assignments WHERE worker_id = ?"
        " AND status = 'accepted' ORDER BY deadline_at",
        (worker_id,),
    ) as cur:
        return [assignment_at(row) for row in await cur.fetchall()]


async def by_message(conn: Conn, chat_id: int, message_id: int) -> Assignment | None:
    """The assignment worked in this message now: a batch's items follow one another in
    one message, so the newest."""
    async with conn.execute(
        f"SELECT {_ASSIGNMENT_COLUMNS} FROM assignments WHERE chat_id = ? AND message_id = ?"
        " ORDER BY id DESC LIMIT 1",
        (chat_id, message_id),
    ) as cur:
        row = await cur.fetchone()
    return assignment_at(row) if row else None


async def batch_exists(conn: Conn, batch_id: int) -> bool:
    """Whether a batch with this id was ever created (a deep link may name one)."""
    async with conn.execute(
        "SELECT 1 FROM batches WHERE id = ? UNION ALL SELECT 1 FROM hits WHERE batch_id = ?"
        " LIMIT 1",
        (batch_id, batch_id),
    ) as cur:
        return await cur.fetchone() is not None


async def batch_has_room(conn: Conn, batch_id: int, worker_id: int, now: float) -> bool:
    """Whether an item of the batch is open with a free slot and not yet done by the worker
    (whatever the worker's preferences or qualifications)."""
    async with conn.execute(
        "SELECT 1 FROM hits h WHERE h.batch_id = ? AND h.status = 'open' AND h.expires_at > ?"
        " AND h.slots_used < h.max_assignments AND NOT EXISTS (SELECT 1 FROM assignments a"
        " WHERE a.hit_id = h.id AND a.worker_id = ?) LIMIT 1",
        (batch_id, now, worker_id),
    ) as cur:
        return await cur.fetchone() is not None


async def take_message(
    conn: Conn, worker_id: int, chat_id: int, message_id: int, assignment_id: int
) -> None:
    """The worker's message now shows this assignment: their earlier work shown in it (a
    batch item handed in) no longer owns it, so nothing about that work edits it again."""
    await conn.execute(
        "UPDATE assignments SET chat_id = NULL, message_id = NULL WHERE worker_id = ?"
        " AND chat_id = ? AND message_id = ? AND id != ?",
        (worker_id, chat_id, message_id, assignment_id),
    )


async def batch_progress(conn: Conn, batch_id: int, worker_id: int) -> tuple[int, int]:
    """(items of the batch the worker has handed in, items in the batch)."""
    async with conn.execute(
        "SELECT (SELECT COUNT(*) FROM assignments a JOIN hits h ON h.id = a.hit_id"
        "  WHERE h.batch_id = ? AND a.worker_id = ?"
        "  AND a.status IN ('submitted', 'approved', 'rejected')),"
        " (SELECT COUNT(*) FROM hits WHERE batch_id = ?)",
        (batch_id, worker_id, batch_id),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def retag(conn: Conn, assignment_id: int, question_id: int, value: str, now: float) -> bool:
    """Change the answer of handed-in work the requester has not reviewed; True if changed.

    One conditional statement on the answer (the review's status change races it); the
    worker's gold counters, counted at submit, follow the new answer.
    """
    async with conn.execute(
        "SELECT a.value, q.gold, s.worker_id FROM answers a"
        " JOIN questions q ON q.id = a.question_id JOIN assignments s ON s.id = a.assignment_id"
        " WHERE a.assignment_id = ? AND a.question_id = ?",
        (assignment_id, question_id),
    ) as cur:
        before = await cur.fetchone()
    cur = await conn.execute(
        "UPDATE answers SET value = ?, answered_at = ? WHERE assignment_id = ? AND question_id = ?"
        " AND EXISTS (SELECT 1 FROM assignments WHERE id = ? AND status = 'submitted')",
        (value, now, assignment_id, question_id, assignment_id),
    )
    if cur.rowcount != 1 or before is None:
        return False
    old, gold, worker_id = before
    if gold is not None:
        await conn.execute(
            "UPDATE worker_stats SET gold_correct = gold_correct + ? WHERE user_id = ?",
            (int(value == gold) - int(old == gold), worker_id),
        )
    return True


async def delete_answer(conn: Conn, assignment_id: int, question_id: int) -> None:
    """Forget the answer to one question (a multi-select with nothing ticked)."""
    await conn.execute(
        "DELETE FROM answers WHERE assignment_id = ? AND question_id = ?",
        (assignment_id, question_id),
    )
