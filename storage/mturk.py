"""The MTurk API's tables: access keys, HIT types, API HITs, identifiers, request tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from bot.domain import (
    ApiHit,
    ApiKey,
    FormIds,
    Given,
    HandedIn,
    Hit,
    HitType,
    Requirement,
    SlotCounts,
    User,
)
from storage.assignments import _COLUMNS as _ASSIGNMENT_COLUMNS
from storage.assignments import assignment_at
from storage.db import Conn, Database, changed_one, fetch_all, fetch_one
from storage.hits import HIT_WIDTH, hit_at, hit_columns
from storage.qualifications import add_requirement
from storage.users import _COLUMNS as _USER_COLUMNS
from storage.users import changing, kept, user_from

_USER_JOINED = ", ".join(f"u.{c.strip()}" for c in _USER_COLUMNS.split(","))

# -- keys ---------------------------------------------------------------------------------


async def insert_key(
    conn: Conn, access_key_id: str, secret: str, requester_id: int, now: float
) -> None:
    await conn.execute(
        "INSERT INTO mturk_keys (access_key_id, secret, requester_id, created_at)"
        " VALUES (?, ?, ?, ?)",
        (access_key_id, secret, requester_id, now),
    )


async def key_holder(conn: Conn, access_key_id: str) -> tuple[str, User] | None:
    """(secret, requester) of an unrevoked key, in one query."""
    row = await fetch_one(
        conn,
        f"SELECT k.secret, {_USER_JOINED} FROM mturk_keys k JOIN users u ON u.id = k.requester_id"
        " WHERE k.access_key_id = ? AND k.revoked_at IS NULL",
        (access_key_id,),
    )
    return (row[0], user_from(row, 1)) if row else None


async def kept_key_holder(db: Database, access_key_id: str) -> tuple[str, User] | None:
    """`key_holder`, kept by this process on PostgreSQL until any process changes a key
    or a user (storage/users.kept): an API request sends no statement for its signer."""
    return await kept(db, ("mturk_key", access_key_id), lambda c: key_holder(c, access_key_id))


async def keys_of(conn: Conn, requester_id: int) -> list[ApiKey]:
    """The requester's keys, newest first."""
    rows = await fetch_all(
        conn,
        "SELECT access_key_id, requester_id, created_at, revoked_at FROM mturk_keys"
        " WHERE requester_id = ? ORDER BY created_at DESC, access_key_id",
        (requester_id,),
    )
    return [ApiKey(r[0], r[1], r[2], r[3]) for r in rows]


async def revoke_key(conn: Conn, requester_id: int, access_key_id: str, now: float) -> bool:
    """Revoke one of the requester's active keys; False if there is no such key. This
    process keeps no key from now until the commit; the others forget theirs at its notice
    (migration 0030)."""
    changing(conn)
    return await changed_one(
        conn,
        "UPDATE mturk_keys SET revoked_at = ? WHERE access_key_id = ? AND requester_id = ?"
        " AND revoked_at IS NULL",
        (now, access_key_id, requester_id),
    )


# -- HIT types ----------------------------------------------------------------------------

_TYPE_COLUMNS = (
    "id, requester_id, title, description, keywords, reward_cents, duration_s, auto_approve_s,"
    " requirements"
)


def _hit_type(row: aiosqlite.Row) -> HitType:
    return HitType(*(row[i] for i in range(9)))


def _type_identity(t: HitType) -> tuple[int, str, str, str, int, int, int, str]:
    """What makes a HIT type the same type: its columns after id, in the order of the
    conflict target and the lookup of find_or_insert_type."""
    return (
        t.requester_id,
        t.title,
        t.description,
        t.keywords,
        t.reward_cents,
        t.duration_s,
        t.auto_approve_s,
        t.requirements,
    )


async def find_or_insert_type(conn: Conn, new_id: str, t: HitType, now: float) -> HitType:
    """The requester's HIT type with these properties, made with `new_id` if none exists."""
    await conn.execute(
        "INSERT INTO mturk_hit_types (id, requester_id, title, description, keywords,"
        " reward_cents, duration_s, auto_approve_s, requirements, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (requester_id, title, description, keywords, reward_cents, duration_s,"
        " auto_approve_s, requirements) DO NOTHING",
        (new_id, *_type_identity(t), now),
    )
    row = await fetch_one(
        conn,
        f"SELECT {_TYPE_COLUMNS} FROM mturk_hit_types WHERE requester_id = ? AND title = ?"
        " AND description = ? AND keywords = ? AND reward_cents = ? AND duration_s = ?"
        " AND auto_approve_s = ? AND requirements = ?",
        _type_identity(t),
    )
    assert row is not None
    return _hit_type(row)


