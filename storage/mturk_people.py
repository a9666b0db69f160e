"""The MTurk API's reads and writes about workers: bonuses, blocks, qualifications,
notifications, requirements, and the key that signs workers' links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.db import Conn, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class BonusRow:
    id: int
    alias: str
    assignment_id: int
    amount_cents: int
    reason: str
    granted_at: float


@dataclass(frozen=True, slots=True)
class QualificationType:
    id: int
    requester_id: int | None
    name: str
    description: str
    active: bool
    has_test: bool
    created_at: float
    auto_granted: bool = False
    auto_value: int = 1
    disposed: bool = False
    keywords: str | None = None
    test_xml: str | None = None  # the Test and AnswerKey as the requester sent them
    answer_key_xml: str | None = None
    test_duration_s: int | None = None
    retry_delay_s: int | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    worker_id: int
    alias: str
    value: int
    granted_at: float


# -- bonuses -------------------------------------------------------------------------------


async def insert_bonus(
    conn: Conn,
    ledger_key: str,
    requester_id: int,
    worker_id: int,
    assignment_id: int,
    hit_id: int,
    amount_cents: int,
    reason: str,
    now: float,
) -> None:
    await conn.execute(
        "INSERT INTO mturk_bonuses (ledger_key, requester_id, worker_id, assignment_id, hit_id,"
        " amount_cents, reason, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (ledger_key) DO NOTHING",
        (ledger_key, requester_id, worker_id, assignment_id, hit_id, amount_cents, reason, now),
    )


async def bonus_paid(conn: Conn, ledger_key: str) -> bool:
    found = await fetch_one(conn, "SELECT 1 FROM mturk_bonuses WHERE ledger_key = ?", (ledger_key,))
    return found is not None


async def bonuses(
    conn: Conn,
    requester_id: int,
    hit_id: int | None,
    assignment_id: int | None,
    after: int,
    limit: int,
) -> list[BonusRow]:
    """The requester's bonuses on one HIT or one assignment, oldest first, after id `after`."""
    rows = await fetch_all(
        conn,
        "SELECT b.id, u.alias, b.assignment_id, b.amount_cents, b.reason, b.granted_at"
        " FROM mturk_bonuses b JOIN users u ON u.id = b.worker_id"
        " WHERE b.requester_id = ? AND (CAST(? AS BIGINT) IS NULL OR b.hit_id = ?)"
        " AND (CAST(? AS BIGINT) IS NULL OR b.assignment_id = ?) AND b.id > ?"
        " ORDER BY b.id LIMIT ?",
        (requester_id, hit_id, hit_id, assignment_id, assignment_id, after, limit),
    )
    return [BonusRow(*r) for r in rows]


# -- blocks --------------------------------------------------------------------------------


async def blocked(
    conn: Conn, requester_id: int, after: int, limit: int
) -> list[tuple[int, str, str]]:
    """(worker id, alias, reason) of the workers this requester blocked, by worker id."""
    rows = await fetch_all(
        conn,
        "SELECT b.worker_id, u.alias, b.reason FROM blocks b JOIN users u ON u.id = b.worker_id"
        " WHERE b.requester_id = ? AND b.worker_id > ? ORDER BY b.worker_id LIMIT ?",
        (requester_id, after, limit),
    )
    return [(r[0], r[1], r[2]) for r in rows]


# -- qualification types and grants -----------------------------------------------------------

_TYPE = (
    "SELECT id, requester_id, name, description, active, test IS NOT NULL AND test != '[]',"
    " created_at, auto_granted, auto_value, disposed_at IS NOT NULL, keywords, test_xml,"
    " answer_key_xml, test_duration_s, retry_delay_s FROM qualification_types"
)


def _type_at(r: Sequence[Any]) -> QualificationType:
    """A row of _TYPE."""
    return QualificationType(
        r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5]), r[6], bool(r[7]), r[8], bool(r[9]),
        r[10], r[11], r[12], r[13], r[14],
    )  # fmt: skip


async def insert_type(
    conn: Conn,
    requester_id: int,
    name: str,
    description: str,
    active: bool,
    now: float,
    auto_value: int | None = None,
    keywords: str | None = None,
) -> int | None:
    """A custom qualification (AutoGranted at `auto_value` if given); None if the requester
    has that name already."""
    made = await fetch_one(
        conn,
        "INSERT INTO qualification_types (requester_id, name, description, active, created_at,"
        " auto_granted, auto_value, keywords) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (requester_id, name) DO NOTHING RETURNING id",
        (
            requester_id,
            name,
            description,
            int(active),
            now,
            int(auto_value is not None),
            1 if auto_value is None else auto_value,
            keywords,
        ),
    )
    return int(made[0]) if made is not None else None


