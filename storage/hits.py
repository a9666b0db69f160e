"""HITs and their questions."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.domain import Hit, HitKind, HitStatus, Question, QuestionKind, QuestionSpec
from storage.db import (
    Conn,
    changed_one,
    claimed,
    fetch_all,
    fetch_one,
    fetch_value,
    ids_in_json,
    made_from,
)

_HIT_COLUMNS = (
    "id, requester_id, batch_id, kind, title, reward_cents, max_assignments, time_allotted_s,"
    " lifetime_s, auto_approve_s, status, slots_used, created_at, published_at, expires_at, topic,"
    " language, fee_bp"
)
HIT_WIDTH = 18  # columns of _HIT_COLUMNS: what a row holds after them starts there


# The language of what a requester writes, as a task language: "pt-br" -> "pt" (the user's
# language code up to its first "-"); ? is the requester's users.id.
REQUESTER_LANGUAGE = (
    "(SELECT lower(substr(language, 1, instr(language || '-', '-') - 1)) FROM users WHERE id = ?)"
)
_HIT_NAMES = tuple(c.strip() for c in _HIT_COLUMNS.split(","))


def hit_at(row: aiosqlite.Row | tuple[Any, ...]) -> Hit:
    """A HIT from a row that starts with `_HIT_COLUMNS`, by position (no name lookups)."""
    return Hit(
        id=row[0],
        requester_id=row[1],
        batch_id=row[2],
        kind=HitKind(row[3]),
        title=row[4],
        reward_cents=row[5],
        max_assignments=row[6],
        time_allotted_s=row[7],
        lifetime_s=row[8],
        auto_approve_s=row[9],
        status=HitStatus(row[10]),
        slots_used=row[11],
        created_at=row[12],
        published_at=row[13],
        expires_at=row[14],
        topic=row[15],
        language=row[16],
        fee_bp=row[17],
    )


def hit_columns(prefix: str) -> str:
    """The HIT columns as `h.id AS <prefix>id, ...` for joins."""
    return ", ".join(f"h.{name} AS {prefix}{name}" for name in _HIT_NAMES)


def hit_from(row: aiosqlite.Row, prefix: str) -> Hit:
    """A HIT from a joined row whose HIT columns carry `prefix`."""
    return hit_at(tuple(row[prefix + name] for name in _HIT_NAMES))


def _question(row: aiosqlite.Row) -> Question:
    return Question(
        id=row["id"],
        hit_id=row["hit_id"],
        position=row["position"],
        kind=QuestionKind(row["kind"]),
        prompt=row["prompt"],
        options=tuple(json.loads(row["options"])),
        item=row["item"],
        gold=row["gold"],
        max_len=row["max_len"],
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
    fee_bp: int = 0,
) -> int:
    """Store a draft HIT; return its id."""
    # The task's language is the requester's until lang= says another (set_language).
    return await fetch_value(
        conn,
        "INSERT INTO hits (requester_id, kind, title, reward_cents, max_assignments,"
        " time_allotted_s, lifetime_s, auto_approve_s, created_at, language, fee_bp)"
        f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {REQUESTER_LANGUAGE}, ?) RETURNING id",
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
            requester_id,
            fee_bp,
        ),
    )


async def get(conn: Conn, hit_id: int) -> Hit | None:
    row = await fetch_one(conn, f"SELECT {_HIT_COLUMNS} FROM hits WHERE id = ?", (hit_id,))
    return hit_at(row) if row else None


async def get_many(conn: Conn, hit_ids: list[int]) -> list[Hit]:
    """The HITs with these ids that exist, in one query (in no given order), each found by
    its primary key."""
    rows = await fetch_all(
        conn,
        f"SELECT {_HIT_COLUMNS} FROM hits WHERE {claimed(conn, ids_in_json(conn))}",
        (json.dumps(hit_ids),),
    )
    return [hit_at(row) for row in rows]


async def with_pause(conn: Conn, hit_id: int) -> tuple[Hit, bool] | None:
    """The HIT and whether its pushes wait for a higher reward, in one statement."""
    row = await fetch_one(
        conn, f"SELECT {_HIT_COLUMNS}, pushes_paused FROM hits WHERE id = ?", (hit_id,)
    )
    return (hit_at(row), row[HIT_WIDTH] == 1) if row else None


async def questions(conn: Conn, hit_id: int) -> list[Question]:
    """The HIT's questions in order."""
    return [
        _question(row)
        for row in await fetch_all(
            conn,
            "SELECT id, hit_id, position, kind, prompt, options, item, gold, max_len"
            " FROM questions WHERE hit_id = ? ORDER BY position",
            (hit_id,),
        )
    ]


async def questions_of(conn: Conn, hit_ids: list[int]) -> dict[int, list[Question]]:
    """Each HIT's questions in order, by HIT id: one query for a whole batch."""
    found: dict[int, list[Question]] = {hit_id: [] for hit_id in hit_ids}
    if not hit_ids:
        return found
    rows = await fetch_all(
        conn,
        "SELECT id, hit_id, position, kind, prompt, options, item, gold, max_len"
        f" FROM questions WHERE hit_id IN ({ids_in_json(conn)}) ORDER BY hit_id, position",
        (json.dumps(hit_ids),),
    )
    for question in await made_from(rows, _question):
        found[question.hit_id].append(question)
    return found


