"""Qualification requirements, grants and the one SQL predicate for "may this worker do it".

`eligible_clause()` is the single definition of who may see and accept a HIT; listings,
accept and the push waves all embed it, so they can never disagree. Listings and waves
take it in a form for their many HITs or many workers (`eligible_listing_clause`,
`met_clause`), built from the same test of one requirement (`_MET`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import aiosqlite

from bot.domain import Requirement, RequirementKind, WorkerStats
from storage.db import Conn, changed_one, fetch_value


def _compare(x: str) -> str:
    """SQL comparing the number `x` with requirement `r` by its comparator (NULL: at least;
    see migration 0022); NULL when `x` is NULL."""
    return (
        "CASE COALESCE(r.comparator, 'ge')"
        f" WHEN 'ge' THEN {x} >= CAST(r.value AS INTEGER)"
        f" WHEN 'gt' THEN {x} > CAST(r.value AS INTEGER)"
        f" WHEN 'le' THEN {x} <= CAST(r.value AS INTEGER)"
        f" WHEN 'lt' THEN {x} < CAST(r.value AS INTEGER)"
        f" WHEN 'eq' THEN {x} = CAST(r.value AS INTEGER)"
        f" WHEN 'ne' THEN {x} != CAST(r.value AS INTEGER)"
        f" WHEN 'in' THEN {x} IN (SELECT CAST(j.value AS INTEGER) FROM json_each(r.value) j)"
        f" WHEN 'not_in' THEN {x} NOT IN"
        "  (SELECT CAST(j.value AS INTEGER) FROM json_each(r.value) j)"
        " ELSE FALSE END"
    )


def _speaks(code: str) -> str:
    """SQL: the worker (`ru`) reads the language `code` (a main language matches its regions)."""
    return (
        f"(lower(ru.language) = lower({code})"
        f" OR substr(lower(ru.language), 1, length({code}) + 1) = lower({code}) || '-')"
    )


# The worker's grant of `r`'s qualification, and what counts when there is none: the type's
# AutoGranted value (MTurk's AutoGranted), else nothing.
_GRANT = (
    "(SELECT wq.value FROM worker_qualifications wq"
    " WHERE wq.worker_id = {worker} AND wq.qualification_id = r.qualification_id)"
)
_HELD = (
    f"COALESCE({_GRANT}, (SELECT CASE WHEN qt.auto_granted = 1 THEN qt.auto_value END"
    " FROM qualification_types qt WHERE qt.id = r.qualification_id))"
)
# Whether requirement row `r` is met by worker `{worker}` (users `ru`, worker_stats `rs`).
# A boolean on both databases (FALSE, never 0: PostgreSQL keeps a CASE's branches one type).
# Unknown kinds are never met (fail closed). A worker with nothing reviewed has 100 %. A
# value comparison needs the qualification held (or auto-granted); DoesNotExist needs no grant.
# Each kind's test (_MET_KINDS), and _MET choosing among them by the row's kind.
_MET_KINDS = {
    "approval_rate": f"COALESCE({_compare('COALESCE(rs.approval_pct, 100)')}, FALSE)",
    "approved_count": f"COALESCE({_compare('COALESCE(rs.approved, 0)')}, FALSE)",
    "locale": "CASE COALESCE(r.comparator, 'eq')"
    f" WHEN 'eq' THEN {_speaks('r.value')} WHEN 'ne' THEN NOT {_speaks('r.value')}"
    f" WHEN 'in' THEN EXISTS (SELECT 1 FROM json_each(r.value) j WHERE {_speaks('j.value')})"
    " WHEN 'not_in' THEN NOT EXISTS (SELECT 1 FROM json_each(r.value) j"
    f" WHERE {_speaks('j.value')}) ELSE FALSE END",
    "qualification": "CASE COALESCE(r.comparator, 'ge')"
    f" WHEN 'exists' THEN {_HELD} IS NOT NULL"
    f" WHEN 'not_exists' THEN {_GRANT} IS NULL"
    f" ELSE COALESCE({_compare(_HELD)}, FALSE) END",
}
_MET = (
    "CASE r.kind"
    + "".join(f" WHEN '{kind}' THEN {test}" for kind, test in _MET_KINDS.items())
    + " ELSE FALSE END"
)


def qualified_clause(hit: str = "h.id", worker: str = "?1") -> str:
    """SQL true when worker `worker` meets every requirement of HIT `hit`.

    Both arguments are SQL expressions: a column (`h.id`, `u.id`) or a numbered
    parameter (`?1`), each may be used several times.
    >>> "NOT EXISTS" in qualified_clause("h.id", "?1")
    True
    """
    met = _MET.format(worker=worker)
    return (
        "NOT EXISTS (SELECT 1 FROM hit_requirements r"
        f" LEFT JOIN users ru ON ru.id = {worker}"
        f" LEFT JOIN worker_stats rs ON rs.user_id = {worker}"
        f" WHERE r.hit_id = {hit} AND NOT ({met}))"
    )


def not_blocked_clause(hit: str = "h.id", worker: str = "?1") -> str:
    """SQL true unless the HIT's requester blocked the worker."""
    return (
        f"NOT EXISTS (SELECT 1 FROM blocks b JOIN hits bh ON bh.id = {hit}"
        f" WHERE b.requester_id = bh.requester_id AND b.worker_id = {worker})"
    )


