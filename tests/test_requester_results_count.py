"""/results counts the answers that count: rejected work is left out, and an item with one
answer shows that answer (several labels too), not a tie."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import tag_item
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_batch
from tests.auxil.stages import roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def test_results_leave_rejected_answers_out_and_show_a_single_answer(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cy = await workers(stage, "Ann", "Bob", "Cy")
    csv = b"text\nA cat and a dog\nA dog\n"
    batch_id = await published_batch(
        stage, rita, csv, "cat | dog | other", "Which animals? ; reward=0.02 n=3 time=2m"
    )
    both, dog = await stage.services.requesting.batches.draft(batch_id)
    await tag_item(ann, both.id, "cat", "dog")  # one answer, two labels
    await tag_item(ann, dog.id, "dog")
    await tag_item(bob, dog.id, "cat")
    await tag_item(cy, dog.id, "cat")

    # Rita approves Ann's two and rejects Bob's and Cy's "cat" (the oldest first).
    await rita.send("/review")
    for verdict in ("Approve", "Approve", "Reject", "Reject"):
        if verdict == "Approve":
            await rita.press("Approve")
        else:
            await rita.press("Reject")
            await rita.send("It is a dog, not a cat.")
    assert "Nothing to review" in rita.last_text()

    await rita.send(f"/results b{batch_id}")
    text = rita.last_text()
    assert "· 2 answers" in text, "Bob's and Cy's rejected answers do not count"
    assert "A cat and a dog → cat, dog (one answer so far)" in text, text
    assert "tie" not in text
    assert "A dog → dog (one answer so far)" in text, "not 'cat 67% agree [3]'"

    await rita.press("Export CSV")
    _, items = stage.sim.sent_documents(rita.tg_id)
    lines = items[1].decode("utf-8-sig").splitlines()
    assert lines[1].endswith(",1,1,1,0"), "one answer: cat 1, dog 1"
    assert lines[2].endswith(",dog,100,1,0,1,0"), "the rejected cats are not counted"
