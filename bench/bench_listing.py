"""Benchmark: a worker's /hits page and /next over many open HITs.

10,000 open HITs of 50 requesters (varied kinds, topics, rewards, 1-6 questions, some
with submitted work so the time estimate comes from real durations, some with
requirements), 2,000 workers with preferences, mutes and past assignments. Two timed
loops of fixed duration over random workers:
  page   one /hits page (count + 5 rows, sorted by reward per minute, random kind filter)
  next   /next (the single best HIT)
Target: p95 <= 50 ms. Run: .venv/bin/python bench/bench_listing.py [--hits N]
On PostgreSQL: ... bench/bench_listing.py --hits 1000000 --postgres postgresql://... (a
server the bench may create a throwaway database on; see bench/pg.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.bench_matching import executemany_sliced
from bench.lagprobe import LagProbe
from bench.pg import bench_database
from bot.domain import HitKind, HitSort
from storage import listing
from storage.db import Database, is_postgres

TARGET_MS = 50.0
SECONDS = 3.0
NOW = 1_800_000_000.0
WORKERS = 2_000
REQUESTERS = 50


async def populate(db: Database, n_hits: int, rng: random.Random) -> None:
    """Bulk-insert users, prefs, mutes, open HITs with questions, and past assignments."""
    async with db.transaction() as conn:
        await executemany_sliced(
            conn,
            "INSERT INTO users (tg_id, alias, first_name, created_at) VALUES (?, ?, 'U', ?)",
            [(10_000 + i, f"W-{i:06d}", NOW) for i in range(WORKERS + REQUESTERS)],
        )
        kinds = ["poll,survey,tag", "poll", "survey,tag", "tag"]
        await executemany_sliced(
            conn,
            "INSERT INTO worker_prefs (user_id, kinds, topics, min_reward_cents, onboarded)"
            " VALUES (?, ?, ?, ?, 1)",
            [
                (i, rng.choice(kinds), rng.choice(["", "", "images", "opinion,images"]),
                 rng.choice([0, 0, 2, 5]))
                for i in range(1, WORKERS + 1)
            ],
        )  # fmt: skip
        await executemany_sliced(
            conn,
            "INSERT INTO mutes (worker_id, requester_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(rng.randint(1, WORKERS), WORKERS + rng.randint(1, REQUESTERS), NOW)
             for _ in range(WORKERS)],
        )  # fmt: skip
        topics = ["", "", "images", "opinion", "language"]
        await executemany_sliced(
            conn,
            "INSERT INTO hits (requester_id, kind, title, reward_cents, max_assignments,"
            " time_allotted_s, lifetime_s, auto_approve_s, status, slots_used, created_at,"
            " published_at, expires_at, topic) VALUES (?, ?, ?, ?, ?, ?, 86400, 86400, 'open',"
            " ?, ?, ?, ?, ?)",
            [
                (WORKERS + rng.randint(1, REQUESTERS), rng.choice(list(HitKind)).value,
                 f"HIT {i}", rng.randint(1, 100), 10, rng.choice([60, 300, 900]),
                 rng.randint(0, 9), NOW - i, NOW - i, NOW + 86400, rng.choice(topics))
                for i in range(n_hits)
            ],
        )  # fmt: skip
        await executemany_sliced(
            conn,
            "INSERT INTO questions (hit_id, position, kind, prompt) VALUES (?, ?, ?, 'Q')",
            [
                (h, p, rng.choice(["single", "text", "rating"]))
                for h in range(1, n_hits + 1)
                for p in range(rng.randint(1, 6))
            ],
        )
        await executemany_sliced(
            conn,
            "INSERT INTO assignments (hit_id, worker_id, status, accepted_at,"
            " deadline_at, submitted_at) VALUES (?, ?, 'submitted', ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [
                (rng.randint(1, n_hits), rng.randint(1, WORKERS), NOW - 600, NOW, NOW - 600 + t)
                for t in (rng.uniform(20, 300) for _ in range(n_hits * 2))
            ],
            # PostgreSQL: each row also runs worker_stats' row trigger; 50,000 of them in
            # one statement outlasted the 60 s command timeout at load 5 (1,000,000 HITs)
            size=5_000,
        )
        await executemany_sliced(
            conn,
            "INSERT INTO hit_requirements (hit_id, kind, value) VALUES (?, 'approval_rate', '90')",
            [(h,) for h in rng.sample(range(1, n_hits + 1), n_hits // 20)],
        )
    async with db.reading() as conn:  # PostgreSQL: the statistics autovacuum would leave
        if is_postgres(conn):
            await conn.execute("VACUUM ANALYZE")


async def timed(name: str, call: Callable[[], Awaitable[object]], seconds: float) -> list[float]:
    """Run `call()` repeatedly for `seconds`; print rate, p50, p95 and the target ratio."""
    samples: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    # (at 1,000,000 open HITs a page may take longer than the loop: one sample)
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    print(
        f"{name:5s} {len(samples) / seconds:8.1f}/s  p50 {statistics.median(samples):6.2f} ms"
        f"  p95 {p95:6.2f} ms  target {TARGET_MS:.0f} ms  ratio {p95 / TARGET_MS:4.2f}"
    )
    return samples


async def main(n_hits: int, postgres: str | None) -> None:
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as tmp:
        async with bench_database(postgres, Path(tmp), "listing") as target:
            await _run(target, n_hits, rng)


async def _run(target: str, n_hits: int, rng: random.Random) -> None:
    db = Database(target)
    await db.open()
    print(f"database: {'PostgreSQL' if db.is_postgres else 'SQLite'}")
    started = time.perf_counter()
    await populate(db, n_hits, rng)
    print(f"populated in {time.perf_counter() - started:.1f} s")

    async def page() -> None:
        worker = rng.randint(1, WORKERS)
        kind = rng.choice([None, None, HitKind.POLL, HitKind.TAG])
        async with db.reading() as conn:
            await listing.count_visible(conn, worker, NOW, kind=kind)
            await listing.visible_hits(
                conn, worker, NOW, kind=kind, sort=HitSort.PER_MINUTE, limit=5
            )

    async def best() -> None:
        async with db.reading() as conn:
            await listing.visible_hits(conn, rng.randint(1, WORKERS), NOW, limit=1)

    print(f"{n_hits} open HITs, {WORKERS} workers")
    probe = LagProbe()
    probe.start()
    await timed("page", page, SECONDS)
    await timed("next", best, SECONDS)
    await probe.stop()
    print(probe.line())
    await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hits", type=int, default=10_000)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (bench/pg.py)")
    args = parser.parse_args()
    asyncio.run(main(args.hits, args.postgres))