async def update_type(
    conn: Conn,
    qualification_id: int,
    description: str | None,
    active: bool | None,
    auto_value: int | None,
    auto_granted: bool | None,
) -> None:
    """UpdateQualificationType: what was given changes, the rest stays."""
    await conn.execute(
        "UPDATE qualification_types SET description = COALESCE(?, description),"
        " active = COALESCE(?, active), auto_granted = COALESCE(?, auto_granted),"
        " auto_value = COALESCE(?, auto_value) WHERE id = ?",
        (
            description,
            None if active is None else int(active),
            None if auto_granted is None else int(auto_granted),
            auto_value,
            qualification_id,
        ),
    )


async def set_test_terms(
    conn: Conn,
    qualification_id: int,
    test_xml: str | None,
    answer_key_xml: str | None,
    duration_s: int | None,
    retry_delay_s: int | None,
) -> None:
    """The Test, AnswerKey and their times as sent; what is None stays as it was (a retry
    delay, once given, is never taken away: MTurk keeps retries enabled)."""
    await conn.execute(
        "UPDATE qualification_types SET test_xml = COALESCE(?, test_xml),"
        " answer_key_xml = COALESCE(?, answer_key_xml),"
        " test_duration_s = COALESCE(?, test_duration_s),"
        " retry_delay_s = COALESCE(?, retry_delay_s) WHERE id = ?",
        (test_xml, answer_key_xml, duration_s, retry_delay_s, qualification_id),
    )


async def dispose_type(conn: Conn, qualification_id: int, now: float) -> None:
    """DeleteQualificationType: no longer listed, requirable or granted."""
    await conn.execute(
        "UPDATE qualification_types SET disposed_at = COALESCE(disposed_at, ?), active = 0"
        " WHERE id = ?",
        (now, qualification_id),
    )


async def types_of(
    conn: Conn, requester_id: int, query: str, after: int, limit: int
) -> list[QualificationType]:
    """The requester's live qualification types whose name or description holds `query`,
    by id after `after`."""
    like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await fetch_all(
        conn,
        f"{_TYPE} WHERE requester_id = ? AND disposed_at IS NULL AND id > ?"
        " AND (name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\') ORDER BY id LIMIT ?",
        (requester_id, after, like, like, limit),
    )
    return [_type_at(r) for r in rows]


async def grant_of(conn: Conn, qualification_id: int, worker_id: int) -> Grant | None:
    """One worker's grant of the qualification, if any."""
    row = await fetch_one(
        conn,
        "SELECT w.worker_id, u.alias, w.value, w.granted_at FROM worker_qualifications w"
        " JOIN users u ON u.id = w.worker_id WHERE w.qualification_id = ? AND w.worker_id = ?",
        (qualification_id, worker_id),
    )
    return Grant(*row) if row else None


async def qualification_type(conn: Conn, qualification_id: int) -> QualificationType | None:
    row = await fetch_one(conn, f"{_TYPE} WHERE id = ?", (qualification_id,))
    return _type_at(row) if row is not None else None


async def owned_types(conn: Conn, requester_id: int, ids: list[int]) -> set[int]:
    """Which of these qualification ids are the requester's own."""
    marks = ", ".join("?" for _ in ids)
    rows = await fetch_all(
        conn,
        f"SELECT id FROM qualification_types WHERE requester_id = ? AND id IN ({marks})"
        " AND disposed_at IS NULL",
        (requester_id, *ids),
    )
    return {r[0] for r in rows}


async def grants(conn: Conn, qualification_id: int, after: int, limit: int) -> list[Grant]:
    """Workers holding the qualification, by worker id, after `after`."""
    rows = await fetch_all(
        conn,
        "SELECT w.worker_id, u.alias, w.value, w.granted_at FROM worker_qualifications w"
        " JOIN users u ON u.id = w.worker_id WHERE w.qualification_id = ? AND w.worker_id > ?"
        " ORDER BY w.worker_id LIMIT ?",
        (qualification_id, after, limit),
    )
    return [Grant(*r) for r in rows]


# -- notifications -------------------------------------------------------------------------


async def notices_since(conn: Conn, requester_id: int, worker_id: int, since: float) -> int:
    row = await fetch_one(
        conn,
        "SELECT COUNT(*) FROM mturk_notices WHERE requester_id = ? AND worker_id = ?"
        " AND sent_at > ?",
        (requester_id, worker_id, since),
    )
    return int(row[0]) if row else 0


async def record_notice(conn: Conn, requester_id: int, worker_id: int, now: float) -> None:
    await conn.execute(
        "INSERT INTO mturk_notices (requester_id, worker_id, sent_at) VALUES (?, ?, ?)",
        (requester_id, worker_id, now),
    )


# -- links --------------------------------------------------------------------------------------


async def link_key(conn: Conn) -> str:
    """The database's key for signing workers' links (made by migration 0010)."""
    row = await fetch_one(conn, "SELECT key FROM mturk_link_key WHERE id = 1")
    assert row is not None, "migration 0010 makes the link key"
    return str(row[0])
