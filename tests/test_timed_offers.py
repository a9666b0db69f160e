"""Timed offers instead of races: one worker at a time holds a slot, with a countdown.

Workers are ranked by their record (matching's score); the requester writes
`dispatch=offer`, or gets offers by default for small polls (GIGBOT_OFFER_UP_TO).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock, ScaledClock
from bot.demo.stage import Actor, Stage
from bot.matching.offers import DispatchTerms, split_poll_terms, split_terms
from bot.parsing import ParseError
from tests.auxil.database import database_at, set_record, sql
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll
from tests.auxil.stages import failing_on_errors, fast_stage, later, restart

HELD = "held for another worker"


async def _ranked_trio(stage: Stage) -> tuple[Actor, Actor, Actor]:
    """Ann, Bob and Cat, ranked in that order by their approval records."""
    ann, bob, cat = [await worker(stage, name) for name in ("Ann", "Bob", "Cat")]
    await set_record(stage, ann, approved=20)
    await set_record(stage, bob, approved=10)
    await set_record(stage, cat, approved=5)
    return ann, bob, cat


def _offers(actor: Actor) -> list[str]:
    return [text for text in actor.texts() if "Held for you" in text]


async def _script_tap(stage: Stage, actor: Actor, hit_id: int) -> str | None:
    """Accept replayed from any message, as a catcher script would; the alert shown."""
    seen = len(stage.sim.alerts(actor.user))
    await stage.deliver(
        stage.sim.callback(
            actor.user,
            actor.last().message_id,
            f"acc:{hit_id}",
            enqueue=False,
            check_button=False,
        )
    )
    alerts = stage.sim.alerts(actor.user)[seen:]
    return str(alerts[-1].get("text")) if alerts else None


async def _statuses(stage: Stage, hit_id: int) -> list[tuple[object, ...]]:
    return await sql(
        stage,
        "SELECT u.first_name, o.status, p.outcome FROM offers o JOIN users u ON u.id = o.worker_id"
        " JOIN pushes p ON p.hit_id = o.hit_id AND p.worker_id = o.worker_id"
        " WHERE o.hit_id = ? ORDER BY o.id",
        hit_id,
    )


async def test_an_offer_moves_through_three_workers(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cat = await _ranked_trio(stage)
    hit_id = await published_poll(
        stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.10 n=1 time=2m dispatch=offer"
    )
    assert "Held for you: 1m 30s left" in ann.last_text()
    assert "⚡ ≥$" in ann.last_text() and "⭐ new requester" in ann.last_text(), "a push card"
    assert "(new requester)" not in ann.last_text(), "the record is given once"
    assert _offers(bob) == _offers(cat) == [], "one worker at a time"

    # A script tapping Accept before anyone gains nothing: the slot is Ann's.
    assert HELD in (await _script_tap(stage, bob, hit_id) or "")
    offer = ann.last()
    await later(stage, 30)
    assert "Held for you: 1m left" in ann.last_text() and ann.last().message_id == offer.message_id
    await later(stage, 30)
    assert "Held for you: 30s left" in ann.last_text()

    await later(stage, 30)  # Ann let it run out: it moves to Bob
    passed = stage.sim.message_by_id(ann.tg_id, offer.message_id)
    assert "passed to the next worker" in (passed.text or "") and passed.buttons() == []
    assert "Held for you: 1m 30s left" in bob.last_text() and _offers(cat) == []
    assert HELD in (await _script_tap(stage, ann, hit_id) or ""), "too late for Ann"

    await bob.press("Decline")  # Bob passes: Cat gets it at once
    assert "Declined" in bob.last_text()
    assert "Held for you: 1m 30s left" in cat.last_text()

    await cat.press("Accept")
    assert "1/1" in cat.last_text() and "Tea or coffee?" in cat.last_text()
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 1
    assert await _statuses(stage, hit_id) == [
        ("Ann", "expired", "unanswered"),
        ("Bob", "declined", "skipped"),
        ("Cat", "accepted", "accepted"),
    ]
    await later(stage, 600)
    assert len(await _statuses(stage, hit_id)) == 3, "a full HIT is offered to nobody else"
    assert _offers(ann) == _offers(bob) == [], "their offers say what became of them"


async def test_nobody_steals_a_held_slot_however_fast(tmp_path: Path, clock: FakeClock) -> None:
    async with fast_stage(await database_at(tmp_path, "offers"), clock) as stage:
        rita = await funded_requester(stage, stage.admin())
        ann = await worker(stage, "Ann")
        await set_record(stage, ann, approved=50)
        scripts = [await worker(stage, f"S{n}") for n in range(30)]
        hit_id = await published_poll(
            stage, rita, "Quick one | Yes | No ; reward=0.10 n=1 dispatch=offer"
        )
        assert "Held for you" in ann.last_text()
        seen = {s.tg_id: len(stage.sim.alerts(s.user)) for s in scripts}
        taps = [
            stage.sim.callback(
                s.user, s.last().message_id, f"acc:{hit_id}", enqueue=False, check_button=False
            )
            for s in scripts
        ]
        ann_tap = stage.sim.callback(
            ann.user, ann.last().message_id, f"acc:{hit_id}", enqueue=False
        )
        await stage.deliver_many([*taps[:15], ann_tap, *taps[15:]])
        for s in scripts:
            alerts = stage.sim.alerts(s.user)[seen[s.tg_id] :]
            # held for Ann, or (once she took it) full: never a slot
            assert len(alerts) == 1 and (
                HELD in str(alerts[0].get("text")) or "full" in str(alerts[0].get("text"))
            )
        assert "1/1" in ann.last_text()
        rows = await sql(stage, "SELECT worker_id FROM assignments WHERE hit_id = ?", hit_id)
        hit = await stage.services.market.reading.hit(hit_id)
        assert len(rows) == 1 and hit is not None and hit.slots_used == 1


async def test_two_slots_are_two_holds_and_race_hits_still_race(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cat = await _ranked_trio(stage)
    hit_id = await published_poll(
        stage, rita, "Two of you | A | B ; reward=0.05 n=2 dispatch=offer"
    )
    assert len(_offers(ann)) == len(_offers(bob)) == 1 and _offers(cat) == []
    assert HELD in (await _script_tap(stage, cat, hit_id) or "")
    await bob.press("Accept")
    assert "1/1" in bob.last_text()

    race = await published_poll(stage, rita, "Open race | A | B ; reward=0.05 n=2 dispatch=race")
    assert _offers(cat) == [] and "Open race" in cat.last_text()
    await cat.press("Accept")
    assert "1/1" in cat.last_text()
    assert await sql(stage, "SELECT COUNT(*) FROM offers WHERE hit_id = ?", race) == [(0,)]


async def test_a_hold_survives_a_restart_and_expires_after_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    stage = await Stage.open(await database_at(tmp_path, "restart"), clock=clock)
    try:
        rita = await funded_requester(stage, stage.admin())
        ann, bob, _cat = await _ranked_trio(stage)
        hit_id = await published_poll(
            stage, rita, "Restart? | Yes | No ; reward=0.05 n=1 dispatch=offer"
        )
        offer = ann.last()
        assert "Held for you" in offer.text

        # Down mid-hold; the hold's deadline passes while nothing runs.
        stage = await restart(stage, down_for=120)
        ann, bob = Actor(stage, ann.user), Actor(stage, bob.user)
        await stage.settle()

        passed = stage.sim.message_by_id(ann.tg_id, offer.message_id)
        assert "passed to the next worker" in (passed.text or "")
        assert "Held for you: 1m 30s left" in bob.last_text(), "the next worker got it at start"
        assert HELD in (await _script_tap(stage, ann, hit_id) or "")
        await bob.press("Accept")
        assert "1/1" in bob.last_text()
        assert [row[:2] for row in await _statuses(stage, hit_id)] == [
            ("Ann", "expired"),
            ("Bob", "accepted"),
        ]
        assert stage.services.errors == [] and stage.sim.violations == []
    finally:
        await stage.close()


async def test_a_live_hold_is_still_good_after_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    stage = await Stage.open(await database_at(tmp_path, "live"), clock=clock)
    try:
        rita = await funded_requester(stage, stage.admin())
        ann, bob, _cat = await _ranked_trio(stage)
        await published_poll(stage, rita, "Still mine? | Yes | No ; reward=0.05 n=1 dispatch=offer")
        stage = await restart(stage, down_for=40)
        ann, bob = Actor(stage, ann.user), Actor(stage, bob.user)
        await stage.settle()
        assert _offers(bob) == []
        await ann.press("Accept")
        assert "1/1" in ann.last_text()
        assert stage.services.errors == [] and stage.sim.violations == []
    finally:
        await stage.close()


@pytest.fixture
async def default_stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The product's default dispatch rule: offers up to 5 max assignments."""
    opened = await Stage.open(await database_at(tmp_path, "default"), clock=clock, offer_up_to=5)
    async with failing_on_errors(opened):
        yield opened


