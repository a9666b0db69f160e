"""Which HITs a worker may see: the one place that decides it.

`visible_hits()` is used by /hits, /next, deep links, "Next HIT in this batch" and the
check before a push is sent. Everything that narrows what a worker is offered belongs in
`_visible_clause()` so every screen agrees:

* eligibility (always): open, unexpired, a slot left that is not held for another worker
  (a live timed offer), not the worker's own HIT, not done (or held) by the worker before,
  and `eligible_listing_clause()` from storage/qualifications.py
  (every requirement met, the requester has not blocked the worker) — the predicate
  accept and the push waves use, in its form for many HITs;
* preferences (`with_prefs=True`): not muted by the worker, one of the worker's kinds,
  one of the worker's topics (a HIT without topic matches any), reward at least the
  worker's minimum.

Speed (bench/bench_listing.py, 10,000 open HITs): a page ranks every open HIT the worker
may take, so the per-HIT work is kept small. What depends on the worker alone (the HITs
they did, the requesters they muted or who blocked them, HITs with an offer held for
someone else) is a set read once per query (`NOT IN (SELECT ...)`), not a probe per HIT;
the index hits_listing holds every column the filter and the order read, so HITs are
ranked on the index alone and only the page's rows are read from the table; HITs outside
batches need no grouping, so only batches' items are grouped.
"""

from __future__ import annotations

from typing import Any

from bot.domain import HitKind, HitSort, ListedHit
from storage import workers
from storage.db import Conn, is_postgres
from storage.estimates import ESTIMATE_COLUMNS, ESTIMATE_SQL, estimate_at
from storage.hits import _HIT_COLUMNS, hit_at
from storage.qualifications import eligible_listing_clause

# A batch is one line: its items group under the lowest one this worker may take.
# Each sort as (its keys over a group's lowest row `h`, the order over those keys):
# the keys are computed where the groups are ranked, the same order sorts the page's rows.
_RANK = {
    HitSort.REWARD: ("h.reward_cents AS k1, 0 AS k2", "k1 DESC, first_id DESC"),
    HitSort.PER_MINUTE: (
        f"h.reward_cents * 1.0 / {ESTIMATE_SQL} AS k1, h.reward_cents AS k2",
        "k1 DESC, k2 DESC, first_id DESC",
    ),
    HitSort.NEWEST: ("h.published_at AS k1, 0 AS k2", "k1 DESC, first_id DESC"),
}
# PostgreSQL: the same keys, the rate as a float division (`reward_cents * 1.0` is NUMERIC
# there, slow arithmetic for every HIT ranked; a division by zero is NULL, as in SQLite,
# and sorted last). A group's lowest row is found by MIN() and joined back for its keys.
_RANK_PG = {
    HitSort.REWARD: _RANK[HitSort.REWARD],
    HitSort.PER_MINUTE: (
        f"CAST(h.reward_cents AS DOUBLE PRECISION) / NULLIF({ESTIMATE_SQL}, 0) AS k1,"
        " h.reward_cents AS k2",
        "k1 DESC NULLS LAST, k2 DESC, first_id DESC",
    ),
    HitSort.NEWEST: _RANK[HitSort.NEWEST],
}
_COLUMNS = ", ".join("h." + c.strip() for c in _HIT_COLUMNS.split(","))


def _listed(postgres: bool, where: str, sort: HitSort) -> str:
    """The listing query: the best `limit + offset` HITs outside batches and the best as
    many batches, each ranked with a LIMIT (a top-N sort, or the index), then the page's
    rows read from the table. Ranking every visible HIT together instead (PostgreSQL:
    DISTINCT ON the group with a window counting its items, two full sorts of every visible
    HIT) made a /hits page over 10,000 open HITs cost 20-80 ms."""
    keys, order = (_RANK_PG if postgres else _RANK)[sort]
    # (PostgreSQL cannot type `? + ?` without a cast)
    top = "CAST(:limit AS BIGINT) + CAST(:offset AS BIGINT)" if postgres else ":limit + :offset"
    if postgres:  # no bare columns beside MIN(): the group's lowest row is joined back
        grouped = (
            f"grouped AS (SELECT g.first_id, g.items, {keys} FROM (SELECT MIN(h.id) AS first_id,"
            f" COUNT(*) AS items FROM hits h WHERE h.batch_id IS NOT NULL AND {where}"
            " GROUP BY h.batch_id) AS g JOIN hits h ON h.id = g.first_id"
            f" ORDER BY {order} LIMIT {top}),"
        )
    else:  # SQLite: bare columns of a query with one MIN() come from that row
        grouped = (
            f"grouped AS (SELECT MIN(h.id) AS first_id, COUNT(*) AS items, {keys} FROM hits h"
            f" WHERE h.batch_id IS NOT NULL AND {where} GROUP BY h.batch_id"
            f" ORDER BY {order} LIMIT {top}),"
        )
    return (
        f"WITH single AS (SELECT h.id AS first_id, 1 AS items, {keys} FROM hits h"
        f" WHERE h.batch_id IS NULL AND {where} ORDER BY {order} LIMIT {top}),"
        f" {grouped}"
        " page AS (SELECT * FROM single UNION ALL SELECT * FROM grouped"
        f" ORDER BY {order} LIMIT :limit OFFSET :offset)"
        f" SELECT {_COLUMNS}, {ESTIMATE_COLUMNS}, page.first_id, page.items"
        f" FROM page JOIN hits h ON h.id = page.first_id ORDER BY {order}"
    )


