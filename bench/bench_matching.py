"""Benchmark: choose the next wave of push recipients for a HIT among 100,000 workers.

Workers have varied languages, time zones, quiet hours (some across midnight), task
kinds, topics, minimum rewards, notification switches, records (approval, pushes, gold),
custom qualifications, mutes and blocks; HITs have varied kinds, topics, rewards and
requirements (none, approval rate, approved count, locale, a rare or a common custom
qualification, combinations). All inserted with bulk SQL.

Two timed loops of fixed duration:
  select  the SQL that picks a wave (ranked + newcomers) for a random HIT, 3 x remaining
  wave    the whole push_wave() use-case: pick, record pushes, queue outbox rows, commit;
          time moves on between calls so HITs widen wave after wave
Target: p95 <= 50 ms. Run: .venv/bin/python bench/bench_matching.py [--workers N]
On PostgreSQL: ... bench/bench_matching.py --workers 1000000 --postgres postgresql://...
(a server the bench may create a throwaway database on; see bench/pg.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from bench.lagprobe import LagProbe
from bench.pg import bench_database
from bot.matching.fanout import FanOut, explore_count, wave_size
from bot.matching.waves import push_wave, refresh_zones
from storage import hits
from storage import matching as store
from storage.db import Conn, Database, fetch_value, is_postgres

TARGET_MS = 50.0
SECONDS = 5.0
NOW = 1_800_000_000.0
ZONES = [
    "UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
    "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos",
    "Asia/Kathmandu", "Pacific/Auckland", "America/Mexico_City", "Europe/Madrid", "Asia/Manila",
]  # fmt: skip
LANGS = ["en"] * 12 + ["de", "de", "es", "es", "pt-br", "fr", "hi", "ja"]
KINDS = ["poll,survey,tag", "poll", "survey", "tag", "poll,tag", "poll,survey"]
TOPICS = [""] * 6 + ["animals", "images", "news,politics", "shopping", "animals,images"]


async def executemany_sliced(
    conn: Conn, sql: str, rows: Iterable[Sequence[object]], size: int = 50_000
) -> None:
    """executemany in slices of `size` rows: one statement of a million rows outlasts the
    pool's 60 s command timeout on a loaded machine (PostgreSQL)."""
    batch: list[Sequence[object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            await conn.executemany(sql, [tuple(r) for r in batch])
            batch = []
    if batch:
        await conn.executemany(sql, [tuple(r) for r in batch])


async def populate(db: Database, workers: int, rng: random.Random) -> list[int]:
    """Bulk-insert workers, records, prefs, qualifications, mutes, blocks and open HITs."""
    async with db.transaction() as conn:

        def rnd(n: int) -> str:  # a random whole number in [0, n), in SQL
            if is_postgres(conn):
                return f"CAST(floor(random() * {n}) AS BIGINT)"
            return f"abs(random()) % {n}"

        await executemany_sliced(
            conn,
            "INSERT INTO users (tg_id, alias, first_name, language, timezone, is_worker,"
            " is_requester, active, created_at) VALUES (?, ?, 'W', ?, ?, 1, 0, ?, ?)",
            [
                (
                    10_000_000 + i,
                    f"W-{i:06d}",
                    rng.choice(LANGS),
                    rng.choice(ZONES),
                    int(rng.random() > 0.03),
                    NOW - rng.uniform(0, 200 * 86400),
                )
                for i in range(workers)
            ],
        )
        await executemany_sliced(
            conn,
            "INSERT INTO users (tg_id, alias, first_name, is_worker, is_requester, created_at)"
            " VALUES (?, ?, 'R', 0, 1, ?)",
            [(20_000_000 + i, f"R-{i:04d}", NOW) for i in range(50)],
        )
        async with conn.execute("SELECT id FROM users WHERE is_requester = 1") as cur:
            requesters = [r[0] for r in await cur.fetchall()]
        # records: most have some history, a fifth are brand new
        await conn.execute(
            "UPDATE worker_stats SET"
            f" approved = CASE WHEN {rnd(5)} = 0 THEN 0 ELSE {rnd(300)} END,"
            f" rejected = {rnd(12)}, pushes = {rnd(400)},"
            f" gold_answered = {rnd(50)}, last_active_at = ? - {rnd(2592000)}"
            " WHERE user_id IN (SELECT id FROM users WHERE is_worker = 1)",
            (NOW,),
        )
        await conn.execute(
            f"UPDATE worker_stats SET rejected = 0, pushes = {rnd(3)}"
            f" WHERE approved = 0 AND {rnd(2)} = 0"
        )
        await conn.execute(
            f"UPDATE worker_stats SET pushes_taken = pushes * ({rnd(100)}) / 100,"
            f" gold_correct = gold_answered * (50 + {rnd(51)}) / 100"
        )
        prefs: list[tuple[int, str, str, int, int | None, int | None, int]] = []
        for worker_id in range(1, workers + 1):
            if rng.random() < 0.25:  # took the setup's defaults
                prefs.append((worker_id, "poll,survey,tag", "", 0, None, None, 1))
                continue
            quiet = rng.random() < 0.4
            start = rng.choice([22 * 60, 23 * 60, 21 * 60 + 30, 13 * 60]) if quiet else None
            end = rng.choice([7 * 60, 8 * 60, 6 * 60 + 30, 14 * 60]) if quiet else None
            prefs.append(
                (
                    worker_id,
                    rng.choice(KINDS),
                    rng.choice(TOPICS),
                    rng.choice([0, 0, 0, 1, 2, 5, 10, 25]),
                    start,
                    end,
                    int(rng.random() > 0.05),
                )
            )
        await executemany_sliced(
            conn,
            "INSERT INTO worker_prefs (user_id, kinds, topics, min_reward_cents, quiet_start,"
            " quiet_end, notifications, onboarded) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            prefs,
        )
        quals = []
        for n, share in enumerate([0.003, 0.02, 0.1, 0.5]):
            qual = await fetch_value(
                conn,
                "INSERT INTO qualification_types (requester_id, name, created_at)"
                " VALUES (?, ?, ?) RETURNING id",
                (requesters[n], f"Q{n}", NOW),
            )
            quals.append(qual)
            holders = rng.sample(range(1, workers + 1), int(workers * share))
            await executemany_sliced(
                conn,
                "INSERT INTO worker_qualifications (worker_id, qualification_id, value,"
                " granted_at) VALUES (?, ?, ?, ?)",
                [(w, qual, rng.randint(1, 3), NOW) for w in holders],
            )
        await executemany_sliced(
            conn,
            "INSERT INTO mutes (worker_id, requester_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(rng.randint(1, workers), rng.choice(requesters), NOW) for _ in range(workers // 5)],
        )
        await executemany_sliced(
            conn,
            "INSERT INTO blocks (requester_id, worker_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(rng.choice(requesters), rng.randint(1, workers), NOW) for _ in range(workers // 20)],
        )
        requirement_sets: list[list[tuple[str, str, int | None]]] = [
            [],
            [],
            [("approval_rate", "95", None)],
            [("approved_count", "10", None)],
            [("approval_rate", "98", None), ("approved_count", "100", None)],
            [("locale", "de", None)],
            [("locale", "pt", None)],
            [("qualification", "1", quals[0])],
            [("qualification", "2", quals[1])],
            [("qualification", "1", quals[3]), ("approval_rate", "90", None)],
        ]
        hit_ids = []
        for n in range(200):
            new_id = await fetch_value(
                conn,
                "INSERT INTO hits (requester_id, kind, title, reward_cents, max_assignments,"
                " time_allotted_s, lifetime_s, auto_approve_s, status, created_at, published_at,"
                " expires_at, topic) VALUES (?, ?, ?, ?, ?, 300, 86400, 86400, 'open', ?, ?, ?, ?)"
                " RETURNING id",
                (
                    rng.choice(requesters),
                    rng.choice(["poll", "survey", "tag"]),
                    f"HIT {n}",
                    rng.choice([1, 2, 5, 10, 20, 50]),
                    rng.choice([1, 3, 5, 10, 30, 66]),
                    NOW,
                    NOW,
                    NOW + 30 * 86400,
                    rng.choice(["", "", "", "animals", "images", "news", "shopping"]),
                ),
            )
            assert new_id is not None
            hit_ids.append(new_id)
            for kind, value, required in requirement_sets[n % len(requirement_sets)]:
                await conn.execute(
                    "INSERT INTO hit_requirements (hit_id, kind, qualification_id, value)"
                    " VALUES (?, ?, ?, ?)",
                    (new_id, kind, required, value),
                )
        await push_history(conn, requesters[0], workers)
        await refresh_zones(conn, NOW)
    async with db.reading() as conn:
        # PostgreSQL: the bulk UPDATEs above left a dead version of every worker_stats row
        # (its indexes three times their size) until autovacuum comes by; a deployment's
        # steady state has had it, so the bench starts from there.
        await conn.execute("VACUUM ANALYZE" if is_postgres(conn) else "ANALYZE")
    return hit_ids


async def push_history(conn: Conn, requester_id: int, workers: int) -> None:
    """Two past pushes per worker, of closed HITs: a marketplace whose workers have push
    records has a pushes table to match. Without it the table was empty when the
    statistics were taken, and PostgreSQL kept the plan it cached then (the select loop
    runs each query many times before the waves) for the whole run: every candidate's
    "was pushed this HIT" probe a scan of the whole table, growing with each wave (a
    wave's walk 100-200 ms where it takes 5, the wave's p95)."""
    past = max(2, min(500, workers // 200))
    first = None
    for n in range(past):
        new_id = await fetch_value(
            conn,
            "INSERT INTO hits (requester_id, kind, title, reward_cents, max_assignments,"
            " time_allotted_s, lifetime_s, auto_approve_s, status, created_at, published_at,"
            " expires_at) VALUES (?, 'poll', ?, 5, 10, 300, 86400, 86400, 'closed', ?, ?, ?)"
            " RETURNING id",
            (requester_id, f"Past HIT {n}", NOW - 40 * 86400, NOW - 40 * 86400, NOW - 39 * 86400),
        )
        first = new_id if first is None else first
    for shift in (0, 1):  # a worker's two pushes are of two different HITs
        await conn.execute(
            "INSERT INTO pushes (hit_id, worker_id, wave, reason, score, sent_at, outcome)"
            " SELECT ? + (u.id + ?) % ?, u.id, 1, 'ranked', 50.0, ?, 'unanswered'"
            " FROM users u WHERE u.is_worker = 1",
            (first, shift, past, NOW - 40 * 86400),
        )


def report(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p50 = statistics.median(ms)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(
        f"{name:>7}: {len(ms) / sum(samples):8.1f}/s over {len(ms)} runs;"
        f" p50 {p50:6.2f} ms, p95 {p95:6.2f} ms, max {ms[-1]:6.2f} ms;"
        f" target p95 <= {TARGET_MS:.0f} ms -> ratio {p95 / TARGET_MS:.2f}"
        f" ({'OK' if p95 <= TARGET_MS else 'MISSED'})"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (bench/pg.py)")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        async with bench_database(args.postgres, Path(tmp), "matching") as target:
            await _run(args, rng, target)


async def _run(args: argparse.Namespace, rng: random.Random, target: str) -> None:
    db = Database(target)
    await db.open()
    print(f"database: {'PostgreSQL' if db.is_postgres else 'SQLite'}")
    started = time.perf_counter()
    hit_ids = await populate(db, args.workers, rng)
    print(
        f"populated {args.workers:,} workers, {len(hit_ids)} open HITs"
        f" in {time.perf_counter() - started:.1f} s"
    )
    policy = FanOut()
    probe = LagProbe()
    probe.start()

    selects: list[float] = []
    picked = 0
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline:
        async with db.reading() as conn:
            picked_hit = await store.hit_target(conn, rng.choice(hit_ids))
            assert picked_hit is not None
            size = wave_size(policy, rng.choice([1, 3, 5, 10, 30, 66]), 0)
            explore = explore_count(size, policy.explore_share)
            began = time.perf_counter()
            scan = await store.ranked(conn, picked_hit, now=NOW, max_active=3, limit=size - explore)
            fresh = await store.newcomers(conn, picked_hit, now=NOW, max_active=3, limit=explore)
            selects.append(time.perf_counter() - began)
            picked += len(scan.picked) + len(fresh)
    report("select", selects)
    print(f"         {picked / len(selects):.1f} workers picked per wave on average")

    waves: list[float] = []
    now = NOW
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline:
        now += policy.wait_s / 4
        hit_id = rng.choice(hit_ids)
        began = time.perf_counter()
        async with db.transaction() as conn:
            hit = await hits.get(conn, hit_id)
            assert hit is not None
            await push_wave(conn, hit, policy, now, 3)
        waves.append(time.perf_counter() - began)
    report("wave", waves)
    await probe.stop()
    print(probe.line())
    async with db.reading() as conn:
        async with conn.execute("SELECT COUNT(*), MAX(wave) FROM pushes") as cur:
            row = await cur.fetchone()
    assert row is not None
    print(f"         {row[0]:,} pushes recorded, up to wave {row[1]} for one HIT")
    await db.close()


if __name__ == "__main__":
    asyncio.run(main())
