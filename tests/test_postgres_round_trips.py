"""The core loop's round trips to PostgreSQL: each statement a tap sends costs a trip to
the server and a turn of the event loop, so what one statement can do is done in one.
Accept claims its slot, uses up the worker's hold, makes the assignment and grants the
HIT's AutoGranted qualifications in one statement, and queues the other cards' counter
redraws in one more; answering a question runs one write and no transaction; so does
Submit without a pay floor (the work handed in, its edits queued and the HIT's median
time kept by one statement). (PostgreSQL only: SQLite has no round trips; the same
stories run on both in test_stale_messages, test_estimates, test_timed_offers and
test_qualifications.)"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.demo.stage import Stage
from tests.auxil import database as databases
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll

pytestmark = pytest.mark.postgres_only

# The statements sent by the tap being watched (and by tasks it starts), not by the
# broadcaster's or the timers' loops, which run in contexts of their own.
_WATCHED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "watched", default=None
)


def _note(record: Any) -> None:
    sent = _WATCHED.get()
    if sent is not None:
        sent.append(" ".join(str(record.query).split()))


@asynccontextmanager
async def logging_every_connection(stage: Stage) -> AsyncIterator[None]:
    """A query logger on each connection the pool may hand out (it makes all of them)."""
    pg = stage.services.db.pg
    assert pg is not None
    pool = pg.pool
    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    try:
        for con in held:
            con.add_query_logger(_note)
    finally:
        for con in held:
            await pool.release(con)
    yield


async def statements_of(tap: Callable[[], Awaitable[None]]) -> list[str]:
    """What the tap sent the server, in order (BEGIN and COMMIT included)."""
    sent: list[str] = []
    token = _WATCHED.set(sent)
    try:
        await tap()
    finally:
        _WATCHED.reset(token)
    return sent


async def test_the_core_loop_folds_its_statements(stage: Stage) -> None:
    assert databases.on_postgres()
    rita = await funded_requester(stage, stage.admin())
    ann = await worker(stage, "Ann")
    bo = await worker(stage, "Bo")
    await published_poll(stage, rita, "Fold? | yes | no ; reward=0.05 n=3")
    async with logging_every_connection(stage):
        accept = await statements_of(lambda: ann.press("Accept"))
        answer = await statements_of(lambda: ann.press("yes"))
        submit = await statements_of(lambda: ann.press("Submit"))
    assert "Submitted" in ann.last_text(), ann.last_text()

    # Accept: the claim, the hold, the assignment and the AutoGranted qualifications in one
    # statement; Bo's card's counter redraw queued, and Ann's own dropped, by one more.
    claims = [s for s in accept if "slots_used = slots_used + 1" in s]
    assert len(claims) == 1 and "UPDATE offers" in claims[0], accept
    assert "INSERT INTO assignments" in claims[0] and "worker_qualifications" in claims[0]
    assert len([s for s in accept if "INSERT" in s or "UPDATE" in s]) == 2, accept
    counts = [s for s in accept if "push_count" in s]
    assert len(counts) == 1 and "DELETE FROM outbox" in counts[0], accept
    redraws = databases.rows(
        databases.database_of(stage), "SELECT chat_id FROM outbox WHERE kind = 'push_count'"
    )
    assert redraws == [(bo.tg_id,)], "Bo's card counts down; Ann's became her task"

    # The answer: one write, no BEGIN and COMMIT around it.
    assert not [s for s in answer if s.rstrip(";") in ("BEGIN", "COMMIT")], answer
    writes = [s for s in answer if "INSERT" in s or "UPDATE" in s]
    assert len(writes) == 1 and "INSERT INTO answers" in writes[0], answer
    assert "position" in writes[0]

    # Submit (no pay floor here): one write, no BEGIN and COMMIT; it hands the work in,
    # queues the reminders' and the task message's edits and keeps the median time.
    assert not [s for s in submit if s.rstrip(";") in ("BEGIN", "COMMIT")], submit
    writes = [s for s in submit if "INSERT" in s or "UPDATE" in s]
    assert len(writes) == 1, submit
    assert "status = 'submitted'" in writes[0] and "reminder_over" in writes[0]
    assert "task_over" in writes[0] and "measured_s" in writes[0]
    assert databases.rows(
        databases.database_of(stage), "SELECT measured_n, measured_s FROM hits"
    ) == [(1, 1.0)]
