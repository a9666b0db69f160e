"""Finding work: onboarding and settings, push cards, preview, mute, deep links, /hits, /next,
the max_active limit and "Next task in this batch"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import HitKind, QuestionKind, QuestionSpec
from storage import workers
from tests.auxil.gestures import answer_poll, approve_next
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.posting import new_batch, post
from tests.auxil.screens import labels
from tests.auxil.stages import roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for the setup taps of several workers within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


ONE = (QuestionSpec(QuestionKind.SINGLE, "Yes or no?", ("Yes", "No")),)


async def test_onboarding_in_five_taps_then_settings(stage: Stage, admin: Actor) -> None:
    ann = stage.user("Ann")
    await ann.send("/start")
    assert "Welcome to gigbot" in ann.last_text()
    await ann.press("I want to work")
    assert "Step 1/5" in ann.last_text()
    assert {"✓ Polls", "✓ Surveys", "✓ Tagging"} <= set(labels(ann))
    await ann.press("Surveys")
    assert "Surveys" in labels(ann) and "✓ Polls" in labels(ann)
    await ann.press("Next")
    assert "Step 2/5" in ann.last_text()
    await ann.press("Images")
    await ann.press("Next")
    await ann.press("$0.05+")
    assert "Step 4/5" in ann.last_text()
    await ann.press("Berlin")
    assert "Step 5/5" in ann.last_text()
    await ann.press("22:00–07:00")
    assert "All set" in ann.last_text() and "Europe/Berlin" in ann.last_text()
    assert len(ann.messages()) == 2, "the welcome, then the setup: one message edited in place"

    user = await user_of(stage, ann)
    async with stage.services.db.reading() as conn:
        prefs = await workers.prefs(conn, user.id)
    assert prefs.kinds == {HitKind.POLL, HitKind.TAG} and prefs.topics == {"images"}
    assert (prefs.min_reward_cents, prefs.timezone) == (5, "Europe/Berlin")
    assert (prefs.quiet_start, prefs.quiet_end, prefs.onboarded) == (22 * 60, 7 * 60, True)

    # Only what matches reaches /hits: a survey, a cheap poll and an off-topic tag do not.
    rita = await funded_requester(stage, admin)
    await post(stage, rita, ONE, title="A survey", kind=HitKind.SURVEY)
    await post(stage, rita, ONE, title="Cheap poll", kind=HitKind.POLL, reward_cents=2)
    await post(stage, rita, ONE, title="Words", kind=HitKind.TAG, topic="language")
    await post(stage, rita, ONE, title="Photos", kind=HitKind.TAG, topic="images")
    await ann.send("/hits")
    rows = labels(ann)
    assert any("Photos" in r for r in rows)
    assert not any(t in r for r in rows for t in ("A survey", "Cheap poll", "Words"))
    pushed = [m.text or "" for m in ann.messages()]
    assert any("Photos" in t for t in pushed) and not any("Cheap poll" in t for t in pushed)

    await ann.send("/settings")
    assert "Minimum reward: $0.05+" in ann.last_text()
    await ann.press("Min reward")
    assert "⚙️ Smallest reward" in ann.last_text() and "Step" not in ann.last_text()
    await ann.press("any")
    assert "Your settings" in ann.last_text() and "Minimum reward: any" in ann.last_text()
    await ann.press("Pushes: on")
    assert "Pushes: off" in ann.last_text()
    await ann.send("/timezone Mars/Olympus")
    assert "/timezone Europe/Berlin" in ann.last_text()
    await ann.send("/timezone America/New_York")
    assert "America/New_York" in ann.last_text()
    await ann.send("/start")
    assert "Welcome back" in ann.last_text() and "Step" not in ann.last_text()


async def test_push_card_preview_and_mute(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    hit_id = await post(stage, rita, reward_cents=25, n=4, time_s=600)
    card = ann.last()
    text = card.text or ""
    for part in (
        "$0.25",
        "10m to do it",
        "⚡ ≥$1.50/h (if it takes all 10m: no estimate given)",
        "👤 Rita\n",
        "4 of 4 left",
        "⭐ new requester",
    ):
        assert part in text, text
    assert {"✅ Accept", "👀 Preview", "Skip", "🔕 Mute requester"} <= set(labels(ann))

    await ann.press("Preview")
    assert "Favourite colour?" in ann.last_text() and "free text" in ann.last_text()
    assert "We won! → positive / sports / news" in ann.last_text()
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 0, "a preview takes no slot"
    await ann.press("Card")
    assert "4 of 4 left" in ann.last_text()
    await ann.press("Mute requester")
    assert "Muted Rita" in ann.last_text() and ann.last().message_id == card.message_id
    await post(stage, rita, ONE, title="Another from Rita")
    assert not any("Another from Rita" in t for t in ann.texts()), "no push after a mute"
    await ann.send("/hits")
    assert not any("Rita" in r or "survey" in r for r in labels(ann)[:-7])
    assert "Open tasks · none · all kinds" in ann.last_text() and "page" not in ann.last_text()
    await ann.send("/next")
    assert "Nothing open for you" in ann.last_text()
    await ann.press("Undo", card.message_id)
    await ann.send("/next")
    assert "Rita" in ann.last_text()


async def test_requester_record_on_the_card(stage: Stage, admin: Actor, clock: FakeClock) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cy = [await worker(stage, n) for n in ("Ann", "Bob", "Cy")]
    await post(stage, rita, ONE, n=2)
    for w in (ann, bob):
        await answer_poll(w, "Yes")
    await approve_next(rita)
    await rita.press("Reject")
    await rita.send("Too fast")
    clock.advance(61)  # a wave reuses the reputation line for a minute (bot/fair/notices.py)
    await post(stage, rita, ONE, title="Second")
    assert "👤 Rita\n" in cy.last_text() and "· 50% of 2 approved ·" in cy.last_text()
    await cy.send("/hits")
    await cy.press("Second")
    assert "· 50% of 2 approved ·" in cy.last_text(), "a card from /hits reads as the push"


async def test_deep_links(stage: Stage, admin: Actor, clock: FakeClock) -> None:
    rita = await funded_requester(stage, admin)
    full = await post(stage, rita, ONE, title="Tiny", n=1)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    await ann.send(f"/start hit_{full}")
    await ann.press("Accept")
    await bob.send(f"/start hit_{full}")
    assert "Tiny is full" in bob.last_text()

    seen = len(bob.texts())
    await bob.send("/start hit_99999")
    assert "doesn't exist" in bob.last_text()
    assert len(bob.texts()) == seen + 1, "no welcome or setup again: just the answer"
    await bob.send("/start hit_abc")
    assert "Welcome back" in bob.last_text(), "a malformed payload is just /start"
    await bob.send("/start batch_424242")
    assert "doesn't exist" in bob.last_text()

    short = await post(stage, rita, ONE, title="Brief", life_s=120)
    clock.advance(121)
    await bob.send(f"/start hit_{short}")
    assert "Brief is closed" in bob.last_text()

    newbie = stage.user("Nia")
    await newbie.send(f"/start hit_{await post(stage, rita, ONE, title='Fresh')}")
    assert "Fresh" in newbie.last_text() and "✅ Accept" in labels(newbie)
    assert "Welcome to gigbot" in newbie.texts()[-2]

    await ann.send(f"/start hit_{full}")
    assert "working on" in ann.texts()[-2] and "1/1" in ann.last_text()
    await ann.press("Yes")
    assert "→ Yes" in ann.last_text(), "the re-sent message is now the task's message"


async def test_batch_link_and_next_hit_in_batch(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    batch = await new_batch(stage, rita)
    ids = [await post(stage, rita, ONE, title=f"Item {i}", batch_id=batch) for i in range(2)]
    ann = await worker(stage, "Ann")
    await ann.send(f"/start batch_{batch}")
    assert "Item" in ann.last_text()
    await ann.press("Accept")
    task = ann.last()
    assert "Item 1 of 2" in ann.last_text()
    await ann.press("Yes")
    await ann.press("Submit")
    assert ann.stage.sim.alerts(ann.user)[-1].get("text") == "📨 Submitted · $0.10 pending review"
    assert "Item 2 of 2" in ann.last_text(), "the batch's next item follows in the same message"
    await ann.press("Yes")
    await ann.press("Submit")
    assert "$0.20 pending in total" in ann.last_text() and "2 of 2 items done" in ann.last_text()
    assert ann.last().message_id == task.message_id and len(labels(ann)) == 0
    await ann.send(f"/start batch_{batch}")
    assert "Nothing left for you in this batch" in ann.last_text()
    assert len(ids) == 2


async def test_max_active_refuses_one_more(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    for i in range(4):
        await post(stage, rita, ONE, title=f"Task {i}")
    cards = [m.message_id for m in ann.messages() if "Accept" in str(m.buttons())]
    for message_id in cards[:3]:
        assert await ann.press("Accept", message_id) is not None
    alert = await ann.press("Accept", cards[3])
    assert alert is not None and "already have 3 tasks" in alert
    await ann.send("/status")
    assert ann.last_text().count("left") >= 3 and "In progress" in ann.last_text()


async def test_hits_pages_sorts_and_filters(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=100_000)
    # 12 HITs: reward 1..12 cents, survey/poll alternating; tag #6 is slow but well paid.
    for i in range(1, 13):
        kind = HitKind.SURVEY if i % 2 else HitKind.POLL
        await post(stage, rita, ONE, title=f"H{i:02d}", kind=kind, reward_cents=i)
    await post(
        stage,
        rita,
        tuple(QuestionSpec(QuestionKind.TEXT, f"Q{j}") for j in range(6)),
        title="Long tag",
        kind=HitKind.TAG,
        reward_cents=50,
        time_s=3600,
    )
    ann = await worker(stage, "Ann")  # after the posts: no burst of 13 pushes into one chat
    await ann.send("/hits")
    assert "13" in ann.last_text() and "page 1/3" in ann.last_text()
    assert "👤 Rita ⭐ new requester" in ann.last_text(), "who posts them, and their record"
    assert ann.last_text().count("Rita") == 1, "once a page, not once a task"
    rows = labels(ann)
    assert rows[0].endswith("H12") and rows[1].endswith("H11"), rows  # ≈ 10 s each: per minute
    await ann.press("Reward")
    rows = labels(ann)
    assert rows[0].endswith("Long tag") and rows[1].endswith("H12")
    await ann.press("▶️")
    assert "page 2/3" in ann.last_text() and labels(ann)[0].endswith("H08")
    await ann.press("▶️")
    assert "page 3/3" in ann.last_text() and labels(ann)[2].endswith("H01")
    assert "▶️" not in labels(ann)
    await ann.press("Tagging")
    assert "page 1/1" in ann.last_text() and labels(ann)[0].endswith("Long tag")
    await ann.press("Newest")
    assert labels(ann)[0].endswith("Long tag")
    await ann.press("Polls")
    assert "6 · Polls" in ann.last_text() and labels(ann)[0].endswith("H12")
    assert len(ann.messages()) == len(set(m.message_id for m in ann.messages()))
    listing = ann.last().message_id
    await ann.press(labels(ann)[0])
    assert "✅ Accept" in labels(ann) and ann.last().message_id != listing

    await ann.send("/next")
    assert "H12" in ann.last_text(), "best reward per minute"
    for message in ann.messages():
        for row in message.buttons():
            assert all(len((d or "").encode()) <= 64 for _, d, _ in row)


async def test_hits_names_each_requester_once_with_their_tasks(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=100_000)
    sam = await funded_requester(stage, admin, "Sam", cents=100_000)
    for i in range(3):
        await post(stage, rita, ONE, title=f"Rita's poll {i}", kind=HitKind.POLL)
    await post(stage, sam, ONE, title="A very long title about shoes", kind=HitKind.POLL)
    ann = await worker(stage, "Ann")
    await ann.send("/hits")
    page = ann.last_text()
    assert page.count("👤 Rita ⭐") == 1 and page.count("👤 Sam ⭐") == 1, page
    assert "Rita's poll 0" in page and "A very long title a…" in page, "which are whose"
