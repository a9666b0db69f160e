"""The bot's longest event-loop stall while a requester reads `/results` of a 5,000-item
batch and exports it as CSV.

Uploads stop at 500 items (MAX_BATCH_ROWS), so the batch is built in two steps: a real one
of ITEMS_UPLOADED items goes through the bot (upload, labels, terms, Publish, every worker
tagging every item), then SQL copies its items, their questions and the workers' answers
until the batch has --items items, each answered by every worker (a tenth of them gold).
Then, measured one at a time by the probe of bench/lagprobe.py: `/results b<id>` and the
Export CSV button, each from the requester's message to the bot's last answer.

Target (issue 25): the longest stall <= 100 ms.
Run: .venv/bin/python -m bench.bench_results [--items 5000] [--workers 3] [--rounds 3]
[--postgres postgresql://...] (a server the bench may create a throwaway database on)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.auxil

from bench.lagprobe import LagProbe, report_stalls  # noqa: E402
from bench.pg import bench_database  # noqa: E402
from bot.demo.stage import Actor, Stage  # noqa: E402
from storage.db import Conn, fetch_all, fetch_value, is_postgres  # noqa: E402
from tests.auxil.people import funded_requester, workers  # noqa: E402
from tests.auxil.posting import upload  # noqa: E402
from tests.auxil.screens import number_after  # noqa: E402
from tests.auxil.stages import open_unlimited_stage  # noqa: E402

ITEMS_UPLOADED = 10
LABELS = ("cat", "dog")


def items_csv() -> bytes:
    rows = ["text,gold"] + [
        f"Photo {n:05d} of an animal,{LABELS[n % 2] if n % 10 == 0 else ''}"
        for n in range(ITEMS_UPLOADED)
    ]
    return ("\n".join(rows) + "\n").encode()


async def real_batch(stage: Stage, rita: Actor, crowd: list[Actor]) -> int:
    """A batch made and answered through the bot, as users do; its id."""
    await rita.send("/newbatch")
    await upload(stage, rita, "animals.csv", items_csv())
    assert "items read" in rita.last_text(), rita.last_text()
    await rita.send(" | ".join(LABELS))
    await rita.send(f"Which animal? ; reward=0.01 n={len(crowd)} time=10m")
    batch_id = number_after("batch #", rita.last_text())
    await rita.press("Publish")
    assert "Published batch" in rita.last_text(), rita.last_text()
    for n, worker in enumerate(crowd):
        await worker.send(f"/start batch_{batch_id}")
        await worker.press("Accept")
        for tap in range(ITEMS_UPLOADED):
            await worker.press(LABELS[(n + tap) % 3 % 2])
        assert "Submitted" in worker.last_text(), worker.last_text()
    return batch_id


async def columns(conn: Conn, table: str, *leave_out: str) -> list[str]:
    if is_postgres(conn):  # stored columns only (a generated one cannot be inserted)
        rows = await fetch_all(
            conn,
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
            " AND table_schema = current_schema() AND is_generated = 'NEVER'"
            " ORDER BY ordinal_position",
            (table,),
        )
        names = [str(row[0]) for row in rows]
    else:
        names = [str(row[1]) for row in await fetch_all(conn, f"PRAGMA table_info({table})")]
    return [name for name in names if name not in ("id", *leave_out)]


async def grow(conn: Conn, batch_id: int, items: int) -> None:
    """Copy the batch's first item (HIT, question, answers) until it has `items` items
    (answers and golds are stored as the label's position)."""
    template = await fetch_value(conn, "SELECT MIN(id) FROM hits WHERE batch_id = ?", (batch_id,))
    hit_cols = ", ".join(await columns(conn, "hits"))
    question_cols = await columns(conn, "questions", "hit_id", "item", "gold")
    assignment_cols = await columns(conn, "assignments", "hit_id")
    made = await fetch_value(conn, "SELECT COUNT(*) FROM hits WHERE batch_id = ?", (batch_id,))
    for n in range(made, items):
        hit_id = await fetch_value(
            conn,
            f"INSERT INTO hits ({hit_cols}) SELECT {hit_cols} FROM hits WHERE id = ? RETURNING id",
            (template,),
        )
        qcols = ", ".join(question_cols)
        question_id = await fetch_value(
            conn,
            f"INSERT INTO questions (hit_id, item, gold, {qcols}) SELECT ?, ?, ?, {qcols}"
            " FROM questions WHERE hit_id = ? RETURNING id",
            (hit_id, f"Photo {n:05d} of an animal", str(n % 2) if n % 10 == 0 else None, template),
        )
        acols = ", ".join(assignment_cols)
        await conn.execute(
            f"INSERT INTO assignments (hit_id, {acols}) SELECT ?, {acols} FROM assignments"
            " WHERE hit_id = ?",
            (hit_id, template),
        )
        await conn.execute(
            "INSERT INTO answers (assignment_id, question_id, value, answered_at)"
            " SELECT a.id, ?, CASE WHEN (a.worker_id + ?) % 3 = 0 THEN '1' ELSE '0' END,"
            " a.submitted_at FROM assignments a WHERE a.hit_id = ?",
            (question_id, n, hit_id),
        )


async def main(items: int, crowd_size: int, rounds: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with bench_database(postgres, Path(tmp), "results") as database:
            await _run(database, items, crowd_size, rounds)


async def _run(database: str, items: int, crowd_size: int, rounds: int) -> None:
    worst: dict[str, float] = {}
    stage = await open_unlimited_stage(database)
    probe = LagProbe()
    try:
        rita = await funded_requester(stage, stage.admin(), cents=10_000_000)
        crowd = await workers(stage, *(f"W{n}" for n in range(crowd_size)))
        batch_id = await real_batch(stage, rita, crowd)
        started = time.perf_counter()
        async with stage.services.db.transaction() as conn:
            await grow(conn, batch_id, items)
            answers = await fetch_value(
                conn,
                "SELECT COUNT(*) FROM answers an JOIN assignments a"
                " ON a.id = an.assignment_id JOIN hits h ON h.id = a.hit_id"
                " WHERE h.batch_id = ?",
                (batch_id,),
            )
        print(
            f"batch of {items} items, {answers} answers built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        probe.start()
        worst["idle loop (the floor)"] = await probe.worst_during(lambda: asyncio.sleep(0.3))
        results = f"/results b{batch_id} ({items} items)"
        export = f"Export CSV of it ({answers} answers)"
        for _ in range(rounds):
            stall = await probe.worst_during(lambda: rita.send(f"/results b{batch_id}"))
            worst[results] = max(worst.get(results, 0.0), stall)
            assert "agree" in rita.last_text(), rita.last_text()
            sent = len(stage.sim.sent_documents(rita.tg_id))
            stall = await probe.worst_during(lambda: rita.press("Export CSV"))
            worst[export] = max(worst.get(export, 0.0), stall)
            docs = stage.sim.sent_documents(rita.tg_id)[sent:]
            assert len(docs) == 2, docs
            assert docs[0][1].count(b"\n") == answers + 1, "one row per answer"
        errors = list(stage.services.errors)
    finally:
        await probe.stop()
        await stage.close()
    report_stalls(worst, errors)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (bench/pg.py)")
    args = parser.parse_args()
    asyncio.run(main(args.items, args.workers, args.rounds, args.postgres))
