"""The core loop's taps (Accept, an answer, Submit) keep their shape: what each shows comes
from its own transaction, not from reads after it (no timing: bench/bench_core_loop.py
measures the rate; these stories count what SQLite runs).

On SQLite every read or transaction is a turn at the one connection's lock and every
statement a hand-off to its thread (~40-130 us on a busy machine): with twenty workers
tapping at once the lock was busy 87 % of the time, and a read after each transaction of
what it had in hand was ~60 % of that.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.demo.stage import Actor, Stage
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll
from tests.auxil.screens import labels

pytestmark = pytest.mark.sqlite_only  # counts the statements SQLite runs (its trace callback)


@asynccontextmanager
async def outside_transactions(stage: Stage) -> AsyncIterator[list[str]]:
    """The statements run outside any BEGIN ... COMMIT while this lasts."""
    outside: list[str] = []
    inside = False

    def note(sql: str) -> None:
        nonlocal inside
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head == "BEGIN":
            inside = True
        elif head in ("COMMIT", "ROLLBACK"):
            inside = False
        elif not inside:
            outside.append(" ".join(sql.split()))

    conn = stage.services.db.conn
    await conn.set_trace_callback(note)
    try:
        yield outside
    finally:
        await conn.set_trace_callback(None)


def work_reads(statements: list[str]) -> list[str]:
    """The statements that read assignments with their HITs (the task, the rewards
    pending); the timers' look for what falls due next is not one of them."""
    return [sql for sql in statements if "FROM assignments a JOIN hits h" in sql]


async def test_accept_and_submit_show_what_their_transaction_had_in_hand(
    stage: Stage, admin: Actor
) -> None:
    """Accept shows the task and Submit the reward pending without reading the assignment
    back after their transaction (nor the rewards pending in a read of their own)."""
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=2 time=2m")

    await ann.press("Accept")  # Bob's card now counts down, Ann's is her task
    async with outside_transactions(stage) as outside:
        await bob.press("Accept")
    assert work_reads(outside) == []
    task = bob.last()
    assert "1/1" in task.text and "Tea or coffee?" in task.text, task.text
    assert {"Tea", "Coffee"} <= set(labels(bob)), labels(bob)

    async with outside_transactions(stage) as outside:
        await bob.press("Coffee")
    assert work_reads(outside) == []
    assert "→ Coffee" in bob.last_text(), bob.last_text()

    await ann.press("Tea")
    await ann.press("Submit")
    assert "$0.05 pending" in ann.last_text(), ann.last_text()
    async with outside_transactions(stage) as outside:
        await bob.press("Submit")
    assert work_reads(outside) == []
    assert "Submitted" in bob.last_text() and "$0.05 pending" in bob.last_text()
    assert bob.last().message_id == task.message_id, "the task is one message edited in place"

    # A second submission counts both rewards as pending.
    await published_poll(stage, rita, "Milk? | Yes | No ; reward=0.07 n=1 time=2m")
    await bob.press("Accept")
    await bob.press("No")
    await bob.press("Submit")
    assert "$0.12 pending" in bob.last_text(), bob.last_text()