async def test_small_polls_get_offers_by_default(default_stage: Stage) -> None:
    stage = default_stage
    rita = await funded_requester(stage, stage.admin())
    await rita.send("/newpoll Small? | A | B ; reward=0.05 n=5")
    assert "Timed offers: each slot is held 1m 30s" in rita.last_text()
    await rita.send("/newpoll Big? | A | B ; reward=0.05 n=6")
    assert "Race: first to accept" in rita.last_text()
    await rita.send("/newpoll Mine to choose | A | B ; reward=0.05 n=2 dispatch=race extend=10m")
    assert "Race" in rita.last_text() and "Workers may add 10m once" in rita.last_text()
    await rita.send("/newpoll Bad | A | B ; reward=0.05 dispatch=fastest")
    assert "Dispatch must be offer" in rita.last_text()
    assert await sql(stage, "SELECT mode, extend_s FROM hit_dispatch ORDER BY hit_id") == [
        ("offer", None),
        ("race", None),
        ("race", 600),
    ]


async def test_a_survey_chooses_its_dispatch_in_its_terms(default_stage: Stage) -> None:
    stage = default_stage
    rita = await funded_requester(stage, stage.admin())
    await rita.send("/newsurvey")
    await rita.send("Lunch habits")
    await rita.press("Rating")
    await rita.send("How hungry are you?")
    await rita.press("Done")
    assert "terms" in rita.last_text()
    await rita.send("reward=0.20 n=3 time=5m dispatch=offer extend=5m")
    assert "Timed offers" in rita.last_text() and "add 5m once" in rita.last_text()
    assert await sql(stage, "SELECT mode, extend_s FROM hit_dispatch") == [("offer", 300)]


