"""/myhits for a busy requester: one message with a button per HIT or batch, pages of eight
(Older / Newer), each card reached from its row and back, all edited in place; whole
batches paused, resumed and cancelled together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import SimMessage
from tests.auxil.database import connect, database_of
from tests.auxil.people import funded_requester
from tests.auxil.posting import published_batch, published_poll
from tests.auxil.stages import roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _batch(stage: Stage, rita: Actor) -> int:
    csv = b"text\nA cat\nA dog\nA cow\n"
    return await published_batch(
        stage, rita, csv, "cat | dog | cow", "Which animal? ; reward=0.02 n=1 time=2m"
    )


def _statuses(stage: Stage, batch_id: int) -> set[str]:
    with connect(database_of(stage)) as db:
        rows = db.execute("SELECT status FROM hits WHERE batch_id = ?", (batch_id,)).fetchall()
    return {str(r[0]) for r in rows}


def _labels(message: SimMessage) -> list[str]:
    return [text for row in message.buttons() for text, _, _ in row]


async def test_a_busy_requester_pages_through_every_hit_and_batch(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin, cents=5_000)
    oldest = await published_poll(stage, rita, "Oldest? | A | B ; reward=0.05 n=1")
    await _batch(stage, rita)
    for n in range(8):
        await published_poll(stage, rita, f"Poll {n}? | A | B ; reward=0.05 n=1")

    seen = len(rita.messages())
    await rita.send("/myhits")
    assert len(rita.messages()) == seen + 1, "one message, not one per HIT"
    page = rita.last()
    assert "1–8 of 10, newest first" in (page.text or "")
    rows = _labels(page)
    assert rows[0] == "🟢 Poll 7? · 0/1" and rows[7] == "🟢 Poll 0? · 0/1", "newest first"
    assert rows[8:] == ["Older ▸"], "a button per HIT, then the pager"

    await rita.press("Older", page.message_id)
    page = rita.stage.sim.message_by_id(rita.tg_id, page.message_id)
    assert "9–10 of 10" in (page.text or "")
    assert _labels(page) == ["🟢 Which animal? · 0/3", "🟢 Oldest? · 0/1", "◂ Newer"]

    # the oldest poll, on page 2, is managed from its card in the same message
    await rita.press("Oldest?", page.message_id)
    card = rita.stage.sim.message_by_id(rita.tg_id, page.message_id)
    assert f"(poll #{oldest})" in (card.text or "") and "0/1 taken" in (card.text or "")
    assert _labels(card) == ["📊 Results", "⏸ Pause", "🚫 Cancel", "◀️ All my HITs"]
    toast = await rita.press("Pause", card.message_id)
    assert toast is not None and toast.startswith("⏸ Paused"), toast
    card = rita.stage.sim.message_by_id(rita.tg_id, page.message_id)
    assert (card.text or "").startswith("⏸ Oldest?"), "its card is redrawn paused"
    assert f"(poll #{oldest} · paused)" in (card.text or ""), "the status in words too"
    assert "▶️ Resume" in _labels(card)
    hit = await stage.services.market.reading.hit(oldest)
    assert hit is not None and hit.status.value == "paused"

    await rita.press("All my HITs", card.message_id)
    page = rita.stage.sim.message_by_id(rita.tg_id, page.message_id)
    assert "9–10 of 10" in (page.text or ""), "back to the page it is listed on"
    assert "⏸ Oldest? · 0/1" in _labels(page)
    await rita.press("Newer", page.message_id)
    page = rita.stage.sim.message_by_id(rita.tg_id, page.message_id)
    assert "1–8 of 10" in (page.text or "")
    assert len(rita.messages()) == seen + 1, "all of it in the one message"


async def test_a_batch_is_paused_resumed_and_cancelled_as_one(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1_000)
    batch_id = await _batch(stage, rita)
    await rita.send("/myhits")
    await rita.press("Which animal?")
    card = rita.last()
    assert f"batch #{batch_id} · 3 items" in (card.text or "")
    await rita.press("Pause", card.message_id)
    assert _statuses(stage, batch_id) == {"paused"}
    await rita.press("Resume", card.message_id)
    assert _statuses(stage, batch_id) == {"open"}
    await rita.send("/balance")
    assert "In escrow: $0.06" in rita.last_text()
    await rita.press("Cancel", card.message_id)
    asked = rita.stage.sim.message_by_id(rita.tg_id, card.message_id).text or ""
    assert f"Cancel batch #{batch_id}" in asked and "3 open slots are refunded now: $0.06" in asked
    assert _statuses(stage, batch_id) == {"open"}, "asking cancels nothing"
    await rita.press("Yes, cancel", card.message_id)
    assert _statuses(stage, batch_id) == {"cancelled"}
    await rita.send("/balance")
    assert "Available: $10.00" in rita.last_text() and "In escrow: $0.00" in rita.last_text()


@pytest.mark.parametrize("args", ["x", "0", "1 2", "-1"])
async def test_a_bad_page_gets_the_usage(stage: Stage, admin: Actor, args: str) -> None:
    rita = await funded_requester(stage, admin)
    await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.05 n=1")
    await rita.send(f"/myhits {args}")
    assert "/myhits 2 for the next page" in rita.last_text()


async def test_a_page_past_the_last_says_so(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.05 n=1")
    await rita.send("/myhits 3")
    assert "You have 1 HIT or batch: that page is past the last one" in rita.last_text()
