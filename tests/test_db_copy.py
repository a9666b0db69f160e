"""`gigbot db copy`: a marketplace moved to the other kind of database (PostgreSQL in the
suite's PostgreSQL half, another SQLite file in its SQLite half) and back, nothing lost;
the bot goes on from the copy; a target with rows is refused."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at, rows
from tests.auxil.gestures import answer_poll, approve_next
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll
from tests.auxil.stages import failing_on_errors

WAIT = 120.0


async def gigbot_db_copy(source: Path | str, target: Path | str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "db",
        "copy",
        str(source),
        str(target),
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PTB_TIMEDELTA": "true"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), WAIT)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def everything(database: Path | str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (but the schema's own), in a fixed order."""
    names = [
        r[0]
        for r in rows(database, "SELECT name FROM sqlite_master WHERE type = 'table'")
        if r[0] != "schema_version"
    ]
    found = {}
    for name in names:
        width = len(rows(database, f"SELECT * FROM {name} LIMIT 1") or [()])
        order = ", ".join(str(i + 1) for i in range(max(width, 1)))
        found[name] = rows(database, f"SELECT * FROM {name} ORDER BY {order}")
    return found


async def a_marketplace(database: Path, clock: FakeClock) -> None:
    """Money funded, a poll done by two workers (one approved, one rejected), a key issued."""
    stage = await Stage.open(database, clock=clock)
    async with failing_on_errors(stage):
        rita = await funded_requester(stage, stage.admin())
        ann, bob = await workers(stage, "Ann", "Bob")
        await published_poll(stage, rita, "Which logo is clearer? | A | B ; reward=0.05 n=3")
        for worker, choice in ((ann, "A"), (bob, "B")):
            await answer_poll(worker, choice)
        await approve_next(rita)
        await rita.press("Reject")
        await rita.send("Not what was asked")
        await rita.send("/apikey")


async def test_a_marketplace_copied_and_copied_back_is_the_same_and_goes_on(
    tmp_path: Path, clock: FakeClock
) -> None:
    original = tmp_path / "original.sqlite3"
    await a_marketplace(original, clock)
    moved = await database_at(tmp_path, "moved")

    code, out, err = await gigbot_db_copy(original, moved)
    assert code == 0, err
    assert "ledger entries summing to 0" in out and err == ""
    assert "  assignments: 2 rows" in out

    back = tmp_path / "back.sqlite3"
    code, out, err = await gigbot_db_copy(moved, back)
    assert code == 0, err
    before, after = everything(original), everything(back)
    assert before.keys() == after.keys()
    for table in before:
        assert after[table] == before[table], table

    stage = await Stage.open(moved, clock=clock)  # the bot goes on from the copy
    async with failing_on_errors(stage):
        tg_id = rows(original, "SELECT tg_id FROM users WHERE first_name = 'Rita'")[0][0]
        rita = Actor(stage, stage.sim.add_user("Rita", id=int(str(tg_id))))  # the same account
        await rita.send("/balance")
        assert "$99.90" in rita.last_text(), rita.last_text()
        hit = await published_poll(stage, rita, "Another one? | Yes | No ; reward=0.05 n=1")
        assert hit == 2, "ids go on after the copied ones"


async def test_a_target_with_rows_is_refused_and_left_alone(
    tmp_path: Path, clock: FakeClock
) -> None:
    original = tmp_path / "original.sqlite3"
    await a_marketplace(original, clock)
    busy = await database_at(tmp_path, "busy")
    await a_marketplace_on(busy, clock)
    users_before = rows(busy, "SELECT COUNT(*) FROM users")

    code, out, err = await gigbot_db_copy(original, busy)
    assert code == 2
    assert err.startswith("gigbot: the target is not empty (") and err.count("\n") == 1, err
    assert rows(busy, "SELECT COUNT(*) FROM users") == users_before


async def a_marketplace_on(database: Path | str, clock: FakeClock) -> None:
    stage = await Stage.open(database, clock=clock)
    async with failing_on_errors(stage):
        await funded_requester(stage, stage.admin())