def eligible_clause(hit: str = "h.id", worker: str = "?1") -> str:
    """SQL true when the worker may see and accept the HIT: qualified and not blocked.

    For a listing of HITs one worker may see:
    `SELECT ... FROM hits h WHERE h.status = 'open' AND ` + eligible_clause("h.id", "?1"),
    with the worker's users.id as parameter 1.
    """
    return f"({qualified_clause(hit, worker)} AND {not_blocked_clause(hit, worker)})"


# A requirement as met_clause takes it: (kind, value, qualification id, comparator).
Terms = tuple[str, str, int | None, str | None]


def met_clause(
    requirements: Sequence[Terms],
    worker: str,
    user: str,
    stats: str,
    kinds: Callable[[str], bool] = lambda kind: True,
) -> tuple[str, dict[str, object]]:
    """`qualified_clause` for one HIT whose requirements are known, over a query of many
    workers that has joined each one's `users` row as `user` and `worker_stats` row as
    `stats`: the same test of each requirement (its kind's in `_MET`), with the
    requirement's fields as parameters (:rv0, :rq0, :rc0, ...) and no lookups of
    hit_requirements or of the worker's rows of its own. Only the requirements whose kind
    `kinds` accepts (each keeps its number among all of them, so two parts of one HIT's
    requirements can go in one query).

    The push waves walk up to 2,000 workers a query; a probe of hit_requirements and of
    the worker's rows again per worker was most of a wave for a HIT with a locale or a
    qualification requirement (bench/bench_matching.py).
    >>> met_clause([], "s.user_id", "u", "s")
    ('1 = 1', {})
    >>> met_clause([("approved_count", "10", None, None)], "s.user_id", "u", "s")[0].count("u.")
    0
    """
    terms: list[str] = []
    params: dict[str, object] = {}
    # each parameter typed where it stands (PostgreSQL would type the value as an integer
    # from its first use, CAST(... AS INTEGER), where json_each reads it as text)
    fields = (
        ("value", "rv", "TEXT"),
        ("qualification_id", "rq", "BIGINT"),
        ("comparator", "rc", "TEXT"),
    )
    for i, (kind, value, qualification_id, comparator) in enumerate(requirements):
        if not kinds(kind):
            continue
        met = _MET_KINDS.get(kind, "FALSE").format(worker=worker)
        for field, param, sql_type in fields:
            met = re.sub(rf"\br\.{field}\b", f"CAST(:{param}{i} AS {sql_type})", met)
        met = re.sub(r"\bru\.", f"{user}.", re.sub(r"\brs\.", f"{stats}.", met))
        assert not re.search(r"\br\.", met), met  # every field of the requirement replaced
        # a requirement keeps a worker out only when it is surely not met, as in
        # qualified_clause's NOT EXISTS (... NOT met)
        terms.append(f"({met}) IS NOT FALSE")
        params.update({f"rv{i}": value, f"rq{i}": qualification_id, f"rc{i}": comparator})
    return " AND ".join(terms) or "1 = 1", params


