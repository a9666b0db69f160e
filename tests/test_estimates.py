"""One time estimate per HIT, the same on every screen, saying where it comes from; a
batch's items share it and are listed once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import AssignmentStatus
from bot.market.results import AcceptResult, WorkResult
from storage import hits as hit_rows
from tests.auxil.database import database_of, rows
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.posting import published_batch, published_poll
from tests.auxil.stages import roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for the setup taps of several workers within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


ITEMS = b"text\n" + b"".join(f"Bird number {n}\n".encode() for n in range(8))


async def _tag_one(stage: Stage, clock: FakeClock, actor: Actor, hit_id: int, took: int) -> None:
    """The worker takes this item, tags it and hands it in `took` seconds later."""
    market = stage.services.market
    user = await user_of(stage, actor)
    taken = await market.accepting.accept(user, hit_id)
    assert taken.result is AcceptResult.OK and taken.assignment is not None
    clock.advance(took)
    result, _ = await market.working.answer(user, taken.assignment.id, 0, "0")
    assert result is WorkResult.OK
    result, done = await market.working.submit(user, taken.assignment.id)
    assert result is WorkResult.OK and done is not None
    assert done.assignment.status is AssignmentStatus.SUBMITTED


def _lines(actor: Actor, title: str) -> list[str]:
    """The /hits buttons of the latest /hits page naming `title`."""
    page = actor.last()
    return [text for row in page.buttons() for text, _, _ in row if title in text]


async def test_a_batch_has_one_estimate_everywhere_and_one_line(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    crew = [await worker(stage, name) for name in ("Ann", "Bo", "Cy", "Di", "Ed")]
    zed = await worker(stage, "Zed")
    batch = await published_batch(
        stage, rita, ITEMS, "bird | cat", "Birds ; reward=0.05 n=1 time=5m est=20s"
    )
    async with stage.services.db.reading() as conn:
        items = [h.id for h in await hit_rows.in_batch(conn, batch)]

    await zed.send("/hits")
    (line,) = _lines(zed, "Birds")  # eight items, one line
    assert "≈$9.00/h" in line and "8 items" in line, line
    assert "median time of finished work" in zed.last_text(), "the rates are explained"

    # One slow worker: a single submission does not move the estimate of any item.
    await _tag_one(stage, clock, crew[0], items[0], 120)
    await zed.send("/hits")
    (line,) = _lines(zed, "Birds")
    assert "≈$9.00/h" in line and "7 items" in line, line
    await zed.send("/next")
    assert "≈$9.00/h (takes ≈ 20s: the requester's estimate)" in zed.last_text()

    # Five in: the median of the whole batch's work, the same for every item and screen.
    for actor, item in zip(crew[1:], items[1:5], strict=True):
        await _tag_one(stage, clock, actor, item, 30)
    await zed.send("/hits")
    (line,) = _lines(zed, "Birds")
    assert "≈$6.00/h" in line and "3 items" in line, line
    await zed.send("/next")
    card = zed.last_text()
    assert "≈$6.00/h (takes ≈ 30s: the median of 5 done)" in card, card
    await zed.send("/free 10m")
    shown = zed.last_text()
    assert shown.count("Birds") == 1 and "(3 items)" in shown, shown
    assert "~30s (≈$6.00/h)" in shown


async def test_the_median_kept_is_the_middle_time_or_the_mean_of_the_two_middle_ones(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    """The HIT keeps the median of its first submissions as they come in (on PostgreSQL in
    one UPDATE, in SQL): the mean of the two middle times for an even count, the middle
    one for an odd count, whatever order the times come in."""
    rita = await funded_requester(stage, admin)
    crew = [await worker(stage, name) for name in ("Ann", "Bo", "Cy", "Di", "Ed")]
    hit_id = await published_poll(stage, rita, "Quick? | yes | no ; reward=0.05 n=5")
    target = database_of(stage)
    kept = []
    for actor, took in zip(crew, (70, 10, 40, 20.5, 100), strict=True):
        await _tag_one(stage, clock, actor, hit_id, took)
        kept.append(rows(target, "SELECT measured_n, measured_s FROM hits WHERE id = ?", (hit_id,)))
    assert kept == [
        [(1, 70.0)],
        [(2, 40.0)],
        [(3, 40.0)],
        [(4, 30.25)],
        [(5, 40.0)],
    ]
