"""/myhits for a busy requester: pages of eight, Older, every card manageable, whole batches
paused, resumed and cancelled together."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.stage import Actor, Stage
from tests.conftest import funded_requester, published_poll, roomy_stage
from tests.requester_helpers import database_of, published_batch


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
    with sqlite3.connect(database_of(stage)) as db:
        rows = db.execute("SELECT status FROM hits WHERE batch_id = ?", (batch_id,)).fetchall()
    return {str(r[0]) for r in rows}


async def test_a_busy_requester_pages_through_every_hit_and_batch(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin, cents=5_000)
    oldest = await published_poll(stage, rita, "Oldest? | A | B ; reward=0.05 n=1")
    batch_id = await _batch(stage, rita)
    for n in range(8):
        await published_poll(stage, rita, f"Poll {n}? | A | B ; reward=0.05 n=1")

    seen = len(rita.messages())
    await rita.send("/myhits")
    page = [m.text or "" for m in rita.messages()[seen:]]
    assert len(page) == 1 + 8 + 1, "header, eight cards, footer"
    assert "Poll 7?" in page[1] and "Poll 0?" in page[8], "newest first"
    assert "Showing 1–8 of 10. Older: /myhits 2" in page[-1]
    assert not any("Oldest?" in t or "batch #" in t for t in page)

    seen = len(rita.messages())
    await rita.press("Older")
    older = [m.text or "" for m in rita.messages()[seen:]]
    assert len(older) == 1 + 2, "header and the two oldest; no footer on the last page"
    assert f"batch #{batch_id}" in older[1] and "3 items" in older[1]
    assert f"poll #{oldest}" in older[2]

    # the oldest poll, on page 2, is managed from its card like any other
    card = rita.messages()[-1]
    await rita.press("Pause", card.message_id)
    assert (card.text or "").startswith("⏸ Oldest?"), "its card is redrawn paused"
    assert f"(poll #{oldest} · paused)" in (card.text or ""), "the status in words too"
    assert "Resume" in str(card.buttons())
    hit = await stage.services.market.hit(oldest)
    assert hit is not None and hit.status.value == "paused"


async def test_a_batch_is_paused_resumed_and_cancelled_as_one(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1_000)
    batch_id = await _batch(stage, rita)
    await rita.send("/myhits")
    card = rita.messages()[-1]
    assert f"batch #{batch_id}" in (card.text or "")
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
    assert "You have 1 HITs and batches: that page is past the last one" in rita.last_text()