def eligible_listing_clause(worker: str, *, postgres: bool = False) -> str:
    """`eligible_clause("h.id", worker)` for a query over many HITs `h` of one worker.

    The same predicate as two sets read once per query: the open HITs with a requirement
    the worker does not meet, the requesters who blocked the worker (`NOT IN (SELECT ...)`),
    instead of probes per HIT. Listings rank every open HIT; this halved the cost of the
    check for a worker who sees most of them (bench/bench_listing.py).

    PostgreSQL (`postgres`): whether a requirement's HIT is open is a probe of hits by
    primary key per requirement (OFFSET 0 keeps it one), where the join let the planner
    read every HIT, by a hash or merge join, to find the few with requirements: building
    the set took 24-27 ms at 10,000 open HITs under load, the probes 3.5 ms.
    """
    met = _MET.format(worker=worker)
    is_open = (
        " WHERE EXISTS (SELECT 1 FROM hits rh WHERE rh.id = r.hit_id AND rh.status = 'open'"
        " OFFSET 0) AND"
        if postgres
        else " JOIN hits rh ON rh.id = r.hit_id AND rh.status = 'open'"
    )
    return (
        "(h.id NOT IN (SELECT r.hit_id FROM hit_requirements r"
        + ("" if postgres else is_open)
        + f" LEFT JOIN users ru ON ru.id = {worker}"
        + f" LEFT JOIN worker_stats rs ON rs.user_id = {worker}"
        + (is_open if postgres else " WHERE")
        + f" NOT ({met}))"
        " AND h.requester_id NOT IN (SELECT b.requester_id FROM blocks b"
        f" WHERE b.worker_id = {worker}))"
    )


async def eligible(conn: Conn, hit_id: int, worker_id: int) -> bool:
    """Whether the worker may see and accept the HIT."""
    async with conn.execute(f"SELECT {eligible_clause('?1', '?2')}", (hit_id, worker_id)) as cur:
        row = await cur.fetchone()
    return bool(row and row[0])


async def requirement_terms(conn: Conn, hit_id: int) -> tuple[Terms, ...]:
    """The HIT's requirements as `met_clause` takes them."""
    rows = await conn.execute_fetchall(
        "SELECT kind, value, qualification_id, comparator FROM hit_requirements"
        " WHERE hit_id = ? ORDER BY id",
        (hit_id,),
    )
    return tuple((str(r[0]), str(r[1]), r[2], r[3]) for r in rows)


async def requirements(conn: Conn, hit_id: int) -> list[Requirement]:
    """The HIT's requirements, with custom qualification names."""
    return [req for req, _ in await requirements_met(conn, hit_id, None)]


async def requirements_met(
    conn: Conn, hit_id: int, worker_id: int | None
) -> list[tuple[Requirement, bool]]:
    """Each requirement of the HIT and whether this worker meets it (False if no worker)."""
    async with conn.execute(
        "SELECT r.kind, r.value, r.qualification_id, COALESCE(t.name, ''),"
        f" COALESCE({_MET.format(worker='?2')}, FALSE), COALESCE(r.comparator, '')"
        " FROM hit_requirements r"
        " LEFT JOIN qualification_types t ON t.id = r.qualification_id"
        " LEFT JOIN users ru ON ru.id = ?2 LEFT JOIN worker_stats rs ON rs.user_id = ?2"
        " WHERE r.hit_id = ?1 ORDER BY r.id",
        (hit_id, worker_id),
    ) as cur:
        rows = await cur.fetchall()
    return [
        (
            Requirement(RequirementKind(r[0]), r[1], r[2], r[3], r[5]),
            bool(r[4]) and worker_id is not None,
        )
        for r in rows
    ]


async def add_requirement(conn: Conn, hit_id: int, requirement: Requirement) -> None:
    """Attach one requirement to a HIT."""
    await conn.execute(
        "INSERT INTO hit_requirements (hit_id, kind, qualification_id, value, comparator)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            hit_id,
            requirement.kind.value,
            requirement.qualification_id,
            requirement.value,
            requirement.comparator or None,
        ),
    )


