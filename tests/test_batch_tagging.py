"""Tagging a batch: one tap per item in one message, edited in place, with the batch's
progress and an Undo while the requester has not reviewed; multi-label items still take a
Submit; taking the next item stays race-safe when many workers tag at once."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at, sql
from tests.auxil.gestures import approve_next
from tests.auxil.people import funded_requester, user_id, workers
from tests.auxil.posting import published_batch
from tests.auxil.screens import labels
from tests.auxil.stages import fast_stage, roomy_stage

# (item, gold label or ""): the kitten and the retriever are attention checks.
ITEMS = (
    ("A purring kitten on a sofa", "cat"),
    ("A puppy chasing a ball", ""),
    ("A tabby asleep in the sun", ""),
    ("A retriever fetching a stick", "dog"),
)
CSV = ("text,gold\n" + "".join(f"{text},{gold}\n" for text, gold in ITEMS)).encode()
TRUTH = {"A purring kitten on a sofa": "cat", "A puppy chasing a ball": "dog",
         "A tabby asleep in the sun": "cat", "A retriever fetching a stick": "dog"}  # fmt: skip


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """Room for a worker tagging item after item within a second (no thumb is that fast)."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _batch(stage: Stage, rita: Actor, n: int = 2) -> int:
    return await published_batch(
        stage, rita, CSV, "cat | dog", f"Which animal? ; reward=0.02 n={n} time=2m"
    )


async def _tagging(stage: Stage, admin: Actor) -> tuple[Actor, Actor, int]:
    """Rita's batch, accepted by Ann: (Rita, Ann, the task message's id)."""
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    await _batch(stage, rita)
    await ann.press("Accept")
    return rita, ann, ann.last().message_id


def _item(actor: Actor, message_id: int | None = None) -> str:
    """The item the task message shows now."""
    message = actor.stage.sim.message_by_id(actor.tg_id, message_id) if message_id else actor.last()
    return next(text for text, _ in ITEMS if text in (message.text or ""))


def _toast(actor: Actor) -> str:
    return str(actor.stage.sim.alerts(actor.user)[-1].get("text") or "")


async def _answers(stage: Stage, actor: Actor) -> dict[str, tuple[str, str]]:
    """The worker's answers by item: (status, label)."""
    rows = await sql(
        stage,
        "SELECT q.item, a.status, x.value FROM assignments a JOIN answers x"
        " ON x.assignment_id = a.id JOIN questions q ON q.id = x.question_id"
        " WHERE a.worker_id = ?",
        await user_id(stage, actor),
    )
    names = ("cat", "dog")
    return {str(item): (str(status), names[int(str(value))]) for item, status, value in rows}


