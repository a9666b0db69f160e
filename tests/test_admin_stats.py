"""/stats: the admin sees the marketplace at a glance; nobody else sees anything of it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.market import texts as market_texts
from tests.auxil.gestures import answer_poll, approve_next
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll
from tests.auxil.stages import roomy_stage

DAY = 86_400


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _story(stage: Stage, admin: Actor) -> tuple[Actor, Actor, Actor]:
    """Rita ($100) polls Ann, Bob and Cat (who blocked the bot); Ann's answer is approved
    and bonused $0.25, Bob's rejected; Rita also leaves a draft. Returns (rita, ann, bob)."""
    rita = await funded_requester(stage, admin)
    ann, bob, cat = await workers(stage, "Ann", "Bob", "Cat")
    stage.sim.block(cat.user)
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=2 time=2m")
    for worker, option in ((ann, "Tea"), (bob, "Coffee")):
        await answer_poll(worker, option)
    await approve_next(rita)
    await rita.press("Reject")
    await rita.send("Not what was asked")
    await rita.send("/bonus 1 0.25 Lovely")
    assert "Sent $0.25" in rita.last_text()
    await rita.send("/newpoll Later? | Yes | No ; reward=0.10 n=3")
    assert "Preview" in rita.last_text()
    return rita, ann, bob


def _menu(stage: Stage, actor: Actor | None = None) -> list[str]:
    """The command names Telegram shows in `actor`'s chat (None: the default menu)."""
    scope = {"type": "default"} if actor is None else {"chat_id": actor.tg_id, "type": "chat"}
    return [
        str(c["command"]) for c in stage.sim.commands.get(json.dumps(scope, sort_keys=True), [])
    ]


def _line(text: str, start: str) -> str:
    """The line of /stats that starts with `start` (after its leading spaces)."""
    found = [line.strip() for line in text.splitlines() if line.strip().startswith(start)]
    assert len(found) == 1, text
    return found[0]


async def test_admin_sees_the_marketplace(stage: Stage, admin: Actor) -> None:
    rita, ann, bob = await _story(stage, admin)
    await bob.press("Dispute")
    await bob.send("Coffee was one of the options.")
    assert "Dispute sent" in bob.last_text()

    await admin.send("/stats")
    assert admin.last_text() == "\n".join(
        [
            "📊 gigbot now (24 h = the last 24 hours)",
            "👥 Users 4: workers 3 · requesters 1",
            "   joined in 24 h: 4 · blocked the bot: 1",
            "📋 HITs 2: open 0 · paused 0 · closed 1 · expired 0 · cancelled 0 · draft 1",
            "📝 Assignments 2: accepted 0 · submitted 0 · approved 1 · rejected 1 · returned 0"
            " · abandoned 0",
            "   submitted in 24 h: 2",
            "💰 Money funded $100.00 · in escrow $0.00",
            "   requesters hold $99.70 · workers hold $0.30",
            "   paid for work $0.05 (24 h: $0.05)",
            "   bonuses $0.25 (24 h: $0.25)",
            "   deposits $0.00 (24 h: $0.00) · refunded $0.00",
            "   payouts sent $0.00 (24 h: $0.00) · waiting $0.00",
            "   fees $0.00 (24 h: $0.00)",
            "📨 Outbox 0 waiting · failed 1",
            "⚖️ Open disputes 1",
        ]
    ), "Cat's push failed (she blocked the bot); the admin is no user; Rita's draft counts"
    assert len(admin.last_text()) < 4096
    # The figures agree with what the users themselves were told.
    await rita.send("/balance")
    assert "$99.70" in rita.last_text()
    await ann.send("/earnings")
    assert "Balance: $0.30" in ann.last_text()


async def test_others_get_the_admin_only_reply(stage: Stage, admin: Actor) -> None:
    rita, ann, _bob = await _story(stage, admin)
    for someone in (rita, ann):
        before = len(someone.texts())
        await someone.send("/stats")
        assert someone.texts()[before:] == [market_texts.ADMIN_ONLY], (
            "the refusal, and nothing else"
        )
    await ann.send("/fund 1 1.00")
    assert ann.last_text() == market_texts.ADMIN_ONLY, "the same answer /fund gives"
    assert "stats" in _menu(stage, admin) and "stats" not in _menu(stage, rita)
    assert "stats" not in _menu(stage), "workers' default menu"


async def test_last_24_hours_move_with_the_clock(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    await _story(stage, admin)
    clock.advance(DAY + 1)
    (dan,) = await workers(stage, "Dan")
    assert "Welcome to gigbot" in dan.texts()[0]

    await admin.send("/stats")
    text = admin.last_text()
    assert _line(text, "👥") == "👥 Users 5: workers 4 · requesters 1"
    assert _line(text, "joined") == "joined in 24 h: 1 · blocked the bot: 1", "Dan only"
    assert _line(text, "submitted") == "submitted in 24 h: 0"
    assert _line(text, "paid") == "paid for work $0.05 (24 h: $0.00)"
    assert _line(text, "bonuses") == "bonuses $0.25 (24 h: $0.00)"
    assert _line(text, "💰") == "💰 Money funded $100.00 · in escrow $0.00"
    assert _line(text, "📝").startswith("📝 Assignments 2: accepted 0 · submitted 0 · approved 1")


async def test_a_stalled_outbox_shows_its_backlog(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    # The sender stops: what the bot sends on its own waits in the outbox.
    await stage.services.broadcaster.stop()
    stage.settle_each_update = False
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=2 time=2m")
    assert "Tea or coffee?" not in ann.last_text(), "the push is still waiting"
    clock.advance(45)

    await admin.send("/stats")
    text = admin.last_text()
    assert _line(text, "📨") == "📨 Outbox 2 waiting, oldest 45s · failed 0", "Ann's and Bob's"
    assert _line(text, "💰") == "💰 Money funded $100.00 · in escrow $0.10"
    assert _line(text, "requesters") == "requesters hold $99.90 · workers hold $0.00"
    assert _line(text, "📋") == (
        "📋 HITs 1: open 1 · paused 0 · closed 0 · expired 0 · cancelled 0 · draft 0"
    )
    assert _line(text, "⚖️") == "⚖️ Open disputes 0"

    stage.services.broadcaster.start()
    stage.settle_each_update = True
    await stage.settle()
    assert "Tea or coffee?" in ann.last_text() and "Tea or coffee?" in bob.last_text()
    await admin.send("/stats")
    assert _line(admin.last_text(), "📨") == "📨 Outbox 0 waiting · failed 0"
