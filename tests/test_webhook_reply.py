"""Behind a webhook, a button press is answered inside the webhook response: Telegram runs
the answerCallbackQuery given as the response body, and the bot makes one request per tap
(the edit) instead of two. Everything else reads as it does with polling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.clock import FakeClock
from bot.demo.stage import WEBHOOK_SECRET, Actor, Stage
from tests.auxil.database import database_at
from tests.auxil.gestures import approve_next
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll
from tests.auxil.stages import failing_on_errors


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    opened = await Stage.open(await database_at(tmp_path, "gigbot"), clock=clock, webhook=True)
    async with failing_on_errors(opened):
        yield opened


def answers(stage: Stage) -> tuple[int, int]:
    """(answerCallbackQuery run from webhook responses, answerCallbackQuery in all)."""
    replied = stage.sim.webhook_calls.count("answerCallbackQuery")
    return replied, len(stage.sim.calls_to("answerCallbackQuery"))


async def test_each_press_is_answered_in_the_webhook_response(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    assert answers(stage) == (2, 2), "her two setup taps"
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=2")
    assert answers(stage) == (3, 3), "Publish"

    def edits() -> int:
        calls = stage.sim.calls_to("editMessageText")
        return len([c for c in calls if c.params["chat_id"] == ann.tg_id])

    before = edits()
    await ann.press("Accept")
    assert "1/1" in ann.last_text()
    await ann.press("Tea")
    await ann.press("Submit")
    assert "Submitted" in ann.last_text()
    assert answers(stage) == (6, 6), "every answer went in a response, none as a request"
    assert edits() - before == 3, "the screen still changes with each press"

    # A stale button's alert is an answer too: it travels the same way, as an alert.
    submit = next(m for m in ann.messages() if "Submitted" in (m.text or ""))
    stale = stage.sim.callback(
        ann.user, submit.message_id, "x:stale", enqueue=False, check_button=False
    )
    await stage.deliver(stale)
    assert answers(stage) == (7, 7)
    alert = stage.sim.alerts(ann.user)[-1]
    assert alert.get("show_alert") is True and alert.get("text")

    await approve_next(rita)
    await ann.send("/earnings")
    assert "$0.05" in ann.last_text()


async def test_the_webhook_refuses_posts_without_the_secret(stage: Stage) -> None:
    assert stage.webhook is not None
    hook = stage.sim.delivery.webhook
    assert hook is not None and hook.secret_token == WEBHOOK_SECRET
    mallory = stage.sim.add_user("Mallory")
    forged = stage.sim.message(mallory, "/start", enqueue=False)
    async with httpx.AsyncClient() as client:
        missing = await client.post(hook.url, json=forged)
        wrong = await client.post(
            hook.url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        garbage = await client.post(
            hook.url,
            content=b"{not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
        )
    assert (missing.status_code, wrong.status_code, garbage.status_code) == (403, 403, 400)
    assert stage.sim.bot_messages(mallory) == []
