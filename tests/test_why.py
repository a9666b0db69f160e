"""/why on a push: every sentence true and well-formed, whatever the worker's record."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from bot.domain import HitKind, QuestionKind, QuestionSpec
from tests.auxil.database import set_prefs, set_record
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import draft, post

TAG = (QuestionSpec(QuestionKind.TAG, "Label it", ("bird", "cat")),)


async def test_why_states_a_weak_record_plainly(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await set_record(
        stage, ann, approved=0, rejected=1, gold_answered=2, gold_correct=0, pushes=1,
        pushes_taken=1,
    )  # fmt: skip
    await post(stage, rita, TAG, title="Birds", kind=HitKind.TAG, n=1)
    card = ann.last()
    assert "Birds" in (card.text or "")
    await ann.send("/why", reply_to=card.message_id)
    text = ann.last_text()
    assert "Why you got “Birds”" in text
    assert "✓ You take tagging tasks." in text and "You take tags" not in text
    assert "best-matched" not in text, "a record of 0 of 1 approved is nobody's best"
    assert "best record first; you were in wave 1" in text
    assert "0 of 1 reviewed task approved" in text and "0 of 2 gold items right" in text
    assert "took 1 of the 2 sent to you" in text, "this push counts as sent"
    assert "you set no minimum" in text and "your minimum is $0.00" not in text


async def test_why_for_a_newcomer_with_no_history(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    bob = await worker(stage, "Bob")
    hit_id = await draft(stage, rita, "First one? | Yes | No ; reward=0.05 n=1")
    await rita.send(f"/require {hit_id} approval 95")
    await rita.press("Publish")
    await bob.send("/why")
    text = bob.last_text()
    assert "Why you got “First one?”" in text and "✓ You take polls." in text
    assert "0 of 0" not in text and "you have 0" not in text
    assert "nothing reviewed yet" in text or "nothing of yours is reviewed yet" in text
    assert "approval rate ≥ 95% (yours: 100% until work is reviewed)" in text


async def test_why_says_what_changed_since_the_push(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    cy = await worker(stage, "Cy")
    await set_record(stage, cy, approved=12, rejected=0, pushes=4, pushes_taken=3)
    await set_prefs(stage, cy, min_reward_cents=5, topics="images")
    await post(stage, rita, TAG, title="Photos", kind=HitKind.TAG, topic="images", n=1)
    card = cy.last()
    await cy.send("/why", reply_to=card.message_id)
    text = cy.last_text()
    assert "✓ Its topic, Images, is one you picked." in text
    assert "✓ It pays $0.10, at least your minimum of $0.05." in text
    assert "12 of 12 reviewed tasks approved" in text

    await set_prefs(stage, cy, min_reward_cents=25, topics="opinion", kinds="poll")
    await cy.send("/why", reply_to=card.message_id)
    text = cy.last_text()
    assert "✗ You don't take tagging tasks any more" in text
    assert "✗ Its topic, Images, isn't one you pick any more." in text
    assert "✗ It pays $0.10, under the minimum of $0.25 you set since." in text
