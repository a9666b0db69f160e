"""What accepting a HIT must know, read in one query (the hot path of the race)."""

from __future__ import annotations

from dataclasses import dataclass

from asyncpg import UniqueViolationError  # type: ignore[import-untyped]

from bot.domain import Assignment, Hit
from storage import assignments, hits, offers, stale
from storage import qualifications as quals
from storage.db import Conn, fetch_one, is_postgres
from storage.qualifications import qualified_clause


@dataclass(frozen=True, slots=True)
class AcceptFacts:
    """The HIT and the worker's standing towards it."""

    hit: Hit
    blocked: bool
    mine: int | None  # the worker's assignment on this HIT, if any
    qualified: bool
    active: int  # the worker's accepted, not yet submitted assignments
    required: bool  # the HIT has qualification requirements (any may be AutoGranted)


async def accept_facts(conn: Conn, hit_id: int, worker_id: int) -> AcceptFacts | None:
    """Everything accept checks before claiming a slot; None if the HIT does not exist."""
    row = await fetch_one(
        conn,
        f"SELECT {hits.hit_columns('h_')},"
        " EXISTS (SELECT 1 FROM blocks b WHERE b.requester_id = h.requester_id"
        "  AND b.worker_id = ?2) AS blocked,"
        " (SELECT id FROM assignments WHERE hit_id = ?1 AND worker_id = ?2) AS mine,"
        f" {qualified_clause('?1', '?2')} AS qualified,"
        " (SELECT COUNT(*) FROM assignments WHERE worker_id = ?2 AND status = 'accepted')"
        "  AS active,"
        " EXISTS (SELECT 1 FROM hit_requirements WHERE hit_id = ?1) AS required"
        " FROM hits h WHERE h.id = ?1",
        (hit_id, worker_id),
    )
    if row is None:
        return None
    return AcceptFacts(
        hit=hits.hit_from(row, "h_"),
        blocked=bool(row["blocked"]),
        mine=row["mine"],
        qualified=bool(row["qualified"]),
        active=int(row["active"]),
        required=bool(row["required"]),
    )


@dataclass(frozen=True, slots=True)
class Recount:
    """What `take` also does on PostgreSQL when the worker took the HIT from its card:
    storage/stale.recount, in the same statement (the card's chat, the outbox id the walk
    starts at, the batch the HIT is an item of)."""

    batch_id: int | None
    chat_id: int
    priority: int
    since_id: int


@dataclass(frozen=True, slots=True)
class Unread:
    """For `take` on PostgreSQL with nothing read before it: what accept checks after
    accept_facts is a condition of the claim (the HIT not the worker's own, without
    requirements, not blocking them, not taken by them yet, not filled by this slot; fewer
    than `max_active` tasks of theirs running), the deadline and first reminder come from
    the HIT's time allotted (`first_share`: the share of it left at the first reminder;
    None: no reminders), and the HIT as claimed is returned."""

    max_active: int
    first_share: float | None


_UNREAD_GUARD = (
    " AND h.requester_id != :worker AND h.slots_used + 1 < h.max_assignments"
    " AND NOT EXISTS (SELECT 1 FROM hit_requirements r WHERE r.hit_id = h.id)"
    " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.requester_id = h.requester_id"
    "  AND b.worker_id = :worker)"
    " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.hit_id = h.id"
    "  AND a.worker_id = :worker)"
    " AND (SELECT COUNT(*) FROM assignments a WHERE a.worker_id = :worker"
    "  AND a.status = 'accepted') < :max_active"
)


@dataclass(frozen=True, slots=True)
class Taken:
    """What `take` did: whether a slot was claimed, the assignment made, `recount`'s next
    since id, and with `Unread` the HIT as claimed (its slot counted)."""

    claimed: bool
    made: Assignment | None = None
    since: int | None = None
    hit: Hit | None = None


