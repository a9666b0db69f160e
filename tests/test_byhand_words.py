"""What a person trying the bot by hand missed (issue #18's last pass): a way on after a
submission, how to add money, how to undo a block, whom a relayed message goes to."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import answer_poll
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_batch, published_poll


async def _submitted(stage: Stage, admin: Actor) -> tuple[Actor, Actor, str]:
    """Rita's poll, submitted by Ann; (rita, ann, Ann's alias)."""
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.05 n=1")
    await answer_poll(ann, "Yes")
    alias = (await stage.services.market.people.user(ann.tg_id)).alias  # type: ignore[union-attr]
    return rita, ann, alias


async def test_a_submission_points_to_the_next_task(stage: Stage, admin: Actor) -> None:
    _, ann, _ = await _submitted(stage, admin)
    assert "/next — another task" in ann.last_text(), "not only /earnings"


async def test_balance_says_how_to_add_money(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/balance")
    assert f"give the marketplace operator your id {rita.tg_id}" in rita.last_text()
    assert "tap Deposit below (/deposit)" in rita.last_text()


async def test_a_block_says_how_to_undo_it(stage: Stage, admin: Actor) -> None:
    rita, _, alias = await _submitted(stage, admin)
    await rita.send(f"/block {alias}")
    assert f"/unblock {alias} undoes it" in rita.last_text(), rita.last_text()


async def test_a_message_prompt_names_the_reader_and_the_name_it_comes_under(
    stage: Stage, admin: Actor
) -> None:
    rita, ann, alias = await _submitted(stage, admin)
    await rita.send("/review")
    await rita.press("✅ Approve")
    await ann.press("Message requester")
    assert "Write your message to Rita" in ann.last_text()
    assert f"under your alias {alias}" in ann.last_text(), ann.last_text()
    await ann.send("Thanks!")
    await rita.press("Reply")
    assert f"Write your message to {alias}" in rita.last_text()
    assert "under your first name, Rita" in rita.last_text(), rita.last_text()


async def test_a_task_card_reads_the_same_wherever_it_is_opened(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.05 n=2")
    pushed = ann.last_text()
    assert "⭐ new requester — no reviewed work yet" in pushed, pushed
    await ann.send("/next")
    assert ann.last_text() == pushed, "the requester's record, as on the push"
    await ann.send(f"/start hit_{hit_id}")
    assert ann.last_text() == pushed
    await ann.press("Preview")
    await ann.press("Card")
    assert ann.last_text() == pushed


async def test_a_batch_preview_shows_each_item_once(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    items = b"image_url\nhttps://example.com/cat1.jpg\nhttps://example.com/dog1.jpg\n"
    await published_batch(stage, rita, items, "cat | dog", "Photos ; reward=0.03 n=1 est=10s")
    await ann.press("Preview")
    preview = ann.last_text()
    assert preview.count("https://example.com/cat1.jpg") == 1, preview
    assert "cat / dog" in preview
