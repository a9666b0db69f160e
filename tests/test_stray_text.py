"""Text nothing was waiting for gets a short way on (the main commands, or the tasks in
progress), never silence; text a flow waits for (a typed answer, a survey step, a reject
reason) is never taken from it; groups are left alone."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from bot.domain import HitKind, QuestionKind, QuestionSpec
from tests.auxil.gestures import answer_poll
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import post, published_poll
from tests.auxil.screens import labels

TEXT = (QuestionSpec(QuestionKind.TEXT, "One word for tea?", max_len=20),)
CHOICE = (QuestionSpec(QuestionKind.SINGLE, "Tea or coffee?", ("Tea", "Coffee")),)


async def test_stray_text_gets_the_main_commands(stage: Stage) -> None:
    ann = await worker(stage, "Ann")
    before = len(ann.messages())
    await ann.send("hello?")
    assert len(ann.messages()) == before + 1, "an answer, not silence"
    hint = ann.last_text()
    assert "isn't an answer to anything I asked" in hint
    for command in ("/next", "/hits", "/newpoll", "/help"):
        assert command in hint, command
    assert len(hint.splitlines()) <= 6, "short enough for a phone"

    newcomer = stage.user("Nia")
    await newcomer.send("hi there")
    assert "send /start" in newcomer.last_text().lower()


async def test_stray_text_while_working_leads_back_to_the_tasks(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await post(stage, rita, CHOICE, title="Drinks", kind=HitKind.POLL)
    await ann.press("Accept")
    await ann.send("Tea")  # the task takes its answer by its buttons
    assert "your tasks take their answers by the buttons" in ann.last_text()
    assert labels(ann) == ["📝 Drinks"]
    await post(stage, rita, TEXT, title="Words")
    await ann.press("Accept")
    await post(stage, rita, TEXT, title="More words", kind=HitKind.POLL)
    await ann.press("Accept")
    await ann.send("Malty")  # two tasks wait for a word: which one?
    assert "More than one of your tasks waits for a typed answer" in ann.last_text()
    assert labels(ann) == ["📝 Drinks", "📝 Words", "📝 More words"]
    await ann.press("More words")
    assert "One word for tea?" in ann.last_text() and "1/1" in ann.last_text()
    await ann.send("Malty", reply_to=ann.last().message_id)  # a reply says which
    assert "→ Malty" in ann.last_text()


async def test_text_a_flow_waits_for_is_never_taken(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await post(stage, rita, TEXT, title="Words")
    await ann.press("Accept")
    task = ann.last().message_id
    await ann.send("Strong")  # the only question waiting for text: this is its answer
    assert "→ Strong" in (ann.stage.sim.message_by_id(ann.tg_id, task).text or "")
    assert "isn't an answer" not in ann.last_text()
    await ann.press("Submit", task)

    await rita.send("/newsurvey")
    await rita.send("Tea habits")  # the survey's title
    assert "isn't an answer" not in rita.last_text()
    await rita.send("what now?")  # the step wants a kind of question, tapped
    assert rita.last_text() == "Tap one of the buttons above to go on, or /cancel to stop."
    await rita.press("Single choice")
    await rita.send("Milk first?")  # the question, taken by the survey
    assert "isn't an answer" not in rita.last_text() and "Tap one" not in rita.last_text()
    await rita.send("/cancel")

    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=1")
    await answer_poll(ann, "Tea")
    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("Please read the question")  # the reason, taken by the reject prompt
    assert "isn't an answer" not in rita.last_text()
    assert any("Reason: Please read the question" in t for t in ann.texts())


async def test_text_in_a_group_gets_no_answer(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    group = stage.sim.add_chat("Tea lovers", type="supergroup")
    stage.sim.set_member(group, rita.user, "member")
    stage.sim.set_member(group, stage.sim.world.bot.id, "member")
    await stage.deliver(stage.sim.message(rita.user, "hello all", chat=group, enqueue=False))
    assert stage.sim.bot_messages(group) == []
