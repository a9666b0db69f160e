"""The core loop's round trips to PostgreSQL: each statement a tap sends costs a trip to
the server and a turn of the event loop, so what one statement can do is done in one.
An Accept that does not fill the HIT is a read and one statement, no transaction: it
claims its slot, uses up the worker's hold, makes the assignment, grants the HIT's
AutoGranted qualifications and queues the other cards' counter redraws. Answering a
question of a task the process has shown is one statement and no read: it checks what
the read would have (the worker's, accepted, in time, at that question), writes, and
returns the task as the next screen shows it; so is Submit without a pay floor (it also
checks that every question is answered, hands the work in, queues its edits, keeps the
HIT's median time and sums the worker's rewards pending). (PostgreSQL only: SQLite has
no round trips; the same stories run on both in test_stale_messages, test_estimates,
test_timed_offers, test_qualifications and test_worker_question_kinds.)"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import HitKind, QuestionKind, QuestionSpec
from tests.auxil import database as databases
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import post, published_poll

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
    await databases.log_every_query(stage, _note)
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


def _tap(sent: list[str]) -> list[str]:
    """The tap's own statements, without the timers' planner's look at what is due next
    (a task the tap starts when it sets a deadline) and the HIT's questions (read once
    per process)."""
    return [
        s
        for s in sent
        if not s.startswith("SELECT name, due FROM") and "FROM questions WHERE hit_id" not in s
    ]


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

    # Accept (a HIT it does not fill): what it must know, then one statement, no BEGIN and
    # COMMIT: the claim, the hold, the assignment (the HIT has no qualification
    # requirements: no AutoGranted grant), Bo's card's counter redraw queued and Ann's own
    # dropped.
    assert not [s for s in accept if s.rstrip(";") in ("BEGIN", "COMMIT")], accept
    claims = [s for s in accept if "slots_used = slots_used + 1" in s]
    assert len(claims) == 1 and "UPDATE offers" in claims[0], accept
    assert "INSERT INTO assignments" in claims[0] and "worker_qualifications" not in claims[0]
    assert "push_count" in claims[0] and "DELETE FROM outbox" in claims[0], claims
    assert len([s for s in accept if "INSERT" in s or "UPDATE" in s]) == 1, accept
    assert len(_tap(accept)) <= 3, accept  # (the user), what it must know, the one write
    redraws = databases.rows(
        databases.database_of(stage), "SELECT chat_id FROM outbox WHERE kind = 'push_count'"
    )
    assert redraws == [(bo.tg_id,)], "Bo's card counts down; Ann's became her task"

    # The answer: one statement, no read of the task before it and no BEGIN and COMMIT
    # around it; it checks the task is Ann's, running and at the question, and returns it.
    assert not [s for s in answer if s.rstrip(";") in ("BEGIN", "COMMIT")], answer
    assert len(_tap(answer)) == 1, answer
    assert "INSERT INTO answers" in answer[0] and "position = position + 1" in answer[0]
    assert "worker_id = $" in answer[0] and "deadline_at > $" in answer[0], answer

    # Submit (no pay floor here): one write, no BEGIN and COMMIT; it hands the work in,
    # queues the reminders' and the task message's edits and keeps the median time.
    assert not [s for s in submit if s.rstrip(";") in ("BEGIN", "COMMIT")], submit
    writes = [s for s in submit if "INSERT" in s or "UPDATE" in s]
    assert len(writes) == 1, submit
    assert "status = 'submitted'" in writes[0] and "reminder_over" in writes[0]
    assert "task_over" in writes[0] and "measured_s" in writes[0]
    assert "reward_cents" in writes[0], "the rewards pending are summed by it too"
    assert "worker_id = $" in writes[0] and "value <> ''" in writes[0], "it checks the work"
    assert len(_tap(submit)) == 1, submit  # no read of the task before it

    # The user who taps is kept by the process (it hears every change of users): the answer
    # and the Submit read no user.
    assert not [s for s in answer + submit if "FROM users WHERE tg_id" in s]
    assert databases.rows(
        databases.database_of(stage), "SELECT measured_n, measured_s FROM hits"
    ) == [(1, 1.0)]


async def test_the_one_statement_steps_refuse_what_the_read_would_have(
    stage: Stage, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, stage.admin())
    ann = await worker(stage, "Ann")
    await published_poll(stage, rita, "Late? | yes | no ; reward=0.05 n=2 time=2m")
    await ann.press("Accept")
    task = ann.last().message_id
    yes = next(d for row in ann.last().buttons() for t, d, _ in row if t == "yes" and d)
    await ann.press("yes")
    db = databases.database_of(stage)
    # The first question's button again, after moving on: nothing changes, and she is told.
    old = stage.sim.callback(ann.user, task, yes, check_button=False, enqueue=False)
    async with logging_every_connection(stage):
        again = await statements_of(lambda: stage.deliver(old))
    assert "already answered" in stage.sim.alerts(ann.user)[-1]["text"]
    assert any("INSERT INTO answers" in s for s in again), "the statement is tried first"
    assert databases.rows(db, "SELECT position FROM assignments") == [(1,)]
    assert databases.rows(db, "SELECT COUNT(*) FROM answers") == [(1,)]

    # Past its deadline, before the timers have abandoned it: Submit hands nothing in.
    stage.settle_each_update = False
    clock.advance(121)
    alert = await ann.press("Submit")
    assert alert is not None and "no longer active" in alert, alert
    assert databases.rows(db, "SELECT status FROM assignments") == [("accepted",)]


ONE = (QuestionSpec(QuestionKind.SINGLE, "Yes or no?", ("yes", "no")),)


def _cards(who: Actor) -> list[int]:
    """The messages of the worker's push cards (an Accept button), oldest first."""
    return [
        m.message_id
        for m in who.messages()
        if any("Accept" in text for row in m.buttons() for text, _, _ in row)
    ]