async def test_one_tap_per_item_in_one_message_with_progress_and_undo(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    await _batch(stage, rita)
    before = len(ann.messages())
    await ann.press("Accept")
    task = ann.last()
    assert "Item 1 of 4" in (task.text or "") and "the next item follows" in (task.text or "")
    first = _item(ann)

    await ann.press(TRUTH[first])  # one tap: recorded, handed in, the next item is here
    assert ann.last().message_id == task.message_id and "Item 2 of 4" in ann.last_text()
    assert _item(ann) != first
    assert _toast(ann) == f"✓ {TRUTH[first]} · $0.02 pending review"
    assert f"↶ Undo: {TRUTH[first]}" in labels(ann)

    await ann.press("Undo")  # she meant the other label
    assert "Change the label of item 1 of 4" in ann.last_text() and first in ann.last_text()
    assert f"✓ {TRUTH[first]}" in labels(ann)
    wrong = "dog" if TRUTH[first] == "cat" else "cat"
    await ann.press(wrong)
    assert _toast(ann) == f"✓ Changed to {wrong}"
    assert "Item 2 of 4" in ann.last_text() and f"↶ Undo: {wrong}" in labels(ann)
    await ann.press("Undo")
    await ann.press("Keep")  # changes nothing, back to the item in hand
    assert _toast(ann) == f"Kept: {wrong}" and "Item 2 of 4" in ann.last_text()

    for number in (2, 3, 4):
        assert f"Item {number} of 4" in ann.last_text()
        await ann.press(TRUTH[_item(ann)])
    done = ann.last_text()
    assert "Submitted" in done and "4 of 4 items done: nothing more for you" in done
    assert "$0.08 pending in total" in done
    assert [label for label in labels(ann) if "Next" in label] == [], "no Next to a dead end"
    assert ann.last().message_id == task.message_id
    assert len(ann.messages()) == before, "the push card became the task: no message more"

    answers = await _answers(stage, ann)
    assert answers[first] == ("submitted", wrong), "Undo changed the handed-in answer"
    assert all(answers[text] == ("submitted", TRUTH[text]) for text in TRUTH if text != first)
    golds = await sql(
        stage,
        "SELECT gold_answered, gold_correct FROM worker_stats WHERE user_id = ?",
        await user_id(stage, ann),
    )
    right = sum(1 for text, gold in ITEMS if gold and answers[text][1] == gold)
    assert golds == [(2, right)], "her gold record follows the changed label"


async def test_undo_once_reviewed_leaves_the_label(stage: Stage, admin: Actor) -> None:
    rita, ann, task = await _tagging(stage, admin)
    first = _item(ann)
    await ann.press(TRUTH[first])
    await ann.press("Undo")  # the labels are up for a change ...
    await approve_next(rita)  # ... when the requester approves the item
    wrong = "dog" if TRUTH[first] == "cat" else "cat"
    alert = await ann.press(wrong, task)
    assert alert == "The requester has already reviewed that item: its label stands."
    shown = ann.stage.sim.message_by_id(ann.tg_id, task).text or ""
    assert "Item 2 of 4" in shown, "back to the item in hand"
    assert (await _answers(stage, ann))[first] == ("approved", TRUTH[first])
    assert not any("Undo" in label for label in labels(ann, task)), "nothing left to undo"

    second = _item(ann, task)
    await ann.press(TRUTH[second], task)  # Undo is offered for this one ...
    await approve_next(rita)  # ... which is approved before she taps it
    alert = await ann.press("Undo", task)
    assert alert == "The requester has already reviewed that item: its label stands."
    assert "Item 3 of 4" in (ann.stage.sim.message_by_id(ann.tg_id, task).text or "")


async def test_a_multi_label_item_takes_submit_then_the_next_follows(
    stage: Stage, admin: Actor
) -> None:
    rita, ann, task = await _tagging(stage, admin)
    first = _item(ann)
    await ann.press("Several labels")
    await ann.press("cat")
    await ann.press("dog")
    await ann.press("Done")
    assert "→ cat, dog" in ann.last_text() and "Submit" in " ".join(labels(ann))
    await ann.press("Submit")
    assert _toast(ann) == "📨 Submitted · $0.02 pending review"
    assert ann.last().message_id == task and "Item 2 of 4" in ann.last_text()
    assert not any("Undo" in label for label in labels(ann)), "Undo is for one-label taps"
    rows = await sql(
        stage,
        "SELECT a.status, x.value FROM assignments a JOIN answers x ON x.assignment_id = a.id"
        " JOIN questions q ON q.id = x.question_id WHERE q.item = ?",
        first,
    )
    assert rows == [("submitted", "0,1")]

    second = _item(ann)
    await ann.press("Return")  # a break: the item goes back, the way on stays
    assert "Returned" in ann.last_text() and "1 of 4 items done." in ann.last_text()
    await ann.press("Next task in this batch")
    assert ann.last().message_id == task and "Item 2 of 4" in ann.last_text()
    assert _item(ann) not in (first, second)


async def test_many_workers_tagging_one_batch_never_overfill_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with fast_stage(await database_at(tmp_path, "race"), clock) as stage:
        rita = await funded_requester(stage, stage.admin())
        crew = await workers(stage, *(f"W{n}" for n in range(12)))
        batch_id = await _batch(stage, rita, n=3)  # 4 items x 3 answers: 12 slots
        for w in crew:  # everyone who got the batch's card opens it
            if not any("Which animal?" in t for t in w.texts()):
                await w.send(f"/start batch_{batch_id}")
        rng = random.Random(7)
        for _ in range(6):  # rounds of everyone tapping at once: Accept, or a label
            taps = []
            for w in crew:
                message = w.last()
                buttons = [(t, d) for row in message.buttons() for t, d, _ in row if d]
                choice = [d for t, d in buttons if t in ("cat", "dog") or "Accept" in t]
                if choice:
                    taps.append(
                        stage.sim.callback(
                            w.user, message.message_id, rng.choice(choice), enqueue=False
                        )
                    )
            if not taps:
                break
            await stage.deliver_many(taps)
        rows = await sql(
            stage,
            "SELECT h.id, h.slots_used, h.max_assignments, COUNT(a.id),"
            " COUNT(DISTINCT a.worker_id) FROM hits h LEFT JOIN assignments a"
            " ON a.hit_id = h.id AND a.status != 'returned' WHERE h.batch_id = ? GROUP BY h.id",
            batch_id,
        )
        assert len(rows) == 4
        for _hit, used, most, taken, people in rows:
            assert used == taken == people and used <= most, rows
        handed_in = await sql(
            stage,
            "SELECT COUNT(*) FROM assignments a JOIN hits h ON h.id = a.hit_id"
            " WHERE h.batch_id = ? AND a.status = 'submitted'",
            batch_id,
        )
        assert handed_in == [(12,)], "every slot was taken and handed in, none twice"


async def test_a_review_of_an_earlier_item_leaves_the_message_to_the_item_in_hand(
    stage: Stage, admin: Actor
) -> None:
    rita, ann, task = await _tagging(stage, admin)
    await ann.press(TRUTH[_item(ann)])
    await approve_next(rita)  # the item handed in, while its message shows the next one
    shown = ann.stage.sim.message_by_id(ann.tg_id, task)
    assert "Item 2 of 4" in (shown.text or "") and "Reviewed" not in (shown.text or "")
    assert any(text in ("cat", "dog") for row in shown.buttons() for text, _, _ in row)
    assert any("Approved" in t for t in ann.texts()), "the approval comes as its own notice"
