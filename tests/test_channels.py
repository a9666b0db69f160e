"""Group channels: linking (admins only), the card with its deep link, the throttled counter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import Priority
from bot.sandbox import Limits, SimChat
from storage import outbox, summary
from tests.auxil.database import database_at
from tests.auxil.gestures import forge
from tests.auxil.people import funded_requester, set_up, workers
from tests.auxil.posting import published_batch, published_poll
from tests.auxil.stages import failing_on_errors, later


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """Limits x10 (a channel takes 200 posts a minute, not 20) so edits are not waited for."""
    opened = await Stage.open(
        await database_at(tmp_path, "gigbot"), clock=clock, limits=Limits(scale=10)
    )
    async with failing_on_errors(opened):
        yield opened


def _channel(
    stage: Stage, owner: Actor, username: str = "gignews", title: str = "Gig News"
) -> SimChat:
    """A channel where the bot is an admin and `owner` created it."""
    chat = stage.sim.add_chat(title, type="channel", username=username)
    stage.sim.set_member(chat, owner.user, "creator")
    return chat


def _posts(stage: Stage, chat: SimChat) -> list[str]:
    return [m.text or "" for m in stage.sim.bot_messages(chat)]


async def test_link_needs_the_bot_and_the_requester_to_be_admins(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/linkchannel")
    assert "/linkchannel @mychannel" in rita.last_text()
    await rita.send("/linkchannel @nosuchchannel")
    assert "can't find that chat" in rita.last_text()

    group = stage.sim.add_chat("Tasks chat", type="supergroup", username="taskschat")
    stage.sim.set_member(group, rita.user, "administrator")
    await rita.send("/linkchannel @taskschat")
    assert "not an admin in Tasks chat" in rita.last_text()

    news = stage.sim.add_chat("Other News", type="channel", username="othernews")
    await rita.send("/linkchannel @othernews")
    assert "Only an admin of Other News" in rita.last_text()

    _channel(stage, rita)
    await rita.send("/linkchannel @gignews")
    assert "Linked Gig News" in rita.last_text()
    await rita.send(f"/linkchannel {news.id}")
    assert "Only an admin" in rita.last_text()
    await rita.send("/linkchannel @gignews")
    assert "already linked" in rita.last_text()


async def test_card_counter_and_close(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    chat = _channel(stage, rita)
    await rita.send("/linkchannel @gignews")
    ann, bob = stage.user("Ann"), stage.user("Bob")
    for worker in (ann, bob):
        await worker.send("/start")
        await set_up(worker)

    hit_id = await published_poll(stage, rita, "Best colour? | red | blue ; reward=0.10 n=2")
    (card,) = stage.sim.bot_messages(chat)
    assert "Best colour?" in (card.text or "") and "2 of 2 left" in (card.text or "")
    ((label, data, url),) = card.buttons()[0]
    assert "Start working" in label and data is None
    assert url == f"https://t.me/gigbot_test_bot?start=hit_{hit_id}"

    await ann.press("Accept")
    await later(stage, 30)
    assert "2 of 2 left" in (card.text or ""), "not edited within a minute of posting"
    await later(stage, 31)
    assert "1 of 2 left" in (card.text or "") and card.edits == 1

    await bob.press("Accept")
    await later(stage, 59)
    assert "1 of 2 left" in (card.text or ""), "at most one edit a minute"
    await later(stage, 2)
    assert "Closed" in (card.text or "") and card.buttons() == [] and card.edits == 2
    await later(stage, 600)  # neither submits in the 5 minutes: both slots come back
    assert "2 of 2 left" in (card.text or "") and card.edits == 3
    assert len(_posts(stage, chat)) == 1


async def test_a_card_closed_when_full_opens_again_when_a_slot_comes_back(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    chat = _channel(stage, rita)
    await rita.send("/linkchannel @gignews")
    ann = stage.user("Ann")
    await ann.send("/start")
    await set_up(ann)
    await published_poll(stage, rita, "Best colour? | red | blue ; reward=0.10 n=1 life=10m")
    (card,) = stage.sim.bot_messages(chat)
    await ann.press("Accept")
    await later(stage, 61)
    assert "Closed" in (card.text or "") and card.buttons() == []

    await ann.press("Return")
    await later(stage, 61)
    assert "1 of 1 left" in (card.text or ""), card.text
    assert "Start working" in card.buttons()[0][0][0]
    assert len(_posts(stage, chat)) == 1, "the same card, edited"

    await later(stage, 600)  # the HIT expires with its slot unused: closed for good
    await later(stage, 61)
    assert "Closed" in (card.text or "") and card.buttons() == []


async def test_unlinked_and_removed_channels_get_nothing(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    news = _channel(stage, rita)
    extra = _channel(stage, rita, "gigextra", "Gig Extra")
    await rita.send("/linkchannel @gignews")
    await rita.send("/linkchannel @gigextra")
    await rita.send("/unlinkchannel")
    assert "Gig News" in rita.last_text() and "Gig Extra" in rita.last_text()

    await rita.send("/unlinkchannel @gigextra")
    assert "Unlinked Gig Extra" in rita.last_text()
    await rita.send("/unlinkchannel @gigextra")
    assert "not linked" in rita.last_text()
    await published_poll(stage, rita, "First? | a | b ; reward=0.05 n=1")
    assert len(_posts(stage, news)) == 1 and _posts(stage, extra) == []

    stage.sim.set_member(news, stage.sim.world.bot.id, "left")
    await stage.deliver(
        stage.sim.my_chat_member(news, old="administrator", new="left", by=rita.user, enqueue=False)
    )
    await published_poll(stage, rita, "Second? | a | b ; reward=0.05 n=1")
    assert len(_posts(stage, news)) == 1, "the bot was removed: nothing more is posted"
    async with stage.services.db.reading() as conn:
        async with conn.execute("SELECT COUNT(*) FROM channels WHERE active = 1") as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == 0


async def test_message_not_modified_is_not_retried(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    chat = stage.sim.add_chat("Gig News", type="channel", username="gignews")
    stage.sim.set_member(chat, rita.user, "creator")
    await rita.send("/linkchannel @gignews")
    await published_poll(stage, rita, "Same? | a | b ; reward=0.05 n=3")
    (card,) = stage.sim.bot_messages(chat)
    async with stage.services.db.transaction() as conn:
        async with conn.execute("SELECT id FROM channel_posts") as cur:
            row = await cur.fetchone()
        assert row is not None
        await outbox.enqueue(
            conn,
            "chanedit:again",
            chat.id,
            "channel_edit",
            Priority.PUSH,
            {"post_id": row[0], "edit_message_id": card.message_id},
            stage.clock.now(),
        )
    await stage.settle()
    await stage.settle()
    (call,) = [c for c in stage.sim.calls_to("editMessageText") if c.params["chat_id"] == chat.id]
    assert call.error_code == 400 and "not modified" in (call.description or "")
    async with stage.services.db.reading() as conn:
        assert await outbox.status_counts(conn) == {"sent": 3}


async def test_a_batch_gets_one_card_with_a_batch_link(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    chat = _channel(stage, rita)
    await rita.send("/linkchannel @gignews")
    csv = b"text\nA purring kitten\nA puppy\nA tabby cat\n"
    terms = "Which animal? ; reward=0.02 n=2 time=2m"
    batch_id = await published_batch(stage, rita, csv, "cat | dog", terms)

    (card,) = stage.sim.bot_messages(chat)
    assert "6 of 6 left" in (card.text or ""), "one card for the batch: 3 items x 2 answers"
    ((_, _, url),) = card.buttons()[0]
    assert url == f"https://t.me/gigbot_test_bot?start=batch_{batch_id}"


async def test_a_batch_card_counts_down_and_closes_when_every_item_is_taken(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    chat = _channel(stage, rita)
    await rita.send("/linkchannel @gignews")
    ann, bob = await workers(stage, "Ann", "Bob")
    csv = b"text\nA purring kitten\nA puppy\n"
    await published_batch(stage, rita, csv, "cat | dog", "Which animal? ; reward=0.02 n=1 time=10m")
    (card,) = stage.sim.bot_messages(chat)
    assert "2 of 2 left" in (card.text or "")

    await ann.press("Accept")
    await later(stage, 61)
    assert "1 of 2 left" in (card.text or "")
    await bob.press("Accept")  # the push shows the first item, Ann's: Bob gets the second
    assert "A puppy" in bob.last_text()
    await later(stage, 61)
    assert "Closed" in (card.text or "") and card.buttons() == []
    assert len(_posts(stage, chat)) == 1, "the one card is edited, never posted again"


async def test_a_batch_card_with_every_item_taken_says_full(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    terms = "Which animal? ; reward=0.02 n=1 time=10m"
    await published_batch(stage, rita, b"text\nA purring kitten\n", "cat | dog", terms)
    card = bob.last()
    data = next(d for row in card.buttons() for t, d, _ in row if "Accept" in t)
    await ann.press("Accept")
    filled = stage.sim.message_by_id(bob.tg_id, card.message_id)
    assert "Filled" in (filled.text or "") and filled.buttons() == [], "the batch is full"
    alert = await forge(stage, bob, str(data), card.message_id)  # a copy of the card from before
    assert "full" in (alert or "")
    async with stage.services.db.reading() as conn:
        counts = await summary.assignment_states(conn)
    assert counts == {"accepted": 1}, "Ann's only"