async def open_draft(conn: Conn, hit_id: int, requester_id: int, now: float) -> bool:
    """Move a draft to open; False if it is not this requester's draft any more."""
    return await changed_one(
        conn,
        "UPDATE hits SET status = 'open', published_at = ?, expires_at = ? + lifetime_s"
        " WHERE id = ? AND requester_id = ? AND status = 'draft'",
        (now, now, hit_id, requester_id),
    )


async def set_draft_terms(
    conn: Conn,
    hit_id: int,
    requester_id: int,
    *,
    reward_cents: int,
    max_assignments: int,
    time_allotted_s: int,
    lifetime_s: int,
    auto_approve_s: int,
) -> bool:
    """Change what a draft pays and how long things take; False if it is not this
    requester's draft any more (published, discarded)."""
    return await changed_one(
        conn,
        "UPDATE hits SET reward_cents = ?, max_assignments = ?, time_allotted_s = ?,"
        " lifetime_s = ?, auto_approve_s = ?"
        " WHERE id = ? AND requester_id = ? AND status = 'draft'",
        (
            reward_cents,
            max_assignments,
            time_allotted_s,
            lifetime_s,
            auto_approve_s,
            hit_id,
            requester_id,
        ),
    )


async def delete_draft(conn: Conn, hit_id: int, requester_id: int) -> bool:
    """Drop a draft that was never published."""
    return await changed_one(
        conn,
        "DELETE FROM hits WHERE id = ? AND requester_id = ? AND status = 'draft'",
        (hit_id, requester_id),
    )


async def claim_slot(conn: Conn, hit_id: int, now: float) -> bool:
    """Take one slot of an open, unexpired HIT; the race-safe step of accepting."""
    return await changed_one(
        conn,
        "UPDATE hits SET slots_used = slots_used + 1 WHERE id = ? AND status = 'open'"
        " AND slots_used < max_assignments AND expires_at > ?",
        (hit_id, now),
    )


async def release_slot(conn: Conn, hit_id: int) -> None:
    """Give a slot back (returned or abandoned work)."""
    await conn.execute(
        "UPDATE hits SET slots_used = slots_used - 1 WHERE id = ? AND slots_used > 0", (hit_id,)
    )


async def close_if_done(conn: Conn, hit_id: int) -> bool:
    """Close the HIT when every slot is reviewed; True if it closed now."""
    return await changed_one(
        conn,
        "UPDATE hits SET status = 'closed' WHERE id = ? AND status IN ('open', 'paused')"
        " AND slots_used = max_assignments AND NOT EXISTS (SELECT 1 FROM assignments"
        " WHERE hit_id = hits.id AND status IN ('accepted', 'submitted'))",
        (hit_id,),
    )


# -- HITs from specs, batches, pausing and cancelling (requester side) --------------------


async def insert_spec_questions(
    conn: Conn, hit_id: int, specs: tuple[QuestionSpec, ...] | list[QuestionSpec]
) -> None:
    """Store a HIT's questions in order, each with its tagging item, gold answer and free-text
    limit, in one round trip."""
    await conn.executemany(
        "INSERT INTO questions (hit_id, position, kind, prompt, options, item, gold, max_len)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                hit_id,
                position,
                spec.kind.value,
                spec.prompt,
                json.dumps(list(spec.options), ensure_ascii=False),
                spec.item,
                spec.gold,
                spec.max_len,
            )
            for position, spec in enumerate(specs)
        ],
    )


async def set_topic_and_batch(conn: Conn, hit_id: int, topic: str, batch_id: int | None) -> None:
    await conn.execute(
        "UPDATE hits SET topic = ?, batch_id = ? WHERE id = ?", (topic, batch_id, hit_id)
    )


async def in_batch(conn: Conn, batch_id: int) -> list[Hit]:
    """The batch's HITs in order."""
    rows = await fetch_all(
        conn, f"SELECT {_HIT_COLUMNS} FROM hits WHERE batch_id = ? ORDER BY id", (batch_id,)
    )
    return await made_from(rows, hit_at)


async def batch_slots(conn: Conn, batch_id: int) -> tuple[int, int, int]:
    """(slots left on its open or paused HITs, slots in all, items) of a batch."""
    row = await fetch_one(
        conn,
        "SELECT COALESCE(SUM(CASE WHEN status IN ('open', 'paused')"
        " THEN max_assignments - slots_used ELSE 0 END), 0),"
        " COALESCE(SUM(max_assignments), 0), COUNT(*) FROM hits WHERE batch_id = ?",
        (batch_id,),
    )
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


_GROUP = "COALESCE(-batch_id, id)"  # a batch (negative) or a single HIT, as /myhits lists