async def test_an_accept_of_a_hit_the_process_has_seen_taken_reads_nothing_first(
    stage: Stage,
) -> None:
    rita = await funded_requester(stage, stage.admin())
    ann = await worker(stage, "Ann")
    bo = await worker(stage, "Bo")
    cy = await worker(stage, "Cy")
    for n in range(4):  # (through the marketplace: Rita's chat takes no burst of previews)
        await post(stage, rita, ONE, title=f"Q{n}?", kind=HitKind.POLL, n=3)
    bo_cards, cy_cards, ann_cards = _cards(bo), _cards(cy), _cards(ann)
    for card in bo_cards[:3]:  # read, then taken: the process knows the HIT now
        await bo.press("Accept", card)
    await cy.press("Accept", cy_cards[3])

    # Ann's accept of Q0: the claim, with what it must know checked by it, and no read.
    async with logging_every_connection(stage):
        accept = await statements_of(lambda: ann.press("Accept", ann_cards[0]))
    task = stage.sim.message_by_id(ann.tg_id, ann_cards[0])
    assert "Q0?" in (task.text or "") and "Submit" not in str(task.buttons()), task.text
    assert "Accept" not in str(task.buttons()), "the card became her task"
    assert len(_tap(accept)) <= 2, accept  # (the user), the one statement
    assert not [s for s in accept if "AS blocked" in s], "no accept_facts read"
    assert "< $" in _tap(accept)[-1] and "a.status = 'accepted'" in _tap(accept)[-1]

    # Her fourth task at once: the statement claims nothing, the read says why.
    await ann.press("Accept", ann_cards[1])
    await ann.press("Accept", ann_cards[2])
    async with logging_every_connection(stage):
        fourth = await statements_of(lambda: ann.press("Accept", ann_cards[3]))
    assert any("AS blocked" in s for s in fourth), "read after the statement took nothing"
    assert "3 tasks in progress" in (stage.sim.alerts(ann.user)[-1]["text"] or "")
    db = databases.database_of(stage)
    assert databases.rows(db, "SELECT slots_used FROM hits ORDER BY id") == [
        (2,), (2,), (2,), (1,)
    ]  # fmt: skip
    assert databases.rows(
        db, "SELECT COUNT(*) FROM assignments GROUP BY hit_id ORDER BY hit_id"
    ) == [(2,), (2,), (2,), (1,)]
