"""The review card: its two rejects say which is which, and a reject with a reason ends
like an approve: the same card, edited, showing the next submission."""

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


def labels(actor: Actor, message_id: int) -> list[str]:
    message = actor.stage.sim.message_by_id(actor.tg_id, message_id)
    return [text for row in message.buttons() for text, _, _ in row]


def text_of(actor: Actor, message_id: int) -> str:
    return actor.stage.sim.message_by_id(actor.tg_id, message_id).text or ""


async def alias_of(stage: Stage, actor: Actor) -> str:
    user = await stage.services.market.people.user(actor.tg_id)
    assert user is not None
    return user.alias


async def test_reject_with_a_reason_edits_the_card_and_the_two_rejects_differ(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann, cy = await workers(stage, "Ann", "Cy")
    csv = b"text,gold\nA purring kitten,cat\nA puppy,dog\n"
    batch_id = await published_batch(
        stage, rita, csv, "cat | dog", "Which animal? ; reward=0.02 n=2 time=2m"
    )
    kitten, puppy = await stage.services.requesting.batches.draft(batch_id)
    for worker, answers in ((ann, ("cat", "dog")), (cy, ("dog", "cat"))):  # Cy fails gold
        for hit, label in zip((kitten, puppy), answers, strict=True):
            await tag_item(worker, hit.id, label)
    cy_alias = await alias_of(stage, cy)

    await rita.send("/review")
    card = rita.last().message_id
    assert labels(rita, card)[:2] == ["✅ Approve", "❌ Reject this"]
    await rita.press("Reject this", card)
    assert "Why are you rejecting" in text_of(rita, card), "the card asks, in place"
    await rita.press("Back to review", card)
    assert "A purring kitten → cat" in text_of(rita, card), "Back: the card again"
    assert labels(rita, card)[:2] == ["✅ Approve", "❌ Reject this"]

    sent = len(rita.messages())
    await rita.press("Reject this", card)
    await rita.send("Please read the instructions first.")
    assert len(rita.messages()) == sent, "no new message: the card is edited, as by Approve"
    shown = text_of(rita, card)
    assert "Rejected" in shown and "with your reason" in shown
    assert "A puppy → dog" in shown, "and shows the next submission"
    assert "Please read the instructions first." in ann.last_text()

    await rita.press("Approve", card)
    shown = text_of(rita, card)
    assert cy_alias in shown and "0% (0/2)" in shown
    buttons = labels(rita, card)
    assert "❌ Reject this" in buttons and f"❌ Reject all by {cy_alias}" in buttons
    assert len(set(buttons)) == len(buttons), buttons

    await rita.press(f"Reject all by {cy_alias}", card)
    shown = text_of(rita, card)
    assert f"Rejected 2 submitted assignments by {cy_alias}" in shown, shown
    assert "Nothing to review" in shown
    assert len(rita.messages()) == sent
    assert "attention-check" in cy.last_text()