async def group_heads(
    conn: Conn, requester_id: int, limit: int, offset: int
) -> tuple[list[tuple[int | None, int]], int]:
    """A page of the requester's published HITs and batches, newest first, as
    (batch id or None, HIT id) pairs, and how many there are in all."""
    async with conn.execute(
        f"SELECT MAX(batch_id), MAX(id), COUNT(*) OVER () FROM hits"
        f" WHERE requester_id = ? AND status != 'draft'"
        f" GROUP BY {_GROUP} ORDER BY MAX(id) DESC LIMIT ? OFFSET ?",
        (requester_id, limit, offset),
    ) as cur:
        rows = list(await cur.fetchall())
    if not rows:
        total = await fetch_one(
            conn,
            f"SELECT COUNT(DISTINCT {_GROUP}) FROM hits"
            " WHERE requester_id = ? AND status != 'draft'",
            (requester_id,),
        )
        return [], int(total[0]) if total else 0
    return [(r[0], int(r[1])) for r in rows], int(rows[0][2])


async def newer_groups(conn: Conn, requester_id: int, head_id: int) -> int:
    """How many of the requester's published HITs and batches come before the one whose
    newest HIT is `head_id` in the /myhits order (newest first)."""
    row = await fetch_one(
        conn,
        f"SELECT COUNT(*) FROM (SELECT MAX(id) AS head FROM hits"
        f" WHERE requester_id = ? AND status != 'draft' GROUP BY {_GROUP}) AS heads WHERE head > ?",
        (requester_id, head_id),
    )
    return int(row[0]) if row else 0


async def change_status(
    conn: Conn, hit_id: int, from_statuses: tuple[HitStatus, ...], to_status: HitStatus
) -> bool:
    """Move a HIT between states only from an expected one (race-safe)."""
    marks = ", ".join("?" for _ in from_statuses)
    return await changed_one(
        conn,
        f"UPDATE hits SET status = ? WHERE id = ? AND status IN ({marks})",
        (to_status.value, hit_id, *(s.value for s in from_statuses)),
    )


async def add_requirement(
    conn: Conn, hit_id: int, kind: str, value: str, qualification_id: int | None = None
) -> None:
    """Require something of workers for this HIT (see 0002's hit_requirements)."""
    await conn.execute(
        "INSERT INTO hit_requirements (hit_id, kind, qualification_id, value) VALUES (?, ?, ?, ?)",
        (hit_id, kind, qualification_id, value),
    )


async def golds(conn: Conn, hit_ids: list[int]) -> dict[int, str]:
    """Known answers of gold questions, by question id."""
    if not hit_ids:
        return {}
    marks = ", ".join("?" for _ in hit_ids)
    async with conn.execute(
        f"SELECT id, gold FROM questions WHERE hit_id IN ({marks}) AND gold IS NOT NULL",
        hit_ids,
    ) as cur:
        return {int(row[0]): str(row[1]) for row in await cur.fetchall()}


async def items(conn: Conn, hit_ids: list[int]) -> dict[int, str]:
    """What each tagging question shows (text or image URL), by question id."""
    if not hit_ids:
        return {}
    marks = ", ".join("?" for _ in hit_ids)
    async with conn.execute(
        f"SELECT id, COALESCE(item, prompt) FROM questions WHERE hit_id IN ({marks})", hit_ids
    ) as cur:
        return {int(row[0]): str(row[1]) for row in await cur.fetchall()}


# -- MTurk API helpers -------------------------------------------------------------------


async def add_slots(conn: Conn, hit_id: int, requester_id: int, count: int, now: float) -> bool:
    """Raise max assignments of a live HIT (reopening a closed one); False if not possible."""
    return await changed_one(
        conn,
        "UPDATE hits SET max_assignments = max_assignments + ?,"
        " status = CASE WHEN status = 'closed' THEN 'open' ELSE status END"
        " WHERE id = ? AND requester_id = ? AND status IN ('open', 'paused', 'closed')"
        " AND expires_at > ?",
        (count, hit_id, requester_id, now),
    )


async def set_expiry(conn: Conn, hit_id: int, requester_id: int, expires_at: float) -> bool:
    """Move the expiry of an open or paused HIT."""
    return await changed_one(
        conn,
        "UPDATE hits SET expires_at = ? WHERE id = ? AND requester_id = ?"
        " AND status IN ('open', 'paused')",
        (expires_at, hit_id, requester_id),
    )


async def cancel_settled(conn: Conn, hit_id: int, requester_id: int, now: float) -> bool:
    """Cancel a finished or expired HIT no worker holds or awaits review on."""
    return await changed_one(
        conn,
        "UPDATE hits SET status = 'cancelled' WHERE id = ? AND requester_id = ?"
        " AND (status IN ('closed', 'expired') OR (status IN ('open', 'paused')"
        " AND expires_at <= ?)) AND NOT EXISTS (SELECT 1 FROM assignments"
        " WHERE hit_id = hits.id AND status IN ('accepted', 'submitted'))",
        (hit_id, requester_id, now),
    )


async def set_language(conn: Conn, hit_id: int, language: str) -> None:
    """The language the HIT is written in (lang=), a primary subtag like "es"."""
    await conn.execute("UPDATE hits SET language = ? WHERE id = ?", (language, hit_id))
