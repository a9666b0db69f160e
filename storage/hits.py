"""HITs and their questions."""

from __future__ import annotations

import json

import aiosqlite

from bot.domain import Hit, HitKind, HitStatus, Question, QuestionKind
from storage.db import Conn, fetch_all, fetch_one

_HIT_COLUMNS = (
    "id, requester_id, batch_id, kind, title, reward_cents, max_assignments, time_allotted_s,"
    " lifetime_s, auto_approve_s, status, slots_used, created_at, published_at, expires_at"
)


def _hit(row: aiosqlite.Row) -> Hit:
    return Hit(
        id=row["id"],
        requester_id=row["requester_id"],
        batch_id=row["batch_id"],
        kind=HitKind(row["kind"]),
        title=row["title"],
        reward_cents=row["reward_cents"],
        max_assignments=row["max_assignments"],
        time_allotted_s=row["time_allotted_s"],
        lifetime_s=row["lifetime_s"],
        auto_approve_s=row["auto_approve_s"],
        status=HitStatus(row["status"]),
        slots_used=row["slots_used"],
        created_at=row["created_at"],
        published_at=row["published_at"],
        expires_at=row["expires_at"],
    )


def _question(row: aiosqlite.Row) -> Question:
    return Question(
        id=row["id"],
        hit_id=row["hit_id"],
        position=row["position"],
        kind=QuestionKind(row["kind"]),
        prompt=row["prompt"],
        options=tuple(json.loads(row["options"])),
    )


async def insert_hit(
    conn: Conn,
    *,
    requester_id: int,
    kind: HitKind,
    title: str,
    reward_cents: int,
    max_assignments: int,
    time_allotted_s: int,
    lifetime_s: int,
    auto_approve_s: int,
    now: float,
) -> int:
    """Store a draft HIT; return its id."""
    cur = await conn.execute(
        "INSERT INTO hits (requester_id, kind, title, reward_cents, max_assignments,"
        " time_allotted_s, lifetime_s, auto_approve_s, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            requester_id,
            kind.value,
            title,
            reward_cents,
            max_assignments,
            time_allotted_s,
            lifetime_s,
            auto_approve_s,
            now,
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def insert_question(
    conn: Conn,
    hit_id: int,
    position: int,
    kind: QuestionKind,
    prompt: str,
    options: tuple[str, ...],
) -> None:
    await conn.execute(
        "INSERT INTO questions (hit_id, position, kind, prompt, options) VALUES (?, ?, ?, ?, ?)",
        (hit_id, position, kind.value, prompt, json.dumps(list(options), ensure_ascii=False)),
    )


async def get(conn: Conn, hit_id: int) -> Hit | None:
    row = await fetch_one(conn, f"SELECT {_HIT_COLUMNS} FROM hits WHERE id = ?", (hit_id,))
    return _hit(row) if row else None


async def questions(conn: Conn, hit_id: int) -> list[Question]:
    """The HIT's questions in order."""
    return [
        _question(row)
        for row in await fetch_all(
            conn,
            "SELECT id, hit_id, position, kind, prompt, options FROM questions"
            " WHERE hit_id = ? ORDER BY position",
            (hit_id,),
        )
    ]


async def open_draft(conn: Conn, hit_id: int, requester_id: int, now: float) -> bool:
    """Move a draft to open; False if it is not this requester's draft any more."""
    cur = await conn.execute(
        "UPDATE hits SET status = 'open', published_at = ?, expires_at = ? + lifetime_s"
        " WHERE id = ? AND requester_id = ? AND status = 'draft'",
        (now, now, hit_id, requester_id),
    )
    return cur.rowcount == 1


async def delete_draft(conn: Conn, hit_id: int, requester_id: int) -> bool:
    """Drop a draft that was never published."""
    cur = await conn.execute(
        "DELETE FROM hits WHERE id = ? AND requester_id = ? AND status = 'draft'",
        (hit_id, requester_id),
    )
    return cur.rowcount == 1


async def claim_slot(conn: Conn, hit_id: int, now: float) -> bool:
    """Take one slot of an open, unexpired HIT; the race-safe step of accepting."""
    cur = await conn.execute(
        "UPDATE hits SET slots_used = slots_used + 1 WHERE id = ? AND status = 'open'"
        " AND slots_used < max_assignments AND expires_at > ?",
        (hit_id, now),
    )
    return cur.rowcount == 1


async def release_slot(conn: Conn, hit_id: int) -> None:
    """Give a slot back (returned or abandoned work)."""
    await conn.execute(
        "UPDATE hits SET slots_used = slots_used - 1 WHERE id = ? AND slots_used > 0", (hit_id,)
    )


async def close_if_done(conn: Conn, hit_id: int) -> bool:
    """Close the HIT when every slot is reviewed; True if it closed now."""
    cur = await conn.execute(
        "UPDATE hits SET status = 'closed' WHERE id = ? AND status IN ('open', 'paused')"
        " AND slots_used = max_assignments AND NOT EXISTS (SELECT 1 FROM assignments"
        " WHERE hit_id = hits.id AND status IN ('accepted', 'submitted'))",
        (hit_id,),
    )
    return cur.rowcount == 1
