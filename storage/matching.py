"""SQL of matching: the workers who may get a push for a HIT now, best first; the pushes
made; fan-out progress; the UTC offsets quiet hours are computed with.

The candidate queries walk `worker_stats` in index order (score, or pushes for new
workers) and stop at LIMIT, evaluating each filter with primary-key lookups. One call
looks at no more than `window` workers: the score walk resumes where the HIT's last
wave stopped (a cursor in hit_waves) and wraps around at the end, so the cost of a wave
is bounded whatever the number of workers or the rarity of what the HIT requires.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from bot.domain import Hit, MatchPrefs, PushRecord
from storage import hits
from storage import qualifications as quals
from storage.db import Conn, Row, changed_one, fetch_all, fetch_one, is_postgres
from storage.estimates import ESTIMATE_SQL
from storage.hits import hit_at, hit_columns

# The worker's local minute of the day, from :utc_min and the zone's current offset.
_LOCAL = "((((:utc_min + COALESCE(tz.offset_min, 0)) % 1440) + 1440) % 1440)"
_QUIET = (
    "(p.quiet_start IS NOT NULL AND p.quiet_end IS NOT NULL AND CASE"
    f" WHEN p.quiet_start < p.quiet_end THEN {_LOCAL} >= p.quiet_start AND {_LOCAL} < p.quiet_end"
    f" WHEN p.quiet_start > p.quiet_end THEN {_LOCAL} >= p.quiet_start OR {_LOCAL} < p.quiet_end"
    " ELSE 1 = 0 END)"
)


def _in_list(column: str, param: str) -> str:
    """`param` is one of the comma-separated values in `column` (case and spaces ignored)."""
    return (
        f"instr(',' || replace(lower({column}), ' ', '') || ',',"
        f" ',' || replace(lower({param}), ' ', '') || ',') > 0"
    )


_KIND_WANTED = _in_list("COALESCE(p.kinds, 'poll,survey,tag')", ":kind")
# The task languages a worker takes: as chosen in /settings, else their own and English.
WORKER_LANGUAGES = (
    "COALESCE(p.languages,"
    " lower(substr(u.language, 1, instr(u.language || '-', '-') - 1)) || ',en')"
)
_LANGUAGE_WANTED = _in_list(WORKER_LANGUAGES, "(SELECT language FROM hits WHERE id = :hit)")

_JOINS = (
    " FROM worker_stats s"
    " CROSS JOIN users u ON u.id = s.user_id"
    " CROSS JOIN worker_prefs p ON p.user_id = s.user_id"
    " LEFT JOIN tz_offsets tz ON tz.name = u.timezone"
)


# Who may get a push for HIT :hit (requester :requester, kind :kind, topic :topic,
# reward :reward) right now. Only workers who finished the setup (onboarded): someone who
# came to post tasks, or left the setup half-way, gets no pushes (/hits still lists work).
_CANDIDATES = (
    _JOINS + " WHERE u.is_worker = 1 AND u.active = 1 AND s.user_id != :requester"
    " AND p.onboarded = 1"
    " AND s.in_progress < :max_active"
    " AND COALESCE(p.notifications, 1) = 1"
    " AND COALESCE(p.min_reward_cents, 0) <= :reward"
    f" AND {_KIND_WANTED}"
    f" AND (:topic = '' OR COALESCE(p.topics, '') = '' OR {_in_list('p.topics', ':topic')})"
    f" AND {_LANGUAGE_WANTED}"
    f" AND NOT {_QUIET}"
    " AND NOT EXISTS (SELECT 1 FROM pushes x WHERE x.hit_id = :hit AND x.worker_id = s.user_id)"
    # a batch is one card: nobody is pushed a second item of a batch they were pushed
    " AND (CAST(:batch AS BIGINT) IS NULL OR NOT EXISTS (SELECT 1 FROM pushes xb JOIN hits xbh"
    "  ON xbh.id = xb.hit_id WHERE xb.worker_id = s.user_id AND xbh.batch_id = :batch))"
    " AND NOT EXISTS (SELECT 1 FROM assignments a"
    "  WHERE a.hit_id = :hit AND a.worker_id = s.user_id)"
    " AND NOT EXISTS (SELECT 1 FROM mutes m"
    "  WHERE m.worker_id = s.user_id AND m.requester_id = :requester)"
    # every requirement of the HIT met (qualifications.met_clause, filled in per HIT) and
    # not blocked by its requester (qualifications.eligible_clause's two halves)
    " AND {requirements}"
    " AND NOT EXISTS (SELECT 1 FROM blocks b"
    "  WHERE b.requester_id = :requester AND b.worker_id = s.user_id)"
    # /free: a worker whose free window is running gets only what fits in what is left
    " AND NOT EXISTS (SELECT 1 FROM free_windows f WHERE f.worker_id = s.user_id"
    "  AND f.ends_at > :now AND f.ends_at - :now < :need)"
)
_RANKED = (
    "SELECT s.user_id, u.tg_id, s.score"
    + _CANDIDATES
    + " AND (s.score, s.user_id) < (:from_score, :from_user)"
    " AND (s.score, s.user_id) >= (:to_score, :to_user)"
    " ORDER BY s.score DESC, s.user_id DESC LIMIT :limit"
)


def _for_postgres(sql: str, walk: str, order: str) -> str:
    """The candidate query as PostgreSQL wants it: the same walk, spelled out. SQLite's
    CROSS JOIN keeps the join order (worker_stats first, walked by score); PostgreSQL
    reorders joins by its estimates, and the filters on worker_prefs (text matches it
    cannot estimate) made it scan every worker's preferences and then look each one's
    stats up: 230 ms at 100,000 workers, ten times that at 1,000,000. So the walk is a
    subquery of the window's rows of worker_stats in order (`walk`, `order` on alias w;
    LIMIT :window, the bound the walk keeps anyway, makes it an index scan that stops
    early, where a parallel bitmap scan and a sort took 25 ms to start), and every other
    table is a LATERAL probe by primary key per worker, kept one (OFFSET 0) so the
    planner cannot turn it back into a join it might scan. Each NOT EXISTS gets OFFSET 0
    too, which keeps it a probe of its table's index per candidate: turned into an
    anti-join (the planner expecting a row or two from the many filters) it scanned the
    whole mutes table (or the requester's blocks) per candidate.

    The order of the checks is the order of the levels, cheapest and most selective
    first: the HIT's requirements other than locale on the walk's own rows ({requirements}:
    a level of its own, so they run before anything else), locale in the probe of users
    ({spoken}), the preferences, and the probes of what the worker was pushed, took,
    muted or is blocked from last (bench_matching at 1,000,000 workers: a HIT for a rare
    qualification or language walked its whole window with every probe per worker)."""
    assert _JOINS in sql and " AND {requirements}" in sql
    sql = sql.replace(" AND {requirements}", "")
    sql = sql.replace(
        _JOINS,
        " FROM (SELECT * FROM"
        f" (SELECT * FROM worker_stats w WHERE {walk} ORDER BY {order} LIMIT :window) s"
        f" WHERE {{requirements}} ORDER BY {order.replace('w.', 's.')} OFFSET 0) s"
        " CROSS JOIN LATERAL (SELECT * FROM users lu WHERE lu.id = s.user_id AND {spoken}"
        " OFFSET 0) u"
        " CROSS JOIN LATERAL (SELECT * FROM worker_prefs WHERE user_id = s.user_id OFFSET 0) p"
        " LEFT JOIN LATERAL (SELECT offset_min FROM tz_offsets WHERE name = u.timezone"
        " OFFSET 0) tz ON TRUE",
    )
    for end in (
        "x.worker_id = s.user_id)",
        "xbh.batch_id = :batch)",
        "a.worker_id = s.user_id)",
        "m.requester_id = :requester)",
        "b.worker_id = s.user_id)",
        "f.ends_at - :now < :need)",
    ):
        assert end in sql, end
        sql = sql.replace(end, end[:-1] + " OFFSET 0)")
    # The probes of pushes, assignments, mutes, blocks and /free windows are made of the
    # workers who passed every other filter: said of p's worker (the same one), they wait
    # for the probe of worker_prefs instead of running on every walked row.
    for mine in (
        "x.worker_id = s.user_id",
        "xb.worker_id = s.user_id",
        "a.worker_id = s.user_id",
        "m.worker_id = s.user_id",
        "b.worker_id = s.user_id",
        "f.worker_id = s.user_id",
    ):
        assert mine in sql, mine
        sql = sql.replace(mine, mine.replace("s.user_id", "p.user_id"))
    return sql


# PostgreSQL: the walk is bounded by its LIMIT :window alone, and the window's end (where
# the next walk goes on when this one does not fill the wave) is read by the same
# statement, only when it is needed: a row of its own after the candidates (end = 1).
# SQLite reads the end first (_RANKED_END) and bounds the walk with it.
_RANKED_PG = (
    "WITH picked AS MATERIALIZED ("
    + _for_postgres(
        _RANKED.replace(" AND (s.score, s.user_id) >= (:to_score, :to_user)", ""),
        "(w.score, w.user_id) < (:from_score, :from_user)",
        "w.score DESC, w.user_id DESC",
    )
    + ") (SELECT user_id, tg_id, score, 0 AS end_row FROM picked"
    " ORDER BY score DESC, user_id DESC)"
    " UNION ALL SELECT e.user_id, NULL, e.score, 1 FROM (SELECT score, user_id FROM worker_stats"
    " WHERE (score, user_id) < (:from_score, :from_user) ORDER BY score DESC, user_id DESC"
    " OFFSET (:window - 1) LIMIT 1) e WHERE (SELECT COUNT(*) FROM picked) < :limit"
)
_RANKED_END = (
    "SELECT score, user_id FROM worker_stats WHERE (score, user_id) < (?, ?)"
    " ORDER BY score DESC, user_id DESC LIMIT 1 OFFSET ?"
)
# Must repeat the partial index's condition (migration 0006) for the index to be used.
_NEWCOMERS = (
    "SELECT s.user_id, u.tg_id, s.score"
    + _CANDIDATES
    + " AND s.approved + s.rejected < 5 AND (s.pushes, s.user_id) <= (:to_pushes, :to_user)"
    " ORDER BY s.pushes, s.user_id LIMIT :limit"
)
# PostgreSQL: bounded by the walk's LIMIT :window alone (no _NEWCOMERS_END first)
_NEWCOMERS_PG = _for_postgres(
    _NEWCOMERS.replace(" AND (s.pushes, s.user_id) <= (:to_pushes, :to_user)", ""),
    "w.approved + w.rejected < 5",
    "w.pushes, w.user_id",
)
_NEWCOMERS_END = (
    "SELECT pushes, user_id FROM worker_stats WHERE approved + rejected < 5"
    " ORDER BY pushes, user_id LIMIT 1 OFFSET ?"
)
# PostgreSQL: a wave's first ranked walk and its newcomers in one statement (first_walks):
# _RANKED_PG's rows (end_row 0 and 1), then the newcomers (end_row 2) whom the walk did not
# pick, as the pushes the walk's picks get would have left them out.
_FIRST_WALKS_PG = (
    _RANKED_PG.replace(
        ") (SELECT user_id, tg_id, score, 0 AS end_row FROM picked",
        "), fresh AS MATERIALIZED ("
        + _NEWCOMERS_PG.replace(
            "SELECT s.user_id, u.tg_id, s.score", "SELECT s.user_id, u.tg_id, s.score, s.pushes", 1
        ).replace(
            " ORDER BY s.pushes, s.user_id LIMIT :limit",
            " AND NOT EXISTS (SELECT 1 FROM picked WHERE picked.user_id = s.user_id)"
            " ORDER BY s.pushes, s.user_id LIMIT :explore",
        )
        + ") (SELECT user_id, tg_id, score, 0 AS end_row FROM picked",
        1,
    )
    + " UNION ALL (SELECT user_id, tg_id, score, 2 FROM fresh ORDER BY pushes, user_id)"
)
# PostgreSQL: a qualification fewer than this many times `window` workers hold is looked
# up in a set of its holders (_candidates)
_HASHED_HOLDERS = 10
TOP = (1e18, 0)  # above every score: a walk from the top
BOTTOM = (-1e18, 0)


@dataclass(frozen=True, slots=True)
class Candidate:
    worker_id: int
    tg_id: int
    score: float


@dataclass(frozen=True, slots=True)
class HitTarget:
    """What the candidate queries need to know about the HIT."""

    hit_id: int
    requester_id: int
    kind: str
    topic: str
    reward_cents: int
    batch_id: int | None = None
    need_s: int = 0  # the time it takes (storage/estimates.py), for /free windows
    # (kind, value, qualification id, comparator) of each requirement; None: read by each
    # query (SQLite)
    requirements: tuple[quals.Terms, ...] | None = None
    # rare_holders(requirements); None: decided by each query
    rare: frozenset[int] | None = None


async def rare_holders(
    conn: Conn, requirements: tuple[quals.Terms, ...], window: int
) -> frozenset[int]:
    """Which of the requirements (their places) is a qualification so few workers hold
    that a walk looks its holders up in a set of them (_candidates): one that must be held
    at some value (at least, the default), that nobody holds by default (not auto-granted)
    and that fewer than `window` workers hold (PostgreSQL: _HASHED_HOLDERS times that).

    A wave decides this once for its walks (HitTarget.rare): each walk counted the holders
    again, up to 20,000 of them on PostgreSQL for a qualification half the workers hold
    (1-12 ms a count in bench_matching under load, 39 at worst)."""
    few = window * _HASHED_HOLDERS if is_postgres(conn) else window
    rare = set()
    for i, (kind, value, qualification_id, comparator) in enumerate(requirements):
        if kind != "qualification" or comparator not in (None, "ge"):
            continue
        holders = await fetch_one(
            conn,
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM worker_qualifications"
            "  WHERE qualification_id = ?1 AND value >= CAST(CAST(?2 AS TEXT) AS INTEGER)"
            "  LIMIT ?3) AS held),"
            " EXISTS (SELECT 1 FROM qualification_types WHERE id = ?1 AND auto_granted = 1)",
            (qualification_id, value, few),
        )
        if holders is not None and holders[0] < few and not holders[1]:
            rare.add(i)
    return frozenset(rare)


async def _candidates(
    conn: Conn, query: str, target: HitTarget, params: dict[str, object], window: int
) -> list[Row]:
    """Run _RANKED or _NEWCOMERS (or their PostgreSQL forms) for the HIT: its rows.

    The HIT's requirements are written into the query (qualifications.met_clause).

    On PostgreSQL they are checked where the walk can check them soonest (_for_postgres):
    every kind but locale reads the worker's worker_stats row (and their grants) only, so
    is checked on the walk's own row before users, worker_prefs and the zone are probed;
    locale, which reads the user's language, in the probe of users, before worker_prefs
    and the zone. A HIT needing a qualification or a language few workers have walked its
    whole window, three probes per worker who then failed the check: the select's tail at
    1,000,000 workers (bench/bench_matching.py --postgres).

    A qualification few workers hold (rare_holders) is also said as "one of its holders"
    (the same condition twice), so the query starts from the holders instead of walking
    `window` workers to find the few who hold it: on SQLite a wave for a rare qualification
    in 0.2 ms instead of 11 (bench/bench_matching.py). A common one keeps the walk, which
    finds its holders at once.
    """
    requirements = target.requirements
    if requirements is None:
        requirements = await quals.requirement_terms(conn, target.hit_id)
    rare = target.rare
    if rare is None:
        rare = await rare_holders(conn, requirements, window)
    postgres = is_postgres(conn)
    if postgres:
        met, more = quals.met_clause(
            requirements, "s.user_id", "u", "s", kinds=lambda kind: kind != "locale"
        )
        spoken, said = quals.met_clause(
            requirements, "lu.id", "lu", "s", kinds=lambda kind: kind == "locale"
        )
        query = query.replace("{spoken}", spoken)
        more.update(said)
    else:
        met, more = quals.met_clause(requirements, "s.user_id", "u", "s")
    for i in sorted(rare):
        held = (
            "s.user_id IN (SELECT wq.worker_id FROM worker_qualifications wq"
            f" WHERE wq.qualification_id = :rq{i}"
            f" AND wq.value >= CAST(CAST(:rv{i} AS TEXT) AS INTEGER))"
        )
        # PostgreSQL: a set of the holders built once per query (a hashed subplan, kept
        # one by IS NOT FALSE) that each walked worker is looked up in first
        met = f"({held}) IS NOT FALSE AND {met}" if postgres else f"{met} AND {held}"
    return list(
        await conn.execute_fetchall(query.replace("{requirements}", met), {**params, **more})
    )


def _params(target: HitTarget, now: float, max_active: int, limit: int) -> dict[str, object]:
    return {
        "hit": target.hit_id,
        "requester": target.requester_id,
        "kind": target.kind,
        "topic": target.topic,
        "reward": target.reward_cents,
        "batch": target.batch_id,
        "need": target.need_s,
        "now": now,
        "utc_min": int(now // 60) % 1440,
        "max_active": max_active,
        "limit": limit,
    }


@dataclass(frozen=True, slots=True)
class Scan:
    """Workers picked by a ranked walk, and where the next walk goes on."""

    picked: list[Candidate]
    resume: tuple[float, int] | None  # None: the walk reached the end; start at the top
    wrapped: bool  # the walk reached the last worker without filling the wave


async def ranked(
    conn: Conn,
    target: HitTarget,
    *,
    now: float,
    max_active: int,
    limit: int,
    after: tuple[float, int] | None = None,
    window: int = 2000,
) -> Scan:
    """The best-scored workers who may get a push for the HIT now, not pushed before.

    Looks at no more than `window` workers, from just below `after` (score, user id).
    """
    start = after or TOP
    if limit <= 0:
        return Scan([], after, False)
    params = _params(target, now, max_active, limit)
    params.update(from_score=start[0], from_user=start[1], window=window)
    if is_postgres(conn):  # the window's end comes last, when the walk did not fill the wave
        return _scan(await _candidates(conn, _RANKED_PG, target, params, window), limit)
    found = await fetch_one(conn, _RANKED_END, (*start, window - 1))
    row = (float(found[0]), int(found[1])) if found else None
    end = row or BOTTOM
    params.update(to_score=end[0], to_user=end[1])
    rows = await _candidates(conn, _RANKED, target, params, window)
    return _scanned([Candidate(r[0], r[1], r[2]) for r in rows], row, limit)


def _scan(rows: list[Row], limit: int) -> Scan:
    """A PostgreSQL walk's Scan from its rows: the picked (end_row 0), then its window's end
    (end_row 1) when it fell short."""
    picked = [Candidate(r[0], r[1], r[2]) for r in rows if r[3] == 0]
    ends = [(float(r[2]), int(r[0])) for r in rows if r[3] == 1]
    return _scanned(picked, ends[0] if ends else None, limit)


def _scanned(picked: list[Candidate], end: tuple[float, int] | None, limit: int) -> Scan:
    if len(picked) == limit:
        return Scan(picked, (picked[-1].score, picked[-1].worker_id), False)
    if end is None:
        return Scan(picked, None, True)
    return Scan(picked, end, False)


async def first_walks(
    conn: Conn,
    target: HitTarget,
    *,
    now: float,
    max_active: int,
    limit: int,
    explore: int,
    after: tuple[float, int] | None = None,
    window: int = 2000,
) -> tuple[Scan, list[Candidate]] | None:
    """PostgreSQL: `ranked` (limit) and `newcomers` (explore) of one wave in one statement,
    the newcomers without the walk's picks (whom their pushes would have left out); None
    on SQLite or when either would look for nobody (call them one after the other, the
    walk's pushes recorded in between). The newcomers' window is the same `window` least
    pushed, counted before the walk's picks were pushed."""
    if not is_postgres(conn) or limit <= 0 or explore <= 0:
        return None
    start = after or TOP
    params = _params(target, now, max_active, limit)
    params.update(from_score=start[0], from_user=start[1], window=window, explore=explore)
    rows = await _candidates(conn, _FIRST_WALKS_PG, target, params, window)
    fresh = [Candidate(r[0], r[1], r[2]) for r in rows if r[3] == 2]
    return _scan(rows, limit), fresh


async def newcomers(
    conn: Conn,
    target: HitTarget,
    *,
    now: float,
    max_active: int,
    limit: int,
    window: int = 2000,
) -> list[Candidate]:
    """New workers (fewer than 5 reviewed) who may get a push, least pushed first.

    Looks at the `window` least-pushed newcomers only; pushing moves them back.
    """
    if limit <= 0:
        return []
    params = _params(target, now, max_active, limit)
    params.update(window=window)
    if is_postgres(conn):  # the walk's LIMIT :window is its bound
        query = _NEWCOMERS_PG
    else:
        row = await fetch_one(conn, _NEWCOMERS_END, (window - 1,))
        params.update(to_pushes=row[0] if row else 1 << 62, to_user=row[1] if row else 0)
        query = _NEWCOMERS
    rows = await _candidates(conn, query, target, params, window)
    return [Candidate(r[0], r[1], r[2]) for r in rows]


async def hit_target(conn: Conn, hit_id: int) -> HitTarget | None:
    row = await fetch_one(
        conn,
        "SELECT h.id, h.requester_id, h.kind, h.topic, h.reward_cents, h.batch_id,"
        f" {ESTIMATE_SQL} FROM hits h WHERE h.id = ?",
        (hit_id,),
    )
    if row is None:
        return None
    return HitTarget(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        math.ceil(row[6]),
        await quals.requirement_terms(conn, hit_id),
    )


async def record_pushes(
    conn: Conn, hit_id: int, wave: int, reason: str, picked: list[Candidate], now: float
) -> None:
    """Remember who got this HIT in this wave, and why."""
    if not picked:
        return
    if is_postgres(conn):  # one statement, its workers' pushes counted once (migration 0027)
        await conn.execute(
            "INSERT INTO pushes (hit_id, worker_id, wave, reason, score, sent_at)"
            " SELECT CAST(? AS BIGINT), p.worker_id, CAST(? AS BIGINT), CAST(? AS TEXT),"
            " p.score, CAST(? AS DOUBLE PRECISION) FROM"
            " unnest(CAST(? AS BIGINT[]), CAST(? AS DOUBLE PRECISION[])) AS p (worker_id, score)",
            (hit_id, wave, reason, now, [c.worker_id for c in picked], [c.score for c in picked]),
        )
        return
    await conn.executemany(
        "INSERT INTO pushes (hit_id, worker_id, wave, reason, score, sent_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(hit_id, c.worker_id, wave, reason, c.score, now) for c in picked],
    )


@dataclass(frozen=True, slots=True)
class WaveState:
    waves: int  # waves sent so far
    silent: int  # waves older than the wait in which nobody accepted
    fresh: int  # pushes still waiting for an answer within the wait


async def wave_state(conn: Conn, hit_id: int, cutoff: float) -> WaveState:
    """Fan-out progress of a HIT; pushes sent at or before `cutoff` are past the wait."""
    row = await fetch_one(
        conn,
        "SELECT COALESCE(MAX(wave), 0), COALESCE(SUM(outcome = 'sent' AND sent_at > ?1), 0),"
        " (SELECT COUNT(*) FROM (SELECT wave FROM pushes WHERE hit_id = ?2 GROUP BY wave"
        "  HAVING MAX(sent_at) <= ?1 AND SUM(outcome = 'accepted') = 0) AS past)"
        " FROM pushes WHERE hit_id = ?2",
        (cutoff, hit_id),
    )
    assert row is not None
    return WaveState(int(row[0]), int(row[2]), int(row[1]))


@dataclass(frozen=True, slots=True)
class WaveFacts:
    """What deciding a HIT's next wave reads, gathered in one query."""

    pushes_paused: bool  # fairwork.pushes_paused
    mode: str  # offers.dispatch: 'race' unless stored
    state: WaveState  # wave_state
    stale_sent: bool  # pushes mark_unanswered would give up on
    resume: tuple[float, int] | None  # resume_point
    tz_bucket: int | None  # tz_bucket
    need_s: int  # hit_target's need_s: the estimate, else the time allotted
    # quals.requirement_terms, read with the facts on PostgreSQL (None: read them apart)
    terms: tuple[quals.Terms, ...] | None = None


# PostgreSQL: the HIT's requirements as quals.requirement_terms reads them, one JSON list.
_TERMS = (
    ", (SELECT json_agg(json_build_array(kind, value, qualification_id, comparator)"
    " ORDER BY id) FROM hit_requirements WHERE hit_id = ?1)"
)


# A HIT's wave facts (wave_facts); ?1 is the HIT's id, ?2 the cutoff.
_FACTS = (
    "SELECT h.pushes_paused, COALESCE(d.mode, 'race'), w.cursor_score, w.cursor_user,"
    " (SELECT MIN(bucket) FROM tz_offsets),"
    " (SELECT COALESCE(MAX(wave), 0) FROM pushes WHERE hit_id = ?1),"
    " (SELECT COUNT(*) FROM (SELECT wave FROM pushes WHERE hit_id = ?1 GROUP BY wave"
    "  HAVING MAX(sent_at) <= ?2 AND SUM(outcome = 'accepted') = 0) AS past),"
    " (SELECT COUNT(*) FROM pushes WHERE hit_id = ?1 AND outcome = 'sent' AND sent_at > ?2),"
    " EXISTS (SELECT 1 FROM pushes WHERE hit_id = ?1 AND outcome = 'sent' AND sent_at <= ?2),"
    " {estimate}{terms}"
    " FROM hits h LEFT JOIN hit_dispatch d ON d.hit_id = h.id"
    " LEFT JOIN hit_waves w ON w.hit_id = h.id WHERE h.id = ?1"
)
_FACTS_SQLITE = _FACTS.format(estimate=ESTIMATE_SQL, terms="")
_FACTS_PG = _FACTS.format(estimate=ESTIMATE_SQL, terms=_TERMS)
_FACTS_WIDTH = 11  # the columns of _FACTS_PG
# PostgreSQL: the facts of several HITs at once (?2, their ids), each as above with the
# cutoff as ?1, followed by the HIT's own columns.
_FACTS_OF_PG = (
    f"SELECT f.*, {hit_columns('hit_')}"
    " FROM unnest(CAST(?2 AS BIGINT[])) WITH ORDINALITY AS x (id, n)"
    " JOIN hits h ON h.id = x.id CROSS JOIN LATERAL"
    f" ({_FACTS_PG.replace('?1', 'x.id').replace('?2', '?1')}) AS f ORDER BY x.n"
)


async def wave_facts(conn: Conn, hit_id: int, cutoff: float) -> WaveFacts | None:
    """pushes_paused, dispatch, wave_state, resume_point, tz_bucket and the HIT's need_s
    (hit_target) in one round trip; on PostgreSQL the HIT's requirement terms too.

    The state is the same before or after mark_unanswered: that only turns pushes sent at
    or before `cutoff` from 'sent' to 'unanswered', which no count here depends on.
    """
    postgres = is_postgres(conn)
    row = await fetch_one(conn, _FACTS_PG if postgres else _FACTS_SQLITE, (hit_id, cutoff))
    return None if row is None else _facts_at(row, postgres)


async def wave_facts_of(
    conn: Conn, hit_ids: list[int], cutoff: float
) -> list[tuple[Hit, WaveFacts]]:
    """Each HIT that exists with its wave_facts, in the order of `hit_ids`: on PostgreSQL
    in one round trip."""
    if not is_postgres(conn):
        by_id = {hit.id: hit for hit in await hits.get_many(conn, hit_ids)}
        found = []
        for hit_id in hit_ids:
            facts = await wave_facts(conn, hit_id, cutoff) if hit_id in by_id else None
            if facts is not None:
                found.append((by_id[hit_id], facts))
        return found
    rows = await fetch_all(conn, _FACTS_OF_PG, (cutoff, hit_ids))
    return [(hit_at(tuple(row)[_FACTS_WIDTH:]), _facts_at(row, True)) for row in rows]


def _facts_at(row: Row, postgres: bool) -> WaveFacts:
    terms = None
    if postgres:
        listed = json.loads(row[10]) if row[10] is not None else []
        terms = tuple((str(t[0]), str(t[1]), t[2], t[3]) for t in listed)
    return WaveFacts(
        pushes_paused=row[0] == 1,
        mode=str(row[1]),
        state=WaveState(int(row[5]), int(row[6]), int(row[7])),
        stale_sent=bool(row[8]),
        resume=(float(row[2]), int(row[3])) if row[2] is not None else None,
        tz_bucket=int(row[4]) if row[4] is not None else None,
        need_s=math.ceil(row[9]),
        terms=terms,
    )


async def mark_unanswered(conn: Conn, hit_id: int, cutoff: float) -> int:
    """Pushes sent at or before `cutoff` and still unanswered are given up on."""
    cur = await conn.execute(
        "UPDATE pushes SET outcome = 'unanswered'"
        " WHERE hit_id = ? AND outcome = 'sent' AND sent_at <= ?",
        (hit_id, cutoff),
    )
    return cur.rowcount


# Where a HIT's waves stand: rows of (hit_id, waves, last_wave_at, exhausted_at,
# cursor_score, cursor_user), given by the SELECT or VALUES that follows.
_NOTE = (
    "INSERT INTO hit_waves (hit_id, waves, last_wave_at, exhausted_at, cursor_score, cursor_user)"
)
_NOTED = (
    " ON CONFLICT (hit_id) DO UPDATE SET waves = excluded.waves,"
    " last_wave_at = excluded.last_wave_at, exhausted_at = excluded.exhausted_at,"
    " cursor_score = excluded.cursor_score, cursor_user = excluded.cursor_user"
)


@dataclass(frozen=True, slots=True)
class WaveNote:
    """A wave to record (note_wave): its HIT, the waves sent so far, when, whether it ran
    out of workers, and where the next walk goes on."""

    hit_id: int
    waves: int
    now: float
    exhausted: bool
    resume: tuple[float, int] | None

    def row(self) -> tuple[object, ...]:
        return (
            self.hit_id,
            self.waves,
            self.now,
            self.now if self.exhausted else None,
            self.resume[0] if self.resume else None,
            self.resume[1] if self.resume else None,
        )


async def note_wave(
    conn: Conn,
    hit_id: int,
    waves: int,
    now: float,
    exhausted: bool,
    resume: tuple[float, int] | None,
) -> None:
    """Record a wave: its number, whether it ran out of workers, where the next goes on."""
    note = WaveNote(hit_id, waves, now, exhausted, resume)
    await conn.execute(f"{_NOTE} VALUES (?, ?, ?, ?, ?, ?){_NOTED}", note.row())


async def note_waves(conn: Conn, notes: list[WaveNote]) -> None:
    """note_wave for each, on PostgreSQL in one statement."""
    if not notes or not is_postgres(conn):
        for note in notes:
            await note_wave(conn, note.hit_id, note.waves, note.now, note.exhausted, note.resume)
        return
    columns = list(zip(*(note.row() for note in notes), strict=True))
    await conn.execute(
        f"{_NOTE} SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[]),"
        " CAST(? AS DOUBLE PRECISION[]), CAST(? AS DOUBLE PRECISION[]),"
        f" CAST(? AS DOUBLE PRECISION[]), CAST(? AS BIGINT[])){_NOTED}",
        [list(column) for column in columns],
    )


async def resume_point(conn: Conn, hit_id: int) -> tuple[float, int] | None:
    """Where the HIT's next ranked walk starts (None: from the top)."""
    row = await fetch_one(
        conn, "SELECT cursor_score, cursor_user FROM hit_waves WHERE hit_id = ?", (hit_id,)
    )
    if row is None or row[0] is None:
        return None
    return float(row[0]), int(row[1])


async def hits_wanting_waves(conn: Conn, now: float, retry_exhausted_before: float) -> list[int]:
    """Open HITs with free slots, except those that recently ran out of workers.

    A batch is pushed as one card (its first open item), like batch publishing does, so
    of each batch only the lowest open item with free slots wants waves.
    """
    async with conn.execute(
        "SELECT h.id FROM hits h LEFT JOIN hit_waves w ON w.hit_id = h.id"
        " WHERE h.status = 'open' AND h.slots_used < h.max_assignments AND h.expires_at > ?1"
        " AND (w.exhausted_at IS NULL OR w.exhausted_at <= ?2)"
        " AND (h.batch_id IS NULL OR h.id = (SELECT MIN(b.id) FROM hits b"
        "  WHERE b.batch_id = h.batch_id AND b.status = 'open'"
        "  AND b.slots_used < b.max_assignments AND b.expires_at > ?1))"
        " ORDER BY h.published_at, h.id",
        (now, retry_exhausted_before),
    ) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def mark_skipped(conn: Conn, hit_id: int, worker_id: int, now: float) -> bool:
    return await changed_one(
        conn,
        "UPDATE pushes SET outcome = 'skipped', answered_at = ?"
        " WHERE hit_id = ? AND worker_id = ? AND outcome IN ('sent', 'unanswered')",
        (now, hit_id, worker_id),
    )


_PUSH_COLUMNS = "hit_id, worker_id, wave, reason, score, sent_at, outcome"


async def push(conn: Conn, hit_id: int, worker_id: int) -> PushRecord | None:
    """The push of this HIT to this worker, if there was one."""
    async with conn.execute(
        f"SELECT {_PUSH_COLUMNS} FROM pushes WHERE hit_id = ? AND worker_id = ?",
        (hit_id, worker_id),
    ) as cur:
        row = await cur.fetchone()
    return PushRecord(*row) if row else None


async def pushes_of(conn: Conn, hit_id: int) -> list[PushRecord]:
    """Every push of a HIT, in order."""
    async with conn.execute(
        f"SELECT {_PUSH_COLUMNS} FROM pushes WHERE hit_id = ? ORDER BY wave, sent_at, worker_id",
        (hit_id,),
    ) as cur:
        return [PushRecord(*row) for row in await cur.fetchall()]


async def latest_push(conn: Conn, worker_id: int) -> PushRecord | None:
    """The most recent push to this worker."""
    async with conn.execute(
        f"SELECT {_PUSH_COLUMNS} FROM pushes WHERE worker_id = ?"
        " ORDER BY sent_at DESC, hit_id DESC LIMIT 1",
        (worker_id,),
    ) as cur:
        row = await cur.fetchone()
    return PushRecord(*row) if row else None


async def pushed_hit_of_message(conn: Conn, chat_id: int, message_id: int) -> int | None:
    """The HIT a sent push message was about."""
    async with conn.execute(
        "SELECT payload FROM outbox WHERE chat_id = ? AND message_id = ? AND kind = 'push'",
        (chat_id, message_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    hit_id = json.loads(row[0]).get("hit_id")
    return int(hit_id) if hit_id is not None else None


async def prefs(conn: Conn, worker_id: int) -> MatchPrefs:
    """The worker's preferences as matching reads them (defaults when never set)."""
    async with conn.execute(
        "SELECT p.kinds, p.topics, p.min_reward_cents, p.quiet_start, p.quiet_end,"
        f" p.notifications, u.timezone, u.language, {WORKER_LANGUAGES} FROM users u"
        " LEFT JOIN worker_prefs p ON p.user_id = u.id WHERE u.id = ?",
        (worker_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return MatchPrefs()
    if row[0] is None:
        return MatchPrefs(timezone=row[6], language=row[7], task_languages=_codes(row[8]))
    return MatchPrefs(
        kinds=tuple(k for k in row[0].replace(" ", "").split(",") if k),
        topics=tuple(t.strip() for t in row[1].split(",") if t.strip()),
        min_reward_cents=row[2],
        quiet_start=row[3],
        quiet_end=row[4],
        notifications=bool(row[5]),
        timezone=row[6],
        language=row[7],
        task_languages=_codes(row[8]),
    )


def _codes(languages: str) -> tuple[str, ...]:
    """Task languages as stored: "es,en" -> ("es", "en")."""
    return tuple(dict.fromkeys(code.strip() for code in languages.split(",") if code.strip()))


async def tz_bucket(conn: Conn) -> int | None:
    """The quarter hour the stored time zone offsets were computed for."""
    row = await fetch_one(conn, "SELECT MIN(bucket) FROM tz_offsets")
    return int(row[0]) if row and row[0] is not None else None


async def set_tz_offsets(conn: Conn, offsets: list[tuple[str, int]], bucket: int) -> None:
    """Store each zone's UTC offset in minutes for this quarter hour (PostgreSQL: the ~600
    zones in one statement of unnested arrays instead of a statement per zone, 6-24 ms at
    load 5, a wave's tail in bench_matching whose clock moves a quarter hour every 6 waves)."""
    if is_postgres(conn):
        await conn.execute(
            "INSERT INTO tz_offsets (name, offset_min, bucket)"
            " SELECT z.name, z.offset_min, CAST(? AS BIGINT)"
            " FROM unnest(CAST(? AS TEXT[]), CAST(? AS BIGINT[])) AS z (name, offset_min)"
            " ON CONFLICT (name) DO UPDATE SET offset_min = excluded.offset_min,"
            " bucket = excluded.bucket",
            (bucket, [name for name, _ in offsets], [minutes for _, minutes in offsets]),
        )
        return
    await conn.executemany(
        "INSERT INTO tz_offsets (name, offset_min, bucket) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET offset_min = excluded.offset_min,"
        " bucket = excluded.bucket",
        [(name, minutes, bucket) for name, minutes in offsets],
    )