async def hit_type(conn: Conn, type_id: str) -> HitType | None:
    row = await fetch_one(
        conn, f"SELECT {_TYPE_COLUMNS} FROM mturk_hit_types WHERE id = ?", (type_id,)
    )
    return _hit_type(row) if row else None


# -- API HITs -----------------------------------------------------------------------------


async def insert_hit(
    conn: Conn,
    hit_id: int,
    type_id: str,
    question: str,
    annotation: str,
    question_format: str = "QuestionForm",
) -> None:
    await conn.execute(
        "INSERT INTO mturk_hits (hit_id, hit_type_id, question, annotation, format)"
        " VALUES (?, ?, ?, ?, ?)",
        (hit_id, type_id, question, annotation, question_format),
    )


@dataclass(frozen=True, slots=True)
class ApiSide:
    """What an API HIT stores beside the HIT, in the transaction that publishes it."""

    requester_id: int
    hit_type_id: str
    question: str  # the Question XML as sent
    annotation: str
    format: str  # QuestionForm, HTMLQuestion, ExternalQuestion
    form_ids: tuple[FormIds, ...]  # a QuestionForm's identifiers, the n-th question's n-th
    requirements: tuple[Requirement, ...]
    token: str  # the UniqueRequestToken claimed for this CreateHIT, or ""


async def attach(conn: Conn, hit_id: int, side: ApiSide) -> None:
    """Store the HIT's MTurk side, requirements and request token's result (the longer way
    of storage/opening.open_api_hit)."""
    await insert_hit(conn, hit_id, side.hit_type_id, side.question, side.annotation, side.format)
    if side.token:
        await finish_token(conn, side.requester_id, "CreateHIT", side.token, str(hit_id))
    if side.form_ids:
        await insert_form_ids_all(conn, hit_id, list(side.form_ids))
    for requirement in side.requirements:
        await add_requirement(conn, hit_id, requirement)


async def api_hit(conn: Conn, hit_id: int) -> ApiHit | None:
    row = await fetch_one(
        conn,
        "SELECT hit_id, hit_type_id, question, annotation, disposed_at, format FROM mturk_hits"
        " WHERE hit_id = ?",
        (hit_id,),
    )
    return ApiHit(row[0], row[1], row[2], row[3], row[4], row[5]) if row else None


async def insert_form_ids_all(conn: Conn, hit_id: int, ids: list[FormIds]) -> None:
    """QuestionForm identifiers of all the HIT's questions, the n-th at position n (one trip)."""
    await conn.executemany(
        "INSERT INTO mturk_questions (question_id, identifier, selections)"
        " SELECT id, ?, ? FROM questions WHERE hit_id = ? AND position = ?",
        [
            (one.identifier, json.dumps(list(one.selections), ensure_ascii=False), hit_id, n)
            for n, one in enumerate(ids)
        ],
    )


_H_COLUMNS = hit_columns("h_")


# An API HIT with its MTurk side and assignment counts: HIT_WIDTH + 8 + 3 columns.
_OWNED = (
    f"SELECT {_H_COLUMNS}, m.hit_id, m.hit_type_id, m.question, m.annotation,"
    " m.disposed_at, m.format, m.reviewing, h.pushes_paused, c.accepted, c.submitted,"
    " c.reviewed"
    " FROM hits h JOIN mturk_hits m ON m.hit_id = h.id CROSS JOIN ("
    " SELECT COALESCE(SUM(status = 'accepted'), 0) AS accepted,"
    " COALESCE(SUM(status = 'submitted'), 0) AS submitted,"
    " COALESCE(SUM(status IN ('approved', 'rejected')), 0) AS reviewed"
    " FROM assignments WHERE hit_id = :hit) c WHERE h.id = :hit"
)
_OWNED_WIDTH = HIT_WIDTH + 11


def _owned(row: aiosqlite.Row) -> tuple[Hit, ApiHit, SlotCounts]:
    w = HIT_WIDTH
    api = ApiHit(
        row[w], row[w + 1], row[w + 2], row[w + 3], row[w + 4], row[w + 5],
        bool(row[w + 6]), bool(row[w + 7]),
    )  # fmt: skip
    counts = SlotCounts(int(row[w + 8]), int(row[w + 9]), int(row[w + 10]))
    return hit_at(row), api, counts


async def owned_hit(conn: Conn, hit_id: int) -> tuple[Hit, ApiHit, SlotCounts] | None:
    """An API HIT with its MTurk side and assignment counts, in one query."""
    for row in await conn.execute_fetchall(_OWNED, {"hit": hit_id}):
        return _owned(row)
    return None


