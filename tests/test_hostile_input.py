"""Hostile input (issue 19): whatever users type, every screen fits Telegram, every stored
answer has a bound, and nothing jams a requester's review."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.clock import FakeClock
from bot.demo.stage import WEBHOOK_SECRET, Actor, Stage
from bot.fit import units
from tests.auxil.database import database_at
from tests.auxil.gestures import forge
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import upload
from tests.auxil.stages import failing_on_errors, roomy_stage

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


async def _reviewing_long_answers(stage: Stage) -> tuple[Actor, Actor]:
    """Rita's ten-question survey, every answer long from Ann, on Rita's /review: (Rita, Ann)."""
    rita = await funded_requester(stage, stage.admin())
    (ann,) = await workers(stage, "Ann")
    await _ten_question_survey(rita)
    await _answer_all(ann, LONG_ANSWER)
    await rita.send("/review")
    return rita, ann


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


async def test_a_dispute_of_long_answers_fits_and_offers_them_in_full(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with roomy_stage(tmp_path, clock) as stage:
        rita, ann = await _reviewing_long_answers(stage)
        await rita.press("Reject")
        await rita.send("Too long 😀 " * 45)
        await ann.press("Dispute")
        await ann.send("It is all right 😀 " * 26)
        card = rita.last_text()
        assert "Dispute" in card and "shortened" in card and units(card) <= 4096, card[-300:]
        assert "Answer within" in card
        await rita.press("Full answers")
        ((_, content),) = stage.sim.sent_documents(rita.tg_id)
        assert content.decode("utf-8").count(LONG_ANSWER) == 10


async def test_full_answers_is_only_for_the_requester_of_the_work(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with roomy_stage(tmp_path, clock) as stage:
        rita, _ = await _reviewing_long_answers(stage)
        data = next(
            d for row in rita.last().buttons() for t, d, _ in row if "Full answers" in t and d
        )
        mallory = await funded_requester(stage, stage.admin(), "Mallory")
        assert "isn't your HIT" in (await forge(stage, mallory, data) or "")
        assert stage.sim.sent_documents(mallory.tg_id) == []


FORGED_BUTTONS = (
    "acc:99999999999999999999",
    "apr:99999999999999999999",
    "ans:1:99999999999999999999:0",
    "acc:²",
    "acc:١",
    "acc:-5",
    "acc:1\n",
    "mhp:0",
    "mhp:-5",
    "mhp:99999999999999999999",
    "spf:reward:99999999999999999999:o",
    "spf:reward:²:s",
)


async def test_forged_buttons_with_odd_numbers_get_a_clear_alert(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newpoll Tea? | Yes | No ; reward=0.05 n=1")
    await rita.press("Publish")
    for data in FORGED_BUTTONS:
        seen = len(stage.sim.alerts(rita.user))
        update = stage.sim.callback(
            rita.user, rita.last().message_id, data, enqueue=False, check_button=False
        )
        await stage.deliver(update)
        (alert,) = stage.sim.alerts(rita.user)[seen:]
        assert alert["show_alert"] and "out of date" in str(alert["text"]), (data, alert)


ODD_COMMANDS = (
    ("/myhits 0", "/myhits 2"),
    ("/myhits -5", "/myhits 2"),
    ("/myhits ²", "/myhits 2"),
    ("/myhits 99999999999999999999", "/myhits 2"),
    ("/results 99999999999999999999", "/results 12"),
    ("/results b²", "/results 12"),
    ("/qualtest 99999999999999999999", "/qualtest 3"),
    ("/qualtest ³", "/qualtest 3"),
    ("/requester 99999999999999999999", "No requester"),
    ("/msg 99999999999999999999 hello", "/msg 12"),
    ("/raise 99999999999999999999 1.00", "/raise 12"),
    ("/raise ² 1.00", "/raise 12"),
    ("/newpoll Tea? | Yes | No ; reward=0.05 n=²", "n must be a whole number"),
    ("/require 99999999999999999999 approval 95", "give a HIT id"),
    ("/require ² approval 95", "give a HIT id"),
    ("/bonus 99999999999999999999 0.50 thanks", "not an alias like"),
    ("/grant W-7F3K #99999999999999999999", "no worker"),
    ("/linkchannel -²", "can't find that chat"),
    ("/start hit_99999999999999999999", "Welcome back"),
)


async def test_odd_numbers_in_commands_get_the_usage_not_an_error(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with roomy_stage(tmp_path, clock) as stage:
        admin = stage.admin()
        rita = await funded_requester(stage, admin)
        for command, expected in ODD_COMMANDS:
            await rita.send(command)
            assert expected.lower() in rita.last_text().lower(), (command, rita.last_text())
        await admin.send("/fund 99999999999999999999 1.00")
        assert "not a Telegram user id" in admin.last_text()
        await rita.send("/newpoll Tea? | Yes | No ; reward=0.05 n=१")
        assert "Preview" in rita.last_text(), "digits people type in Hindi are numbers too"


async def test_a_malformed_webhook_body_is_a_400(tmp_path: Path, clock: FakeClock) -> None:
    opened = await Stage.open(await database_at(tmp_path, "gigbot"), clock=clock, webhook=True)
    async with failing_on_errors(opened):
        hook = opened.sim.delivery.webhook
        assert hook is not None
        secret = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        bodies = (
            b"[]",
            b"null",
            b'"update"',
            b"{}",
            b'{"update_id": "x"}',
            b'{"update_id": 1e400}',
            b'{"update_id": 7, "message": 5}',
            b'{"update_id": 7, "message": {}}',
            b'{"update_id": 7, "callback_query": {"id": "1"}}',
            b'{"update_id": 7, "message": {"message_id": 1, "date": 1e400, "chat": {"id": 1, '
            b'"type": "private"}}}',
            b"[" * 100_000 + b"]" * 100_000,
            b"\xff\xfe",
        )
        async with httpx.AsyncClient() as client:
            for body in bodies:
                answered = await client.post(hook.url, content=body, headers=secret)
                assert answered.status_code == 400, body[:60]
        ann = opened.user("Ann")
        await ann.send("/start")
        assert "Welcome" in ann.texts()[0], "the webhook still serves real updates"


def _all_fit(actor: Actor) -> None:
    for text in actor.texts():
        assert units(text) <= 4096, text[:80]


async def test_the_longest_survey_keeps_its_preview_results_and_status_readable(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Ten questions of 300 characters (emoji count two) with ten 60-character choices
    each: the preview still shows the cost and Publish, /results points to the CSV for
    what does not fit, /status names ten qualifications and counts the rest."""
    async with roomy_stage(tmp_path, clock) as stage:
        rita = await funded_requester(stage, stage.admin())
        (ann,) = await workers(stage, "Ann")
        await rita.send("/newsurvey")
        await rita.send("Birds 🐦 " * 30)
        for n in range(10):
            await rita.press("Single choice")
            await rita.send((f"Q{n} which bird 🐦 is it? " * 20)[:300])
            await rita.send(
                " | ".join((f"{n}{c} a rather long bird name 🦜 " * 3)[:60] for c in "ABCDEFGHIJ")
            )
        await rita.press("Done")
        await rita.send("reward=0.10 n=1 time=1h")
        preview = rita.last_text()
        assert "× 1 worker =" in preview and units(preview) <= 4096, preview[-200:]
        await rita.press("Publish")

        await ann.press("Preview")
        await ann.press("Accept")
        for n in range(10):
            await ann.press(f"{n}A a rather")
        await ann.press("Submit")
        _all_fit(ann)

        await rita.send("/results 1")
        assert "other questions are in the CSV" in rita.last_text()
        assert any("Export CSV" in t for row in rita.last().buttons() for t, _, _ in row)
        alias = (await stage.services.market.people.user(ann.tg_id)).alias  # type: ignore[union-attr]
        for n in range(12):
            await rita.send(f"/grant {alias} Bird 🐦 expert of rank {n:02d} " + "🦜" * 10)
        await ann.send("/status")
        assert "and 2 more" in ann.last_text()
        _all_fit(rita)


async def test_a_file_whose_problems_quote_long_cells_is_still_explained(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    items = ",\n".join('{"%s": "x"}' % (f"field{n} " + "🐦" * 3000) for n in range(12))
    await upload(stage, rita, "items.json", f"[{items}]".encode())
    shown = rita.last_text()
    assert "can't be used" in shown and "Fix it and send the file again" in shown, shown[-300:]
    assert units(shown) <= 4096
