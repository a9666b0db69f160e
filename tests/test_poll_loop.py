"""The core loop: a requester posts a poll, workers do it, the requester reviews, money moves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import answer_poll
from tests.auxil.people import funded_requester, set_up
from tests.auxil.posting import published_poll
from tests.auxil.stages import later, roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for the setup taps of several workers within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def _workers(stage: Stage, *names: str) -> list[Actor]:
    found = []
    for name in names:
        worker = stage.user(name)
        await worker.send("/start")
        assert "Welcome to gigbot" in worker.last_text()
        await set_up(worker)
        found.append(worker)
    return found


async def test_poll_from_post_to_earnings(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    assert "$100.00 was added" in rita.last_text()
    ann, bob = await _workers(stage, "Ann", "Bob")

    hit_id = await published_poll(
        stage, rita, "Which logo is clearer? | A | B | C ; reward=0.05 n=2 time=2m"
    )
    for worker in (ann, bob):
        assert "Which logo is clearer?" in worker.last_text()
        assert "$0.05" in worker.last_text() and "2 of 2 left" in worker.last_text()
    await rita.send("/balance")
    assert "$99.90" in rita.last_text() and "$0.10" in rita.last_text()

    assert await ann.press("Accept") is not None
    card = ann.last()
    assert "1/1" in card.text and "A" in [b[0] for row in card.buttons() for b in row]
    assert card.text.count("Which logo is clearer?") == 1, "a poll's question is its title"
    await ann.press("B")
    assert "Your answers" in ann.last_text() and "→ B" in ann.last_text()
    await ann.press("Submit")
    assert "Submitted" in ann.last_text() and "$0.05 pending" in ann.last_text()
    assert ann.last().message_id == card.message_id, "the task is one message edited in place"

    await answer_poll(bob, "C")

    await ann.send("/earnings")
    assert "Pending: $0.05" in ann.last_text()

    await rita.send("/review")
    assert "2 waiting" in rita.last_text() and "W-" in rita.last_text()
    assert "Which logo is clearer? → B" in rita.last_text(), "Ann's answer, oldest first"
    await rita.press("Approve")
    assert "1 waiting" in rita.last_text() and "Which logo is clearer? → C" in rita.last_text()
    card = rita.last()
    await rita.press("Reject")
    assert "Why are you rejecting" in rita.last_text()
    await rita.send("Answer C contradicts the instructions")
    assert rita.last().message_id == card.message_id, "the card is edited, as by Approve"
    assert "Rejected" in rita.last_text() and "with your reason" in rita.last_text()
    assert "Nothing to review" in rita.last_text()

    assert "Approved" in ann.last_text() and "+$0.05" in ann.last_text()
    assert "Rejected" in bob.last_text() and "contradicts the instructions" in bob.last_text()
    await ann.send("/earnings")
    assert "Approved: $0.05 (1)" in ann.last_text() and "Balance: $0.05" in ann.last_text()
    await bob.send("/earnings")
    assert "Balance: $0.00" in bob.last_text() and "Rejected: 1" in bob.last_text()

    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_id}"] == 0
    assert sum(balances.values()) == 0
    await rita.send("/balance")
    assert "$99.95" in rita.last_text(), "the rejected reward went back to the requester"
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.status.value == "closed"


async def test_publish_refused_without_funds(stage: Stage) -> None:
    rita = stage.user("Rita")
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.10 n=5")
    alert = await rita.press("Publish")
    assert alert is not None and "Not enough balance" in alert and "$0.50" in alert
    assert "Preview" in rita.texts()[-2], "the draft stays for when the money arrives"
    assert "Add money to your balance" in rita.last_text(), "the amounts to deposit, offered"
    await rita.press("$5.00")
    assert await rita.pay() is None
    await rita.press("Publish")  # on the same preview: it becomes the confirmation
    assert any("Published poll #" in text for text in rita.texts())


async def test_discard_draft(stage: Stage) -> None:
    rita = stage.user("Rita")
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.10 n=5")
    await rita.press("Cancel")
    assert "discarded" in rita.last_text()


async def test_return_releases_the_slot(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await _workers(stage, "Ann", "Bob")
    hit_id = await published_poll(stage, rita, "Pick one | X | Y ; reward=0.05 n=1")
    await ann.press("Accept")
    assert "Filled — see /next" in bob.last_text(), "Bob's push was edited when it filled"
    await ann.press("Return")
    assert "Returned" in ann.last_text()
    await bob.send(f"/start hit_{hit_id}")
    assert await bob.press("Accept") is not None
    assert "1/1" in bob.last_text()


async def test_back_goes_to_the_question(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await _workers(stage, "Ann")
    await published_poll(stage, rita, "Pick one | X | Y ; reward=0.05 n=1")
    await ann.press("Accept")
    await ann.press("X")
    await ann.press("Back")
    assert "1/1" in ann.last_text()
    await ann.press("Y")
    assert "→ Y" in ann.last_text()


async def test_the_preview_shows_the_poll_and_its_total_cost_before_anything_moves(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.05 n=3 time=2m life=2h")
    preview = rita.last_text()
    assert "Preview" in preview and "Tea or coffee?" in preview
    assert "• Tea" in preview and "• Coffee" in preview
    assert "$0.05 × 3 workers = $0.15" in preview
    assert "2m each · open for 2h" in preview
    await rita.send("/balance")
    assert "Available: $100.00" in rita.last_text(), "nothing escrowed before Publish"


async def test_a_poll_with_its_own_auto_approval_delay(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await _workers(stage, "Ann")
    await rita.send("/newpoll Tea? | Yes | No ; reward=0.05 n=1 auto=30m")
    assert "auto-approve after 30m" in rita.last_text(), "the preview says it"
    await rita.press("Publish")
    await answer_poll(ann, "Yes")
    await later(stage, 29 * 60)
    assert "Approved" not in ann.last_text()
    await later(stage, 60)
    assert "Approved" in ann.last_text() and "+$0.05" in ann.last_text()