async def mark_disposed(conn: Conn, hit_id: int, now: float) -> None:
    await conn.execute(
        "UPDATE mturk_hits SET disposed_at = COALESCE(disposed_at, ?) WHERE hit_id = ?",
        (now, hit_id),
    )


async def hit_ids(conn: Conn, requester_id: int, after: int, limit: int) -> list[int]:
    """The requester's live API HITs, in creation order, after the id `after`."""
    rows = await fetch_all(
        conn,
        "SELECT m.hit_id FROM mturk_hits m JOIN hits h ON h.id = m.hit_id"
        " WHERE h.requester_id = ? AND m.disposed_at IS NULL AND m.hit_id > ?"
        " ORDER BY m.hit_id LIMIT ?",
        (requester_id, after, limit),
    )
    return [r[0] for r in rows]


async def set_reviewing(conn: Conn, hit_id: int, reviewing: bool) -> None:
    """UpdateHITReviewStatus: mark the HIT Reviewing, or back to Reviewable."""
    await conn.execute(
        "UPDATE mturk_hits SET reviewing = ? WHERE hit_id = ?", (int(reviewing), hit_id)
    )


async def set_type(conn: Conn, hit_id: int, t: HitType, topic: str) -> None:
    """UpdateHITTypeOfHIT: the HIT takes the type's title, time allotted, auto-approval
    delay and topic (the reward is raised separately, with its escrow)."""
    await conn.execute("UPDATE mturk_hits SET hit_type_id = ? WHERE hit_id = ?", (t.id, hit_id))
    await conn.execute(
        "UPDATE hits SET title = ?, time_allotted_s = ?, auto_approve_s = ?, topic = ?"
        " WHERE id = ?",
        (t.title, t.duration_s, t.auto_approve_s, topic, hit_id),
    )


async def hit_ids_requiring(
    conn: Conn, requester_id: int, qualification_id: int, after: int, limit: int
) -> list[int]:
    """The requester's API HITs that require this qualification type, after the id `after`."""
    rows = await fetch_all(
        conn,
        "SELECT DISTINCT m.hit_id FROM mturk_hits m JOIN hits h ON h.id = m.hit_id"
        " JOIN hit_requirements r ON r.hit_id = h.id"
        " WHERE h.requester_id = ? AND r.qualification_id = ? AND m.hit_id > ?"
        " ORDER BY m.hit_id LIMIT ?",
        (requester_id, qualification_id, after, limit),
    )
    return [r[0] for r in rows]


async def reviewable_hit_ids(
    conn: Conn,
    requester_id: int,
    type_id: str | None,
    after: int,
    limit: int,
    now: float,
    reviewing: bool = False,
) -> list[int]:
    """HITs no worker can take or holds any more: full, finished or expired, not disposed;
    those marked Reviewing (UpdateHITReviewStatus) when `reviewing`, else the others."""
    rows = await fetch_all(
        conn,
        "SELECT m.hit_id FROM mturk_hits m JOIN hits h ON h.id = m.hit_id"
        " WHERE h.requester_id = ? AND m.disposed_at IS NULL AND m.hit_id > ?"
        f" AND m.reviewing = {int(reviewing)}"
        " AND (CAST(? AS TEXT) IS NULL OR m.hit_type_id = ?)"
        " AND h.status IN ('open', 'paused', 'closed', 'expired')"
        " AND (h.status IN ('closed', 'expired') OR h.expires_at <= ?"
        "      OR (h.status = 'open' AND h.slots_used >= h.max_assignments))"
        " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.hit_id = h.id"
        "                 AND a.status = 'accepted')"
        " ORDER BY m.hit_id LIMIT ?",
        (requester_id, after, type_id, type_id, now, limit),
    )
    return [r[0] for r in rows]


_A_COLUMNS = ", ".join(f"a.{c.strip()}" for c in _ASSIGNMENT_COLUMNS.split(","))
# Assignments chosen by the CTE `picked`, each with its worker's alias and its answers
# (question kind and QuestionForm identifiers joined), one row per answer: 19 columns
# (12 of the assignment, alias, question id, value, kind, identifier, selections, position).
_HANDED_IN = (
    "SELECT p.*, u.alias, g.question_id, g.value, q.kind, f.identifier, f.selections,"
    " q.position AS question_position FROM picked p LEFT JOIN users u ON u.id = p.worker_id"
    " LEFT JOIN answers g ON g.assignment_id = p.id"
    " LEFT JOIN questions q ON q.id = g.question_id"
    " LEFT JOIN mturk_questions f ON f.question_id = g.question_id"
)


