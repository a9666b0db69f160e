"""First contact: /start offers both roles; the worker setup comes in its own message under
the welcome, with Back on each step; the requester path says how to fund and post; only
workers who finished the setup get pushes (and those from before the setup gate keep them)."""

from __future__ import annotations

import json
import re

from bot.demo.stage import Actor, Stage
from storage import workers
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.posting import published_poll
from tests.auxil.screens import labels

POLL = "Tea or coffee? | Tea | Coffee ; reward=0.05 n=5"


def _menu(stage: Stage, actor: Actor) -> list[str]:
    """The command names Telegram shows in `actor`'s own chat."""
    scope = json.dumps({"chat_id": actor.tg_id, "type": "chat"}, sort_keys=True)
    return [str(c["command"]) for c in stage.sim.commands.get(scope, [])]


def _pushed(actor: Actor, title: str) -> bool:
    return any(title in text and "Accept" in str(m.buttons()) for m, text in _texts(actor))


def _texts(actor: Actor) -> list[tuple[object, str]]:
    return [(m, m.text or "") for m in actor.messages()]


async def test_the_worker_path_keeps_the_welcome_and_has_back_on_each_step(stage: Stage) -> None:
    ann = stage.user("Ann")
    await ann.send("/start")
    welcome = ann.last()
    alias = (await user_of(stage, ann)).alias
    assert "Welcome to gigbot" in (welcome.text or "") and alias in (welcome.text or "")
    assert labels(ann) == ["🧑‍💻 I want to work", "📋 I want to post tasks"]

    await ann.press("I want to work")
    setup = ann.last()
    assert setup.message_id != welcome.message_id, "the setup is a message of its own"
    assert "Quick setup" in (setup.text or "") and "Step 1/5" in (setup.text or "")
    assert "Back" not in " ".join(labels(ann)) and "Skip, use defaults" in " ".join(labels(ann))
    kept = ann.stage.sim.message_by_id(ann.tg_id, welcome.message_id)
    assert kept.text == welcome.text, "the welcome (alias, how it works) stays as it was"
    assert labels(ann, welcome.message_id) == ["📋 I want to post tasks"]

    await ann.press("Surveys")
    await ann.press("Next")
    assert "Step 2/5" in ann.last_text()
    await ann.press("Back")
    assert "Step 1/5" in ann.last_text() and "Quick setup" in ann.last_text()
    assert {"✓ Polls", "Surveys"} <= set(labels(ann)), "the choice made there is kept"
    await ann.press("Next")
    await ann.press("Next")
    assert "Step 3/5" in ann.last_text()
    await ann.press("$0.05+")
    assert "Step 4/5" in ann.last_text()
    await ann.press("Back")
    assert "Step 3/5" in ann.last_text() and "✓ $0.05+" in labels(ann)
    await ann.press("$0.02+")
    await ann.press("Berlin")
    assert "Step 5/5" in ann.last_text()
    await ann.press("Back")
    assert "Step 4/5" in ann.last_text() and "✓ Berlin" in labels(ann)
    await ann.press("Berlin")
    await ann.press("23:00–08:00")
    assert "All set" in ann.last_text() and "Minimum reward: $0.02+" in ann.last_text()
    assert [m.message_id for m in ann.messages()] == [welcome.message_id, setup.message_id]
    for message in ann.messages():  # every step went through Telegram's checks
        for row in message.buttons():
            assert all(len((d or "").encode()) <= 64 for _, d, _ in row)

    ann_id = (await user_of(stage, ann)).id
    async with stage.services.db.reading() as conn:
        prefs = await workers.prefs(conn, ann_id)
    assert prefs.onboarded and prefs.timezone == "Europe/Berlin" and prefs.min_reward_cents == 2

    await ann.send("/start")
    assert "Welcome back" in ann.last_text() and not labels(ann), "set up: no choice again"


async def test_the_requester_path_says_how_to_fund_and_post(stage: Stage, admin: Actor) -> None:
    rita = stage.user("Rita")
    await rita.send("/start")
    welcome = rita.last()
    await rita.press("I want to post tasks")
    guide = rita.last_text()
    assert "Posting tasks" in guide and "Your balance: $0.00" in guide
    assert f"your id {rita.tg_id}" in guide, "what the operator needs to fund her"
    assert "Add money with /deposit" in guide, "or she pays in Telegram herself"
    assert "/newpoll" in guide and "/newsurvey" in guide and "/newbatch" in guide
    assert labels(rita, welcome.message_id) == ["🧑‍💻 I want to work"]
    assert "newpoll" in _menu(stage, rita), "her command menu now has the requester's commands"

    await admin.send(f"/fund {rita.tg_id} 5.00")
    assert "$5.00 was added" in rita.last_text()
    example = re.search(r"(/newpoll [^\n]+)", guide)
    assert example is not None
    await rita.send(example.group(1))
    assert "Preview" in rita.last_text(), "the example in the guide is a poll that works"
    await rita.press("Publish")
    assert "Published poll" in rita.last_text()

    await rita.send("/start")
    assert "What would you like to do?" in rita.last_text(), "no worker setup yet: both ways in"
    await rita.press("I want to post tasks")
    assert "Your balance: $4.50, ready to spend" in rita.last_text()


async def test_only_workers_who_finished_the_setup_get_pushes(stage: Stage, admin: Actor) -> None:
    rob = await funded_requester(stage, admin, "Rob")
    await rob.press("I want to post tasks")
    ann = stage.user("Ann")
    await ann.send("/start")
    await ann.press("I want to work")
    await ann.press("Next")  # and leaves the setup half-way
    bob = stage.user("Bob")
    await bob.send("/start")  # chooses nothing
    cy = await worker(stage, "Cy")

    await published_poll(stage, rob, POLL)
    assert _pushed(cy, "Tea or coffee?")
    assert not _pushed(ann, "Tea or coffee?") and not _pushed(bob, "Tea or coffee?")
    await ann.send("/hits")
    assert "Tea or coffee?" in " ".join(labels(ann)), "/hits still lists it: she may look"

    await ann.send("/settings")
    assert "No tasks are sent to you until you finish the setup" in ann.last_text()
    await ann.press("Finish setup")
    assert "Step 1/5" in ann.last_text()
    await ann.press("Skip, use defaults")
    assert "All set" in ann.last_text()
    await ann.send("/settings")
    assert "finish the setup" not in ann.last_text() and "Finish setup" not in labels(ann)
    await published_poll(stage, rob, "Milk or lemon? | Milk | Lemon ; reward=0.05 n=5")
    assert _pushed(ann, "Milk or lemon?") and not _pushed(bob, "Milk or lemon?")


async def test_workers_from_before_the_setup_gate_keep_their_pushes(
    stage: Stage, admin: Actor
) -> None:
    ann = stage.user("Ann")
    await ann.send("/start")  # an old row: no preferences stored
    bob = stage.user("Bob")
    await bob.send("/start")
    await bob.press("I want to work")
    await bob.press("Surveys")  # an old row: preferences stored, setup never finished
    async with stage.services.db.transaction() as conn:  # the file as it was before 0017
        await conn.execute("DELETE FROM schema_version WHERE version = 17")
    upgraded = await stage.another_process()  # opening the file migrates it
    await upgraded.close()

    rita = await funded_requester(stage, admin)
    await published_poll(stage, rita, POLL)
    assert _pushed(ann, "Tea or coffee?") and _pushed(bob, "Tea or coffee?")
