"""Hostile input (issue 19): whatever users type, every screen fits Telegram, every stored
answer has a bound, and nothing jams a requester's review."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from bot.fit import units
from bot.stage import Actor
from tests.conftest import funded_requester, roomy_stage, workers

LONG_ANSWER = ("Great idea 😀 " * 40)[:499] + "!"  # the most a free-text answer may be


async def _ten_question_survey(rita: Actor) -> None:
    """Rita publishes a survey of ten free-text questions for two workers."""
    await rita.send("/newsurvey")
    await rita.send("Tell us everything")
    for n in range(1, 11):
        await rita.press("Free text")
        await rita.send(f"Question {n}: what do you think of it?")
    await rita.press("Done")
    await rita.send("reward=0.10 n=2 time=1h")
    await rita.press("Publish")
    assert "Published survey" in rita.last_text(), rita.last_text()


async def _answer_all(worker: Actor, answer: str) -> None:
    await worker.press("Accept")
    for _ in range(10):
        await worker.send(answer)
    await worker.press("Submit")
    assert "Submitted" in worker.last_text(), worker.last_text()


async def test_long_answers_are_shortened_on_the_review_card_and_sent_in_full(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with roomy_stage(tmp_path, clock) as stage:
        rita = await funded_requester(stage, stage.admin())
        ann, bob = await workers(stage, "Ann", "Bob")
        await _ten_question_survey(rita)
        await _answer_all(ann, LONG_ANSWER)
        await _answer_all(bob, "Short and sweet.")

        await rita.send("/review")
        card_id, card = rita.last().message_id, rita.last_text()
        assert "2 waiting" in card and "Question 10" in card, card
        assert "shortened" in card and units(card) <= 4096
        await rita.press("Full answers")
        ((name, content),) = stage.sim.sent_documents(rita.tg_id)
        text = content.decode("utf-8")
        assert name.endswith(".txt") and text.count(LONG_ANSWER) == 10
        assert "Question 10: what do you think of it?" in text

        await rita.press("Approve", card_id)
        redrawn = stage.sim.message_by_id(rita.tg_id, card_id)
        card = redrawn.text or ""
        assert "1 waiting" in card and "Short and sweet." in card, "the next one is not stuck"
        assert "shortened" not in card, "short answers are shown whole, with no file button"
        assert not any("Full answers" in b[0] for row in redrawn.buttons() for b in row)


async def test_full_answers_is_only_for_the_requester_of_the_work(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with roomy_stage(tmp_path, clock) as stage:
        rita = await funded_requester(stage, stage.admin())
        (ann,) = await workers(stage, "Ann")
        await _ten_question_survey(rita)
        await _answer_all(ann, LONG_ANSWER)
        await rita.send("/review")
        data = next(
            d for row in rita.last().buttons() for t, d, _ in row if "Full answers" in t and d
        )
        mallory = await funded_requester(stage, stage.admin(), "Mallory")
        seen = len(stage.sim.alerts(mallory.user))
        update = stage.sim.callback(
            mallory.user, mallory.last().message_id, data, enqueue=False, check_button=False
        )
        await stage.deliver(update)
        assert "isn't your HIT" in str(stage.sim.alerts(mallory.user)[seen:][-1]["text"])
        assert stage.sim.sent_documents(mallory.tg_id) == []