async def auto_grant(conn: Conn, hit_id: int, worker_id: int, now: float) -> None:
    """The worker accepted the HIT: each AutoGranted qualification it requires (but for
    DoesNotExist) that the worker lacks is granted at its AutoGrantedValue, as on MTurk."""
    await conn.execute(
        AUTO_GRANT.format(hit=":hit"), {"worker": worker_id, "now": now, "hit": hit_id}
    )


# `auto_grant`'s statement: named parameters :worker and :now, `{hit}` the HIT's id (a
# parameter, or a subquery where it is part of a larger statement: storage/accepting.take).
AUTO_GRANT = (
    "INSERT INTO worker_qualifications (worker_id, qualification_id, value, granted_at)"
    " SELECT DISTINCT CAST(:worker AS BIGINT), t.id, t.auto_value,"
    " CAST(:now AS DOUBLE PRECISION)"
    " FROM hit_requirements r"
    " JOIN qualification_types t ON t.id = r.qualification_id"
    " WHERE r.hit_id = {hit} AND t.auto_granted = 1"
    " AND COALESCE(r.comparator, 'ge') != 'not_exists'"
    " ON CONFLICT (worker_id, qualification_id) DO NOTHING"
)


async def clear_requirements(conn: Conn, hit_id: int) -> None:
    await conn.execute("DELETE FROM hit_requirements WHERE hit_id = ?", (hit_id,))


async def own_type(
    conn: Conn, requester_id: int, name: str, number: int | None
) -> tuple[int, str] | None:
    """The requester's custom qualification numbered `number`, else called `name`
    (case-insensitive; the oldest if names differ only in case), as (id, stored name)."""
    async with conn.execute(
        "SELECT id, name FROM qualification_types WHERE requester_id = ?"
        " AND (id = ? OR (CAST(? AS BIGINT) IS NULL AND lower(name) = lower(?)))"
        " ORDER BY id LIMIT 1",
        (requester_id, number, number, name),
    ) as cur:
        row = await cur.fetchone()
    return (int(row[0]), str(row[1])) if row else None


async def create_type(conn: Conn, requester_id: int, name: str, now: float) -> int:
    """Define a custom qualification for a requester (granted by hand, no test)."""
    return await fetch_value(
        conn,
        "INSERT INTO qualification_types (requester_id, name, created_at) VALUES (?, ?, ?)"
        " RETURNING id",
        (requester_id, name, now),
    )


async def grant(conn: Conn, worker_id: int, qualification_id: int, value: int, now: float) -> bool:
    """Give (or change) a worker's qualification; True if anything changed."""
    return await changed_one(
        conn,
        "INSERT INTO worker_qualifications (worker_id, qualification_id, value, granted_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (worker_id, qualification_id)"
        " DO UPDATE SET value = excluded.value, granted_at = excluded.granted_at"
        " WHERE worker_qualifications.value != excluded.value",
        (worker_id, qualification_id, value, now),
    )


async def revoke(conn: Conn, worker_id: int, qualification_id: int) -> bool:
    return await changed_one(
        conn,
        "DELETE FROM worker_qualifications WHERE worker_id = ? AND qualification_id = ?",
        (worker_id, qualification_id),
    )


async def held(conn: Conn, worker_id: int) -> list[tuple[str, int]]:
    """The custom qualifications a worker holds, as (name, value)."""
    async with conn.execute(
        "SELECT t.name, q.value FROM worker_qualifications q"
        " JOIN qualification_types t ON t.id = q.qualification_id"
        " WHERE q.worker_id = ? ORDER BY t.name",
        (worker_id,),
    ) as cur:
        return [(r[0], int(r[1])) for r in await cur.fetchall()]


def _stats(row: aiosqlite.Row) -> WorkerStats:
    return WorkerStats(*(row[i] for i in range(14)))


async def stats(conn: Conn, worker_id: int) -> WorkerStats | None:
    """The worker's counters, approval rate and score."""
    async with conn.execute(
        "SELECT pushes, pushes_taken, accepted, in_progress, submitted, approved, rejected,"
        " returned, abandoned, gold_answered, gold_correct, last_active_at, approval_pct, score"
        " FROM worker_stats WHERE user_id = ?",
        (worker_id,),
    ) as cur:
        row = await cur.fetchone()
    return _stats(row) if row else None
