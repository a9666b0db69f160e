"""Timed offers that nobody takes: once no offer is live, a free slot is anyone's.

Under timed offers each free slot is held for one worker at a time. When every worker in
line has let their offer pass, the slots are held by nobody: the HIT stays listed and the
first worker to tap Accept (in /hits, /next or on their lapsed offer) gets a slot, and the
requester is told that the offers ran out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at, set_record
from tests.auxil.gestures import forge
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll
from tests.auxil.screens import labels
from tests.auxil.stages import failing_on_errors, later


@pytest.fixture
async def offer_stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The product's default dispatch: timed offers for HITs of up to 5 slots."""
    opened = await Stage.open(await database_at(tmp_path, "lapsed"), clock=clock, offer_up_to=5)
    async with failing_on_errors(opened):
        yield opened


async def _ranked(stage: Stage, *names: str) -> list[Actor]:
    """Workers ranked in the order named (by their approval records)."""
    found = [await worker(stage, name) for name in names]
    for n, actor in enumerate(found):
        await set_record(stage, actor, approved=30 - 10 * n)
    return found


def _offer_of(actor: Actor, title: str) -> int:
    """The message id of the worker's timed offer of `title`."""
    for message in actor.messages():
        if title in (message.text or "") and "Held for you" in (message.text or ""):
            return message.message_id
    raise AssertionError(f"{actor.name} got no offer of {title!r}: {actor.texts()}")


async def test_lapsed_offers_leave_slots_anyone_can_take(offer_stage: Stage) -> None:
    stage = offer_stage
    rita = await funded_requester(stage, stage.admin())
    ann, bob, cat = await _ranked(stage, "Ann", "Bob", "Cat")
    hit_id = await published_poll(stage, rita, "Lunch? | Soup | Salad ; reward=0.10 n=3")
    offers = {w.name: _offer_of(w, "Lunch?") for w in (ann, bob, cat)}

    await later(stage, 91)  # all three let their offers run out; nobody else is in line
    for w in (ann, bob, cat):
        lapsed = stage.sim.message_by_id(w.tg_id, offers[w.name])
        text = lapsed.text or ""
        assert "passed to the next worker" not in text, "nobody was next: don't say so"
        assert "open to anyone" in text, text
        assert any("Accept" in label for label in labels(w, offers[w.name]))
    told = rita.last_text()
    assert "Nobody took" in told and "Lunch?" in told and f"#{hit_id}" in told, told
    assert "3 workers" in told and "3 free slots" in told and "/hits" in told, told

    # Listed, and Accept works wherever it is tapped: /hits, /next, the lapsed offer.
    await ann.send("/hits")
    await ann.press("Lunch?")
    await ann.press("Accept")
    assert "Lunch?" in ann.last_text() and "1/1" in ann.last_text(), ann.last_text()
    await bob.send("/next")
    assert "Lunch?" in bob.last_text()
    await bob.press("Accept")
    assert "1/1" in bob.last_text()
    assert "Accepted" in (await cat.press("Accept", offers["Cat"]) or "")
    assert "1/1" in cat.last_text()
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 3
    assert sum("Nobody took" in t for t in rita.texts()) == 1, "told once"


async def test_a_held_slot_is_not_listed_to_others_until_nobody_holds_it(
    offer_stage: Stage,
) -> None:
    stage = offer_stage
    rita = await funded_requester(stage, stage.admin())
    ann, bob = await _ranked(stage, "Ann", "Bob")
    hit_id = await published_poll(stage, rita, "Only one | Yes | No ; reward=0.10 n=1")
    offer = _offer_of(ann, "Only one")

    await bob.send("/hits")
    assert not any("Only one" in label for label in labels(bob)), "held for Ann: not Bob's"
    await bob.send("/next")
    assert "Nothing open for you" in bob.last_text()
    await bob.send(f"/start hit_{hit_id}")  # a channel post's link
    assert "held for another worker" in bob.last_text(), bob.last_text()
    alert = await forge(stage, bob, f"acc:{hit_id}")  # e.g. an old card's Accept
    assert alert is not None and "held for another worker" in alert, alert

    await later(stage, 91)  # Ann lets it pass: Bob is next in line and holds it
    assert "passed to the next worker" in (stage.sim.message_by_id(ann.tg_id, offer).text or "")
    assert labels(ann, offer) == []
    bobs = _offer_of(bob, "Only one")
    await ann.send("/hits")
    assert not any("Only one" in label for label in labels(ann)), "held for Bob now"

    await later(stage, 91)  # Bob lets it pass too: nobody holds it any more
    assert "open to anyone" in (stage.sim.message_by_id(ann.tg_id, offer).text or "")
    assert "Nobody took" in rita.last_text()
    await ann.send("/hits")
    await ann.press("Only one")
    await ann.press("Accept")
    assert "Only one" in ann.last_text() and "1/1" in ann.last_text(), ann.last_text()
    filled = stage.sim.message_by_id(bob.tg_id, bobs)
    assert "Filled" in (filled.text or "") and filled.buttons() == [], "full: no Accept left"


async def test_declining_when_nobody_is_next_says_the_slot_is_open(offer_stage: Stage) -> None:
    stage = offer_stage
    rita = await funded_requester(stage, stage.admin())
    (ann,) = await _ranked(stage, "Ann")
    await published_poll(stage, rita, "Solo | Yes | No ; reward=0.10 n=1")
    await ann.press("Decline")
    assert "Nobody else is in line" in ann.last_text() and "/hits" in ann.last_text()
    assert "went to the next worker" not in ann.last_text()
    assert "Nobody took" in rita.last_text() and "1 worker was offered" in rita.last_text()
    await ann.send("/next")
    await ann.press("Accept")
    assert "Solo" in ann.last_text() and "1/1" in ann.last_text(), "she changed her mind"


async def test_a_lapsed_offer_that_kept_accept_says_so_when_the_hit_is_cancelled(
    offer_stage: Stage,
) -> None:
    stage = offer_stage
    rita = await funded_requester(stage, stage.admin())
    (ann,) = await _ranked(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Tea? | Yes | No ; reward=0.10 n=1")
    offer = _offer_of(ann, "Tea?")
    await later(stage, 91)  # Ann lets it run out; nobody is next: it keeps its Accept
    assert any("Accept" in label for label in labels(ann, offer))

    await rita.send("/myhits")
    await rita.press("Tea?")
    await rita.press("Cancel")
    await rita.press("Yes, cancel")
    await stage.settle()
    closed = stage.sim.message_by_id(ann.tg_id, offer)
    assert "No longer open — withdrawn by the requester" in (closed.text or ""), closed.text
    assert labels(ann, offer) == [], f"no Accept left for HIT #{hit_id}"