def test_dispatch_terms_are_taken_out_of_the_rest() -> None:
    assert split_terms("reward=0.05 n=3 dispatch=race extend=10m") == (
        "reward=0.05 n=3",
        DispatchTerms("race", 600),
    )
    rest, given = split_poll_terms("Q? | A | B ; reward=0.05 dispatch=offer")
    assert rest.split() == "Q? | A | B ; reward=0.05".split() and given.mode == "offer"
    assert DispatchTerms().resolve(5, 5).mode == "offer"
    assert DispatchTerms().resolve(6, 5).mode == "race"
    assert DispatchTerms("race").resolve(1, 5).mode == "race"
    for bad in ("dispatch=fast", "extend=30s", "extend=3h", "dispatch=race dispatch=offer"):
        with pytest.raises(ParseError):
            split_terms(bad)


async def test_the_scheduler_passes_an_offer_on_by_itself(tmp_path: Path) -> None:
    """With a clock that runs by itself (x100), the JobQueue ends the hold: nobody settles."""
    stage = await Stage.open(await database_at(tmp_path, "jobs"), clock=ScaledClock(100.0))
    try:
        rita = await funded_requester(stage, stage.admin())
        ann, bob, _cat = await _ranked_trio(stage)
        hit_id = await published_poll(
            stage, rita, "On its own | Yes | No ; reward=0.05 n=1 dispatch=offer"
        )
        names = {job.name for job in stage.app.job_queue.jobs()} if stage.app.job_queue else set()
        assert "offer:1" in names, names
        # 90 s of hold = 0.9 s real; give it up to 15 s (a busy CI). Bob is offered it next.
        await stage.sim.until(lambda: _offers(bob) != [], 15, what="the offer to pass to Bob")
        statuses = [row[1] for row in await _statuses(stage, hit_id)]
        assert statuses == ["expired", "held"]
        assert stage.services.errors == [] and stage.sim.violations == []
    finally:
        await stage.close()
