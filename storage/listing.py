"""Which HITs a worker may see: the one place that decides it.

`visible_hits()` is used by /hits, /next, deep links, "Next HIT in this batch" and the
check before a push is sent. Everything that narrows what a worker is offered belongs in
`_visible_clause()` so every screen agrees:

* eligibility (always): open, unexpired, a slot left that is not held for another worker
  (a live timed offer), not the worker's own HIT, not done (or held) by the worker before,
  and `eligible_clause()` from storage/qualifications.py
  (every requirement met, the requester has not blocked the worker) — the same predicate
  accept and the push waves use;
* preferences (`with_prefs=True`): not muted by the worker, one of the worker's kinds,
  one of the worker's topics (a HIT without topic matches any), reward at least the
  worker's minimum.
"""

from __future__ import annotations

from typing import Any

from bot.domain import HitKind, HitSort, ListedHit
from storage import workers
from storage.db import Conn, is_postgres
from storage.estimates import ESTIMATE_COLUMNS, ESTIMATE_SQL, estimate_at
from storage.hits import _HIT_COLUMNS, hit_at
from storage.qualifications import eligible_clause

# A batch is one line: its items group under the lowest one this worker may take (bare
# columns of a query with one MIN() come from that row, in SQLite).
_GROUP = "COALESCE(-h.batch_id, h.id)"

_ORDER = {
    HitSort.REWARD: "h.reward_cents DESC, h.id DESC",
    HitSort.PER_MINUTE: "h.reward_cents * 1.0 / estimated_s DESC, h.reward_cents DESC, h.id DESC",
    HitSort.NEWEST: "h.published_at DESC, h.id DESC",
}
# PostgreSQL has no bare columns beside MIN(): each group's lowest HIT is picked with
# DISTINCT ON, its size counted by a window, and the page ordered outside (where the
# estimate is a column; a division by zero, NULL in SQLite and sorted last, is NULL too).
_ORDER_PG = {
    **_ORDER,
    HitSort.PER_MINUTE: "h.reward_cents * 1.0 / NULLIF(estimated_s, 0) DESC NULLS LAST,"
    " h.reward_cents DESC, h.id DESC",
}
_COLUMNS = ", ".join("h." + c.strip() for c in _HIT_COLUMNS.split(","))
_LISTED_PG = (
    f"SELECT * FROM (SELECT DISTINCT ON ({_GROUP}) {_COLUMNS}, {ESTIMATE_COLUMNS},"
    f" h.id AS first_id, COUNT(*) OVER (PARTITION BY {_GROUP}) AS items"
    f" FROM hits h WHERE {{where}} ORDER BY {_GROUP}, h.id) AS h"
    " ORDER BY {order} LIMIT :limit OFFSET :offset"
)


async def _visible_clause(
    conn: Conn, worker_id: int, now: float, with_prefs: bool
) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (over `hits h`) of what `worker_id` may be offered now."""
    params: dict[str, Any] = {"worker": worker_id, "now": now}
    conditions = [
        "h.status = 'open'",
        # a slot held for another worker (a live timed offer) is not free
        "h.slots_used + (SELECT COUNT(*) FROM offers o WHERE o.hit_id = h.id"
        " AND o.status = 'held' AND o.expires_at > :now AND o.worker_id != :worker)"
        " < h.max_assignments",
        "h.expires_at > :now",
        "h.requester_id != :worker",
        "NOT EXISTS (SELECT 1 FROM assignments a WHERE a.hit_id = h.id AND a.worker_id = :worker)",
        eligible_clause("h.id", ":worker"),
    ]
    if with_prefs:
        # The worker's preferences are read once and inlined as parameters: a correlated
        # subquery per HIT was half the cost of a /hits page over 10,000 open HITs.
        wanted = await workers.prefs(conn, worker_id)
        kinds = sorted(k.value for k in wanted.kinds) or ["-"]
        params.update({f"k{i}": k for i, k in enumerate(kinds)})
        params["min_reward"] = wanted.min_reward_cents
        conditions += [
            "NOT EXISTS (SELECT 1 FROM mutes m WHERE m.worker_id = :worker"
            " AND m.requester_id = h.requester_id)",
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
        _LISTED_PG.format(where=where, order=_ORDER_PG[sort])
        if is_postgres(conn)
        else f"SELECT {_COLUMNS}, {ESTIMATE_COLUMNS}, MIN(h.id) AS first_id, COUNT(*) AS items"
        f" FROM hits h WHERE {where} GROUP BY {_GROUP}"
        f" ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset",
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
    async with conn.execute(
        f"SELECT COUNT(DISTINCT {_GROUP}) FROM hits h WHERE {where}", params
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