async def take(
    conn: Conn,
    hit_id: int,
    worker_id: int,
    now: float,
    deadline: float,
    remind_at: float | None,
    shown_in: tuple[int, int] | None,
    required: bool = True,
    recount: Recount | None = None,
    unread: Unread | None = None,
) -> Taken:
    """Claim a slot (race-safe: storage/offers.claim_slot), use up the worker's hold, make
    the assignment and grant the worker the HIT's AutoGranted qualifications, as MTurk
    does (only when the HIT has requirements: `required`, from accept_facts). Returns
    (whether a slot was claimed, the assignment, `recount`'s next since id); a claimed slot
    without an assignment means the same worker's other tap made it meanwhile: the caller
    rolls back (on PostgreSQL nothing of the statement stayed: the assignment's insert
    failed on the unique (hit, worker), and the statement with it).

    On PostgreSQL one statement (one round trip instead of four), with `recount` in it too
    (SQLite: not given; the caller recounts), so that an Accept that fills no HIT needs no
    transaction there (Database.single_write); with `unread`, see there (`deadline` and
    `remind_at` are not used)."""
    if not is_postgres(conn):
        if not await offers.claim_slot(conn, hit_id, worker_id, now):
            return Taken(False)
        await offers.take_hold(conn, hit_id, worker_id, now)
        made = await assignments.insert(conn, hit_id, worker_id, now, deadline, remind_at, shown_in)
        if made is not None and required:
            await quals.auto_grant(conn, hit_id, worker_id, now)
        return Taken(True, made)
    chat_id, message_id = shown_in if shown_in is not None else (None, None)
    params: dict[str, object] = {
        "hit": hit_id,
        "now": now,
        "worker": worker_id,
        "deadline": deadline,
        "remind": remind_at,
        "chat": chat_id,
        "message": message_id,
    }
    due = "CAST(:deadline AS DOUBLE PRECISION)", "CAST(:remind AS DOUBLE PRECISION)"
    guard = returning = ""
    if unread is not None:  # as bot/market/views.next_reminder does it, in floating point
        params.update(max_active=unread.max_active, share=unread.first_share)
        deadline_sql = "(CAST(:now AS DOUBLE PRECISION) + c.h_time_allotted_s)"
        remind_sql = (
            f"{deadline_sql} - CAST(:share AS DOUBLE PRECISION)"
            f" * ({deadline_sql} - CAST(:now AS DOUBLE PRECISION))"
        )
        due = deadline_sql, remind_sql
        guard, returning = _UNREAD_GUARD, ", " + hits.hit_columns("h_")
        required = False  # a HIT with requirements is not claimed
    more = ""
    if required:
        more += f", granted AS ({quals.AUTO_GRANT.format(hit='(SELECT hit_id FROM made)')})"
    marks = "(SELECT NULL, NULL)"
    if recount is not None:
        ctes, counted = stale.recount_ctes(
            hit_id, recount.batch_id, worker_id, recount.chat_id, recount.priority, now,
            recount.since_id, "made",
        )  # fmt: skip
        more += ", " + ctes
        params.update(counted)
        marks = "count_mark"
    try:
        row = await fetch_one(
            conn,
            f"WITH {offers.claim_and_hold(guard, returning)},"
            " made AS (INSERT INTO assignments"
            "  (hit_id, worker_id, accepted_at, deadline_at, remind_at, chat_id, message_id)"
            "  SELECT c.id, CAST(:worker AS BIGINT), CAST(:now AS DOUBLE PRECISION),"
            f"  {due[0]}, {due[1]},"
            "  CAST(:chat AS BIGINT), CAST(:message AS BIGINT) FROM claimed c"
            f"  RETURNING {assignments.COLUMNS})"
            f"{more}"
            f" SELECT (SELECT COUNT(*) FROM claimed), k.*, m.*, c.* FROM {marks} AS k"
            " LEFT JOIN made m ON TRUE LEFT JOIN claimed c ON TRUE",
            params,
        )
    except UniqueViolationError as exc:
        if exc.table_name != "assignments":
            raise
        return Taken(True)  # the same worker's other tap made it meanwhile
    assert row is not None
    if not int(row[0]):
        return Taken(False)
    values = tuple(row)
    if values[3] is None:
        return Taken(True)
    since = None
    if recount is not None:
        since = stale.next_since((values[1], values[2]), recount.since_id)
    # then the assignment's columns, and `claimed`'s: its id, and with `unread` the HIT's
    claimed = values[3 + assignments.WIDTH + 1 :]
    hit = hits.hit_at(claimed) if unread is not None else None
    return Taken(True, assignments.assignment_at(values[3:]), since, hit)