def _handed_in(rows: list[aiosqlite.Row], at: int = 0) -> list[HandedIn]:
    """Group rows whose _HANDED_IN columns start at `at`, ordered by assignment, position."""
    found: list[HandedIn] = []
    answers: list[list[Given]] = []
    forms: dict[tuple[str, str], FormIds] = {}  # the same few questions on every row
    last_id = None
    for full in rows:
        row = full[at:] if at else full
        if row[0] is None:
            continue  # the HIT has none (a left join's empty row)
        if row[0] != last_id:
            last_id = row[0]
            found.append(HandedIn(assignment_at(row), row[12] or "W-????", ()))
            answers.append([])
        if row[13] is None:
            continue
        form = None
        if row[16] is not None:
            ids = (row[16], row[17])
            form = forms.get(ids)
            if form is None:
                form = forms[ids] = FormIds(ids[0], tuple(json.loads(ids[1])))
        answers[-1].append(Given(row[13], row[15], row[14], form))
    return [
        HandedIn(one.assignment, one.alias, tuple(given))
        for one, given in zip(found, answers, strict=True)
    ]


def _picked(statuses: tuple[str, ...]) -> str:
    marks = ", ".join(f":s{n}" for n in range(len(statuses)))
    return (
        f"picked AS (SELECT {_A_COLUMNS} FROM assignments a WHERE a.hit_id = :hit"
        f" AND a.id > :after AND a.status IN ({marks}) ORDER BY a.id LIMIT :limit)"
    )


def _picked_params(
    hit_id: int, statuses: tuple[str, ...], after: int, limit: int
) -> dict[str, object]:
    params: dict[str, object] = {"hit": hit_id, "after": after, "limit": limit}
    params.update((f"s{n}", status) for n, status in enumerate(statuses))
    return params


async def owned_and_handed_in(
    conn: Conn, hit_id: int, statuses: tuple[str, ...], after: int, limit: int
) -> tuple[tuple[Hit, ApiHit, SlotCounts] | None, list[HandedIn]]:
    """owned_hit and handed_in together, in one query (the listing of ListAssignmentsForHIT)."""
    rows = list(
        await conn.execute_fetchall(
            f"WITH {_picked(statuses)}, owned AS ({_OWNED}), listed AS ({_HANDED_IN})"
            " SELECT o.*, x.* FROM owned o LEFT JOIN listed x ON 1 = 1"
            " ORDER BY x.id, x.question_position",
            _picked_params(hit_id, statuses, after, limit),
        )
    )
    if not rows:
        return None, []
    return _owned(rows[0]), _handed_in(rows, _OWNED_WIDTH)


async def handed_in_one(conn: Conn, assignment_id: int) -> HandedIn | None:
    """One assignment with its worker's alias and answers (one query)."""
    rows = await conn.execute_fetchall(
        f"WITH picked AS (SELECT {_A_COLUMNS} FROM assignments a WHERE a.id = ?)"
        f" {_HANDED_IN} ORDER BY p.id, q.position",
        (assignment_id,),
    )
    found = _handed_in(list(rows))
    return found[0] if found else None


# -- UniqueRequestToken -------------------------------------------------------------------


async def claim_token(
    conn: Conn, requester_id: int, operation: str, token: str, now: float
) -> tuple[bool, str | None]:
    """Record a token; (True, None) if new, else (False, the earlier request's result)."""
    cur = await conn.execute(
        "INSERT INTO mturk_tokens (requester_id, operation, token, created_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (requester_id, operation, token, now),
    )
    if cur.rowcount == 1:
        return True, None
    row = await fetch_one(
        conn,
        "SELECT result FROM mturk_tokens WHERE requester_id = ? AND operation = ? AND token = ?",
        (requester_id, operation, token),
    )
    return False, (row[0] if row else None)


async def finish_token(
    conn: Conn, requester_id: int, operation: str, token: str, result: str
) -> None:
    await conn.execute(
        "UPDATE mturk_tokens SET result = ? WHERE requester_id = ? AND operation = ? AND token = ?",
        (result, requester_id, operation, token),
    )


async def drop_token(conn: Conn, requester_id: int, operation: str, token: str) -> None:
    """Forget a token whose request failed, so it may be retried."""
    await conn.execute(
        "DELETE FROM mturk_tokens WHERE requester_id = ? AND operation = ? AND token = ?"
        " AND result IS NULL",
        (requester_id, operation, token),
    )
