"""Anonymous messages between a worker and a requester (no Telegram identity ever crosses),
rate-limited; and /free: only HITs that fit the worker's free time, best first."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import approve_next, do_poll
from tests.auxil.people import funded_requester, set_up, workers
from tests.auxil.posting import published_poll
from tests.auxil.stages import roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


def _carried(stage: Stage, chat_id: int) -> str:
    """Everything the bot sent or edited into a chat, as one string (text and buttons)."""
    return "\n".join(
        json.dumps(call.params, ensure_ascii=False)
        for call in stage.sim.calls
        if str(call.params.get("chat_id")) == str(chat_id)
    )


async def test_messages_are_relayed_without_identity(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = Actor(stage, stage.sim.add_user("Ritabelle", username="rita_private", id=731_555_019))
    await rita.send("/start")
    await admin.send(f"/fund {rita.tg_id} 10.00")
    ann = Actor(stage, stage.sim.add_user("Annabel", username="annabel_secret", id=842_666_027))
    await ann.send("/start")
    await set_up(ann)
    (bob,) = await workers(stage, "Bob")
    hit_id = await published_poll(stage, rita, "Which is calmer? | Sea | City ; reward=0.05 n=1")
    await do_poll(ann, clock, "Sea", 30)
    await approve_next(rita)

    await ann.press("Message requester")
    assert "under your alias" in ann.last_text() and "never with your username" in ann.last_text()
    await ann.send("Thanks! Will there be more of these?")
    assert "Sent" in ann.last_text()
    relayed = rita.last_text()
    assert "From worker W-" in relayed and "Which is calmer?" in relayed
    assert "Thanks! Will there be more of these?" in relayed

    await rita.press("Reply")
    await rita.send("Yes, tomorrow morning.")
    assert "From requester Ritabelle" in ann.last_text()
    assert "Yes, tomorrow morning." in ann.last_text()
    await ann.press("Reply")
    await ann.send("Great")
    assert "Great" in rita.last_text()

    # By command: the requester by alias, the worker by HIT number.
    alias = (await stage.services.market.people.user(ann.tg_id)).alias  # type: ignore[union-attr]
    await rita.send(f"/msg {alias} One more question for you")
    assert "One more question for you" in ann.last_text()
    await ann.send(f"/msg {hit_id} Happy to help")
    assert "Happy to help" in rita.last_text()

    # Only the two sides of the work can write; empty messages are refused.
    await bob.send(f"/msg {hit_id} Hello?")
    assert "only write about work you did" in bob.last_text()
    await bob.send(f"/msg {alias} hi")
    assert "only write about work you did" in bob.last_text()
    await rita.send("/msg W-ZZZZ hi")
    assert "No one is called that" in rita.last_text()

    # Ann has sent 3 messages this hour; the limit is 5.
    await ann.send(f"/msg {hit_id} four")
    await ann.send(f"/msg {hit_id} five")
    await ann.send(f"/msg {hit_id} six")
    assert "many messages this hour" in ann.last_text()
    assert "six" not in rita.last_text()
    clock.advance(3601)
    await ann.send(f"/msg {hit_id} seven")
    assert "seven" in rita.last_text()

    to_rita = _carried(stage, rita.tg_id)
    assert str(ann.tg_id) not in to_rita and "annabel_secret" not in to_rita
    assert "Annabel" not in to_rita
    to_ann = _carried(stage, ann.tg_id)
    assert str(rita.tg_id) not in to_ann and "rita_private" not in to_ann
    assert "Thanks! Will there be more of these?" in to_rita and "Great" in to_rita
    assert "Yes, tomorrow morning." in to_ann


async def test_requester_writes_about_a_hit_to_its_one_worker_or_is_shown_the_aliases(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    olga = await funded_requester(stage, admin, "Olga")
    ann, bob = await workers(stage, "Ann", "Bob")
    alias = {
        w: (await stage.services.market.people.user(w.tg_id)).alias  # type: ignore[union-attr]
        for w in (ann, bob)
    }
    hit_id = await published_poll(stage, rita, "Which is calmer? | Sea | City ; reward=0.05 n=2")
    await rita.send(f"/msg {hit_id} Hello?")
    assert "Nobody has taken that HIT yet" in rita.last_text()

    await do_poll(ann, clock, "Sea", 30)
    await rita.send(f"/msg {hit_id} Why the sea?")
    assert "Sent" in rita.last_text()
    assert "Why the sea?" in ann.last_text() and "From requester Rita" in ann.last_text()
    assert not any("Why the sea?" in text for text in bob.texts())

    await do_poll(bob, clock, "City", 30)
    bob_seen = len(bob.texts())
    await rita.send(f"/msg {hit_id} And you?")
    several = rita.last_text()
    assert f"2 workers took HIT #{hit_id}" in several
    assert alias[ann] in several and alias[bob] in several and "/msg W-" in several
    assert not any("And you?" in text for text in ann.texts() + bob.texts()[bob_seen:])
    await rita.send(f"/msg {alias[bob]} And you?")
    assert "And you?" in bob.last_text()

    await olga.send(f"/msg {hit_id} Hi")
    assert "only write about work you did or tasks you posted" in olga.last_text()
    await ann.send(f"/msg {hit_id} The sea is calm")
    assert "The sea is calm" in rita.last_text()

    # The rate limit holds for the requester too: 2 sent, the listing did not count.
    for n in range(3):
        await rita.send(f"/msg {alias[ann]} note {n}")
    await rita.send(f"/msg {hit_id} too many")
    assert "many messages this hour" not in rita.last_text()
    await rita.send(f"/msg {alias[ann]} one more")
    assert "many messages this hour" in rita.last_text()
    assert "one more" not in ann.last_text()


async def test_free_window_lists_what_fits_best_first(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    # 10 minutes for $0.50 ($3.00/h), an estimated 2 minutes for $0.20 ($6.00/h),
    # 1 minute for $0.05 ($3.00/h), and 30 minutes for $0.30 (does not fit in 15 minutes).
    await published_poll(stage, rita, "Long read | A | B ; reward=0.50 n=1 time=10m")
    quick = await published_poll(
        stage, rita, "Quick look | A | B ; reward=0.20 n=1 time=20m est=2m"
    )
    await published_poll(stage, rita, "Tiny | A | B ; reward=0.05 n=1 time=1m")
    await published_poll(stage, rita, "Marathon | A | B ; reward=0.30 n=1 time=30m")

    await ann.send("/free 15m")
    shown = ann.last_text()
    assert "You have 15m" in shown
    assert shown.index("Quick look") < shown.index("Long read") < shown.index("Tiny")
    assert "Marathon" not in shown
    assert "~2m (≈$6.00/h)" in shown and "Long read — $0.50 · up to 10m (≥$3.00/h)" in shown

    free = stage.services.fair.free
    user = await stage.services.market.people.user(ann.tg_id)
    assert user is not None
    clock.advance(6 * 60)
    left, fitting = await free.fitting(user)
    assert left == 9 * 60, "the window is stored from when it was given"
    assert [item.hit.title for item in fitting] == ["Quick look", "Tiny"], "10m no longer fits"

    await ann.press("1.")
    assert "1/1" in ann.last_text() and "Quick look" in ann.last_text()
    hit = await stage.services.market.reading.hit(quick)
    assert hit is not None and hit.slots_used == 1

    await ann.send("/free off")
    assert "all tasks again" in ann.last_text()
    assert await free.fitting(user) == (None, [])
    await ann.send("/free 10h")
    assert "/free 15m" in ann.last_text()


async def test_pushes_during_a_free_window_only_bring_what_fits(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann, ben = await workers(stage, "Ann", "Ben")
    await ann.send("/free 15m")
    await published_poll(stage, rita, "Marathon | A | B ; reward=0.60 n=2 time=30m")
    await published_poll(stage, rita, "Read first | A | B ; reward=0.60 n=2 time=30m est=12m")
    await published_poll(stage, rita, "Tiny | A | B ; reward=0.05 n=2 time=1m")
    assert "Marathon" not in " ".join(ann.texts()), "30 minutes do not fit in 15"
    assert "Read first" in " ".join(ann.texts()), "an estimate of 12 minutes does"
    assert "Tiny" in ann.last_text()
    assert all(title in " ".join(ben.texts()) for title in ("Marathon", "Read first", "Tiny"))

    clock.advance(5 * 60)  # 10 minutes left: 12 no longer fit
    await published_poll(stage, rita, "Second read | A | B ; reward=0.60 n=2 time=30m est=12m")
    assert "Second read" not in " ".join(ann.texts())
    clock.advance(11 * 60)  # the window is over: everything again
    await published_poll(stage, rita, "Marathon II | A | B ; reward=0.60 n=2 time=30m")
    assert "Marathon II" in ann.last_text()
