"""The core loop's taps (Accept, an answer, Submit) keep their shape: what each shows comes
from its own transaction, not from reads after it, and no statement runs that the
transaction's own reads show would change nothing (no timing: bench/bench_core_loop.py
measures the rate; the stories marked sqlite_only count what SQLite runs).

On SQLite every read or transaction is a turn at the one connection's lock and every
statement a hand-off to its thread (~40-130 us on a busy machine): with twenty workers
tapping at once the lock was busy 87 % of the time, and a read after each transaction of
what it had in hand was ~60 % of that.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest

from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_of
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import accepted_poll, published_poll
from tests.auxil.screens import labels
from tests.auxil.stages import later


@dataclass
class Traced:
    """Statements SQLite ran, inside a BEGIN ... COMMIT or outside any."""

    inside: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def work_reads(self) -> list[str]:
        """The reads of assignments with their HITs (the task, the rewards pending) outside
        a transaction; the timers' look for what falls due next is not one of them."""
        return [sql for sql in self.outside if "FROM assignments a JOIN hits h" in sql]

    def writing(self, table: str) -> list[str]:
        """The statements inside a transaction that write `table`."""
        return [sql for sql in self.inside if f"INTO {table} " in sql]


@asynccontextmanager
async def traced(stage: Stage) -> AsyncIterator[Traced]:
    """The statements the bot runs while this lasts (SQLite's trace callback)."""
    seen = Traced()
    open_ = False

    def note(sql: str) -> None:
        nonlocal open_
        text = " ".join(sql.split())
        head = text.split(" ", 1)[0].upper()
        if head == "BEGIN":
            open_ = True
        elif head in ("COMMIT", "ROLLBACK"):
            open_ = False
        else:
            (seen.inside if open_ else seen.outside).append(text)

    conn = stage.services.db.conn
    await conn.set_trace_callback(note)
    try:
        yield seen
    finally:
        await conn.set_trace_callback(None)


@pytest.mark.sqlite_only  # counts the statements SQLite runs (its trace callback)
async def test_accept_and_submit_show_what_their_transaction_had_in_hand(
    stage: Stage, admin: Actor
) -> None:
    """Accept shows the task and Submit the reward pending without reading the assignment
    back after their transaction (nor the rewards pending in a read of their own); a HIT
    without requirements grants no qualification, and a task submitted from its own message
    with no reminder sent queues no edit of either."""
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=2 time=2m")

    await ann.press("Accept")  # Bob's card now counts down, Ann's is her task
    async with traced(stage) as accept:
        await bob.press("Accept")
    assert accept.work_reads() == []
    assert accept.writing("worker_qualifications") == []
    task = bob.last()
    assert "1/1" in task.text and "Tea or coffee?" in task.text, task.text
    assert {"Tea", "Coffee"} <= set(labels(bob)), labels(bob)

    async with traced(stage) as answer:
        await bob.press("Coffee")
    assert answer.work_reads() == []
    assert "→ Coffee" in bob.last_text(), bob.last_text()

    await ann.press("Tea")
    await ann.press("Submit")
    assert "$0.05 pending" in ann.last_text(), ann.last_text()
    async with traced(stage) as submit:
        await bob.press("Submit")
    assert submit.work_reads() == []
    assert submit.writing("outbox") == [], "nothing to edit: no reminder, the task is redrawn"
    assert "Submitted" in bob.last_text() and "$0.05 pending" in bob.last_text()
    assert bob.last().message_id == task.message_id, "the task is one message edited in place"

    # A second submission counts both rewards as pending.
    await published_poll(stage, rita, "Milk? | Yes | No ; reward=0.07 n=1 time=2m")
    await bob.press("Accept")
    await bob.press("No")
    await bob.press("Submit")
    assert "$0.12 pending" in bob.last_text(), bob.last_text()


async def test_reminders_planned_anew_by_extra_time_still_say_the_work_is_over(
    stage: Stage, admin: Actor
) -> None:
    """+10m after a reminder plans the reminders anew (none sent of the new plan yet): a
    Submit then still edits the reminder sent before, which would otherwise keep offering
    to open a task that is handed in."""
    _, ann, _ = await accepted_poll(
        stage, admin, "Slow one | X | Y ; reward=0.05 n=1 time=2m extend=10m dispatch=race"
    )
    task = ann.last()
    await later(stage, 100)  # past 80 % of the time: the last reminder, with +10m
    reminder = ann.last()
    assert "left to finish" in reminder.text, reminder.text
    await ann.press("+10m", reminder.message_id)
    assert "now has 10m" in ann.last_text(), ann.last_text()

    await ann.press("Y", task.message_id)
    await ann.press("Submit", task.message_id)
    await later(stage, 1)
    over = stage.sim.message_by_id(ann.tg_id, reminder.message_id)
    assert "submitted — nothing left to do" in (over.text or ""), over.text
    assert over.buttons() == []


@pytest.mark.sqlite_only  # another process holding SQLite's write lock
async def test_a_tap_waits_for_another_process_writing_without_holding_the_loop(
    stage: Stage, admin: Actor
) -> None:
    """Accept, answer and Submit run their statements on the loop's thread; when another
    process holds the file's write lock, the tap waits for it on aiosqlite's thread (the
    loop goes on meanwhile) and is answered once the other process is done, as before."""
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=1 time=2m")
    other = sqlite3.connect(database_of(stage), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another gigbot process, mid-transaction
        tap = asyncio.create_task(ann.press("Accept"))
        turns = 0
        while turns < 50 and not tap.done():  # the loop keeps turning while the tap waits
            await asyncio.sleep(0)
            turns += 1
        assert turns == 50 and not tap.done(), "the Accept cannot finish before the lock is free"
        other.execute("COMMIT")
        await tap
    finally:
        other.close()
    assert "1/1" in ann.last_text() and "Tea or coffee?" in ann.last_text(), ann.last_text()
    await ann.press("Coffee")
    await ann.press("Submit")
    assert "Submitted" in ann.last_text() and "$0.05 pending" in ann.last_text()