async def _visible_clause(
    conn: Conn, worker_id: int, now: float, with_prefs: bool
) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (over `hits h`) of what `worker_id` may be offered now."""
    params: dict[str, Any] = {"worker": worker_id, "now": now}
    conditions = [
        "h.status = 'open'",
        # a slot held for another worker (a live timed offer) is not free
        # (counted only for the few HITs with such an offer)
        "h.slots_used < h.max_assignments AND (h.id NOT IN (SELECT ho.hit_id FROM offers ho"
        " WHERE ho.status = 'held' AND ho.expires_at > :now AND ho.worker_id != :worker)"
        " OR h.slots_used + (SELECT COUNT(*) FROM offers o WHERE o.hit_id = h.id"
        " AND o.status = 'held' AND o.expires_at > :now AND o.worker_id != :worker)"
        " < h.max_assignments)",
        "h.expires_at > :now",
        "h.requester_id != :worker",
        "h.id NOT IN (SELECT a.hit_id FROM assignments a WHERE a.worker_id = :worker)",
        eligible_listing_clause(":worker", postgres=is_postgres(conn)),
    ]
    if with_prefs:
        # The worker's preferences are read once and inlined as parameters: a correlated
        # subquery per HIT was half the cost of a /hits page over 10,000 open HITs.
        wanted = await workers.prefs(conn, worker_id)
        kinds = sorted(k.value for k in wanted.kinds) or ["-"]
        params.update({f"k{i}": k for i, k in enumerate(kinds)})
        params["min_reward"] = wanted.min_reward_cents
        conditions += [
            "h.requester_id NOT IN (SELECT m.requester_id FROM mutes m"
            " WHERE m.worker_id = :worker)",
            f"h.kind IN ({', '.join(f':k{i}' for i in range(len(kinds)))})",
            "h.reward_cents >= :min_reward",
        ]
        languages = sorted(wanted.languages) or ["en"]
        params.update({f"l{i}": code for i, code in enumerate(languages)})
        conditions.append(f"h.language IN ({', '.join(f':l{i}' for i in range(len(languages)))})")
        if wanted.topics:
            topics = sorted(wanted.topics)
            params.update({f"t{i}": t for i, t in enumerate(topics)})
            marks = ", ".join(f":t{i}" for i in range(len(topics)))
            conditions.append(f"(h.topic = '' OR h.topic IN ({marks}))")
    return " AND ".join(conditions), params


async def visible_hits(
    conn: Conn,
    worker_id: int,
    now: float,
    *,
    with_prefs: bool = True,
    kind: HitKind | None = None,
    batch_id: int | None = None,
    hit_id: int | None = None,
    sort: HitSort = HitSort.PER_MINUTE,
    limit: int = 10,
    offset: int = 0,
    fits_s: float | None = None,
) -> list[ListedHit]:
    """The HITs this worker may take now, best first by `sort`, with time estimates; a
    batch once, as its lowest item the worker may take. `fits_s` (/free): only those whose
    estimate fits in that many seconds and whose pushes are not paused by the pay floor."""
    where, params = await _visible_clause(conn, worker_id, now, with_prefs)
    where += _narrowing(kind, batch_id, hit_id, params, fits_s)
    params.update(limit=limit, offset=offset)
    async with conn.execute(
        _listed(is_postgres(conn), where, sort),
        params,
    ) as cur:
        rows = await cur.fetchall()
    return [
        ListedHit(
            hit_at(row),
            estimate_at(row["estimated_s"], row["estimate_source"], row["estimate_samples"]),
            int(row["items"]),
        )
        for row in rows
    ]


async def count_visible(
    conn: Conn,
    worker_id: int,
    now: float,
    *,
    with_prefs: bool = True,
    kind: HitKind | None = None,
    batch_id: int | None = None,
) -> int:
    """How many lines `visible_hits` would list without a limit (a batch is one)."""
    where, params = await _visible_clause(conn, worker_id, now, with_prefs)
    where += _narrowing(kind, batch_id, None, params)
    async with conn.execute(  # HITs outside batches, plus the batches (each once)
        f"SELECT COUNT(*) - COUNT(h.batch_id) + COUNT(DISTINCT h.batch_id) FROM hits h"
        f" WHERE {where}",
        params,
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


def _narrowing(
    kind: HitKind | None,
    batch_id: int | None,
    hit_id: int | None,
    params: dict[str, Any],
    fits_s: float | None = None,
) -> str:
    extra = ""
    if fits_s is not None:
        extra += f" AND {ESTIMATE_SQL} <= :fits AND h.pushes_paused = 0"
        params["fits"] = fits_s
    if kind is not None:
        extra += " AND h.kind = :kind"
        params["kind"] = kind.value
    if batch_id is not None:
        extra += " AND h.batch_id = :batch"
        params["batch"] = batch_id
    if hit_id is not None:
        extra += " AND h.id = :hit"
        params["hit"] = hit_id
    return extra
