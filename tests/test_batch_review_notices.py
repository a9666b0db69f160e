"""Reviewing a batch tells each worker once: the items approved together (Approve all, an
auto-approval pass) come as one notice with their count and total, not one per item; the
requester is told of a batch's auto-approval once, not once per item."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_batch
from tests.auxil.stages import later, roomy_stage

ITEMS = b"text\n" + b"".join(f"Bird number {n}\n".encode() for n in range(8))


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """With room for a worker's dozen taps within a second (one-tap tagging)."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def tag(worker: Actor, batch: int, items: int) -> int:
    """Open the batch from its link and tag `items` items, one tap each; the task message
    (where the next item waits)."""
    await worker.send(f"/start batch_{batch}")
    await worker.press("Accept")
    task = worker.last().message_id
    for _ in range(items):
        await worker.press("bird", task)
    return task


def approvals(worker: Actor) -> list[str]:
    return [text for text in worker.texts() if text.startswith("✅ Approved")]


async def test_approve_all_sends_each_worker_one_notice_for_the_batch(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    batch = await published_batch(
        stage, rita, ITEMS, "bird | cat", "Birds ; reward=0.02 n=1 time=5m est=8s"
    )
    task = await tag(ann, batch, 4)
    await tag(bob, batch, 3)
    await rita.send("/review")
    await rita.press("Approve all 7")
    await rita.press("Yes, approve 7")
    await stage.settle()
    assert approvals(ann) == ["✅ Approved: Birds · 4 items +$0.08. /earnings"], ann.texts()
    assert approvals(bob) == ["✅ Approved: Birds · 3 items +$0.06. /earnings"], bob.texts()
    assert "Rate requester" in str(ann.last().buttons()), "the way on stays"
    await ann.send("/earnings")
    assert "$0.08" in ann.last_text()

    # One item approved on its own, later, is a notice of its own.
    await ann.press("bird", task)  # her next item waited in the same message
    await rita.send("/review")
    await rita.press("✅ Approve")
    await stage.settle()
    assert approvals(ann)[-1] == "✅ Approved: Birds +$0.02. /earnings", ann.texts()
    assert len(approvals(ann)) == 2


async def test_an_auto_approval_pass_tells_each_once(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    batch = await published_batch(
        stage, rita, ITEMS, "bird | cat", "Birds ; reward=0.02 n=1 time=5m est=8s auto=1d"
    )
    await tag(ann, batch, 5)
    told = len(rita.texts())
    await later(stage, 86_400)
    assert approvals(ann) == ["✅ Approved: Birds · 5 items +$0.10. /earnings"], ann.texts()
    news = rita.texts()[told:]
    assert [t for t in news if "approved automatically" in t] == [
        f"✅ 5 submissions on Birds (batch #{batch}) approved automatically: not reviewed "
        "within 1d. Paid from escrow. /myhits"
    ], news


async def test_a_reminder_of_a_tagged_item_does_not_end_the_batch(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    batch = await published_batch(
        stage, rita, ITEMS, "bird | cat", "Birds ; reward=0.02 n=1 time=2m est=8s"
    )
    await ann.send(f"/start batch_{batch}")
    await ann.press("Accept")
    task = ann.last().message_id
    await later(stage, 61)  # half the time allotted: the first reminder
    reminder = ann.last()
    assert "left to finish" in (reminder.text or ""), reminder.text
    await ann.press("bird", task)  # the item is handed in; the next one waits in `task`
    await stage.settle()
    over = stage.sim.message_by_id(ann.tg_id, reminder.message_id).text or ""
    assert over == "✅ Birds: that item is handed in.", over
    assert "Item 2 of 8" in (stage.sim.message_by_id(ann.tg_id, task).text or "")
