"""Working inline: every question kind in one survey, Back, Return, limits, stale buttons."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from bot.domain import HitKind, QuestionKind, QuestionSpec
from storage import assignments
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.posting import post
from tests.auxil.screens import labels


async def test_survey_with_every_question_kind(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    hit_id = await post(stage, rita)
    card = ann.last()
    assert "Quick survey" in card.text and "5 questions" in card.text
    await ann.press("Accept")
    assert ann.last().message_id == card.message_id

    assert "1/5" in ann.last_text() and "Favourite colour?" in ann.last_text()
    await ann.press("Blue")

    assert "2/5" in ann.last_text() and "Tick all that apply" in ann.last_text()
    await ann.press("Car")
    await ann.press("Boat")
    assert {"✓ Car", "Bike", "✓ Boat"} <= set(labels(ann))
    await ann.press("Car")  # untick
    assert {"Car", "Bike", "✓ Boat"} <= set(labels(ann))
    await ann.press("Done")

    assert "3/5" in ann.last_text() and labels(ann)[:5] == ["1", "2", "3", "4", "5"]
    await ann.press("4")

    assert "4/5" in ann.last_text() and "Reply to this message" in ann.last_text()
    await ann.send("Tremendously wonderful indeed", reply_to=card.message_id)
    assert "limit is 20" in ann.last_text() and "29 characters" in ann.last_text()
    assert "4/5" in ann.stage.sim.message_by_id(ann.tg_id, card.message_id).text
    await ann.send("Sunny", reply_to=card.message_id)
    task = ann.stage.sim.message_by_id(ann.tg_id, card.message_id)
    assert "5/5" in (task.text or "") and "We won!" in (task.text or "")

    assert "Tap the label that fits" in (task.text or "")
    await ann.press("Several labels", card.message_id)
    await ann.press("positive", card.message_id)
    await ann.press("sports", card.message_id)
    await ann.press("Done", card.message_id)
    summary = ann.stage.sim.message_by_id(ann.tg_id, card.message_id).text or ""
    for shown in ("→ Blue", "→ Boat", "→ 4", "→ Sunny", "→ positive, sports"):
        assert shown in summary, summary
    await ann.press("Submit", card.message_id)
    done = ann.stage.sim.message_by_id(ann.tg_id, card.message_id).text or ""
    assert "Submitted" in done and "$0.10 pending review" in done

    ann_id = (await user_of(stage, ann)).id
    async with stage.services.db.reading() as conn:
        mine = await assignments.for_worker_and_hit(conn, ann_id, hit_id)
        assert mine is not None and mine.status.value == "submitted"
        stored = [a.value for a in await assignments.answers(conn, mine.id)]
    assert stored == ["1", "2", "4", "Sunny", "0,1"]


async def test_plain_text_answers_the_only_waiting_question(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await post(stage, rita, (QuestionSpec(QuestionKind.TEXT, "Describe tea", max_len=50),))
    card = ann.last()
    await ann.press("Accept")
    await ann.send("Hot and brown")
    assert "→ Hot and brown" in (ann.stage.sim.message_by_id(ann.tg_id, card.message_id).text or "")


async def test_text_nobody_asked_for(stage: Stage) -> None:
    ann = await worker(stage, "Ann")
    await ann.send("hello?")
    assert "/next" in ann.last_text(), "stray text gets the way on (tests/test_stray_text.py)"
    await ann.send("what now?", reply_to=ann.last().message_id)
    assert "wasn't waiting for text" in ann.last_text()


async def test_tagging_an_image(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    url = "https://example.org/cat.jpg"
    await post(
        stage,
        rita,
        (QuestionSpec(QuestionKind.TAG, "What is in the picture?", ("cat", "dog"), url),),
        kind=HitKind.TAG,
        title="Tag a photo",
    )
    await ann.press("Accept")
    task = ann.last()
    assert any(e.get("url") == url for e in task.entities), task.entities
    await ann.press("dog")  # one tap: one label, next page
    assert "→ dog" in ann.last_text()
    await ann.press("Back")
    assert "✓ dog" in labels(ann), "going back shows the label ticked, ready for more"
    await ann.press("dog")  # untick: back to one tap per label
    await ann.press("Several labels")
    alert = await ann.press("Done")
    assert alert is not None and "Tick at least one" in alert
    await ann.press("cat")
    await ann.press("dog")
    await ann.press("Done")
    assert "→ cat, dog" in ann.last_text()


async def test_back_keeps_ticks_and_return_frees_the_slot(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    hit_id = await post(stage, rita, n=1)
    bob = await worker(stage, "Bob")
    await ann.press("Accept")
    await ann.press("Red")
    await ann.press("Bike")
    await ann.press("Done")
    await ann.press("Back")
    assert "2/5" in ann.last_text() and "✓ Bike" in labels(ann)
    await ann.press("Back")
    assert "1/5" in ann.last_text() and "✓ Red" in labels(ann)
    assert "Back" not in " ".join(labels(ann)), "no Back on the first question"

    await bob.send(f"/start hit_{hit_id}")
    assert "is full" in bob.last_text()
    await ann.press("Return")
    assert "Returned" in ann.last_text()
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 0
    await bob.send(f"/start hit_{hit_id}")
    await bob.press("Accept")
    assert "1/5" in bob.last_text()


async def test_finished_and_foreign_buttons(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    await post(stage, rita, (QuestionSpec(QuestionKind.SINGLE, "Yes?", ("Yes", "No")),))
    card = ann.last()
    await ann.press("Accept")
    task = ann.last()
    yes = next(d for row in task.buttons() for t, d, _ in row if t == "Yes")
    await ann.press("Yes")
    summary = ann.last()
    submit = next(d for row in summary.buttons() for t, d, _ in row if "Submit" in t)
    assert submit is not None and yes is not None

    # Bob's client forges Ann's buttons on his own card.
    bob_card = bob.last().message_id
    for data in (submit, yes):
        seen = len(stage.sim.alerts(bob.user))
        await stage.deliver(
            stage.sim.callback(bob.user, bob_card, data, check_button=False, enqueue=False)
        )
        assert stage.sim.alerts(bob.user)[seen:][-1]["text"] == "This button isn't yours."

    # An old keyboard: the first question's button after moving on.
    seen = len(stage.sim.alerts(ann.user))
    await stage.deliver(
        stage.sim.callback(ann.user, card.message_id, yes, check_button=False, enqueue=False)
    )
    assert "already answered" in stage.sim.alerts(ann.user)[seen:][-1]["text"]

    await ann.press("Submit")
    seen = len(stage.sim.alerts(ann.user))
    await stage.deliver(
        stage.sim.callback(ann.user, card.message_id, submit, check_button=False, enqueue=False)
    )
    assert "no longer active" in stage.sim.alerts(ann.user)[seen:][-1]["text"]
    await ann.send("late text", reply_to=card.message_id)
    assert "no longer active" in ann.last_text()


async def test_long_answers_still_fit_one_message(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    prompts = tuple(
        QuestionSpec(QuestionKind.TEXT, f"Question {n}: " + "why " * 60, max_len=500)
        for n in range(12)
    )
    await post(stage, rita, prompts, title="Essay")
    card = ann.last().message_id
    await ann.press("Preview")
    assert "and 2 more" in ann.last_text()
    await ann.press("Accept")
    for n in range(12):
        await ann.send(f"{n} " + "x" * 480, reply_to=card)
    summary = stage.sim.message_by_id(ann.tg_id, card).text or ""
    assert "Your answers" in summary and len(summary) <= 4096 and "…" in summary
    await ann.press("Submit", card)
    assert "Submitted" in (stage.sim.message_by_id(ann.tg_id, card).text or "")


async def test_back_to_a_typed_answer_shows_it_and_keeps_it(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    questions = (
        QuestionSpec(QuestionKind.TEXT, "One word for your day?", max_len=20),
        QuestionSpec(QuestionKind.RATING, "How was it?"),
    )
    await post(stage, rita, questions)
    card = ann.last()
    await ann.press("Accept")
    await ann.send("Sunny")
    assert "2/2" in ann.last_text()
    await ann.press("Back")
    task = ann.last_text()
    assert "1/2" in task and "Your answer: “Sunny”" in task, task
    await ann.press("Keep this answer")  # no need to type it again
    assert "2/2" in ann.last_text()
    await ann.press("Back")
    await ann.send("Rainy", reply_to=card.message_id)  # or type a new one
    await ann.press("3")
    assert "→ Rainy" in ann.last_text() and "→ 3" in ann.last_text()
